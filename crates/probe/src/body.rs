//! Looking for a keyword or pattern in a response body as it arrives, without keeping
//! more than the cap.

use memchr::memmem;
use regex::bytes::Regex;

use crate::error::Error;
use downwatch_text::Value;

use crate::outcome::{Cause, Failure};
use crate::said::{MessageId, say};

/// What to look for.
#[derive(Clone, Debug)]
pub enum Pattern {
    /// A literal, case-sensitive text.
    Keyword(String),
    /// A regular expression (on bytes; `(?i)` for case-insensitive).
    Regex(Regex),
}

/// A pattern that must (or must not) appear in the body.
#[derive(Clone, Debug)]
pub struct BodyMatch {
    /// What to look for.
    pub pattern: Pattern,
    /// `true`: the pattern must appear; `false`: it must not.
    pub must_appear: bool,
}

impl BodyMatch {
    /// A keyword that must appear.
    pub fn keyword(text: &str) -> Self {
        BodyMatch {
            pattern: Pattern::Keyword(text.to_owned()),
            must_appear: true,
        }
    }

    /// A regular expression that must appear.
    pub fn regex(text: &str) -> Result<Self, Error> {
        let regex = Regex::new(text).map_err(|e| {
            // regex's syntax errors draw a multi-line diagram; its last line says what is wrong.
            let why = e.to_string();
            let why = why
                .lines()
                .last()
                .unwrap_or_default()
                .trim_start_matches("error: ")
                .to_owned();
            Error::InvalidOption(format!("invalid regular expression `{text}`: {why}"))
        })?;
        Ok(BodyMatch {
            pattern: Pattern::Regex(regex),
            must_appear: true,
        })
    }

    /// Message `id` with the pattern's kind (`keyword` or `pattern`) and text.
    fn said(&self, id: MessageId) -> downwatch_text::Message {
        let (kind, text) = match &self.pattern {
            Pattern::Keyword(k) => ("keyword", k.as_str()),
            Pattern::Regex(r) => ("pattern", r.as_str()),
        };
        say(id)
            .arg("kind", Value::Key(kind.to_owned()))
            .arg("pattern", Value::text(text))
    }
}

/// Incremental search state for one body.
pub(crate) struct Scan<'a> {
    wanted: &'a BodyMatch,
    seen: Vec<u8>,
    found: bool,
}

impl<'a> Scan<'a> {
    pub(crate) fn new(wanted: &'a BodyMatch, cap: usize) -> Self {
        Scan {
            wanted,
            seen: Vec::with_capacity(cap.min(64 * 1024)),
            found: false,
        }
    }

    /// Adds the next chunk (already cut to the cap) and searches what could now match.
    pub(crate) fn feed(&mut self, chunk: &[u8]) {
        if self.found {
            return;
        }
        let before = self.seen.len();
        self.seen.extend_from_slice(chunk);
        self.found = match &self.wanted.pattern {
            Pattern::Keyword(k) => {
                // Only the new bytes and a keyword's length of overlap can hold a new match.
                let from = before.saturating_sub(k.len().saturating_sub(1));
                memmem::find(&self.seen[from..], k.as_bytes()).is_some()
            }
            Pattern::Regex(r) => r.is_match(&self.seen),
        };
    }

    /// True once the pattern was seen.
    #[cfg(test)]
    fn settled(&self) -> bool {
        self.found
    }

    /// The verdict once reading stopped.
    pub(crate) fn verdict(&self, read: u64, truncated: bool) -> Result<(), Failure> {
        let text = match (self.wanted.must_appear, self.found) {
            (true, true) | (false, false) => return Ok(()),
            (true, false) if truncated => self.wanted.said(MessageId::HttpKeywordCapped),
            (true, false) => self.wanted.said(MessageId::HttpKeywordMissing),
            (false, true) => self.wanted.said(MessageId::HttpKeywordForbidden),
        };
        let text = text.arg("size", Value::Bytes(read));
        Err(Failure::new(Cause::HttpKeyword, text))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keyword_split_across_chunks_is_found() {
        let wanted = BodyMatch::keyword("downwatch");
        let mut scan = Scan::new(&wanted, 1024);
        scan.feed(b"hello down");
        assert!(!scan.settled());
        scan.feed(b"watch!");
        assert!(scan.settled());
        assert!(scan.verdict(16, false).is_ok());
    }

    #[test]
    fn missing_keyword_says_how_much_was_read() {
        let wanted = BodyMatch::keyword("needle");
        let mut scan = Scan::new(&wanted, 1 << 20);
        scan.feed(&[b'a'; 100]);
        let failure = scan.verdict(1 << 20, true).unwrap_err();
        assert_eq!(failure.cause, Cause::HttpKeyword);
        assert!(
            failure.message.contains("first 1.0 MiB"),
            "{}",
            failure.message
        );
    }

    #[test]
    fn forbidden_keyword_fails_when_present() {
        let wanted = BodyMatch {
            must_appear: false,
            ..BodyMatch::keyword("error")
        };
        let mut scan = Scan::new(&wanted, 1024);
        scan.feed(b"an error page");
        assert!(
            scan.verdict(13, false)
                .unwrap_err()
                .message
                .contains("forbidden")
        );
    }

    #[test]
    fn regex_matches_and_bad_regex_is_an_error() {
        let wanted = BodyMatch::regex("(?i)HELLO\\s+world").unwrap();
        let mut scan = Scan::new(&wanted, 1024);
        scan.feed(b"hello   World");
        assert!(scan.settled());
        assert!(BodyMatch::regex("(").is_err());
    }
}

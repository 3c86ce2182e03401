//! Sets of expected HTTP status codes, written like `200-299,304`.

use std::fmt;
use std::ops::RangeInclusive;
use std::str::FromStr;

use crate::error::Error;

/// A set of status codes, as inclusive ranges.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StatusSet(Vec<RangeInclusive<u16>>);

impl Default for StatusSet {
    /// 200-399: success and redirects not followed.
    fn default() -> Self {
        StatusSet(vec![200..=399])
    }
}

impl StatusSet {
    /// Whether `code` is in the set.
    pub fn contains(&self, code: u16) -> bool {
        self.0.iter().any(|range| range.contains(&code))
    }
}

impl FromStr for StatusSet {
    type Err = Error;
    fn from_str(text: &str) -> Result<Self, Error> {
        let bad = |part: &str| {
            Error::InvalidOption(format!(
                "`{part}` is not a status code or range (expected e.g. 200, 200-299 or 200-299,404)"
            ))
        };
        let code = |part: &str| {
            part.trim()
                .parse::<u16>()
                .ok()
                .filter(|c| (100..=599).contains(c))
                .ok_or_else(|| bad(part))
        };
        let mut ranges = Vec::new();
        for part in text.split(',') {
            let range = match part.split_once('-') {
                Some((lo, hi)) => code(lo)?..=code(hi)?,
                None => code(part)?..=code(part)?,
            };
            if range.is_empty() {
                return Err(bad(part));
            }
            ranges.push(range);
        }
        Ok(StatusSet(ranges))
    }
}

impl fmt::Display for StatusSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let parts: Vec<String> = self
            .0
            .iter()
            .map(|r| {
                if r.start() == r.end() {
                    r.start().to_string()
                } else {
                    format!("{}-{}", r.start(), r.end())
                }
            })
            .collect();
        f.write_str(&parts.join(","))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_codes_and_ranges() {
        let set: StatusSet = "200-299, 304,404".parse().unwrap();
        assert!(set.contains(204) && set.contains(304) && set.contains(404));
        assert!(!set.contains(301) && !set.contains(500));
        assert_eq!(set.to_string(), "200-299,304,404");
        assert!(StatusSet::default().contains(399) && !StatusSet::default().contains(400));
    }

    #[test]
    fn rejects_nonsense() {
        for text in ["", "abc", "99", "600", "300-200", "200-"] {
            assert!(text.parse::<StatusSet>().is_err(), "{text}");
        }
    }
}

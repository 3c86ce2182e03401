//! Host names as people type them: internationalized names (`bücher.test`), upper case,
//! ideographic full stops, a trailing dot. Each is mapped once, at parse time, to the
//! A-label form the wire uses (DNS queries, SNI, certificate names) with IDNA (UTS #46,
//! the mapping of the WHATWG URL standard, through the `idna` crate `url` also uses), and
//! shown in Unicode, as a browser's address bar shows it.

use std::fmt;
use std::net::IpAddr;

use idna::uts46::{AsciiDenyList, DnsLength, Hyphens, Uts46};

use crate::error::Error;

/// A host: a name to resolve, or an IP address literal.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Host {
    /// A name to resolve.
    Name(HostName),
    /// An address used as is (no DNS phase).
    Ip(IpAddr),
}

impl Host {
    /// Parses a host as found in a URL or `host:port` (IPv6 may be bracketed); a name goes
    /// through [`HostName::parse`].
    ///
    /// # Errors
    /// [`Error::InvalidTarget`] when the text is neither an address nor a valid name.
    pub fn parse(text: &str) -> Result<Host, Error> {
        let bare = text.trim_start_matches('[').trim_end_matches(']');
        if let Ok(ip) = bare.parse() {
            return Ok(Host::Ip(ip));
        }
        let name = HostName::parse(text)?;
        // What maps to an address is one (`１２７.０.０.１`, as the URL standard reads it).
        match name.ascii().parse() {
            Ok(ip) => Ok(Host::Ip(ip)),
            Err(_) => Ok(Host::Name(name)),
        }
    }
}

impl fmt::Display for Host {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Host::Name(name) => name.fmt(f),
            Host::Ip(IpAddr::V6(ip)) => write!(f, "[{ip}]"),
            Host::Ip(ip) => write!(f, "{ip}"),
        }
    }
}

/// A DNS name, held in its two forms: the A-label (ASCII) form for the wire, and the Unicode
/// form for people. Both are lower case and carry no trailing dot: `Bücher.Test.` is
/// `xn--bcher-kva.test` on the wire and `bücher.test` on screen.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct HostName {
    ascii: String,
    unicode: String,
}

impl HostName {
    /// Maps `text` with UTS #46 (non-transitional, as the URL standard and browsers do) and
    /// checks the result: labels of letters, digits, `-` and `_` (underscores appear in
    /// service names such as `_dmarc`), each of 1 to 63 bytes, 253 bytes in all (RFC 1035
    /// §2.3.4), one trailing dot allowed (an absolute name).
    ///
    /// # Errors
    /// [`Error::InvalidTarget`] naming the text.
    pub fn parse(text: &str) -> Result<HostName, Error> {
        let invalid =
            || Error::InvalidTarget(format!("`{text}` is not a valid host name or IP address"));
        let relative = text.strip_suffix('.').unwrap_or(text);
        let uts46 = Uts46::new();
        let ascii = uts46
            .to_ascii(
                relative.as_bytes(),
                AsciiDenyList::URL,
                Hyphens::Allow,
                DnsLength::Verify,
            )
            .map_err(|_| invalid())?;
        let ldh = ascii.split('.').all(|label| {
            label
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        });
        if !ldh {
            return Err(invalid());
        }
        let ascii = ascii.to_ascii_lowercase();
        let (unicode, _) = uts46.to_unicode(ascii.as_bytes(), AsciiDenyList::URL, Hyphens::Allow);
        Ok(HostName {
            unicode: unicode.into_owned(),
            ascii,
        })
    }

    /// The A-label form (`xn--bcher-kva.test`): what DNS queries, SNI, certificate names and
    /// the hosts file use.
    pub fn ascii(&self) -> &str {
        &self.ascii
    }

    /// The Unicode form (`bücher.test`), for people.
    pub fn unicode(&self) -> &str {
        &self.unicode
    }
}

/// Shows the Unicode form.
impl fmt::Display for HostName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.unicode)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn name(text: &str) -> HostName {
        match Host::parse(text) {
            Ok(Host::Name(name)) => name,
            other => panic!("{text}: {other:?}"),
        }
    }

    #[test]
    fn names_as_typed_map_to_a_labels_and_show_in_unicode() {
        for (typed, ascii, unicode) in [
            ("bücher.test", "xn--bcher-kva.test", "bücher.test"),
            ("Bücher.Test.", "xn--bcher-kva.test", "bücher.test"),
            ("xn--bcher-kva.test", "xn--bcher-kva.test", "bücher.test"),
            ("bücher。test", "xn--bcher-kva.test", "bücher.test"),
            ("مثال.test", "xn--mgbh0fb.test", "مثال.test"),
            ("Example.COM.", "example.com", "example.com"),
            (
                "_dmarc.example.com",
                "_dmarc.example.com",
                "_dmarc.example.com",
            ),
        ] {
            let name = name(typed);
            assert_eq!(name.ascii(), ascii, "{typed}");
            assert_eq!(name.unicode(), unicode, "{typed}");
            assert_eq!(Host::Name(name).to_string(), unicode);
        }
    }

    #[test]
    fn addresses_stay_addresses() {
        assert_eq!(
            Host::parse("[::1]").unwrap(),
            Host::Ip("::1".parse().unwrap())
        );
        assert_eq!(
            Host::parse("１２７.０.０.１").unwrap(),
            Host::Ip("127.0.0.1".parse().unwrap())
        );
    }

    #[test]
    fn bad_names_are_refused() {
        let long_label = format!("{}.test", "a".repeat(64));
        let long_name = format!("{}test", "abcdefghi.".repeat(25));
        for text in [
            "",
            ".",
            "a..b",
            "exa mple.com",
            "a/b",
            "bad!.test",
            "..test",
            "test..",
            long_label.as_str(),
            long_name.as_str(),
            "xn--a.test",
        ] {
            let err = Host::parse(text).unwrap_err().to_string();
            assert!(err.contains("not a valid host name"), "{text}: {err}");
        }
    }
}

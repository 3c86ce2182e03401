//! What to probe: parsed once from text (`https://…`, `tcp://host:port`, `dns://name`,
//! `tls://host:port`) into typed values.

use std::fmt;
use std::str::FromStr;

use url::{Position, Url};

use crate::error::Error;
use crate::host::{Host, HostName};

/// A DNS record type a DNS probe can ask for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RecordKind {
    /// IPv4 address.
    A,
    /// IPv6 address.
    Aaaa,
    /// Canonical name.
    Cname,
    /// Mail exchanger.
    Mx,
    /// Text.
    Txt,
    /// Name server.
    Ns,
}

impl RecordKind {
    /// The upper-case mnemonic.
    pub fn as_str(self) -> &'static str {
        match self {
            RecordKind::A => "A",
            RecordKind::Aaaa => "AAAA",
            RecordKind::Cname => "CNAME",
            RecordKind::Mx => "MX",
            RecordKind::Txt => "TXT",
            RecordKind::Ns => "NS",
        }
    }
}

impl FromStr for RecordKind {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self, Error> {
        match s.to_ascii_uppercase().as_str() {
            "A" => Ok(RecordKind::A),
            "AAAA" => Ok(RecordKind::Aaaa),
            "CNAME" => Ok(RecordKind::Cname),
            "MX" => Ok(RecordKind::Mx),
            "TXT" => Ok(RecordKind::Txt),
            "NS" => Ok(RecordKind::Ns),
            _ => Err(Error::InvalidTarget(format!(
                "unknown record type `{s}` (expected A, AAAA, CNAME, MX, TXT or NS)"
            ))),
        }
    }
}

/// A parsed probe target.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Target {
    /// An `http://` or `https://` URL.
    Http(Url),
    /// A TCP connect to host:port.
    Tcp {
        /// Host to connect to.
        host: Host,
        /// Port.
        port: u16,
    },
    /// A DNS query for a name.
    Dns {
        /// The name to query.
        name: HostName,
        /// The record type.
        kind: RecordKind,
    },
    /// A TLS handshake and certificate check.
    Tls {
        /// Host to connect to (and the SNI name when it is a name).
        host: Host,
        /// Port.
        port: u16,
    },
}

impl Target {
    /// Parses a target; `dns_kind` is the record type for `dns://` targets.
    pub fn parse(text: &str, dns_kind: RecordKind) -> Result<Target, Error> {
        let (scheme, rest) = text.split_once("://").ok_or_else(|| {
            Error::InvalidTarget(format!(
                "`{text}` has no scheme: use https://, http://, tcp://, tls:// or dns://"
            ))
        })?;
        match scheme.to_ascii_lowercase().as_str() {
            "http" | "https" => {
                let url = Url::parse(text).map_err(|e| {
                    Error::InvalidTarget(format!("`{text}` is not a valid URL: {e}"))
                })?;
                let host = url
                    .host_str()
                    .ok_or_else(|| Error::InvalidTarget(format!("`{text}` has no host")))?;
                Host::parse(host)?;
                Ok(Target::Http(url))
            }
            "tcp" => {
                let (host, port) = host_port(rest, None)?;
                Ok(Target::Tcp { host, port })
            }
            "tls" => {
                let (host, port) = host_port(rest, Some(443))?;
                Ok(Target::Tls { host, port })
            }
            "dns" => {
                let name = rest.trim_end_matches('/');
                match Host::parse(name)? {
                    Host::Name(name) => Ok(Target::Dns {
                        name,
                        kind: dns_kind,
                    }),
                    Host::Ip(_) => Err(Error::InvalidTarget(format!(
                        "`{name}` is an address; dns:// takes a name"
                    ))),
                }
            }
            other => Err(Error::InvalidTarget(format!(
                "unknown scheme `{other}://`: use https://, http://, tcp://, tls:// or dns://"
            ))),
        }
    }
}

impl fmt::Display for Target {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Target::Http(url) => f.write_str(&shown_url(url, true)),
            Target::Tcp { host, port } => write!(f, "tcp://{host}:{port}"),
            Target::Tls { host, port } => write!(f, "tls://{host}:{port}"),
            Target::Dns { name, kind } => write!(f, "dns://{name} ({})", kind.as_str()),
        }
    }
}

/// A URL as people see it: a password given in it masked (never printed), and with
/// `unicode_host` the host name in Unicode (`https://bücher.test/`, not `xn--bcher-kva`).
/// The user's own targets are shown so; a URL a server sent (a redirect) keeps its A-labels,
/// so that a look-alike name from a server cannot pass for one the user typed.
pub(crate) fn shown_url(url: &Url, unicode_host: bool) -> String {
    let mut shown = std::borrow::Cow::Borrowed(url);
    if url.password().is_some() {
        let mut masked = url.clone();
        let _ = masked.set_password(Some("***"));
        shown = std::borrow::Cow::Owned(masked);
    }
    let unicode = match shown.host() {
        Some(url::Host::Domain(domain)) if unicode_host && domain.contains("xn--") => {
            HostName::parse(domain).ok().map(|name| {
                let dot = if domain.ends_with('.') { "." } else { "" };
                format!("{}{dot}", name.unicode())
            })
        }
        _ => None,
    };
    match unicode {
        Some(host) => format!(
            "{}{host}{}",
            &shown[..Position::BeforeHost],
            &shown[Position::AfterHost..]
        ),
        None => shown.to_string(),
    }
}

/// Splits `host:port` (IPv6 bracketed: `[::1]:443`); the port is required unless a default is given.
fn host_port(text: &str, default_port: Option<u16>) -> Result<(Host, u16), Error> {
    let text = text.trim_end_matches('/');
    let (host, port) = if let Some(rest) = text.strip_prefix('[') {
        let (host, after) = rest
            .split_once(']')
            .ok_or_else(|| Error::InvalidTarget(format!("`{text}`: missing `]`")))?;
        (host, after.strip_prefix(':'))
    } else {
        match text.rsplit_once(':') {
            Some((host, port)) => (host, Some(port)),
            None => (text, None),
        }
    };
    let port =
        match (port, default_port) {
            (Some(p), _) => p.parse::<u16>().ok().filter(|p| *p != 0).ok_or_else(|| {
                Error::InvalidTarget(format!("`{p}` is not a port number (1-65535)"))
            })?,
            (None, Some(d)) => d,
            (None, None) => {
                return Err(Error::InvalidTarget(format!(
                    "`{text}` needs a port: host:port"
                )));
            }
        };
    Ok((Host::parse(host)?, port))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_each_kind() {
        assert!(matches!(
            Target::parse("https://ok.test/x", RecordKind::A),
            Ok(Target::Http(_))
        ));
        assert_eq!(
            Target::parse("tcp://[::1]:5222", RecordKind::A).unwrap(),
            Target::Tcp {
                host: Host::Ip("::1".parse().unwrap()),
                port: 5222
            }
        );
        assert_eq!(
            Target::parse("tls://Example.COM", RecordKind::A).unwrap(),
            Target::Tls {
                host: Host::Name(HostName::parse("example.com").unwrap()),
                port: 443
            }
        );
        assert_eq!(
            Target::parse("dns://whatsapp.net.", RecordKind::Mx).unwrap(),
            Target::Dns {
                name: HostName::parse("whatsapp.net").unwrap(),
                kind: RecordKind::Mx
            }
        );
    }

    #[test]
    fn names_as_typed_in_every_kind_shown_in_unicode() {
        for (text, shown) in [
            ("https://Bücher.test:8443/a", "https://bücher.test:8443/a"),
            ("https://xn--bcher-kva.test/", "https://bücher.test/"),
            (
                "https://me:pw@bücher.test./",
                "https://me:***@bücher.test./",
            ),
            ("tcp://bücher.test:5222", "tcp://bücher.test:5222"),
            ("tls://BÜCHER.test.", "tls://bücher.test:443"),
            ("tcp://ok.test.:80", "tcp://ok.test:80"),
        ] {
            let target = Target::parse(text, RecordKind::A).unwrap();
            assert_eq!(target.to_string(), shown, "{text}");
        }
        let Target::Dns { name, .. } = Target::parse("dns://bücher.test./", RecordKind::A).unwrap()
        else {
            panic!("not a DNS target");
        };
        assert_eq!(name.ascii(), "xn--bcher-kva.test");
        assert_eq!(name.to_string(), "bücher.test");
        let Target::Http(url) = Target::parse("https://bücher.test/", RecordKind::A).unwrap()
        else {
            panic!("not an HTTP target");
        };
        // What goes on the wire (Host, SNI, DNS) is the A-label form.
        assert_eq!(url.host_str(), Some("xn--bcher-kva.test"));
        // A URL a server sent keeps its A-labels.
        assert_eq!(shown_url(&url, false), "https://xn--bcher-kva.test/");
    }

    #[test]
    fn passwords_in_urls_are_not_shown() {
        let t = Target::parse("https://me:pa55@example.test/x", RecordKind::A).unwrap();
        assert_eq!(t.to_string(), "https://me:***@example.test/x");
    }

    #[test]
    fn rejects_bad_targets_with_a_reason() {
        for (text, needle) in [
            ("example.com", "no scheme"),
            ("ftp://example.com", "unknown scheme"),
            ("tcp://example.com", "needs a port"),
            ("tcp://example.com:99999", "not a port"),
            ("tcp://exa mple.com:80", "not a valid host"),
            ("https://a..b/", "not a valid host"),
            ("tcp://bü cher.test:80", "not a valid host"),
            ("dns://a..b", "not a valid host"),
            ("dns://127.0.0.1", "takes a name"),
            ("https://", "not a valid URL"),
        ] {
            let err = Target::parse(text, RecordKind::A).unwrap_err().to_string();
            assert!(err.contains(needle), "{text}: {err}");
        }
    }
}

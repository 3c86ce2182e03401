//! What to probe: parsed once from text (`https://…`, `tcp://host:port`, `dns://name`,
//! `tls://host:port`) into typed values.

use std::fmt;
use std::str::FromStr;

use url::Url;

use crate::error::Error;

/// A host name or an IP address literal.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Host {
    /// A name to resolve.
    Name(String),
    /// An address used as is (no DNS phase).
    Ip(std::net::IpAddr),
}

impl Host {
    /// Parses a host as found in a URL or `host:port` (IPv6 may be bracketed).
    pub fn parse(text: &str) -> Result<Host, Error> {
        let bare = text.trim_start_matches('[').trim_end_matches(']');
        if let Ok(ip) = bare.parse() {
            return Ok(Host::Ip(ip));
        }
        // One trailing dot (a fully qualified name) is fine; an empty label anywhere else is not.
        let bare_name = text.strip_suffix('.').unwrap_or(text);
        let valid = !bare_name.is_empty()
            && bare_name.len() <= 253
            && bare_name.split('.').all(|label| {
                !label.is_empty()
                    && label.len() <= 63
                    && label
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
            });
        if valid {
            Ok(Host::Name(text.trim_end_matches('.').to_ascii_lowercase()))
        } else {
            Err(Error::InvalidTarget(format!(
                "`{text}` is not a valid host name or IP address"
            )))
        }
    }
}

impl fmt::Display for Host {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Host::Name(name) => f.write_str(name),
            Host::Ip(std::net::IpAddr::V6(ip)) => write!(f, "[{ip}]"),
            Host::Ip(ip) => write!(f, "{ip}"),
        }
    }
}

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
        name: String,
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
            Target::Http(url) if url.password().is_some() => {
                // Never print a password given in the URL.
                let mut shown = url.clone();
                let _ = shown.set_password(Some("***"));
                write!(f, "{shown}")
            }
            Target::Http(url) => write!(f, "{url}"),
            Target::Tcp { host, port } => write!(f, "tcp://{host}:{port}"),
            Target::Tls { host, port } => write!(f, "tls://{host}:{port}"),
            Target::Dns { name, kind } => write!(f, "dns://{name} ({})", kind.as_str()),
        }
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
                host: Host::Name("example.com".into()),
                port: 443
            }
        );
        assert_eq!(
            Target::parse("dns://whatsapp.net.", RecordKind::Mx).unwrap(),
            Target::Dns {
                name: "whatsapp.net".into(),
                kind: RecordKind::Mx
            }
        );
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
            ("dns://127.0.0.1", "takes a name"),
            ("https://", "not a valid URL"),
        ] {
            let err = Target::parse(text, RecordKind::A).unwrap_err().to_string();
            assert!(err.contains(needle), "{text}: {err}");
        }
    }
}

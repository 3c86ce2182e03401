//! Our own DNS client. Queries go straight to the nameservers (the system's, read from
//! `/etc/resolv.conf`, or one the user chose) so that the response code and the server
//! that answered are always known — a high-level resolver API would hide both.
//!
//! UDP first, retransmitted with back-off until the deadline, then TCP when the reply is
//! truncated. Replies with the wrong id are ignored (as real resolvers do, against
//! spoofing) but remembered, so a timeout caused by them is reported as a protocol error.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::time::Duration;

use hickory_proto::op::{Edns, Message, Query, ResponseCode};
use hickory_proto::rr::{Name, RecordType};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpStream, UdpSocket};
use tokio::time::{Instant, timeout_at};

use crate::ValueError;

/// Which nameservers to ask.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Resolver {
    /// The nameservers of `/etc/resolv.conf` (and `/etc/hosts` for address lookups).
    System,
    /// One chosen server.
    Server(SocketAddr),
}

impl Resolver {
    /// Parses `system`, `IP`, `IP:PORT` or `[v6]:PORT` (port 53 by default) — the one
    /// spelling shared by the command line and the configuration file.
    ///
    /// # Errors
    /// [`ValueError::Resolver`].
    pub fn parse(text: &str) -> Result<Resolver, ValueError> {
        if text.eq_ignore_ascii_case("system") {
            return Ok(Resolver::System);
        }
        if let Ok(addr) = text.parse::<SocketAddr>() {
            return Ok(Resolver::Server(addr));
        }
        text.trim_start_matches('[')
            .trim_end_matches(']')
            .parse::<IpAddr>()
            .map(|ip| Resolver::Server(SocketAddr::new(ip, 53)))
            .map_err(|_| ValueError::Resolver {
                text: text.to_owned(),
            })
    }
}

/// The EDNS payload size we advertise (the DNS flag day 2020 value).
const EDNS_PAYLOAD: u16 = 1232;
/// First UDP retransmission after this; doubled each time.
const FIRST_RETRY: Duration = Duration::from_millis(800);

/// A reply, and where and how it came.
#[derive(Debug)]
pub struct Reply {
    /// The server that answered.
    pub server: SocketAddr,
    /// Whether it came over TCP after a truncated UDP reply.
    pub over_tcp: bool,
    /// The decoded message.
    pub message: Message,
}

/// Why no usable reply came.
#[derive(Debug)]
pub enum QueryError {
    /// Nothing (valid) arrived before the deadline.
    Timeout {
        /// The server asked last.
        server: SocketAddr,
        /// Replies with the wrong id arrived meanwhile.
        wrong_ids: bool,
    },
    /// Something that is not a valid reply arrived (or the query could not be made).
    Protocol {
        /// The server.
        server: SocketAddr,
        /// What was wrong.
        problem: Problem,
    },
    /// The socket itself failed (port unreachable, no route...).
    Io {
        /// The server.
        server: SocketAddr,
        /// The error.
        source: std::io::Error,
    },
}

/// What was wrong with an exchange that got an answer.
#[derive(Debug)]
pub enum Problem {
    /// The name cannot be put in a query (the parser's words).
    BadName(String),
    /// The query could not be encoded (the encoder's words).
    Encode(String),
    /// A reply of `bytes` bytes that is not a DNS message.
    Malformed {
        /// Its size.
        bytes: usize,
        /// Whether it came over TCP.
        over_tcp: bool,
    },
    /// The reply over TCP answers another query.
    TcpWrongId,
}

/// The nameservers to ask for `resolver`. The system list follows glibc: `nameserver`
/// lines of `/etc/resolv.conf`, or 127.0.0.1 when there are none.
pub fn nameservers(resolver: &Resolver) -> Vec<SocketAddr> {
    match resolver {
        Resolver::Server(addr) => vec![*addr],
        Resolver::System => {
            let text = std::fs::read_to_string("/etc/resolv.conf").unwrap_or_default();
            let servers = parse_resolv_conf(&text);
            if servers.is_empty() {
                vec![SocketAddr::new(IpAddr::V4(Ipv4Addr::LOCALHOST), 53)]
            } else {
                servers
            }
        }
    }
}

/// `nameserver` lines of a resolv.conf text (IPv6 zone ids dropped).
pub fn parse_resolv_conf(text: &str) -> Vec<SocketAddr> {
    text.lines()
        .filter_map(|line| {
            let mut words = line.split_whitespace();
            (words.next()? == "nameserver").then_some(())?;
            let ip = words.next()?.split('%').next()?.parse::<IpAddr>().ok()?;
            Some(SocketAddr::new(ip, 53))
        })
        .collect()
}

/// Addresses for `name` in a hosts-file text, in file order.
pub fn hosts_lookup(text: &str, name: &str) -> Vec<IpAddr> {
    text.lines()
        .filter_map(|line| {
            let line = line.split('#').next()?;
            let mut words = line.split_whitespace();
            let ip = words.next()?.split('%').next()?.parse::<IpAddr>().ok()?;
            words
                .any(|w| w.trim_end_matches('.').eq_ignore_ascii_case(name))
                .then_some(ip)
        })
        .collect()
}

/// Asks the servers in turn for `name`/`rtype`. Each server but the last gets an equal share
/// of the remaining time; a SERVFAIL or REFUSED moves on to the next server, as glibc does.
pub async fn lookup(
    servers: &[SocketAddr],
    name: &str,
    rtype: RecordType,
    deadline: Instant,
) -> Result<Reply, QueryError> {
    let mut last = None;
    for (i, server) in servers.iter().enumerate() {
        let left = servers.len() - i;
        let now = Instant::now();
        let share = deadline.saturating_duration_since(now) / left as u32;
        let until = if left == 1 { deadline } else { now + share };
        let outcome = query(*server, name, rtype, until).await;
        let retry = match &outcome {
            Ok(reply) => matches!(
                reply.message.metadata.response_code,
                ResponseCode::ServFail | ResponseCode::Refused
            ),
            Err(_) => true,
        };
        if !retry {
            return outcome;
        }
        last = Some(outcome);
    }
    last.unwrap_or_else(|| {
        Err(QueryError::Timeout {
            server: SocketAddr::new(IpAddr::V4(Ipv4Addr::LOCALHOST), 53),
            wrong_ids: false,
        })
    })
}

/// One query to one server: UDP with retransmissions, TCP if truncated.
pub async fn query(
    server: SocketAddr,
    name: &str,
    rtype: RecordType,
    deadline: Instant,
) -> Result<Reply, QueryError> {
    let request = build_query(name, rtype).map_err(|detail| QueryError::Protocol {
        server,
        problem: Problem::BadName(detail),
    })?;
    let id = request.metadata.id;
    let bytes = request.to_vec().map_err(|e| QueryError::Protocol {
        server,
        problem: Problem::Encode(e.to_string()),
    })?;
    let message = udp_exchange(server, &bytes, id, deadline).await?;
    if !message.metadata.truncation {
        return Ok(Reply {
            server,
            over_tcp: false,
            message,
        });
    }
    let message = tcp_exchange(server, &bytes, id, deadline).await?;
    Ok(Reply {
        server,
        over_tcp: true,
        message,
    })
}

fn build_query(name: &str, rtype: RecordType) -> Result<Message, String> {
    let fqdn = if name.ends_with('.') {
        name.to_owned()
    } else {
        format!("{name}.")
    };
    let name = Name::from_ascii(&fqdn).map_err(|e| format!("invalid name {fqdn}: {e}"))?;
    let mut message = Message::query();
    message.add_query(Query::query(name, rtype));
    message.metadata.recursion_desired = true;
    let mut edns = Edns::new();
    edns.set_max_payload(EDNS_PAYLOAD);
    message.set_edns(edns);
    Ok(message)
}

async fn udp_exchange(
    server: SocketAddr,
    bytes: &[u8],
    id: u16,
    deadline: Instant,
) -> Result<Message, QueryError> {
    let io = |source| QueryError::Io { server, source };
    let local: SocketAddr = match server {
        SocketAddr::V4(_) => (Ipv4Addr::UNSPECIFIED, 0).into(),
        SocketAddr::V6(_) => (std::net::Ipv6Addr::UNSPECIFIED, 0).into(),
    };
    let socket = UdpSocket::bind(local).await.map_err(io)?;
    socket.connect(server).await.map_err(io)?;
    // A datagram can be up to 64 KiB whatever we advertised; read it whole, then judge it.
    let mut buf = vec![0u8; 65_535];
    let mut wrong_ids = false;
    let mut wait = FIRST_RETRY;
    loop {
        socket.send(bytes).await.map_err(io)?;
        let resend_at = (Instant::now() + wait).min(deadline);
        wait *= 2;
        loop {
            match timeout_at(resend_at, socket.recv(&mut buf)).await {
                Err(_) if resend_at >= deadline => {
                    return Err(QueryError::Timeout { server, wrong_ids });
                }
                Err(_) => break,
                Ok(Err(e)) => return Err(io(e)),
                Ok(Ok(n)) => match Message::from_vec(&buf[..n]) {
                    Ok(m) if m.metadata.id == id => return Ok(m),
                    Ok(_) => wrong_ids = true,
                    Err(_) => {
                        return Err(QueryError::Protocol {
                            server,
                            problem: Problem::Malformed {
                                bytes: n,
                                over_tcp: false,
                            },
                        });
                    }
                },
            }
        }
    }
}

async fn tcp_exchange(
    server: SocketAddr,
    bytes: &[u8],
    id: u16,
    deadline: Instant,
) -> Result<Message, QueryError> {
    let exchange = async {
        let mut stream = TcpStream::connect(server).await?;
        let len = u16::try_from(bytes.len()).unwrap_or(u16::MAX).to_be_bytes();
        stream.write_all(&[&len[..], bytes].concat()).await?;
        let len = stream.read_u16().await?;
        let mut buf = vec![0u8; usize::from(len)];
        stream.read_exact(&mut buf).await?;
        Ok::<_, std::io::Error>(buf)
    };
    let buf = match timeout_at(deadline, exchange).await {
        Err(_) => {
            return Err(QueryError::Timeout {
                server,
                wrong_ids: false,
            });
        }
        Ok(Err(source)) => return Err(QueryError::Io { server, source }),
        Ok(Ok(buf)) => buf,
    };
    match Message::from_vec(&buf) {
        Ok(m) if m.metadata.id == id => Ok(m),
        Ok(_) => Err(QueryError::Protocol {
            server,
            problem: Problem::TcpWrongId,
        }),
        Err(_) => Err(QueryError::Protocol {
            server,
            problem: Problem::Malformed {
                bytes: buf.len(),
                over_tcp: true,
            },
        }),
    }
}

/// A response code as written by a user (`nxdomain`, `RCODE9`), in the form the probe
/// reports (`NXDOMAIN`): the one parser of the command line and the configuration.
///
/// # Errors
/// [`ValueError::Rcode`].
pub fn parse_rcode(text: &str) -> Result<String, ValueError> {
    const NAMES: [&str; 6] = [
        "NOERROR", "FORMERR", "SERVFAIL", "NXDOMAIN", "NOTIMP", "REFUSED",
    ];
    let upper = text.trim().to_ascii_uppercase();
    let numbered = upper
        .strip_prefix("RCODE")
        .is_some_and(|n| n.parse::<u16>().is_ok_and(|n| n < 4096));
    if NAMES.contains(&upper.as_str()) || numbered {
        Ok(upper)
    } else {
        Err(ValueError::Rcode {
            text: text.to_owned(),
        })
    }
}

/// The conventional upper-case name of a response code.
pub fn rcode_name(code: ResponseCode) -> String {
    match code {
        ResponseCode::NoError => "NOERROR".into(),
        ResponseCode::FormErr => "FORMERR".into(),
        ResponseCode::ServFail => "SERVFAIL".into(),
        ResponseCode::NXDomain => "NXDOMAIN".into(),
        ResponseCode::NotImp => "NOTIMP".into(),
        ResponseCode::Refused => "REFUSED".into(),
        other => format!("RCODE{}", u16::from(other)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resolver_spellings() {
        let server = |s: &str| Resolver::Server(s.parse().unwrap());
        assert_eq!(Resolver::parse("System").unwrap(), Resolver::System);
        assert_eq!(
            Resolver::parse("127.0.0.1").unwrap(),
            server("127.0.0.1:53")
        );
        assert_eq!(
            Resolver::parse("127.0.0.1:5353").unwrap(),
            server("127.0.0.1:5353")
        );
        assert_eq!(Resolver::parse("::1").unwrap(), server("[::1]:53"));
        assert_eq!(Resolver::parse("[::1]:5353").unwrap(), server("[::1]:5353"));
        assert!(
            Resolver::parse("dns.google")
                .unwrap_err()
                .to_string()
                .contains("is not `system`")
        );
    }

    #[test]
    fn resolv_conf_nameservers_in_order() {
        let text = "# comment\nsearch lan\nnameserver 127.0.0.53\nnameserver fe80::1%eth0\nnameserver bad\noptions edns0\n";
        assert_eq!(
            parse_resolv_conf(text),
            vec![
                "127.0.0.53:53".parse().unwrap(),
                "[fe80::1]:53".parse().unwrap()
            ]
        );
    }

    #[test]
    fn hosts_file_matches_any_alias_case_insensitively() {
        let text = "127.0.0.1 localhost\n::1 localhost ip6-localhost # v6\n10.0.0.1 Router.lan\n";
        assert_eq!(hosts_lookup(text, "localhost").len(), 2);
        assert_eq!(
            hosts_lookup(text, "router.lan"),
            vec!["10.0.0.1".parse::<IpAddr>().unwrap()]
        );
        assert!(hosts_lookup(text, "v6").is_empty());
    }
}

//! An authoritative DNS server on one port, over UDP and TCP, answering from a [`Zone`].

use std::io;
use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use hickory_proto::op::{Edns, Message, MessageType, OpCode, ResponseCode};
use hickory_proto::rr::rdata::{A, AAAA, CNAME, MX, NS, TXT};
use hickory_proto::rr::{Name, RData, Record, RecordType};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream, UdpSocket};

use crate::tasks::{Owner, Tasks};
use crate::zone::{Behaviour, Rec, Zone, key};

/// The TTL of every record served.
pub const TTL: u32 = 60;
const UDP_DEFAULT_LIMIT: usize = 512;
const OVERSIZED_UDP: usize = 9000;
const OVERSIZED_TCP: usize = 60 * 1024;

/// The transport a query came over; some behaviours differ between the two.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Transport {
    Udp,
    Tcp,
}

/// An authoritative DNS server: one port for UDP and TCP (length-prefixed), answers from a
/// [`Zone`], with the AA bit. Dropping the handle stops it.
pub struct DnsServer {
    addr: SocketAddr,
    udp_queries: Arc<AtomicU64>,
    tcp_queries: Arc<AtomicU64>,
    _owner: Owner,
}

impl DnsServer {
    /// Starts the server on `bind`, on an ephemeral port shared by UDP and TCP.
    pub async fn start(bind: IpAddr, zone: Zone) -> io::Result<DnsServer> {
        let (udp, tcp) = bind_pair(bind).await?;
        let addr = udp.local_addr()?;
        let zone = Arc::new(zone);
        let (udp_queries, tcp_queries) = (Arc::new(AtomicU64::new(0)), Arc::new(AtomicU64::new(0)));
        let tasks = Tasks::default();

        let (z, count) = (zone.clone(), udp_queries.clone());
        tasks.spawn(async move {
            let mut buf = vec![0u8; 65535];
            loop {
                let Ok((n, peer)) = udp.recv_from(&mut buf).await else {
                    continue;
                };
                count.fetch_add(1, Ordering::Relaxed);
                if let Some(reply) = respond(&z, &buf[..n], Transport::Udp) {
                    let _ = udp.send_to(&reply, peer).await;
                }
            }
        });

        let (spawner, count) = (tasks.clone(), tcp_queries.clone());
        tasks.spawn(async move {
            loop {
                let Ok((stream, _peer)) = tcp.accept().await else {
                    tokio::time::sleep(Duration::from_millis(10)).await;
                    continue;
                };
                spawner.spawn(serve_tcp(stream, zone.clone(), count.clone()));
            }
        });

        Ok(DnsServer {
            addr,
            udp_queries,
            tcp_queries,
            _owner: Owner(tasks),
        })
    }

    /// The address (UDP and TCP) the server listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// How many UDP datagrams the server has received.
    pub fn udp_queries(&self) -> u64 {
        self.udp_queries.load(Ordering::Relaxed)
    }

    /// How many TCP queries the server has received.
    pub fn tcp_queries(&self) -> u64 {
        self.tcp_queries.load(Ordering::Relaxed)
    }
}

impl std::fmt::Debug for DnsServer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DnsServer")
            .field("addr", &self.addr)
            .finish()
    }
}

/// Binds UDP on an ephemeral port, then TCP on the same one; retries if TCP's is taken.
async fn bind_pair(bind: IpAddr) -> io::Result<(UdpSocket, TcpListener)> {
    let mut last = None;
    for _ in 0..20 {
        let udp = UdpSocket::bind(SocketAddr::new(bind, 0)).await?;
        match TcpListener::bind(udp.local_addr()?).await {
            Ok(tcp) => return Ok((udp, tcp)),
            Err(e) => last = Some(e),
        }
    }
    Err(last.unwrap_or_else(|| io::Error::other("no port free for both UDP and TCP")))
}

/// Answers length-prefixed queries on one TCP connection until the client closes it.
async fn serve_tcp(mut stream: TcpStream, zone: Arc<Zone>, count: Arc<AtomicU64>) {
    let mut buf = vec![0u8; 65535];
    loop {
        let Ok(len) = stream.read_u16().await else {
            return;
        };
        let query = &mut buf[..usize::from(len)];
        if stream.read_exact(query).await.is_err() {
            return;
        }
        count.fetch_add(1, Ordering::Relaxed);
        if let Some(reply) = respond(&zone, query, Transport::Tcp) {
            let Ok(len) = u16::try_from(reply.len()) else {
                return;
            };
            let mut framed = len.to_be_bytes().to_vec();
            framed.extend_from_slice(&reply);
            if stream.write_all(&framed).await.is_err() {
                return;
            }
        }
    }
}

/// The reply to one query, as bytes to send, or `None` to stay silent.
fn respond(zone: &Zone, query: &[u8], transport: Transport) -> Option<Vec<u8>> {
    let Ok(request) = Message::from_vec(query) else {
        let id = u16::from_be_bytes([*query.first()?, *query.get(1)?]);
        return Message::error_msg(id, OpCode::Query, ResponseCode::FormErr)
            .to_vec()
            .ok();
    };
    let mut reply = Message::response(request.metadata.id, request.metadata.op_code);
    reply.metadata.authoritative = true;
    reply.metadata.recursion_desired = request.metadata.recursion_desired;
    reply.add_queries(request.queries.iter().cloned());
    if request.edns.is_some() {
        let mut edns = Edns::new();
        edns.set_max_payload(1232);
        reply.set_edns(edns);
    }
    let Some(question) = request.queries.first() else {
        reply.metadata.response_code = ResponseCode::FormErr;
        return reply.to_vec().ok();
    };
    if request.metadata.message_type != MessageType::Query {
        return None;
    }
    let qname = question.name().to_ascii();
    let qtype = question.query_type();
    let behaviour = zone.node(&qname).and_then(|node| node.behaviour);

    match behaviour {
        Some(Behaviour::NoReply) => return None,
        Some(Behaviour::NoAaaaReply) if qtype == RecordType::AAAA => return None,
        Some(Behaviour::NoAReply) if qtype == RecordType::A => return None,
        Some(Behaviour::Garbage) => return Some(garbage(request.metadata.id)),
        Some(Behaviour::ServFail) => reply.metadata.response_code = ResponseCode::ServFail,
        Some(Behaviour::Refused) => reply.metadata.response_code = ResponseCode::Refused,
        Some(Behaviour::Truncated) if transport == Transport::Udp => {
            reply.metadata.truncation = true;
        }
        _ => {
            if answer(zone, question.name(), qtype, &mut reply).is_err() {
                reply.answers.clear();
                reply.metadata.response_code = ResponseCode::ServFail;
            }
        }
    }

    if behaviour == Some(Behaviour::WrongId) {
        reply.metadata.id = request.metadata.id ^ 0x5a5a;
    }
    if behaviour == Some(Behaviour::Oversized) {
        let target = match transport {
            Transport::Udp => OVERSIZED_UDP,
            Transport::Tcp => OVERSIZED_TCP,
        };
        pad(&mut reply, question.name(), target).ok()?;
        return reply.to_vec().ok();
    }

    let bytes = reply.to_vec().ok()?;
    let limit = match &request.edns {
        Some(edns) => usize::from(edns.max_payload()).max(UDP_DEFAULT_LIMIT),
        None => UDP_DEFAULT_LIMIT,
    };
    if transport == Transport::Udp && bytes.len() > limit {
        return reply.truncate().to_vec().ok();
    }
    Some(bytes)
}

/// Fills the answer section (and the rcode) for `qname`/`qtype` from the zone.
fn answer(
    zone: &Zone,
    qname: &Name,
    qtype: RecordType,
    reply: &mut Message,
) -> Result<(), hickory_proto::ProtoError> {
    let Some(mut node) = zone.node(&qname.to_ascii()) else {
        reply.metadata.response_code = ResponseCode::NXDomain;
        return Ok(());
    };
    let mut owner = qname.clone();
    // Follow CNAMEs (a few hops at most) unless the CNAME itself was asked for.
    for _ in 0..8 {
        let cname = node.records.iter().find_map(|rec| match rec {
            Rec::Cname(target) => Some(target.clone()),
            _ => None,
        });
        match cname {
            Some(target) if qtype != RecordType::CNAME => {
                let target_name = fqdn(&target)?;
                reply.add_answer(record(&owner, &Rec::Cname(target.clone()))?);
                let Some(next) = zone.node(&target) else {
                    return Ok(());
                };
                node = next;
                owner = target_name;
            }
            _ => break,
        }
    }
    for rec in &node.records {
        if qtype == RecordType::ANY || rec_type(rec) == qtype {
            reply.add_answer(record(&owner, rec)?);
        }
    }
    Ok(())
}

/// Appends 200-byte TXT records for `owner` until the encoded message reaches `target` bytes.
fn pad(reply: &mut Message, owner: &Name, target: usize) -> Result<(), hickory_proto::ProtoError> {
    let current = reply.to_vec()?.len();
    // Each padding record costs 2 (name pointer) + 10 (fixed fields) + 201 (one string).
    let count = target.saturating_sub(current).div_ceil(213);
    for i in 0..count {
        let text = format!("pad-{i:04}-{}", "p".repeat(191));
        reply.add_answer(record(owner, &Rec::Txt(text))?);
    }
    Ok(())
}

/// 20 bytes that start with the query's id and cannot parse as a DNS message.
fn garbage(id: u16) -> Vec<u8> {
    let mut bytes = id.to_be_bytes().to_vec();
    // Flags, then 0x7777 questions that the remaining bytes cannot possibly hold.
    bytes.extend_from_slice(&[0x81, 0x80, 0x77, 0x77]);
    bytes.extend_from_slice(b"\xfe\xedgarbage!!\x00\x13\x37");
    bytes
}

fn rec_type(rec: &Rec) -> RecordType {
    match rec {
        Rec::A(_) => RecordType::A,
        Rec::Aaaa(_) => RecordType::AAAA,
        Rec::Cname(_) => RecordType::CNAME,
        Rec::Mx(..) => RecordType::MX,
        Rec::Txt(_) => RecordType::TXT,
        Rec::Ns(_) => RecordType::NS,
    }
}

fn fqdn(name: &str) -> Result<Name, hickory_proto::ProtoError> {
    Name::from_ascii(format!("{}.", key(name)))
}

fn record(owner: &Name, rec: &Rec) -> Result<Record, hickory_proto::ProtoError> {
    let data = match rec {
        Rec::A(ip) => RData::A(A(*ip)),
        Rec::Aaaa(ip) => RData::AAAA(AAAA(*ip)),
        Rec::Cname(target) => RData::CNAME(CNAME(fqdn(target)?)),
        Rec::Mx(pref, exchange) => RData::MX(MX::new(*pref, fqdn(exchange)?)),
        Rec::Ns(host) => RData::NS(NS(fqdn(host)?)),
        Rec::Txt(text) => {
            let parts = text.as_bytes().chunks(255).collect::<Vec<_>>();
            RData::TXT(TXT::from_bytes(parts))
        }
    };
    Ok(Record::from_rdata(owner.clone(), TTL, data))
}

//! The DNS server, queried over real UDP and TCP sockets with hickory-proto messages.

// Helpers outside #[test] functions are test code too; clippy.toml only exempts the latter.
#![allow(clippy::unwrap_used)]

use std::net::{Ipv4Addr, Ipv6Addr, SocketAddr};
use std::time::Duration;

use downwatch_testbed::{DnsServer, Zone};
use hickory_proto::op::{Edns, Message, Query, ResponseCode};
use hickory_proto::rr::{Name, RData, RecordType};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpStream, UdpSocket};

const V4: Ipv4Addr = Ipv4Addr::new(127, 0, 0, 1);

async fn server() -> DnsServer {
    DnsServer::start(V4.into(), Zone::standard(V4, Some(Ipv6Addr::LOCALHOST)))
        .await
        .unwrap()
}

fn query(name: &str, rtype: RecordType, id: u16) -> Message {
    let mut msg = Message::query();
    msg.metadata.id = id;
    msg.metadata.recursion_desired = true;
    msg.add_query(Query::query(Name::from_ascii(name).unwrap(), rtype));
    msg
}

async fn udp_raw(addr: SocketAddr, msg: &Message) -> Vec<u8> {
    let sock = UdpSocket::bind((V4, 0)).await.unwrap();
    sock.send_to(&msg.to_vec().unwrap(), addr).await.unwrap();
    let mut buf = vec![0u8; 65535];
    let (n, from) = tokio::time::timeout(Duration::from_secs(5), sock.recv_from(&mut buf))
        .await
        .expect("no UDP reply")
        .unwrap();
    assert_eq!(from, addr);
    buf.truncate(n);
    buf
}

async fn udp(addr: SocketAddr, msg: &Message) -> Message {
    Message::from_vec(&udp_raw(addr, msg).await).unwrap()
}

async fn tcp(addr: SocketAddr, msg: &Message) -> (usize, Message) {
    let mut stream = TcpStream::connect(addr).await.unwrap();
    let bytes = msg.to_vec().unwrap();
    stream.write_u16(bytes.len() as u16).await.unwrap();
    stream.write_all(&bytes).await.unwrap();
    let len = usize::from(stream.read_u16().await.unwrap());
    let mut reply = vec![0u8; len];
    stream.read_exact(&mut reply).await.unwrap();
    (len, Message::from_vec(&reply).unwrap())
}

#[tokio::test]
async fn answers_a_and_aaaa_authoritatively_case_insensitively() {
    let dns = server().await;
    let reply = udp(dns.addr(), &query("OK.Test.", RecordType::A, 4711)).await;
    assert_eq!(reply.metadata.id, 4711);
    assert!(reply.metadata.authoritative);
    assert!(reply.metadata.recursion_desired);
    assert_eq!(reply.metadata.response_code, ResponseCode::NoError);
    assert_eq!(reply.queries.len(), 1);
    assert_eq!(reply.answers.len(), 1);
    assert_eq!(reply.answers[0].data, RData::A(V4.into()));
    assert_eq!(reply.answers[0].ttl, 60);

    let reply = udp(dns.addr(), &query("h2.test.", RecordType::AAAA, 2)).await;
    assert_eq!(
        reply.answers[0].data,
        RData::AAAA(Ipv6Addr::LOCALHOST.into())
    );
    assert_eq!(dns.udp_queries(), 2);
}

#[tokio::test]
async fn nxdomain_nodata_cname_and_failures() {
    let dns = server().await;
    let nx = udp(dns.addr(), &query("nothere.test.", RecordType::A, 1)).await;
    assert_eq!(nx.metadata.response_code, ResponseCode::NXDomain);

    let nodata = udp(dns.addr(), &query("nodata.test.", RecordType::A, 2)).await;
    assert_eq!(nodata.metadata.response_code, ResponseCode::NoError);
    assert!(nodata.answers.is_empty());

    let alias = udp(dns.addr(), &query("alias.test.", RecordType::A, 3)).await;
    let types: Vec<_> = alias.answers.iter().map(|r| r.record_type()).collect();
    assert_eq!(types, [RecordType::CNAME, RecordType::A]);

    let fail = udp(dns.addr(), &query("servfail.test.", RecordType::A, 4)).await;
    assert_eq!(fail.metadata.response_code, ResponseCode::ServFail);
    assert!(fail.answers.is_empty());

    let refused = udp(dns.addr(), &query("refused.test.", RecordType::A, 5)).await;
    assert_eq!(refused.metadata.response_code, ResponseCode::Refused);

    let wrong = udp(dns.addr(), &query("wrongid.test.", RecordType::A, 6)).await;
    assert_ne!(wrong.metadata.id, 6);

    let garbage = udp_raw(dns.addr(), &query("garbage.test.", RecordType::A, 7)).await;
    assert!(Message::from_vec(&garbage).is_err());
}

#[tokio::test]
async fn big_answers_are_truncated_over_udp_and_whole_over_tcp() {
    let dns = server().await;
    let udp_reply = udp(dns.addr(), &query("big.test.", RecordType::TXT, 9)).await;
    assert!(udp_reply.metadata.truncation);
    assert!(udp_reply.answers.is_empty());

    let (len, tcp_reply) = tcp(dns.addr(), &query("big.test.", RecordType::TXT, 9)).await;
    assert!(!tcp_reply.metadata.truncation);
    assert_eq!(tcp_reply.answers.len(), 40);
    assert!(len > 2048, "{len} bytes");
    assert_eq!(dns.tcp_queries(), 1);

    // A plain name whose answer outgrows the client's EDNS size is truncated too.
    let mut small = query("big.test.", RecordType::A, 10);
    let mut edns = Edns::new();
    edns.set_max_payload(1232);
    small.set_edns(edns);
    let reply = udp(dns.addr(), &small).await;
    assert!(
        reply.metadata.truncation,
        "big.test truncates any type over UDP"
    );
}

#[tokio::test]
async fn oversized_ignores_the_udp_limit_without_tc() {
    let dns = server().await;
    let raw = udp_raw(dns.addr(), &query("oversized.test.", RecordType::A, 11)).await;
    assert!((8000..10000).contains(&raw.len()), "{} bytes", raw.len());
    let reply = Message::from_vec(&raw).unwrap();
    assert!(!reply.metadata.truncation);
    assert_eq!(reply.answers[0].data, RData::A(V4.into()));

    let (len, _) = tcp(dns.addr(), &query("oversized.test.", RecordType::A, 12)).await;
    assert!((55_000..65_535).contains(&len), "{len} bytes");
}

#[tokio::test]
async fn noreply_stays_silent_but_the_next_query_is_answered() {
    let dns = server().await;
    let sock = UdpSocket::bind((V4, 0)).await.unwrap();
    sock.send_to(
        &query("noreply.test.", RecordType::A, 1).to_vec().unwrap(),
        dns.addr(),
    )
    .await
    .unwrap();
    sock.send_to(
        &query("ok.test.", RecordType::A, 2).to_vec().unwrap(),
        dns.addr(),
    )
    .await
    .unwrap();
    let mut buf = vec![0u8; 4096];
    let n = sock.recv(&mut buf).await.unwrap();
    // The server handles datagrams in order, so the first reply is for the second query.
    assert_eq!(Message::from_vec(&buf[..n]).unwrap().metadata.id, 2);
    assert_eq!(dns.udp_queries(), 2);
}

#[tokio::test]
async fn udp_answers_over_512_bytes_or_the_edns_size_are_truncated() {
    let mut zone = Zone::new();
    for i in 0..10 {
        zone = zone.txt("Many.Example.", &format!("{i}-{}", "t".repeat(90)));
    }
    let dns = DnsServer::start(V4.into(), zone).await.unwrap();

    let plain = udp(dns.addr(), &query("many.example.", RecordType::TXT, 1)).await;
    assert!(plain.metadata.truncation);
    assert!(plain.answers.is_empty());

    let mut with_edns = query("many.example.", RecordType::TXT, 2);
    let mut edns = Edns::new();
    edns.set_max_payload(4096);
    with_edns.set_edns(edns);
    let full = udp(dns.addr(), &with_edns).await;
    assert!(!full.metadata.truncation);
    assert_eq!(full.answers.len(), 10);
    assert!(full.edns.is_some(), "an OPT query gets an OPT reply");
}

#[tokio::test]
async fn one_silent_family_leaves_the_other_answered() {
    let dns = server().await;
    // Silence is observed as in the noreply test: the unanswered query is sent first, and the
    // first reply on the socket is the second query's.
    for (name, silent, answered, want) in [
        ("shop.test.", RecordType::AAAA, RecordType::A, "127.0.0.1"),
        ("shop6.test.", RecordType::A, RecordType::AAAA, "::1"),
    ] {
        let sock = UdpSocket::bind((V4, 0)).await.unwrap();
        for msg in [query(name, silent, 1), query(name, answered, 2)] {
            sock.send_to(&msg.to_vec().unwrap(), dns.addr())
                .await
                .unwrap();
        }
        let mut buf = vec![0u8; 4096];
        let n = sock.recv(&mut buf).await.unwrap();
        let reply = Message::from_vec(&buf[..n]).unwrap();
        assert_eq!(reply.metadata.id, 2, "{name}");
        let answers: Vec<String> = reply.answers.iter().map(|r| r.data.to_string()).collect();
        assert_eq!(answers, [want], "{name}");
    }
    let reply = udp(dns.addr(), &query("xn--bcher-kva.test.", RecordType::A, 3)).await;
    assert_eq!(reply.answers.len(), 1);
}

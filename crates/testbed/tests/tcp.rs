//! The misbehaving TCP servers and the delaying proxy.

// Helpers outside #[test] functions are test code too; clippy.toml only exempts the latter.
#![allow(clippy::unwrap_used)]

use std::net::{IpAddr, Ipv4Addr};
use std::time::Duration;

use downwatch_testbed::{ClosedPort, DelayProxy, GARBAGE_LINE, GarbageServer, SilentServer};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::time::Instant;

const LO: IpAddr = IpAddr::V4(Ipv4Addr::LOCALHOST);

#[tokio::test]
async fn garbage_server_sends_4k_of_non_tls_then_closes() {
    let server = GarbageServer::start(LO).await.unwrap();
    let mut stream = TcpStream::connect(server.addr()).await.unwrap();
    // A TLS ClientHello's first bytes; the server answers with garbage regardless.
    stream
        .write_all(&[0x16, 0x03, 0x01, 0x00, 0x05])
        .await
        .unwrap();
    let mut got = Vec::new();
    stream.read_to_end(&mut got).await.unwrap();
    assert_eq!(got.len(), 4096);
    assert_ne!(got[0], 0x16, "must not look like a TLS handshake record");
    assert!(got.chunks(16).all(|line| line == GARBAGE_LINE));
}

#[tokio::test]
async fn silent_server_accepts_and_says_nothing() {
    let server = SilentServer::start(LO).await.unwrap();
    let mut stream = TcpStream::connect(server.addr()).await.unwrap();
    stream.write_all(b"GET / HTTP/1.1\r\n\r\n").await.unwrap();
    let mut buf = [0u8; 16];
    let read = tokio::time::timeout(Duration::from_millis(300), stream.read(&mut buf)).await;
    assert!(read.is_err(), "expected silence, got {read:?}");
}

#[tokio::test]
async fn closed_port_refuses_and_stays_reserved() {
    let closed = ClosedPort::new().unwrap();
    let err = TcpStream::connect(closed.addr()).await.unwrap_err();
    assert_eq!(err.kind(), std::io::ErrorKind::ConnectionRefused);
    // Nobody else can take it while it is held: a parallel test's server cannot bind it.
    let taken = TcpListener::bind(closed.addr()).await.unwrap_err();
    assert_eq!(taken.kind(), std::io::ErrorKind::AddrInUse);
    // Released with the handle.
    let port = closed.port();
    drop(closed);
    TcpListener::bind((Ipv4Addr::LOCALHOST, port))
        .await
        .unwrap();
}

#[tokio::test]
async fn delay_proxy_forwards_every_byte_in_order_and_late() {
    // Upstream: an echo server.
    let upstream = TcpListener::bind((LO, 0)).await.unwrap();
    let upstream_addr = upstream.local_addr().unwrap();
    tokio::spawn(async move {
        let (mut stream, _) = upstream.accept().await.unwrap();
        let (mut rx, mut tx) = stream.split();
        tokio::io::copy(&mut rx, &mut tx).await.unwrap();
    });
    let delay = Duration::from_millis(25);
    let proxy = DelayProxy::start(LO, upstream_addr, delay, Duration::from_millis(10), 42)
        .await
        .unwrap();

    let data: Vec<u8> = (0..300_000u32).map(|i| (i % 251) as u8).collect();
    let stream = TcpStream::connect(proxy.addr()).await.unwrap();
    let (mut rx, mut tx) = stream.into_split();
    let started = Instant::now();
    let sent = data.clone();
    let writer = tokio::spawn(async move {
        for piece in sent.chunks(7_000) {
            tx.write_all(piece).await.unwrap();
        }
        tx.shutdown().await.unwrap();
    });
    let mut echoed = Vec::new();
    rx.read_to_end(&mut echoed).await.unwrap();
    writer.await.unwrap();
    assert!(started.elapsed() >= delay * 2, "{:?}", started.elapsed());
    assert_eq!(echoed.len(), data.len());
    assert!(echoed == data, "bytes changed or reordered");
}

#[tokio::test]
async fn dropping_a_server_stops_it() {
    let server = GarbageServer::start(LO).await.unwrap();
    let addr = server.addr();
    drop(server);
    // Aborted tasks release their sockets the next time the runtime runs them.
    for _ in 0..1000 {
        tokio::task::yield_now().await;
        if let Err(e) = TcpStream::connect(addr).await {
            assert_eq!(e.kind(), std::io::ErrorKind::ConnectionRefused);
            return;
        }
    }
    panic!("{addr} still accepts connections after the server was dropped");
}

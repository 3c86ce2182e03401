//! The captive portal server and the `/flaky` route, over real loopback sockets.

#![allow(clippy::unwrap_used)]

use std::io::{Read, Write};
use std::net::{IpAddr, Ipv4Addr, SocketAddr, TcpStream};

use downwatch_testbed::{HttpServer, PORTAL_BODY};

const LO: IpAddr = IpAddr::V4(Ipv4Addr::LOCALHOST);

/// One HTTP/1.0 GET, returning the whole reply (status line, headers, body).
fn get(addr: SocketAddr, path: &str) -> String {
    let mut stream = TcpStream::connect(addr).unwrap();
    write!(stream, "GET {path} HTTP/1.0\r\nHost: ok.test\r\n\r\n").unwrap();
    let mut reply = String::new();
    stream.read_to_string(&mut reply).unwrap();
    reply
}

#[tokio::test(flavor = "multi_thread", worker_threads = 1)]
async fn portal_redirects_every_path_to_its_sign_in_page() {
    let portal = HttpServer::portal(LO).await.unwrap();
    let addr = portal.addr();
    let (root, other, login) = tokio::task::spawn_blocking(move || {
        (
            get(addr, "/"),
            get(addr, "/generate_204"),
            get(addr, "/login"),
        )
    })
    .await
    .unwrap();
    for reply in [&root, &other] {
        assert!(reply.starts_with("HTTP/1.0 302"), "{reply}");
        assert!(
            reply.to_ascii_lowercase().contains("location: /login"),
            "{reply}"
        );
    }
    assert!(login.starts_with("HTTP/1.0 200"), "{login}");
    assert!(login.ends_with(PORTAL_BODY), "{login}");
    assert_eq!(portal.requests(), 3);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 1)]
async fn flaky_alternates_between_200_and_503() {
    let server = HttpServer::plain(LO).await.unwrap();
    let addr = server.addr();
    let statuses = tokio::task::spawn_blocking(move || {
        (0..6)
            .map(|_| get(addr, "/flaky")[9..12].to_owned())
            .collect::<Vec<_>>()
    })
    .await
    .unwrap();
    assert_eq!(statuses, ["200", "503", "200", "503", "200", "503"]);
}

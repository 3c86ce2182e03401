//! The HTTP servers, plain and TLS, driven by hyper's client over real loopback sockets.

// Helpers outside #[test] functions are test code too; clippy.toml only exempts the latter.
#![allow(clippy::unwrap_used)]

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::Arc;

use bytes::Bytes;
use downwatch_testbed::{Alpn, CertKind, HttpServer, INDEX_BODY, TestCa};
use http_body_util::{BodyExt, Empty};
use hyper::http::response::Parts;
use hyper::{Request, Response, StatusCode, body::Incoming};
use hyper_util::rt::{TokioExecutor, TokioIo};
use rustls::pki_types::ServerName;
use rustls::pki_types::pem::PemObject;
use rustls::{CertificateError, ClientConfig, RootCertStore};
use tokio::net::TcpStream;
use tokio_rustls::TlsConnector;
use tokio_rustls::client::TlsStream;

const LO: IpAddr = IpAddr::V4(Ipv4Addr::LOCALHOST);

/// A client that trusts only the CA, parsed back from its PEM like a user's extra CA file.
fn client(ca: &TestCa) -> TlsConnector {
    let mut roots = RootCertStore::empty();
    let der = rustls::pki_types::CertificateDer::from_pem_slice(ca.ca_pem().as_bytes()).unwrap();
    roots.add(der).unwrap();
    let mut cfg =
        ClientConfig::builder_with_provider(Arc::new(rustls::crypto::ring::default_provider()))
            .with_safe_default_protocol_versions()
            .unwrap()
            .with_root_certificates(roots)
            .with_no_client_auth();
    cfg.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
    TlsConnector::from(Arc::new(cfg))
}

async fn tls(ca: &TestCa, addr: SocketAddr, name: &str) -> std::io::Result<TlsStream<TcpStream>> {
    let tcp = TcpStream::connect(addr).await?;
    let name = ServerName::try_from(name.to_owned()).unwrap();
    client(ca).connect(name, tcp).await
}

fn get(path: &str) -> Request<Empty<Bytes>> {
    Request::get(path)
        .header("host", "ok.test")
        .header("user-agent", "downwatch-test/1")
        .body(Empty::new())
        .unwrap()
}

async fn h1<S>(io: S, req: Request<Empty<Bytes>>) -> (Parts, Bytes)
where
    S: tokio::io::AsyncRead + tokio::io::AsyncWrite + Send + Unpin + 'static,
{
    let (mut sender, conn) = hyper::client::conn::http1::handshake(TokioIo::new(io))
        .await
        .unwrap();
    tokio::spawn(conn);
    let res = sender.send_request(req).await.unwrap();
    collect(res).await
}

async fn collect(res: Response<Incoming>) -> (Parts, Bytes) {
    let (parts, body) = res.into_parts();
    (parts, body.collect().await.unwrap().to_bytes())
}

#[tokio::test]
async fn valid_cert_serves_index_over_h2_and_h1_as_alpn_allows() {
    let ca = TestCa::new();
    let both = HttpServer::tls(LO, ca.server_config(CertKind::Valid, Alpn::H2AndH1))
        .await
        .unwrap();
    let stream = tls(&ca, both.addr(), "ok.test").await.unwrap();
    assert_eq!(stream.get_ref().1.alpn_protocol(), Some(&b"h2"[..]));
    let (mut sender, conn) =
        hyper::client::conn::http2::handshake(TokioExecutor::new(), TokioIo::new(stream))
            .await
            .unwrap();
    tokio::spawn(conn);
    let req = Request::get("https://ok.test/")
        .body(Empty::<Bytes>::new())
        .unwrap();
    let (res, body) = collect(sender.send_request(req).await.unwrap()).await;
    assert_eq!(res.status, StatusCode::OK);
    assert_eq!(res.version, hyper::Version::HTTP_2);
    assert_eq!(res.headers["content-type"], "text/html");
    assert_eq!(body, INDEX_BODY);
    assert_eq!(both.requests(), 1);

    let h1_only = HttpServer::tls(LO, ca.server_config(CertKind::Valid, Alpn::H1Only))
        .await
        .unwrap();
    let stream = tls(&ca, h1_only.addr(), "127.0.0.1").await.unwrap();
    assert_eq!(stream.get_ref().1.alpn_protocol(), Some(&b"http/1.1"[..]));
    let (res, body) = h1(stream, get("/")).await;
    assert_eq!(res.status, StatusCode::OK);
    assert_eq!(body, INDEX_BODY);
}

fn cert_error(err: &std::io::Error) -> CertificateError {
    match err
        .get_ref()
        .and_then(|e| e.downcast_ref::<rustls::Error>())
    {
        Some(rustls::Error::InvalidCertificate(e)) => e.clone(),
        other => panic!("not a certificate error: {other:?} ({err})"),
    }
}

#[tokio::test]
async fn broken_certs_fail_verification_for_the_right_reason() {
    let ca = TestCa::new();
    let server = |kind| HttpServer::tls(LO, ca.server_config(kind, Alpn::H2AndH1));

    let expired = server(CertKind::Expired).await.unwrap();
    let err = tls(&ca, expired.addr(), "ok.test").await.unwrap_err();
    let e = cert_error(&err);
    assert!(
        matches!(
            e,
            CertificateError::Expired | CertificateError::ExpiredContext { .. }
        ),
        "{e:?}"
    );

    let early = server(CertKind::NotYetValid).await.unwrap();
    let e = cert_error(&tls(&ca, early.addr(), "ok.test").await.unwrap_err());
    assert!(matches!(
        e,
        CertificateError::NotValidYet | CertificateError::NotValidYetContext { .. }
    ));

    let wrong = server(CertKind::WrongHost).await.unwrap();
    let e = cert_error(&tls(&ca, wrong.addr(), "ok.test").await.unwrap_err());
    assert!(matches!(
        e,
        CertificateError::NotValidForName | CertificateError::NotValidForNameContext { .. }
    ));

    let selfsigned = server(CertKind::SelfSigned).await.unwrap();
    let e = cert_error(&tls(&ca, selfsigned.addr(), "ok.test").await.unwrap_err());
    assert_eq!(e, CertificateError::UnknownIssuer);

    // Expiring soon is still a good certificate, and wildcards cover subdomains.
    let soon = server(CertKind::ExpiringSoon).await.unwrap();
    tls(&ca, soon.addr(), "www.ok.test").await.unwrap();
}

#[tokio::test]
async fn plain_routes() {
    let http = HttpServer::plain(LO).await.unwrap();
    let addr = http.addr();
    let fetch = |path: &'static str| async move {
        h1(TcpStream::connect(addr).await.unwrap(), get(path)).await
    };

    let (res, _) = fetch("/status/503").await;
    assert_eq!(res.status, StatusCode::SERVICE_UNAVAILABLE);
    let (res, _) = fetch("/redirect/2").await;
    assert_eq!(res.status, StatusCode::FOUND);
    assert_eq!(res.headers["location"], "/redirect/1");
    let (res, body) = fetch("/redirect/0").await;
    assert_eq!((res.status, &body[..]), (StatusCode::OK, &b"arrived"[..]));
    let (res, _) = fetch("/loop").await;
    assert_eq!(res.headers["location"], "/loop");
    let (_, body) = fetch("/headers").await;
    let body = String::from_utf8(body.to_vec()).unwrap();
    assert!(body.contains("user-agent: downwatch-test/1\n"), "{body}");
    let (_, body) = fetch("/method").await;
    assert_eq!(body, "GET");
    let (res, body) = fetch("/big/100000").await;
    assert_eq!(res.headers["content-length"], "100004");
    assert!(body.ends_with(b"aTAIL") && body.len() == 100_004);
    let (res, _) = fetch("/nope").await;
    assert_eq!(res.status, StatusCode::NOT_FOUND);
    let (_, body) = fetch("/delay/10").await;
    assert_eq!(body, "late");
    assert_eq!(http.requests(), 9);
}

#[tokio::test]
async fn endless_bodies_keep_coming_and_clients_may_hang_up() {
    let http = HttpServer::plain(LO).await.unwrap();
    for path in ["/endless", "/huge-length"] {
        let io = TokioIo::new(TcpStream::connect(http.addr()).await.unwrap());
        let (mut sender, conn) = hyper::client::conn::http1::handshake(io).await.unwrap();
        tokio::spawn(conn);
        let res = sender.send_request(get(path)).await.unwrap();
        assert_eq!(res.status(), StatusCode::OK);
        if path == "/huge-length" {
            assert_eq!(res.headers()["content-length"], "10000000000000");
        }
        let mut body = res.into_body();
        let mut got = 0;
        while got < 1024 * 1024 {
            let frame = body.frame().await.unwrap().unwrap();
            got += frame.into_data().unwrap().len();
        }
        // Dropping the body mid-stream must leave the server serving others.
    }
    let (res, body) = h1(TcpStream::connect(http.addr()).await.unwrap(), get("/")).await;
    assert_eq!((res.status, body.len()), (StatusCode::OK, INDEX_BODY.len()));
}

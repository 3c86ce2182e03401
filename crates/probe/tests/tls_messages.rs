//! Messages that name the real cause (issue 8): a server that left out its intermediate
//! certificate, one that only speaks an outdated TLS version, one that ends the handshake
//! with an alert, and plain HTTP and TLS on each other's ports. Each against a real server
//! on loopback, asserting verdict, layer, cause and message.

mod common;

use common::{env, env_with};
use downwatch_probe::{Layer, ProbeResult, Status};
use downwatch_testbed::{INTERMEDIATE_URL, OldTls, OldTlsServer};

/// Down at `layer` with `cause`, and a message holding every piece of `parts`.
fn assert_says(r: &ProbeResult, layer: Layer, cause: &str, parts: &[&str]) {
    assert_eq!(r.status, Status::Down, "{r:?}");
    assert_eq!(r.layer(), Some(layer), "{r:?}");
    let failure = r.failure.as_ref().expect("a failure");
    assert_eq!(failure.cause.code(), cause, "{r:?}");
    for part in parts {
        assert!(
            failure.message.contains(part),
            "{:?} lacks {part:?}",
            failure.message
        );
    }
}

#[tokio::test]
async fn a_leaf_sent_without_its_intermediate_says_so() {
    let env = env().await;
    let port = env.bed.https_leaf_only.addr().port();
    let expected = [
        "the server did not send its intermediate certificate",
        "it sent only its own certificate, issued by CN=Downwatch Test Intermediate CA",
        "not a trusted root",
        INTERMEDIATE_URL,
    ];
    for target in [
        format!("https://ok.test:{port}/"),
        format!("tls://ok.test:{port}"),
    ] {
        let r = env.run(&target).await;
        assert_says(&r, Layer::Tls, "tls_untrusted", &expected);
    }
    // The same chain with its intermediate sent is trusted: the root is.
    let port = env.bed.https_intermediate.addr().port();
    let r = env.run(&format!("https://ok.test:{port}/")).await;
    assert_eq!(r.status, Status::Up, "{r:?}");
}

#[tokio::test]
async fn a_complete_chain_to_an_untrusted_root_names_the_root() {
    let env = env_with(false, true).await;
    let port = env.bed.https_intermediate.addr().port();
    let r = env.run(&format!("https://ok.test:{port}/")).await;
    assert_says(
        &r,
        Layer::Tls,
        "tls_untrusted",
        &[
            "the server sent 2 certificates",
            "an authority this computer does not trust (CN=Downwatch Test CA)",
        ],
    );
    // A single certificate from an authority not trusted, with nothing saying where an
    // intermediate would be: both readings are given.
    let port = env.bed.https_valid.addr().port();
    let r = env.run(&format!("https://ok.test:{port}/")).await;
    assert_says(
        &r,
        Layer::Tls,
        "tls_untrusted",
        &[
            "sent only its own certificate, issued by an unknown authority (CN=Downwatch Test CA)",
            "left out its intermediate certificate",
            "give its certificate with --ca",
        ],
    );
}

#[tokio::test]
async fn a_server_of_an_outdated_tls_version_is_named_with_its_version() {
    let env = env().await;
    for (minor, name) in [(1, "TLS 1.0"), (2, "TLS 1.1"), (0, "SSL 3.0")] {
        let old = OldTlsServer::start(env.bed.dns.addr().ip(), OldTls::Hello(3, minor))
            .await
            .expect("old TLS server");
        let r = env
            .run(&format!("tls://ok.test:{}", old.addr().port()))
            .await;
        assert_says(
            &r,
            Layer::Tls,
            "tls_handshake",
            &[
                &format!("the server only speaks {name}"),
                "which Downwatch refuses as unsafe (it needs TLS 1.2 and 1.3)",
            ],
        );
    }
}

#[tokio::test]
async fn handshake_alerts_are_said_in_plain_words() {
    let env = env().await;
    let cases: [(u8, &[&str]); 3] = [
        (
            70,
            &[
                "the server refused the TLS versions Downwatch speaks (TLS 1.2 and 1.3)",
                "outdated one (TLS 1.0 or 1.1)",
            ],
        ),
        (
            40,
            &["found no encryption settings in common with Downwatch"],
        ),
        (112, &["the server does not serve the name ok.test"]),
    ];
    for (alert, parts) in cases {
        let server = OldTlsServer::start(env.bed.dns.addr().ip(), OldTls::Alert(alert))
            .await
            .expect("alert server");
        let r = env
            .run(&format!("https://ok.test:{}/", server.addr().port()))
            .await;
        assert_says(&r, Layer::Tls, "tls_handshake", parts);
        assert!(
            !r.failure.unwrap().message.contains("received fatal alert"),
            "library jargon"
        );
    }
}

#[tokio::test]
async fn plain_http_and_tls_on_each_others_ports() {
    let env = env().await;
    let http = env.bed.http.addr().port();
    let r = env.run(&format!("https://ok.test:{http}/")).await;
    assert_says(
        &r,
        Layer::Tls,
        "tls_handshake",
        &["the server did not speak TLS: it answered in plain HTTP"],
    );
    let https = env.bed.https_valid.addr().port();
    let r = env.run(&format!("http://ok.test:{https}/")).await;
    assert_says(
        &r,
        Layer::Http,
        "http_protocol",
        &["answered with TLS, not plain HTTP", "https://"],
    );
}

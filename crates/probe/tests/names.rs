//! Host names as people type them (internationalized, upper case, absolute with a trailing
//! dot) in every target kind, against the test bed's real servers: the wire carries the
//! A-label (`xn--bcher-kva.test` is what the DNS server and the certificate know), messages
//! show the name in Unicode.

mod common;

use common::{assert_down, env};
use downwatch_probe::Status;

/// Spellings of two names the test bed serves, each as a user may type it.
const SPELLINGS: [&str; 5] = [
    "bücher.test",
    "BÜCHER.Test.",
    "xn--bcher-kva.test",
    "bücher。test",
    "ok.test.",
];

#[tokio::test]
async fn every_kind_reaches_the_server_under_every_spelling() {
    let env = env().await;
    let https = env.bed.https_valid.addr().port();
    let http = env.bed.http.addr().port();
    for name in SPELLINGS {
        for target in [
            format!("https://{name}:{https}/"),
            format!("http://{name}:{http}/"),
            format!("tcp://{name}:{http}"),
            format!("tls://{name}:{https}"),
            format!("dns://{name}"),
        ] {
            let r = env.run(&target).await;
            assert_eq!(r.status, Status::Up, "{target}: {r:?}");
            let dns = r.dns.as_ref().unwrap();
            assert_eq!(dns.answers.first().map(String::as_str), Some("127.0.0.1"));
            if !target.starts_with("dns://") {
                assert_eq!(r.address.unwrap().ip().to_string(), "127.0.0.1", "{target}");
            }
            if target.starts_with("tls://") || target.starts_with("https://") {
                // The certificate holds the A-label, and it matched.
                let names = &r.tls.as_ref().unwrap().names;
                assert!(names.iter().any(|n| n == "xn--bcher-kva.test"), "{names:?}");
            }
        }
    }
}

#[tokio::test]
async fn the_name_is_shown_in_unicode() {
    let env = env().await;
    let https = env.bed.https_valid.addr().port();
    let r = env.run(&format!("https://Bücher.test:{https}/")).await;
    assert_eq!(r.status, Status::Up, "{r:?}");
    assert_eq!(
        r.http.unwrap().final_url.as_deref(),
        Some(&*format!("https://bücher.test:{https}/"))
    );
    let r = env.run("dns://nichtda-ü.test").await;
    assert_down(&r, "dns_nxdomain", "nichtda-ü.test does not exist");
    let wrong = env.bed.https_wrong_host.addr().port();
    let r = env.run(&format!("tls://bücher.test:{wrong}")).await;
    assert_down(&r, "tls_hostname_mismatch", "not bücher.test");
}

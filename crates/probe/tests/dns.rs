//! DNS probes against the test bed's authoritative server.

mod common;

use std::time::Duration;

use common::{assert_down, env};
use downwatch_probe::Status;

#[tokio::test]
async fn record_types_answer_as_text() {
    let env = env().await;
    for (target, answer) in [
        ("dns://ok.test", "127.0.0.1"),
        ("dns://v4only.test#A", "127.0.0.1"),
        ("dns://mail.test#MX", "10 mx.ok.test."),
        ("dns://txt.test#TXT", "v=downwatch1"),
        ("dns://ns.test#NS", "ns1.ok.test."),
        ("dns://alias.test#CNAME", "ok.test."),
    ] {
        let r = env.run(target).await;
        assert_eq!(r.status, Status::Up, "{target}: {r:?}");
        let dns = r.dns.unwrap();
        assert_eq!(dns.rcode.as_deref(), Some("NOERROR"));
        assert!(
            dns.answers.iter().any(|a| a == answer),
            "{target}: {:?}",
            dns.answers
        );
        assert_eq!(dns.server, Some(env.bed.dns.addr().to_string()));
        assert!(r.phases.dns.is_some());
    }
}

#[tokio::test]
async fn error_codes_are_causes() {
    let env = env().await;
    let server = env.bed.dns.addr().to_string();
    let r = env.run("dns://missing.test").await;
    assert_down(&r, "dns_nxdomain", "missing.test does not exist");
    assert_eq!(r.dns.unwrap().rcode.as_deref(), Some("NXDOMAIN"));
    assert_down(
        &env.run("dns://servfail.test").await,
        "dns_servfail",
        &format!("SERVFAIL from {server}"),
    );
    assert_down(
        &env.run("dns://refused.test").await,
        "dns_refused",
        "REFUSED",
    );
    assert_down(
        &env.run("dns://nodata.test#A").await,
        "dns_no_records",
        "no A record",
    );
}

#[tokio::test]
async fn expectations_on_rcode_and_answer() {
    let env = env().await;
    let t = Duration::from_secs(5);
    let r = env
        .run_with("dns://missing.test", t, |c| {
            c.dns.rcode = Some("NXDOMAIN".into())
        })
        .await;
    assert_eq!(r.status, Status::Up, "NXDOMAIN was expected: {r:?}");
    let r = env
        .run_with("dns://ok.test", t, |c| {
            c.dns.rcode = Some("NXDOMAIN".into())
        })
        .await;
    assert_down(&r, "dns_unexpected_rcode", "NOERROR");
    let r = env
        .run_with("dns://ok.test", t, |c| {
            c.dns.answer = Some("127.0.0.1".into())
        })
        .await;
    assert_eq!(r.status, Status::Up);
    let r = env
        .run_with("dns://ok.test", t, |c| {
            c.dns.answer = Some("10.9.9.9".into())
        })
        .await;
    assert_down(&r, "dns_answer_mismatch", "got 127.0.0.1");
}

#[tokio::test]
async fn truncated_answers_are_fetched_over_tcp() {
    let env = env().await;
    let r = env.run("dns://big.test#TXT").await;
    assert_eq!(r.status, Status::Up, "{r:?}");
    let dns = r.dns.unwrap();
    assert!(dns.over_tcp);
    assert_eq!(dns.answers.len(), 40);
    assert!(env.bed.dns.tcp_queries() >= 1 && env.bed.dns.udp_queries() >= 1);
}

#[tokio::test]
async fn an_oversized_datagram_is_read_whole_with_bounded_memory() {
    let env = env().await;
    let r = env.run("dns://oversized.test").await;
    assert_eq!(r.status, Status::Up, "{r:?}");
    assert!(r.dns.unwrap().answers.iter().any(|a| a == "127.0.0.1"));
}

#[tokio::test]
async fn silence_garbage_and_spoofed_ids() {
    let env = env().await;
    let t = Duration::from_secs(2);
    let r = env.run_with("dns://noreply.test", t, |_| {}).await;
    assert_down(&r, "dns_timeout", "no answer from");
    assert!(r.phases.total >= t);
    assert_down(
        &env.run_with("dns://garbage.test", t, |_| {}).await,
        "dns_protocol",
        "malformed reply",
    );
    assert_down(
        &env.run_with("dns://wrongid.test", t, |_| {}).await,
        "dns_protocol",
        "wrong id",
    );
    // The same failures while resolving a web host.
    assert_down(
        &env.run_with("https://noreply.test/", t, |_| {}).await,
        "dns_timeout",
        "no answer",
    );
}

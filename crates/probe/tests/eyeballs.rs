//! Happy Eyeballs v2 (RFC 8305) resolution against the test bed's real DNS server:
//! `shop.test` answers A at once and never AAAA (as some home routers do), `shop6.test` the
//! reverse. A silent family must cost nothing while the other works, and a deadline that
//! runs out in DNS is a DNS failure, never a TCP one.

mod common;

use std::time::{Duration, Instant};

use common::{assert_down, env};
use downwatch_probe::{Layer, Status};
use downwatch_testbed::ClosedPort;

const TIMEOUT: Duration = Duration::from_secs(4);

#[tokio::test]
async fn an_aaaa_query_never_answered_costs_nothing() {
    let env = env().await;
    let http = env.bed.http.addr().port();
    let started = Instant::now();
    let r = env
        .run_with(&format!("http://shop.test:{http}/"), TIMEOUT, |_| {})
        .await;
    let took = started.elapsed();
    assert_eq!(r.status, Status::Up, "{r:?}");
    // Before: 4,001 ms waiting for AAAA, then DOWN tcp_timeout. Half the deadline leaves a
    // loaded machine room and still fails the old behaviour.
    assert!(took < TIMEOUT / 2, "took {took:?}");
    assert!(r.phases.dns.unwrap() < TIMEOUT / 2, "{:?}", r.phases);
    let dns = r.dns.unwrap();
    assert_eq!(dns.rcode.as_deref(), Some("NOERROR"));
    assert_eq!(dns.answers, ["127.0.0.1"]);
    assert_eq!(dns.server, Some(env.bed.dns.addr().to_string()));
    assert_eq!(r.address.unwrap().ip().to_string(), "127.0.0.1");
}

#[tokio::test]
async fn an_a_query_never_answered_costs_the_resolution_delay_only() {
    let env = env().await;
    if env.bed.v6.is_none() {
        println!("SKIPPED: ::1 cannot be bound here");
        return;
    }
    // Something listening on ::1, where shop6.test's AAAA record points.
    let listener = tokio::net::TcpListener::bind("[::1]:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let started = Instant::now();
    let r = env
        .run_with(&format!("tcp://shop6.test:{port}"), TIMEOUT, |_| {})
        .await;
    let took = started.elapsed();
    assert_eq!(r.status, Status::Up, "{r:?}");
    assert!(took < TIMEOUT / 2, "took {took:?}");
    // An IPv6 answer waits 50 ms for the IPv4 one (RFC 8305 §3), then connects.
    let dns_phase = r.phases.dns.unwrap();
    assert!(
        dns_phase >= Duration::from_millis(50) && dns_phase < TIMEOUT / 2,
        "{dns_phase:?}"
    );
    assert_eq!(r.dns.unwrap().answers, ["::1"]);
    assert_eq!(r.address.unwrap().to_string(), format!("[::1]:{port}"));
}

#[tokio::test]
async fn a_deadline_spent_in_dns_is_a_dns_timeout() {
    let env = env().await;
    let server = env.bed.dns.addr().to_string();
    let http = env.bed.http.addr().port();
    // Neither family ever answered: the deadline runs out in DNS.
    for target in [
        format!("http://noreply.test:{http}/"),
        format!("tcp://noreply.test:{http}"),
        format!("tls://noreply.test:{http}"),
    ] {
        let r = env
            .run_with(&target, Duration::from_millis(1500), |_| {})
            .await;
        assert_down(&r, "dns_timeout", &format!("no answer from {server}"));
        assert_eq!(r.layer(), Some(Layer::Dns), "{target}");
        assert!(
            r.phases.dns.unwrap() >= Duration::from_millis(1400),
            "{r:?}"
        );
        assert!(r.phases.connect.is_none(), "{target}: {r:?}");
        assert!(r.address.is_none(), "{target}: {r:?}");
    }
}

#[tokio::test]
async fn a_refused_connection_is_told_even_when_aaaa_never_comes() {
    let env = env().await;
    let closed = ClosedPort::new().unwrap();
    let target = format!("tcp://shop.test:{}", closed.port());
    let r = env
        .run_with(&target, Duration::from_millis(1500), |_| {})
        .await;
    // The connection attempt failed; AAAA was awaited until the deadline in case it brought
    // an address that works, and the failure is the one TCP gave.
    assert_down(&r, "tcp_refused", &format!("127.0.0.1:{}", closed.port()));
    assert_eq!(r.layer(), Some(Layer::Tcp));
    assert_eq!(r.dns.unwrap().answers, ["127.0.0.1"]);
    assert!(
        r.phases.dns.unwrap() < Duration::from_millis(1000),
        "{:?}",
        r.phases
    );
}

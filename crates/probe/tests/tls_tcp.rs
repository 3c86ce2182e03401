//! TLS certificate checks and TCP connects against the test bed.

mod common;

use std::time::Duration;

use common::{assert_down, env};
use downwatch_probe::Status;

#[tokio::test]
async fn certificate_check_reports_expiry() {
    let env = env().await;
    let r = env
        .run(&format!(
            "tls://ok.test:{}",
            env.bed.https_valid.addr().port()
        ))
        .await;
    assert_eq!(r.status, Status::Up, "{r:?}");
    let tls = r.tls.unwrap();
    assert!(tls.not_after.is_some() && tls.days_left.unwrap() > 300);
    assert!(tls.names.iter().any(|n| n == "ok.test"));
    assert!(r.phases.tls.is_some() && r.phases.ttfb.is_none());
}

#[tokio::test]
async fn expiring_soon_is_degraded_below_the_threshold() {
    let env = env().await;
    let target = format!("tls://ok.test:{}", env.bed.https_expiring.addr().port());
    let r = env.run(&target).await;
    assert_eq!(r.status, Status::Degraded);
    assert_eq!(r.cause().unwrap().code(), "tls_expiring");
    // Five days minus the seconds since the certificate was made: 4 or 5 whole days.
    let days = r.tls.unwrap().days_left.unwrap();
    assert!((4..=5).contains(&days));
    let message = r.failure.unwrap().message;
    assert!(
        message.contains(&format!("expires in {days} days")),
        "{message}"
    );
    let r = env
        .run_with(&target, Duration::from_secs(5), |c| {
            c.cert_warn_days = Some(3)
        })
        .await;
    assert_eq!(r.status, Status::Up);
    let r = env
        .run(&format!(
            "tls://ok.test:{}",
            env.bed.https_expired.addr().port()
        ))
        .await;
    assert_down(&r, "tls_expired", "12 days ago");
}

#[tokio::test]
async fn tcp_connects_and_refusals() {
    let env = env().await;
    let r = env
        .run(&format!("tcp://ok.test:{}", env.bed.silent.addr().port()))
        .await;
    assert_eq!(r.status, Status::Up);
    assert!(r.phases.connect.is_some() && r.phases.tls.is_none());
    let closed = downwatch_testbed::ClosedPort::new().unwrap();
    assert_down(
        &env.run(&format!("tcp://{}", closed.addr())).await,
        "tcp_refused",
        "refused",
    );
    // IPv4 first, then IPv6: a name with both still connects when only v4 listens.
    let r = env
        .run(&format!("tcp://ok.test:{}", env.bed.http.addr().port()))
        .await;
    assert_eq!(r.address.unwrap().ip().to_string(), "127.0.0.1");
}

//! HTTP(S) probes against the test bed's real servers.

mod common;

use std::time::Duration;

use common::{assert_down, env, env_with};
use downwatch_probe::{BodyMatch, HeaderName, HeaderValue, Status};
use downwatch_testbed::DelayProxy;

#[tokio::test]
async fn https_over_h2_times_every_phase() {
    let env = env().await;
    let port = env.bed.https_valid.addr().port();
    let r = env.run(&format!("https://ok.test:{port}/")).await;
    assert_eq!(r.status, Status::Up, "{r:?}");
    let p = r.phases;
    assert!(p.dns.is_some() && p.connect.is_some() && p.tls.is_some() && p.ttfb.is_some());
    assert!(p.total >= p.dns.unwrap() + p.connect.unwrap() + p.tls.unwrap() + p.ttfb.unwrap());
    assert_eq!(r.address.unwrap().to_string(), format!("127.0.0.1:{port}"));
    let http = r.http.unwrap();
    assert_eq!(
        (http.status, http.version.as_deref()),
        (Some(200), Some("HTTP/2"))
    );
    assert_eq!(http.body_bytes, downwatch_testbed::INDEX_BODY.len() as u64);
    let tls = r.tls.unwrap();
    assert_eq!(
        (tls.version.as_deref(), tls.alpn.as_deref()),
        (Some("TLSv1.3"), Some("h2"))
    );
    assert!((360..=365).contains(&tls.days_left.unwrap()), "{tls:?}");
    assert_eq!(r.dns.unwrap().rcode.as_deref(), Some("NOERROR"));
}

#[tokio::test]
async fn h1_only_server_and_plain_http() {
    let env = env().await;
    let r = env
        .run(&format!(
            "https://h1.test:{}/",
            env.bed.https_h1.addr().port()
        ))
        .await;
    assert_eq!(r.http.unwrap().version.as_deref(), Some("HTTP/1.1"));
    let r = env
        .run(&format!("http://ok.test:{}/", env.bed.http.addr().port()))
        .await;
    assert_eq!(r.status, Status::Up);
    assert!(r.tls.is_none() && r.phases.tls.is_none());
    // An address needs no lookup: the DNS phase is absent, not zero.
    let r = env.run(&format!("http://{}/", env.bed.http.addr())).await;
    assert_eq!(r.status, Status::Up);
    assert!(r.phases.dns.is_none() && r.dns.is_none());
}

#[tokio::test]
async fn certificate_failures_are_named() {
    let env = env().await;
    let b = &env.bed;
    let url = |s: &downwatch_testbed::HttpServer| format!("https://ok.test:{}/", s.addr().port());
    let r = env.run(&url(&b.https_expired)).await;
    assert_down(&r, "tls_expired", "expired 12 days ago");
    assert_eq!(r.tls.unwrap().days_left, Some(-12));
    assert_down(
        &env.run(&url(&b.https_not_yet_valid)).await,
        "tls_not_yet_valid",
        "not valid yet",
    );
    assert_down(
        &env.run(&url(&b.https_wrong_host)).await,
        "tls_hostname_mismatch",
        "wrong.test",
    );
    assert_down(
        &env.run(&url(&b.https_self_signed)).await,
        "tls_untrusted",
        "self-signed",
    );
    let r = env
        .run(&format!("https://ok.test:{}/", b.garbage.addr().port()))
        .await;
    assert_down(&r, "tls_handshake", "did not speak TLS");
}

#[tokio::test]
async fn unknown_authority_without_the_ca_and_insecure_mode() {
    let env = env_with(false, true).await;
    let r = env
        .run(&format!(
            "https://ok.test:{}/",
            env.bed.https_valid.addr().port()
        ))
        .await;
    assert_down(&r, "tls_untrusted", "unknown authority");
    let env = env_with(false, false).await;
    let r = env
        .run(&format!(
            "https://ok.test:{}/",
            env.bed.https_expired.addr().port()
        ))
        .await;
    assert_eq!(
        r.status,
        Status::Up,
        "insecure mode accepts any certificate: {r:?}"
    );
    assert_eq!(r.tls.unwrap().days_left, Some(-12), "and still reports it");
}

#[tokio::test]
async fn status_redirects_and_loops() {
    let env = env().await;
    let base = format!("http://ok.test:{}", env.bed.http.addr().port());
    assert_down(
        &env.run(&format!("{base}/status/503")).await,
        "http_status",
        "503",
    );
    let r = env.run(&format!("{base}/redirect/3")).await;
    assert_eq!(r.status, Status::Up);
    let http = r.http.unwrap();
    assert_eq!((http.redirects, http.status), (3, Some(200)));
    assert!(http.final_url.unwrap().ends_with("/redirect/0"));
    let r = env.run(&format!("{base}/loop")).await;
    assert_down(&r, "http_too_many_redirects", "more than 10 redirects");
    assert_eq!(r.http.unwrap().redirects, 10);
    // The followed hops' phases are reported (their sums: `phases_add_up_over_redirect_hops`).
    assert!(r.phases.ttfb.is_some() && r.phases.dns.is_some());
    let r = env
        .run_with(&format!("{base}/redirect/1"), Duration::from_secs(5), |c| {
            c.http.max_redirects = 0
        })
        .await;
    assert_eq!(r.http.unwrap().status, Some(302));
}

/// Every hop of a redirect chain opens its own connection (its own lookup, connect and
/// handshake), and the phases reported are sums over the hops, as the README says. Through
/// a proxy that holds every chunk 100 ms in each direction, a hop's TLS handshake and its
/// time to first byte each take at least one round trip (200 ms): four hops, at least four.
#[tokio::test]
async fn phases_add_up_over_redirect_hops() {
    const DELAY: Duration = Duration::from_millis(100);
    let env = env().await;
    let lo = std::net::IpAddr::from(std::net::Ipv4Addr::LOCALHOST);
    let proxy = DelayProxy::start(lo, env.bed.https_valid.addr(), DELAY, Duration::ZERO, 1)
        .await
        .unwrap();
    let base = format!("https://ok.test:{}", proxy.addr().port());
    let lookups = || env.bed.dns.udp_queries() + env.bed.dns.tcp_queries();

    let before = lookups();
    let one = env.run(&format!("{base}/redirect/0")).await;
    let one_lookup = lookups() - before;
    assert_eq!(one.http.as_ref().unwrap().redirects, 0, "{one:?}");

    let before = lookups();
    let four = env.run(&format!("{base}/redirect/3")).await;
    let four_lookups = lookups() - before;
    assert_eq!(four.status, Status::Up, "{four:?}");
    assert_eq!(four.http.as_ref().unwrap().redirects, 3, "{four:?}");
    assert_eq!(four_lookups, 4 * one_lookup, "one lookup per hop");

    let p = four.phases;
    let (tls, ttfb) = (p.tls.unwrap(), p.ttfb.unwrap());
    let four_round_trips = 4 * 2 * DELAY;
    assert!(tls >= four_round_trips, "TLS {tls:?} over four handshakes");
    assert!(ttfb >= four_round_trips, "TTFB {ttfb:?} over four requests");
    // A single hop measured the same way takes one round trip for each, not four.
    let (one_tls, one_ttfb) = (one.phases.tls.unwrap(), one.phases.ttfb.unwrap());
    assert!(one_tls >= 2 * DELAY && one_ttfb >= 2 * DELAY, "{one:?}");
    let (dns, connect) = (p.dns.unwrap(), p.connect.unwrap());
    assert!(
        p.total >= dns + connect + tls + ttfb,
        "total {:?} < the sum of its phases {p:?}",
        p.total
    );
}

#[tokio::test]
async fn keyword_and_regex() {
    let env = env().await;
    let url = format!("https://ok.test:{}/", env.bed.https_valid.addr().port());
    let t = Duration::from_secs(5);
    let r = env
        .run_with(&url, t, |c| {
            c.http.body_match = Some(BodyMatch::keyword("downwatch test bed"))
        })
        .await;
    assert_eq!(r.status, Status::Up);
    let r = env
        .run_with(&url, t, |c| {
            c.http.body_match = Some(BodyMatch::keyword("WhatsApp"))
        })
        .await;
    assert_down(&r, "http_keyword", "not found in the body");
    let r = env
        .run_with(&url, t, |c| {
            c.http.body_match = Some(BodyMatch::regex("(?i)HELLO\\s+FROM").unwrap())
        })
        .await;
    assert_eq!(r.status, Status::Up);
    let r = env
        .run_with(&url, t, |c| {
            c.http.body_match = Some(BodyMatch {
                must_appear: false,
                ..BodyMatch::keyword("hello")
            })
        })
        .await;
    assert_down(&r, "http_keyword", "forbidden");
}

#[tokio::test]
async fn requests_say_who_they_are_and_carry_headers() {
    let env = env().await;
    let url = format!("http://ok.test:{}/headers", env.bed.http.addr().port());
    let r = env
        .run_with(&url, Duration::from_secs(5), |c| {
            c.http.headers.push((
                HeaderName::from_static("x-probe"),
                HeaderValue::from_static("yes"),
            ));
            c.http.body_match = Some(
                BodyMatch::regex("(?m)^user-agent: Downwatch/[0-9.]+.*\n(.*\n)*x-probe: yes")
                    .unwrap(),
            );
        })
        .await;
    assert_eq!(r.status, Status::Up, "{r:?}");
}

#[tokio::test]
async fn endless_and_huge_bodies_stop_at_the_cap() {
    let env = env().await;
    let base = format!("https://ok.test:{}", env.bed.https_valid.addr().port());
    for path in ["/endless", "/huge-length"] {
        let r = env.run(&format!("{base}{path}")).await;
        assert_eq!(r.status, Status::Up, "{path}: {r:?}");
        let http = r.http.unwrap();
        assert!(
            http.body_truncated && http.body_bytes == 1024 * 1024,
            "{path}: {http:?}"
        );
        let r = env
            .run_with(&format!("{base}{path}"), Duration::from_secs(5), |c| {
                c.http.body_match = Some(BodyMatch::keyword("never there"))
            })
            .await;
        assert_down(&r, "http_keyword", "first 1.0 MiB");
    }
    // A keyword beyond the cap is not found; one before it is, and reading stops there.
    let big = format!("{base}/big/300000");
    let r = env
        .run_with(&big, Duration::from_secs(5), |c| {
            c.http.body_cap = 100_000;
            c.http.body_match = Some(BodyMatch::keyword("TAIL"));
        })
        .await;
    assert_down(&r, "http_keyword", "first 97.7 KiB");
    let r = env
        .run_with(&big, Duration::from_secs(5), |c| {
            c.http.body_match = Some(BodyMatch::keyword("TAIL"))
        })
        .await;
    assert_eq!(r.status, Status::Up);
}

#[tokio::test]
async fn slow_servers_end_at_the_deadline() {
    let env = env().await;
    let two = Duration::from_secs(2);
    let base = format!("https://ok.test:{}", env.bed.https_valid.addr().port());
    assert_down(
        &env.run_with(&format!("{base}/slow-headers"), two, |_| {})
            .await,
        "http_timeout",
        "no response headers",
    );
    let r = env.run_with(&format!("{base}/drip"), two, |_| {}).await;
    assert_down(&r, "http_timeout", "body still incomplete");
    assert!(r.phases.total >= two, "ended early: {:?}", r.phases.total);
    let silent = env.bed.silent.addr().port();
    assert_down(
        &env.run_with(&format!("https://ok.test:{silent}/"), two, |_| {})
            .await,
        "tls_timeout",
        "did not finish",
    );
    assert_down(
        &env.run_with(&format!("http://ok.test:{silent}/"), two, |_| {})
            .await,
        "http_timeout",
        "no response headers",
    );
}

#[tokio::test]
async fn too_slow_is_degraded() {
    let env = env().await;
    let url = format!("http://ok.test:{}/delay/300", env.bed.http.addr().port());
    let r = env
        .run_with(&url, Duration::from_secs(5), |c| {
            c.http.degraded_after = Some(Duration::from_millis(100))
        })
        .await;
    assert_eq!(r.status, Status::Degraded);
    assert_eq!(r.cause().unwrap().code(), "too_slow");
    let r = env
        .run_with(&url, Duration::from_secs(5), |c| {
            c.http.degraded_after = Some(Duration::from_secs(3))
        })
        .await;
    assert_eq!(r.status, Status::Up);
}

#[tokio::test]
async fn connection_and_name_failures() {
    let env = env().await;
    let closed = downwatch_testbed::ClosedPort::new().unwrap();
    let r = env.run(&format!("http://{}/", closed.addr())).await;
    assert_down(&r, "tcp_refused", "refused");
    assert!(r.phases.connect.is_some() && r.phases.ttfb.is_none());
    assert_down(
        &env.run("https://nope.test/").await,
        "dns_nxdomain",
        "NXDOMAIN",
    );
    let r = env.run("https://servfail.test/").await;
    assert_down(
        &r,
        "dns_servfail",
        &format!("SERVFAIL from {}", env.bed.dns.addr()),
    );
    assert!(r.phases.connect.is_none(), "TCP was not reached");
    assert_down(
        &env.run("https://nodata.test/").await,
        "dns_no_records",
        "no A or AAAA",
    );
}

#[tokio::test]
async fn delay_and_jitter_through_a_proxy() {
    let env = env().await;
    let delay = Duration::from_millis(150);
    let proxy = downwatch_testbed::DelayProxy::start(
        "127.0.0.1".parse().unwrap(),
        env.bed.https_valid.addr(),
        delay,
        Duration::from_millis(100),
        7,
    )
    .await
    .unwrap();
    let url = format!("https://ok.test:{}/", proxy.addr().port());
    let r = env.run(&url).await;
    assert_eq!(r.status, Status::Up, "{r:?}");
    // The handshake and the request each cross the proxy at least once each way.
    assert!(
        r.phases.tls.unwrap() >= delay && r.phases.ttfb.unwrap() >= delay,
        "{:?}",
        r.phases
    );
    let r = env
        .run_with(&url, Duration::from_secs(5), |c| {
            c.http.degraded_after = Some(delay)
        })
        .await;
    assert_eq!(r.status, Status::Degraded);
    assert_eq!(r.cause().unwrap().code(), "too_slow");
}

#[tokio::test]
async fn credentials_do_not_follow_a_redirect_to_another_origin() {
    let env = env().await;
    let port = env.bed.http.addr().port();
    let with_credentials = |c: &mut downwatch_probe::Check, present: bool| {
        c.http.headers.push((
            HeaderName::from_static("authorization"),
            HeaderValue::from_static("Bearer s3cret"),
        ));
        let mut secret = HeaderValue::from_static("hidden");
        secret.set_sensitive(true);
        c.http
            .headers
            .push((HeaderName::from_static("x-api-key"), secret));
        c.http.headers.push((
            HeaderName::from_static("x-plain"),
            HeaderValue::from_static("kept"),
        ));
        let pattern = "(?im)^(authorization|x-api-key):";
        c.http.body_match = Some(BodyMatch {
            must_appear: present,
            ..BodyMatch::regex(pattern).unwrap()
        });
    };
    let t = Duration::from_secs(5);
    // Same origin after the redirect: the credentials are still sent.
    let same = format!("http://ok.test:{port}/goto/ok.test:{port}/headers");
    let r = env.run_with(&same, t, |c| with_credentials(c, true)).await;
    assert_eq!(r.status, Status::Up, "{r:?}");
    // Another origin (another host name): dropped; ordinary headers still go.
    let other = format!("http://ok.test:{port}/goto/h1.test:{port}/headers");
    let r = env
        .run_with(&other, t, |c| with_credentials(c, false))
        .await;
    assert_eq!(
        r.status,
        Status::Up,
        "credentials leaked to another origin: {r:?}"
    );
    assert_eq!(r.http.unwrap().redirects, 1);
    let r = env
        .run_with(&other, t, |c| {
            with_credentials(c, false);
            c.http.body_match = Some(BodyMatch::regex("(?m)^x-plain: kept").unwrap());
        })
        .await;
    assert_eq!(r.status, Status::Up);
}

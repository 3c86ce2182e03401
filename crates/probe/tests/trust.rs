//! What the user trusts and asks for is honoured (issue 16), against the test bed's servers:
//! certificates given with `--ca` (a self-signed CA:TRUE one, an intermediate, a bundle, a
//! pinned leaf, a DER file), and a redirect that is itself the answer.

#![allow(clippy::unwrap_used)]

mod common;

use std::path::{Path, PathBuf};
use std::time::Duration;

use common::{assert_down, env};
use downwatch_probe::{
    Check, ProbeResult, Prober, ProberOptions, RecordKind, Resolver, Status, StatusSet, Target,
};
use downwatch_testbed::{Alpn, CertKind, HttpServer, TestBed, TestCa};

fn beside(bed: &TestBed, file: &str) -> PathBuf {
    bed.ca_path.with_file_name(file)
}

fn prober(bed: &TestBed, ca: &Path) -> Prober {
    Prober::new(&ProberOptions {
        resolver: Resolver::Server(bed.dns.addr()),
        extra_ca: Some(ca.to_owned()),
        verify_tls: true,
    })
    .unwrap()
}

async fn get(prober: &Prober, url: &str) -> ProbeResult {
    let mut check = Check::new(Target::parse(url, RecordKind::A).unwrap());
    check.timeout = Duration::from_secs(5);
    prober.check(&check).await
}

#[tokio::test]
async fn a_self_signed_ca_certificate_given_with_ca_is_trusted_with_name_and_dates_checked() {
    let env = env().await;
    let bed = &env.bed;
    let port = bed.https_self_signed_ca.addr().port();
    let trusting = prober(bed, &beside(bed, "self_signed_ca.pem"));
    // The input: `openssl req -x509`-style certificate, given with --ca.
    let r = get(&trusting, &format!("https://127.0.0.1:{port}/")).await;
    assert_eq!(r.status, Status::Up, "{r:?}");
    // The name is still checked...
    let r = get(&trusting, &format!("https://ok.test:{port}/")).await;
    assert_down(
        &r,
        "tls_hostname_mismatch",
        "certificate is for localhost, 127.0.0.1, not ok.test",
    );
    // ...and not given, it is not trusted.
    let r = env.run(&format!("https://127.0.0.1:{port}/")).await;
    assert_down(&r, "tls_untrusted", "self-signed");
    // ...and its dates.
    let ca = TestCa::new();
    let (cfg, pem) = ca
        .try_server_config_and_leaf(CertKind::SelfSignedCaExpired, Alpn::H2AndH1)
        .unwrap();
    let server = HttpServer::tls("127.0.0.1".parse().unwrap(), cfg)
        .await
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("expired.pem");
    std::fs::write(&path, pem).unwrap();
    let r = get(
        &prober(bed, &path),
        &format!("https://127.0.0.1:{}/", server.addr().port()),
    )
    .await;
    assert_down(&r, "tls_expired", "certificate expired 12 days ago");
}

#[tokio::test]
async fn an_intermediate_a_bundle_and_a_pinned_leaf_are_trusted() {
    let env = env().await;
    let bed = &env.bed;
    let via = format!("https://ok.test:{}/", bed.https_intermediate.addr().port());
    // An intermediate given instead of the root.
    let r = get(&prober(bed, &beside(bed, "intermediate.pem")), &via).await;
    assert_eq!(r.status, Status::Up, "{r:?}");
    // A bundle of several roots: an unrelated CA, the self-signed one, the bed's.
    let dir = tempfile::tempdir().unwrap();
    let bundle = dir.path().join("bundle.pem");
    let parts = [
        TestCa::new().ca_pem(),
        std::fs::read_to_string(beside(bed, "self_signed_ca.pem")).unwrap(),
        std::fs::read_to_string(&bed.ca_path).unwrap(),
    ];
    std::fs::write(&bundle, parts.concat()).unwrap();
    let all = prober(bed, &bundle);
    for url in [
        via.clone(),
        format!("https://ok.test:{}/", bed.https_valid.addr().port()),
        format!(
            "https://127.0.0.1:{}/",
            bed.https_self_signed_ca.addr().port()
        ),
    ] {
        let r = get(&all, &url).await;
        assert_eq!(r.status, Status::Up, "{url}: {r:?}");
    }
    // A pinned leaf, issued by a CA the user does not trust.
    let other = TestCa::new();
    let (cfg, leaf) = other
        .try_server_config_and_leaf(CertKind::Valid, Alpn::H1Only)
        .unwrap();
    let server = HttpServer::tls("127.0.0.1".parse().unwrap(), cfg)
        .await
        .unwrap();
    let pinned = dir.path().join("leaf.pem");
    std::fs::write(&pinned, leaf).unwrap();
    let url = format!("https://ok.test:{}/", server.addr().port());
    let r = get(&prober(bed, &pinned), &url).await;
    assert_eq!(r.status, Status::Up, "{r:?}");
    // Not pinned, it is not trusted (the other CA has the bed CA's name, so WebPKI finds a
    // namesake and the signature fails).
    let r = get(&prober(bed, &bed.ca_path), &url).await;
    assert_down(&r, "tls_untrusted", "not trusted");
}

#[tokio::test]
async fn a_der_file_is_refused_with_a_clear_message() {
    let env = env().await;
    let error = Prober::new(&ProberOptions {
        extra_ca: Some(beside(&env.bed, "self_signed_ca.der")),
        ..ProberOptions::default()
    })
    .unwrap_err()
    .to_string();
    assert!(
        error.contains("is a DER (binary) certificate; give it in PEM form"),
        "{error}"
    );
}

#[tokio::test]
async fn with_no_redirects_followed_the_redirect_is_judged_by_the_expected_status() {
    let env = env().await;
    let base = format!("http://ok.test:{}", env.bed.http.addr().port());
    let target = format!("{base}/location?to=%2Flanding%2Fx");
    let run = |expect: Option<&'static str>, max: u32| {
        let target = target.clone();
        let env = &env;
        async move {
            env.run_with(&target, Duration::from_secs(5), |c| {
                c.http.max_redirects = max;
                if let Some(set) = expect {
                    c.http.expect_status = set.parse::<StatusSet>().unwrap();
                }
            })
            .await
        }
    };
    // The input: --max-redirects 0 --expect-status 302.
    let r = run(Some("302"), 0).await;
    assert_eq!(r.status, Status::Up, "{r:?}");
    let http = r.http.unwrap();
    assert_eq!((http.status, http.redirects), (Some(302), 0));
    // The default set (200-399) takes a redirect as up too; a set without it does not.
    assert_eq!(run(None, 0).await.status, Status::Up);
    assert_down(
        &run(Some("200"), 0).await,
        "http_status",
        "status 302 Found (expected 200)",
    );
    // Following redirects, the landing page is judged.
    assert_down(
        &run(Some("302"), 10).await,
        "http_status",
        "status 200 OK (expected 302)",
    );
    // A chain longer than a non-zero limit is still too many redirects.
    let r = env
        .run_with(&format!("{base}/redirect/3"), Duration::from_secs(5), |c| {
            c.http.max_redirects = 2;
        })
        .await;
    assert_down(&r, "http_too_many_redirects", "more than 2 redirects");
}

//! Issue 16 through the configuration file: a watch's `ca` naming a self-signed certificate,
//! and `max_redirects = 0` with an expected 3xx, probed against the test bed like the resident
//! probes them.
#![allow(clippy::unwrap_used)]

use downwatch_probe::{Prober, ProberOptions, Status};
use downwatch_testbed::TestBed;

#[tokio::test]
async fn a_watchs_ca_and_a_redirect_as_the_answer_are_honoured() {
    let dir = tempfile::tempdir().unwrap();
    let bed = TestBed::start("127.0.0.1".parse().unwrap(), dir.path())
        .await
        .unwrap();
    let pem = bed.ca_path.with_file_name("self_signed_ca.pem");
    let text = format!(
        r#"
[[watch]]
name = "NAS"
target = "https://127.0.0.1:{nas}/"
ca = "{pem}"

[[watch]]
name = "Login redirect"
target = "http://127.0.0.1:{http}/location?to=%2Flogin"
max_redirects = 0
expect_status = "302"
"#,
        nas = bed.https_self_signed_ca.addr().port(),
        http = bed.http.addr().port(),
        pem = pem.display(),
    );
    let config = downwatch_config::parse(&text, &dir.path().join("config.toml")).unwrap();
    for watch in &config.watches {
        let prober = Prober::new(&ProberOptions {
            resolver: watch.probe.resolver.clone(),
            extra_ca: watch.probe.ca.clone(),
            verify_tls: watch.probe.verify_tls,
        })
        .unwrap();
        let result = prober.check(&watch.check).await;
        assert_eq!(result.status, Status::Up, "{}: {result:?}", watch.name);
    }
    assert_eq!(config.watches.len(), 2);

    // The same certificate in DER is refused at load, with the way out.
    let der = bed.ca_path.with_file_name("self_signed_ca.der");
    let text = format!(
        "[[watch]]\nname = \"NAS\"\ntarget = \"https://127.0.0.1:1/\"\nca = \"{}\"\n",
        der.display()
    );
    let error = downwatch_config::parse(&text, &dir.path().join("config.toml"))
        .unwrap_err()
        .to_string();
    assert!(error.contains("DER (binary)"), "{error}");
}

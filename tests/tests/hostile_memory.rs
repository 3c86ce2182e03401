//! Hostile bodies end at the body cap or the deadline, whichever comes first, with a small
//! peak RSS. Alone in its own test binary: RUSAGE_CHILDREN's peak covers every child this
//! process has waited for, so nothing else may run here.

#![allow(clippy::unwrap_used)] // test helpers outside #[test] functions

use downwatch_e2e::{Bed, downwatch};
use nix::sys::resource::{UsageWho, getrusage};

#[test]
fn endless_and_drip_bodies_stay_small_and_bounded() {
    let bed = Bed::start(None);
    let dns = bed.addr("dns");
    let ca = bed.ca();
    let base = format!("https://ok.test:{}", bed.port("https_valid"));
    let run = |path: &str, extra: &[&str]| {
        let target = format!("{base}{path}");
        let mut argv = vec![
            "check",
            &target,
            "--resolver",
            &dns,
            "--ca",
            &ca,
            "--timeout",
            "4s",
            "--json",
        ];
        argv.extend_from_slice(extra);
        let run = downwatch(None, &argv);
        run.json()
    };

    // The endless body stops at the cap (1 MiB), long before the deadline.
    let doc = run("/endless", &[]);
    assert_eq!(doc["status"], "up", "{doc}");
    assert_eq!(doc["http"]["body_bytes"], 1024 * 1024);
    assert_eq!(doc["http"]["body_truncated"], true);
    assert!(doc["phases_ms"]["total"].as_f64().unwrap() < 4000.0);
    let doc = run("/endless", &["--keyword", "absent-word"]);
    assert_eq!(doc["cause"], "http_keyword");
    assert!(
        doc["message"].as_str().unwrap().contains("first 1.0 MiB"),
        "{doc}"
    );
    let doc = run("/huge-length", &["--keyword", "absent-word"]);
    assert_eq!(doc["cause"], "http_keyword");

    // The drip never reaches the cap: the deadline ends it, and not much later.
    let doc = run("/drip", &[]);
    assert_eq!(doc["cause"], "http_timeout", "{doc}");
    let total = doc["phases_ms"]["total"].as_f64().unwrap();
    assert!((4000.0..5000.0).contains(&total), "{total} ms");

    // The bed itself is still running (not waited for), so this peak is downwatch's alone.
    let peak_kib = getrusage(UsageWho::RUSAGE_CHILDREN).unwrap().max_rss();
    eprintln!("peak RSS of downwatch check: {peak_kib} KiB");
    assert!(
        peak_kib > 1000 && peak_kib < 30 * 1024,
        "peak RSS {peak_kib} KiB"
    );
}

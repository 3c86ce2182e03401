//! The opt-in Prometheus endpoint through the real binary: `[api] metrics` set, the
//! resident serves `GET /metrics` with each watch's up and state, its last check's phases,
//! the certificate expiry, check counters by cause and the connectivity verdict, and
//! `promtool check metrics` (Debian package `prometheus`) accepts it. Root and the scenes
//! of `tests/src/resident.rs`; the endpoint is fetched inside the scene's namespace.

#![allow(clippy::unwrap_used)] // test helpers outside #[test] functions

use std::io::Write;
use std::process::{Command, Stdio};
use std::time::Duration;

use downwatch_e2e::resident::{Scene, Timings, WatchSpec, hand_edit, of_kind, poll, quote};

/// Inside the namespace, which has only its own loopback: no other listener to meet.
const PORT: u16 = 9464;
/// Another port, for the endpoint moved by an edit.
const OTHER_PORT: u16 = 9465;

/// The body of `GET /metrics`, fetched inside the namespace with bash's `/dev/tcp` (no
/// HTTP client needed on the machine); `None` while nothing answers.
fn scrape(s: &Scene) -> Option<String> {
    scrape_port(s, PORT)
}

fn scrape_port(s: &Scene, port: u16) -> Option<String> {
    let script = format!(
        "exec 3<>/dev/tcp/127.0.0.1/{port} && printf 'GET /metrics HTTP/1.0\\r\\n\\r\\n' >&3 && cat <&3"
    );
    let out =
        s.ns.command(std::path::Path::new("/bin/bash"))
            .args(["-c", &script])
            .stderr(Stdio::null())
            .output()
            .ok()?;
    let text = String::from_utf8(out.stdout).ok()?;
    let (head, body) = text.split_once("\r\n\r\n")?;
    head.starts_with("HTTP/1.0 200")
        .then(|| body.to_owned())
        .or_else(|| head.starts_with("HTTP/1.1 200").then(|| body.to_owned()))
}

fn promtool(text: &str) -> (bool, String) {
    let mut child = Command::new("promtool")
        .args(["check", "metrics"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("promtool (Debian package prometheus, scripts/deps.sh test)");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(text.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    let said = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.success(), said)
}

/// An HTTPS watch that is up and a TCP watch that is refused: every family is there with
/// the values the resident's own events say, the exposition passes promtool, and a
/// non-loopback address is warned about in the log.
#[test]
fn metrics_are_served_and_pass_promtool() {
    let Some(s) = Scene::start("metrics") else {
        return;
    };
    let web = s.https("Web", "https_valid", "/");
    let shut = WatchSpec {
        name: "Shut".into(),
        group: None,
        body: format!("target = {}\n", quote("tcp://127.0.0.1:1")),
    };
    let config = format!(
        "{}\n[api]\nmetrics = {}\n",
        s.config(&Timings::default(), &[web, shut]),
        quote(&format!("0.0.0.0:{PORT}"))
    );
    let dw = s.run(&config);
    dw.wait_up(&["Web"], 20);
    dw.wait_for("Shut down", 30, |ev| {
        ev.iter()
            .any(|e| e["event"] == "state" && e["watch"] == "Shut" && e["to"] == "down")
            .then_some(())
    });
    let wanted = [
        "downwatch_watch_up{watch=\"Web\"} 1",
        "downwatch_watch_up{watch=\"Shut\"} 0",
        "downwatch_watch_state{watch=\"Shut\",state=\"down\"} 1",
        "downwatch_connectivity{verdict=\"online\"} 1",
        "downwatch_checks_total{watch=\"Shut\",status=\"down\",cause=\"tcp_refused\"}",
        "downwatch_certificate_expiry_timestamp_seconds{watch=\"Web\"}",
        "downwatch_check_phase_seconds{watch=\"Web\",phase=\"tls\"}",
    ];
    let text = poll(
        "every family in the metrics",
        Duration::from_secs(30),
        || scrape(&s).filter(|t| wanted.iter().all(|w| t.contains(w))),
        || {
            format!(
                "last scrape:\n{}\n{}",
                scrape(&s).unwrap_or_default(),
                dw.context()
            )
        },
    );
    let (ok, said) = promtool(&text);
    assert!(ok, "promtool check metrics failed: {said}\n{text}");
    // The counter counts what the events file says: at least the three confirming failures.
    let refused = text
        .lines()
        .find(|l| l.starts_with("downwatch_checks_total{watch=\"Shut\",status=\"down\""))
        .and_then(|l| l.rsplit(' ').next())
        .and_then(|n| n.parse::<u64>().ok())
        .unwrap();
    assert!(refused >= 3, "{text}");
    // The certificate's expiry is in the future (the bed's certificate is valid).
    let expiry = text
        .lines()
        .find(|l| l.starts_with("downwatch_certificate_expiry_timestamp_seconds{watch=\"Web\"}"))
        .and_then(|l| l.rsplit(' ').next())
        .and_then(|n| n.parse::<i64>().ok())
        .unwrap();
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    assert!(expiry > i64::try_from(now).unwrap(), "{text}");
    let stderr = std::fs::read_to_string(&dw.stderr_path).unwrap();
    assert!(
        stderr.contains("which is not a loopback address"),
        "{stderr}"
    );
}

/// The endpoint follows edits of the file while the resident runs: off at start, served
/// once `[api] metrics` is written, moved to another port, then stopped when the key is
/// removed; each change is seen on the socket itself (answers, or refuses).
#[test]
fn metrics_follow_edits_of_the_configuration() {
    let Some(s) = Scene::start("metrics_edit") else {
        return;
    };
    let web = s.https("Web", "https_valid", "/");
    let base = s.config(&Timings::default(), std::slice::from_ref(&web));
    let dw = s.run(&base);
    dw.wait_up(&["Web"], 20);
    assert!(scrape(&s).is_none(), "not asked for: not served");

    let reloads = |n: usize| {
        dw.wait_for("config_reloaded", 20, |ev| {
            (of_kind(ev, "config_reloaded").len() >= n).then_some(())
        });
    };
    let with = |port: u16| {
        format!(
            "{base}\n[api]\nmetrics = {}\n",
            quote(&format!("127.0.0.1:{port}"))
        )
    };
    let served = |port: u16, what: &str| {
        poll(
            what,
            Duration::from_secs(20),
            || scrape_port(&s, port).filter(|t| t.contains("downwatch_watch_up{watch=\"Web\"} 1")),
            || dw.context(),
        )
    };
    hand_edit(&s.config_path(), &with(PORT));
    reloads(1);
    served(PORT, "served once the key is written");

    hand_edit(&s.config_path(), &with(OTHER_PORT));
    reloads(2);
    served(OTHER_PORT, "served on the new port");
    poll(
        "the old port closed",
        Duration::from_secs(20),
        || scrape(&s).is_none().then_some(()),
        || dw.context(),
    );

    hand_edit(&s.config_path(), &base);
    reloads(3);
    poll(
        "no longer served",
        Duration::from_secs(20),
        || scrape_port(&s, OTHER_PORT).is_none().then_some(()),
        || dw.context(),
    );
    dw.assert_running();
}

/// promtool itself rejects a broken exposition (a counter without `_total`), so the test
/// above cannot pass on anything.
#[test]
fn promtool_rejects_a_bad_exposition() {
    if Command::new("promtool").arg("--version").output().is_err() {
        assert!(
            std::env::var_os("DOWNWATCH_REQUIRE_NETNS").is_none(),
            "promtool is missing (scripts/deps.sh test installs it)"
        );
        eprintln!("SKIPPED promtool_rejects_a_bad_exposition: no promtool");
        return;
    }
    let (ok, said) = promtool("# HELP x_checks Checks.\n# TYPE x_checks counter\nx_checks 1\n");
    assert!(!ok, "{said}");
}

/// The README's Prometheus rules are valid (`promtool check rules`).
#[test]
fn the_readme_rules_pass_promtool() {
    if Command::new("promtool").arg("--version").output().is_err() {
        assert!(
            std::env::var_os("DOWNWATCH_REQUIRE_NETNS").is_none(),
            "promtool is missing (scripts/deps.sh test installs it)"
        );
        eprintln!("SKIPPED the_readme_rules_pass_promtool: no promtool");
        return;
    }
    let readme = include_str!("../../README.md");
    let start = readme
        .find("# downwatch-rules.yml\n")
        .expect("the rules in the README");
    let rules = &readme[start..];
    let rules = &rules[..rules.find("```").unwrap()];
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("rules.yml");
    std::fs::write(&file, rules).unwrap();
    let out = Command::new("promtool")
        .args(["check", "rules"])
        .arg(&file)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}{}\n{rules}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

//! The monitor loop with every real part and no root: real time, the real probers against
//! the test bed on 127.0.0.1, the real announcer (message catalog, Arabic locale, command
//! hook), the real JSON-lines sink, the real config reloader on a file. An outage is made
//! by editing the file so that the watch points at a closed port, and healed by editing it
//! back. The fakes of `runner.rs` stand in for none of it, so a contributor without root
//! (the namespace tests in `tests/` skip) still runs the resident end to end.

#![allow(clippy::unwrap_used)] // test helpers outside #[test] functions

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use downwatch_config as config;
use downwatch_monitor::announce::Announce;
use downwatch_monitor::clock::SystemClock;
use downwatch_monitor::events::JsonLines;
use downwatch_monitor::probes::Probers;
use downwatch_monitor::runner::{self, Deps, Inputs, Outlets, ProbeExec};
use downwatch_testbed::{ClosedPort, TestBed};
use serde_json::Value;
use tokio::sync::{mpsc, watch};
use tokio::time::Instant;

/// A TOML basic string.
fn quote(text: &str) -> String {
    serde_json::to_string(text).unwrap()
}

/// The whole file: short timings, the bed's two controls, Arabic texts, no desktop (no
/// daemon is needed), the hook appending to `hook`, and one watch on `target`.
fn config_text(bed: &TestBed, hook: &Path, target: &str) -> String {
    let dns = quote(&bed.dns.addr().to_string());
    format!(
        "[defaults]\ninterval = \"2s\"\ntimeout = \"1s\"\nretry_interval = \"1s\"\n\
         failures_to_down = 3\nsuccesses_to_up = 2\n\n\
         [connectivity]\ninterval = \"3s\"\nsettle = \"2s\"\n\n\
         [[connectivity.control]]\nname = \"bed web\"\ntarget = {web}\n\
         keyword = \"hello from the downwatch test bed\"\nresolver = {dns}\n\n\
         [[connectivity.control]]\nname = \"bed tcp\"\ntarget = {tcp}\n\n\
         [notifications]\ndesktop = false\nlocale = \"ar\"\ngroup_wait = \"1s\"\n\
         command = [\"/bin/sh\", \"-c\", {hook}]\ncommand_timeout = \"5s\"\n\n\
         [[watch]]\nname = \"Web\"\ntarget = {target}\nresolver = {dns}\nca = {ca}\n",
        web = quote(&format!("http://ok.test:{}/", bed.http.addr().port())),
        tcp = quote(&format!("tcp://{}", bed.silent.addr())),
        hook = quote(&format!("cat >> '{}'", hook.display())),
        target = quote(target),
        ca = quote(&bed.ca_path.display().to_string()),
    )
}

fn read_lines(path: &Path) -> Vec<Value> {
    std::fs::read_to_string(path)
        .unwrap_or_default()
        .lines()
        .filter_map(|l| serde_json::from_str(l).ok())
        .collect()
}

struct Files {
    events: PathBuf,
    hook: PathBuf,
}

impl Files {
    /// Waits (real time, up to `secs`) until `found` finds something in the events.
    async fn wait_for<T>(
        &self,
        what: &str,
        secs: u64,
        mut found: impl FnMut(&[Value]) -> Option<T>,
    ) -> T {
        let deadline = Instant::now() + Duration::from_secs(secs);
        loop {
            let events = read_lines(&self.events);
            if let Some(value) = found(&events) {
                return value;
            }
            assert!(
                Instant::now() < deadline,
                "timed out after {secs} s waiting for {what}\nevents:\n{}\nhook:\n{:?}",
                events
                    .iter()
                    .map(Value::to_string)
                    .collect::<Vec<_>>()
                    .join("\n"),
                read_lines(&self.hook)
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
}

fn notification(events: &[Value], kind: &str) -> Option<Value> {
    events
        .iter()
        .find(|e| e["event"] == "notification" && e["kind"] == kind)
        .cloned()
}

#[tokio::test]
async fn real_parts_tell_an_outage_of_a_closed_port_and_its_end() {
    let dir = tempfile::tempdir().unwrap();
    let bed = TestBed::start("127.0.0.1".parse().unwrap(), dir.path())
        .await
        .unwrap();
    let closed = ClosedPort::new().unwrap();
    let files = Files {
        events: dir.path().join("events.jsonl"),
        hook: dir.path().join("hook.jsonl"),
    };
    let good = format!("https://ok.test:{}/", bed.https_valid.addr().port());
    let path = dir.path().join("downwatch.toml");
    std::fs::write(&path, config_text(&bed, &files.hook, &good)).unwrap();

    // Wired as `Resident::start` wires it (src/resident.rs), minus logind and the routes.
    let cfg = config::load(&path).unwrap();
    let probers = Arc::new(Probers::new());
    probers.prepare(&runner::all_settings(&cfg)).unwrap();
    let (config_rx, errors_rx, _reloads) =
        config::reload_on_edit(path.clone(), cfg.clone()).unwrap();
    let (_commands_tx, commands_rx) = mpsc::channel(1);
    let (outlets, _receivers) = Outlets::new(std::time::SystemTime::now());
    let (clicks_tx, _clicks_rx) = mpsc::unbounded_channel();
    let (_power_tx, power_rx) = mpsc::unbounded_channel();
    let (shutdown_tx, shutdown_rx) = watch::channel(false);
    let events = std::fs::File::create(&files.events).unwrap();
    let deps = Deps {
        clock: Arc::new(SystemClock),
        exec: probers,
        sink: Box::new(JsonLines::new(std::io::LineWriter::new(events))),
        announcer: Arc::new(Announce::new(&cfg.notifications, clicks_tx)),
        data_dir: Some(dir.path().join("data")),
        incidents: None,
        network_fingerprint: None,
        outlets,
    };
    let inputs = Inputs {
        config: config_rx,
        config_errors: errors_rx,
        commands: commands_rx,
        power: power_rx,
        shutdown: shutdown_rx,
    };
    let monitor = tokio::spawn(runner::run(Arc::new(cfg), deps, inputs));

    files
        .wait_for("Web up (the silent baseline)", 20, |ev| {
            ev.iter()
                .any(|e| e["event"] == "state" && e["to"] == "up" && e["silent"] == true)
                .then_some(())
        })
        .await;

    // The outage: the watch now points at a port where nothing listens.
    let dead = format!("https://127.0.0.1:{}/", closed.port());
    std::fs::write(&path, config_text(&bed, &files.hook, &dead)).unwrap();
    let down = files
        .wait_for("the down notification", 30, |ev| notification(ev, "down"))
        .await;
    let events = read_lines(&files.events);
    assert!(
        events
            .iter()
            .any(|e| e["event"] == "config_reloaded" && e["watches"] == 1),
        "{events:?}"
    );
    let refused = events
        .iter()
        .filter(|e| e["event"] == "check" && e["cause"] == "tcp_refused" && e["judged"] == true)
        .count();
    assert!(refused >= 3, "three refused checks confirm it: {events:?}");
    let change = events
        .iter()
        .find(|e| e["event"] == "state" && e["to"] == "down")
        .unwrap();
    assert_eq!(
        (&change["from"], &change["silent"]),
        (&"up".into(), &false.into())
    );
    assert_eq!(down["watch"], "Web", "{down}");
    assert_eq!(down["cause"], "tcp_refused", "{down}");
    let title = down["summary"].as_str().unwrap();
    assert!(
        title.contains("انقطاع خدمة") && title.contains("Web"),
        "the Arabic catalog's title: {title}"
    );

    // Healed by editing the file back.
    std::fs::write(&path, config_text(&bed, &files.hook, &good)).unwrap();
    let recovered = files
        .wait_for("the recovered notification", 30, |ev| {
            notification(ev, "recovered")
        })
        .await;
    assert_eq!(recovered["incident"], down["incident"], "the same incident");
    assert!(
        recovered["summary"].as_str().unwrap().contains("عودة خدمة"),
        "{recovered}"
    );

    // The hook got both, in Arabic, as the events say (deliveries run after the event).
    let deadline = Instant::now() + Duration::from_secs(10);
    while read_lines(&files.hook).len() < 2 && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let hooked = read_lines(&files.hook);
    let kinds: Vec<&Value> = hooked.iter().map(|h| &h["kind"]).collect();
    assert_eq!(kinds, ["down", "recovered"], "{hooked:?}");
    for (h, e) in hooked.iter().zip([&down, &recovered]) {
        assert_eq!(h["lang"], "ar", "{h}");
        assert_eq!(
            (&h["title"], &h["body"]),
            (&e["summary"], &e["body"]),
            "{h}"
        );
        assert_eq!(h["incident"], e["incident"], "{h}");
    }
    let events = read_lines(&files.events);
    let failed: Vec<&Value> = events
        .iter()
        .filter(|e| e["event"] == "delivery_failed")
        .collect();
    assert!(failed.is_empty(), "{failed:?}");

    shutdown_tx.send(true).unwrap();
    tokio::time::timeout(Duration::from_secs(10), monitor)
        .await
        .expect("the loop ends on shutdown")
        .unwrap();
}

//! The resident's configuration file while it runs: a hand edit is picked up, an invalid
//! edit is refused with its file, line and column while the last good configuration keeps
//! running, and an invalid file at start-up ends the program with exit code 3 and the
//! message. The running cases need root (namespaces); see `tests/src/resident.rs`.

#![allow(clippy::unwrap_used)] // test helpers outside #[test] functions

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use downwatch_e2e::bin;
use downwatch_e2e::resident::{Scene, Timings, assert_silent, hand_edit, judged_checks, of_kind};

/// A watch added by hand is checked; a typo in a later edit is refused with
/// `file:line:column`, and both watches go on being checked; nothing is notified.
#[test]
fn hand_edits_are_picked_up_and_invalid_ones_keep_the_last_good_config() {
    let Some(s) = Scene::start("config_reload") else {
        return;
    };
    let timings = Timings::default();
    let web = s.https("Web", "https_valid", "/");
    let mail = s.https("Mail", "https_h1", "/");
    let dw = s.run(&s.config(&timings, std::slice::from_ref(&web)));
    dw.wait_up(&["Web"], 20);

    let two = s.config(&timings, &[web, mail]);
    hand_edit(&s.config_path(), &two);
    let reloaded = dw.wait_for("config_reloaded", 15, |ev| {
        of_kind(ev, "config_reloaded").first().cloned()
    });
    assert_eq!(reloaded["watches"], 2, "{reloaded}");
    dw.wait_rounds("Mail", 2, 20);

    // A typo on a known line: `intervall` in a third watch.
    let bad = format!(
        "{two}\n[[watch]]\nname = \"Typo\"\ntarget = \"https://ok.test/\"\nintervall = \"30s\"\n"
    );
    let line = bad.lines().count();
    hand_edit(&s.config_path(), &bad);
    let rejected = dw.wait_for("config_rejected", 15, |ev| {
        of_kind(ev, "config_rejected").first().cloned()
    });
    let expected = format!(
        "{}:{line}:1: unknown field `intervall`",
        s.config_path().display()
    );
    assert!(
        rejected["summary"].as_str().unwrap().starts_with(&expected),
        "expected {expected:?}...: {rejected}"
    );
    // The last good configuration keeps running: both watches, and not the broken one.
    dw.wait_rounds("Web", 2, 20);
    dw.wait_rounds("Mail", 2, 20);
    let events = dw.events();
    assert_eq!(judged_checks(&events, "Typo"), 0);
    assert_eq!(
        of_kind(&events, "config_reloaded").len(),
        1,
        "{}",
        dw.context()
    );
    assert_silent(&s, &dw);
}

/// `downwatch run` with an invalid file and no good one to fall back on: exit code 3 and
/// one line naming the file, line and column. No root needed.
#[test]
fn invalid_config_at_start_up_exits_3_with_the_message() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("downwatch.toml");
    std::fs::write(
        &config,
        "[defaults]\ninterval = \"2s\"\ntimeout = \"5s\"\n\n[[watch]]\nname = \"Web\"\n\
         target = \"https://ok.test/\"\n",
    )
    .unwrap();
    let missing = dir.path().join("nowhere.toml");
    for (file, message) in [
        (
            &config,
            format!(
                "downwatch: {}:3:11: timeout (5s) must be shorter than interval (2s)",
                config.display()
            ),
        ),
        (
            &missing,
            format!("downwatch: cannot read {}", missing.display()),
        ),
    ] {
        let mut child = Command::new(bin("downwatch"))
            .args(["run", "--headless", "--config"])
            .arg(file)
            .arg("--data-dir")
            .arg(dir.path().join("data"))
            .args(["--events", "-"])
            // Nothing to talk to: the start-up must fail before any bus is needed.
            .env("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/bus")
            .env("DBUS_SYSTEM_BUS_ADDRESS", "unix:path=/nonexistent/bus")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let deadline = Instant::now() + Duration::from_secs(20);
        while child.try_wait().unwrap().is_none() {
            if Instant::now() > deadline {
                let _ = child.kill();
                panic!("downwatch run kept running with {}", file.display());
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        let out = child.wait_with_output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(3), "{stderr}");
        assert!(
            stderr.starts_with(&message),
            "expected {message:?}: {stderr}"
        );
        assert_eq!(stderr.lines().count(), 1, "one line: {stderr}");
        assert!(out.stdout.is_empty(), "no events before a valid config");
    }
}

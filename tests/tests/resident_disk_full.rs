//! A full disk under the history: the resident's data directory is a tmpfs of 8 MiB in a
//! mount namespace of its own (nothing is mounted on the host), filled up by the test while
//! the resident writes. Root only; see `tests/src/resident.rs`.

#![allow(clippy::unwrap_used)] // test helpers outside #[test] functions

use std::io::Write;
use std::time::Duration;

use downwatch_e2e::history::{self, checks_of, coverage};
use downwatch_e2e::resident::{Scene, Timings, hand_edit, notices, of_kind, poll};

/// Fills the file system holding `path` with it, 64 KiB at a time, until it is full.
fn fill(path: &std::path::Path) {
    let mut file = std::fs::File::create(path).unwrap();
    let chunk = vec![0x5a_u8; 64 * 1024];
    while file.write_all(&chunk).is_ok() {}
    let _ = file.sync_all();
}

/// 40 watches every 500 ms write about 80 checks a second. The disk fills: the failure is
/// told once (one event, one log line); monitoring and notifications go on (a watch that
/// breaks meanwhile is notified); the checks that overflow the store's buffer become a
/// "not recorded" span; once the filler is deleted, writing resumes (told once) and new
/// checks are stored again.
#[test]
fn a_full_disk_is_told_once_monitoring_goes_on_and_writing_resumes() {
    let Some(s) = Scene::start("disk_full") else {
        return;
    };
    let timings = Timings {
        interval: "500ms",
        timeout: "400ms",
        retry_interval: "400ms",
        failures_to_down: 2,
        successes_to_up: 1,
        group_wait: "200ms",
        settle: "1s",
        ..Timings::default()
    };
    let config = |flip: &str| {
        let mut watches: Vec<_> = (0..40).map(|j| s.http(&format!("W{j:02}"), "/")).collect();
        watches.push(s.http("Flip", flip));
        s.config(&timings, &watches)
    };
    let resident = s.run_on_tmpfs(&config("/"), 8192);
    let view = resident.data_view(&s);
    // The history as it stands, copied out of the resident's mount namespace.
    let history_now = || {
        let copy = tempfile::tempdir().unwrap();
        resident.copy_history(&s, copy.path());
        let conn = history::open(copy.path());
        (copy, conn)
    };
    poll(
        "checks in the history",
        Duration::from_secs(30),
        || {
            (history::db_path(&view).exists() && checks_of(&history_now().1, "W00").0 >= 3)
                .then_some(())
        },
        || resident.context(),
    );

    let filler = view.join("filler");
    fill(&filler);
    let failed_at = resident.wait_for("history_write_failed", 30, |ev| {
        ev.iter().position(|e| e["event"] == "history_write_failed")
    });
    // Notifications go on.
    hand_edit(&s.config_path(), &config("/status/503"));
    resident.wait_for("Flip notified down", 30, |ev| {
        notices(ev, "down")
            .iter()
            .any(|n| n["watch"] == "Flip")
            .then_some(())
    });
    poll(
        "Flip's notification on the desktop",
        Duration::from_secs(15),
        || {
            s.desktop
                .received()
                .into_iter()
                .find(|n| n.summary.contains("Flip"))
        },
        || resident.context(),
    );
    // More checks than the store keeps waiting (1,024) while the disk is full.
    resident.wait_for("1,100 checks on a full disk", 90, |ev| {
        (ev[failed_at..]
            .iter()
            .filter(|e| e["event"] == "check")
            .count()
            >= 1100)
            .then_some(())
    });

    std::fs::remove_file(&filler).unwrap();
    resident.wait_for("history_resumed", 30, |ev| {
        ev.iter()
            .any(|e| e["event"] == "history_resumed")
            .then_some(())
    });
    let resumed = history::now_ms();
    poll(
        "checks stored again",
        Duration::from_secs(30),
        || {
            let (_, latest) = checks_of(&history_now().1, "W00");
            latest.is_some_and(|at| at > resumed).then_some(())
        },
        || resident.context(),
    );
    let (_copy, conn) = history_now();
    assert!(
        !coverage(&conn, "not_recorded").is_empty(),
        "the checks that overflowed are a not_recorded span"
    );
    let events = resident.events();
    assert_eq!(
        of_kind(&events, "history_write_failed").len(),
        1,
        "told once"
    );
    assert_eq!(of_kind(&events, "history_resumed").len(), 1);
    let log = std::fs::read_to_string(&resident.stderr_path).unwrap();
    assert_eq!(
        log.matches("records wait); monitoring goes on").count(),
        1,
        "logged once:\n{log}"
    );
    drop(conn);
    assert_eq!(resident.stop(), Some(0));
}

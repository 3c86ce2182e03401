//! The history the resident writes (`history.sqlite3` in `--data-dir`), through the real
//! binary: a kill -9 at any moment loses no incident the events file told of; uptime across
//! a stop counts only observed time; `incidents.json` is imported once and the store keeps
//! the open incidents across restarts; a damaged history is moved aside, told (event and
//! notification) and monitoring goes on. Root only (namespaces); see `tests/src/resident.rs`.

#![allow(clippy::unwrap_used)] // test helpers outside #[test] functions

use std::collections::BTreeSet;
use std::time::{Duration, Instant};

use downwatch_e2e::history::{self, checks_of, coverage, files_starting, incident_ids, integrity};
use downwatch_e2e::resident::{Resident, Scene, Timings, of_kind, poll};
use serde_json::Value;

/// Polls the resident's events until `done` holds or `secs` pass; never fails (the caller
/// kills the resident either way).
fn until(resident: &Resident, secs: u64, done: impl Fn(&[Value]) -> bool) {
    let deadline = Instant::now() + Duration::from_secs(secs);
    while Instant::now() < deadline && !done(&resident.events()) {
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// The incident ids the events name (opened, updated, closed).
fn told_incidents(events: &[Value]) -> BTreeSet<String> {
    events
        .iter()
        .filter(|e| {
            ["incident_opened", "incident_updated", "incident_closed"]
                .contains(&e["event"].as_str().unwrap_or(""))
        })
        .filter_map(|e| e["incident"].as_str().map(str::to_owned))
        .collect()
}

/// 24 watches checked every second (a write load of about 24 checks a second, plus
/// retries); in run `i`, every fourth watch (shifted by `i`) fails, so every run opens
/// incidents and closes those of the run before. Each run is killed with SIGKILL: as soon
/// as the first incident is told, after a number of checks, or a varied while after the
/// first incident. After 20 runs, every incident any events file told of is in the
/// history, `PRAGMA integrity_check` says ok, and no start found the file damaged.
#[test]
fn twenty_kills_under_load_lose_no_incident_told() {
    let Some(s) = Scene::start("kill_history") else {
        return;
    };
    let timings = Timings {
        interval: "1s",
        timeout: "500ms",
        retry_interval: "500ms",
        failures_to_down: 1,
        successes_to_up: 1,
        group_wait: "200ms",
        settle: "1s",
        ..Timings::default()
    };
    let mut told = BTreeSet::new();
    for run in 0..20_usize {
        let watches: Vec<_> = (0..24_usize)
            .map(|j| {
                let path = if (j + run) % 4 == 0 {
                    "/status/503"
                } else {
                    "/"
                };
                s.http(&format!("W{j:02}"), path)
            })
            .collect();
        let mut resident = s.run(&s.config(&timings, &watches));
        let first_incident = |ev: &[Value]| !told_incidents(ev).is_empty();
        match run % 3 {
            // The tightest moment: the line of the first incident was just written.
            0 => until(&resident, 20, first_incident),
            // Anywhere in the write load, even before the first check.
            1 => {
                let checks = (run * 7) % 40;
                until(&resident, 20, |ev| of_kind(ev, "check").len() >= checks);
            }
            // A while after the first incident (0 to 0.9 s).
            _ => {
                until(&resident, 20, first_incident);
                std::thread::sleep(Duration::from_millis((run as u64 * 137) % 900));
            }
        }
        resident.crash();
        told.extend(told_incidents(&resident.events()));
    }
    assert!(
        told.len() >= 20,
        "the runs told too few incidents to prove anything: {told:?}"
    );
    let data = s.data_dir();
    let conn = history::open(&data);
    let kept = incident_ids(&conn);
    let lost: Vec<&String> = told.difference(&kept).collect();
    assert!(lost.is_empty(), "incidents told but not kept: {lost:?}");
    assert_eq!(integrity(&conn), ["ok"]);
    assert_eq!(
        files_starting(&data, "history.sqlite3.corrupt"),
        Vec::<std::path::PathBuf>::new(),
        "a kill must never leave a file the next start finds damaged"
    );
}

/// A resident runs, is stopped, and starts again after a gap; the watch is checked every
/// 6 s, so its last check before the stop could speak for up to 9 s, over the gap. The gap
/// is recorded as "not running", and uptime over the whole span counts only the time
/// observed: at most the span minus the gap, all of it up.
#[test]
fn uptime_across_a_stop_counts_only_observed_time() {
    let Some(s) = Scene::start("gap_history") else {
        return;
    };
    let timings = Timings {
        interval: "6s",
        ..Timings::default()
    };
    let config = s.config(&timings, &[s.http("Web", "/")]);
    let first = s.run(&config);
    first.wait_rounds("Web", 2, 30);
    assert_eq!(first.stop(), Some(0));
    let stopped = history::now_ms();
    // The gap: the resident is not running for 4 s (a wait for the gap to exist, not an
    // assertion).
    std::thread::sleep(Duration::from_secs(4));
    let restarted = history::now_ms();
    let second = s.run(&config);
    second.wait_rounds("Web", 2, 30);
    assert_eq!(second.stop(), Some(0));
    let until = history::now_ms();

    let conn = history::open(&s.data_dir());
    let not_running = coverage(&conn, "not_running");
    assert!(
        not_running
            .iter()
            .any(|(start, end)| *start <= stopped && *end >= restarted),
        "no not_running span over [{stopped}, {restarted}]: {not_running:?}"
    );
    let reader = downwatch_store::Reader::open_existing(&s.data_dir()).unwrap();
    let from_ms: i64 = conn
        .query_row("SELECT min(at_ms) FROM check_result", [], |r| r.get(0))
        .unwrap();
    let uptime = reader.uptime("Web", at_ms(from_ms), at_ms(until)).unwrap();
    let gap = Duration::from_millis(u64::try_from(restarted - stopped).unwrap());
    assert!(
        uptime.observed() <= uptime.window - gap,
        "observed {:?} of a {:?} window with a {gap:?} gap",
        uptime.observed(),
        uptime.window
    );
    assert!(uptime.observed() >= Duration::from_secs(6), "{uptime:?}");
    assert_eq!(uptime.availability(), Some(1.0));
}

fn at_ms(ms: i64) -> std::time::SystemTime {
    std::time::UNIX_EPOCH + Duration::from_millis(u64::try_from(ms).unwrap())
}

/// An open incident kept in `incidents.json` (as the resident kept it before the store) is
/// imported at start: the file is renamed `incidents.json.imported`, the failing watch
/// continues that incident (no new one), and after a restart (no file any more: the store
/// is the one source) its recovery closes it under the same id and start.
#[test]
fn incidents_json_is_imported_once_and_the_store_keeps_open_incidents() {
    let Some(s) = Scene::start("import_history") else {
        return;
    };
    let data = s.data_dir();
    std::fs::create_dir_all(&data).unwrap();
    let start_ms: u64 = 1_795_000_000_000;
    let id = format!("web-{start_ms}");
    let file = serde_json::json!({"open": {"Web": {
        "id": id, "watch": "Web", "group": null, "group_incident": null, "kind": "down",
        "start": start_ms, "end": null, "layer": "http", "cause": "http_status",
        "detail": "HTTP 503"
    }}});
    std::fs::write(data.join("incidents.json"), file.to_string()).unwrap();

    let down = s.config(&Timings::default(), &[s.http("Web", "/status/503")]);
    let first = s.run(&down);
    first.wait_for("Web judged down", 30, |ev| {
        ev.iter()
            .any(|e| e["event"] == "state" && e["watch"] == "Web" && e["to"] == "down")
            .then_some(())
    });
    assert!(!data.join("incidents.json").exists(), "the file is retired");
    assert!(data.join("incidents.json.imported").exists());
    assert_eq!(
        of_kind(&first.events(), "incident_opened"),
        Vec::<Value>::new(),
        "the imported incident goes on"
    );
    assert_eq!(first.stop(), Some(0));
    assert!(incident_ids(&history::open(&data)).contains(&id));

    let up = s.config(&Timings::default(), &[s.http("Web", "/")]);
    let second = s.run(&up);
    let closed = second.wait_for("the incident closed", 30, |ev| {
        of_kind(ev, "incident_closed").into_iter().next()
    });
    assert_eq!(closed["incident"], id.as_str(), "{closed}");
    assert_eq!(closed["start"], start_ms);
    assert_eq!(second.stop(), Some(0));
    let conn = history::open(&data);
    let end: Option<i64> = conn
        .query_row(
            "SELECT end_ms FROM incident WHERE incident_key = ?1",
            [&id],
            |r| r.get(0),
        )
        .unwrap();
    assert!(end.is_some(), "closed in the history");
}

/// A history file of garbage: the resident starts anyway, moves the file aside (kept
/// byte for byte as `history.sqlite3.corrupt-<UTC time>`), says so in an event and a
/// desktop notification, and goes on monitoring into a fresh history.
#[test]
fn a_damaged_history_is_moved_aside_told_and_monitoring_goes_on() {
    let Some(s) = Scene::start("corrupt_history") else {
        return;
    };
    let data = s.data_dir();
    std::fs::create_dir_all(&data).unwrap();
    let garbage = b"this is not a SQLite database, only words. ".repeat(200);
    std::fs::write(history::db_path(&data), &garbage).unwrap();

    let resident = s.run(&s.config(&Timings::default(), &[s.http("Web", "/")]));
    let event = resident.wait_for("history_moved_aside", 30, |ev| {
        of_kind(ev, "history_moved_aside").into_iter().next()
    });
    let shown = poll(
        "the notification on the desktop",
        Duration::from_secs(15),
        || {
            s.desktop
                .received()
                .into_iter()
                .find(|n| n.summary == "The history could not be read")
        },
        || resident.context(),
    );
    let kept = files_starting(&data, "history.sqlite3.corrupt-");
    assert_eq!(kept.len(), 1, "{kept:?}");
    assert_eq!(std::fs::read(&kept[0]).unwrap(), garbage);
    assert_eq!(event["kept_as"], kept[0].display().to_string().as_str());
    assert!(
        shown.body.contains("history.sqlite3.corrupt-"),
        "{}",
        shown.body
    );
    resident.wait_rounds("Web", 3, 30);
    resident.assert_running();
    let (stored, _) = checks_of(&history::open(&data), "Web");
    assert!(stored >= 1, "the fresh history is written");
    assert_eq!(resident.stop(), Some(0));
}

//! The resident's local API through the real binary (`downwatch run --socket`), in the
//! scenes of `tests/src/resident.rs` (root, a private network namespace, the test bed):
//! every request kind; a subscriber sees events live; the history seeded with the store's
//! own writer before the resident starts. Robustness and the one-resident rule are in
//! `resident_api_guard.rs`.

#![allow(clippy::unwrap_used)] // test helpers outside #[test] functions

use std::path::Path;
use std::time::{Duration, SystemTime};

use downwatch_e2e::api::Conn;
use downwatch_e2e::resident::{Scene, Timings, of_kind, poll};
use downwatch_probe::{Cause, Phases, Status};
use downwatch_store::{
    CheckRecord, Failure, IncidentKind, IncidentRecord, MessageRef, Record, Store, unix_ms,
};
use serde_json::{Value, json};

const HOUR: Duration = Duration::from_secs(3600);
const MINUTE: Duration = Duration::from_secs(60);

/// Writes, with the store's own writer, checks of a watch "Old" every 10 minutes from 4 h
/// ago to now (down from 3 h to 2 h ago) and the incident of that hour; returns the time
/// used as now.
fn seed_history(data_dir: &Path) -> SystemTime {
    let now = SystemTime::now();
    let opened = Store::open(data_dir, now - 5 * HOUR).unwrap();
    let sender = opened.store.sender();
    let start = now - 4 * HOUR;
    for i in 0..=24 {
        let at = start + Duration::from_secs(600 * i);
        let down = at >= now - 3 * HOUR && at < now - 2 * HOUR;
        let failure = down.then(|| Failure {
            layer: Cause::TcpRefused.layer(),
            cause: Cause::TcpRefused,
            message: MessageRef {
                id: "tcp-refused".into(),
                args: serde_json::Map::new(),
            },
        });
        sender
            .blocking_record(Record::Check(CheckRecord {
                watch: "Old".into(),
                at,
                interval: Duration::from_secs(600),
                status: if down { Status::Down } else { Status::Up },
                judged: true,
                failure,
                phases: Phases {
                    connect: Some(Duration::from_millis(3)),
                    total: Duration::from_millis(5),
                    ..Phases::default()
                },
                address: Some("127.0.0.1:443".parse().unwrap()),
                http_status: None,
            }))
            .unwrap();
    }
    sender
        .blocking_record(Record::Incident(IncidentRecord {
            id: "old-1".into(),
            watch: "Old".into(),
            group_incident: None,
            kind: IncidentKind::Down,
            start: now - 3 * HOUR,
            end: Some(now - 2 * HOUR),
            failure: None,
        }))
        .unwrap();
    // A later, shorter one (no check is down for it: incidents are read on their own).
    sender
        .blocking_record(Record::Incident(IncidentRecord {
            id: "old-2".into(),
            watch: "Old".into(),
            group_incident: None,
            kind: IncidentKind::Degraded,
            start: now - 90 * MINUTE,
            end: Some(now - 80 * MINUTE),
            failure: None,
        }))
        .unwrap();
    sender.blocking_flush().unwrap();
    drop(sender);
    opened.store.close();
    now
}

fn snapshot_until(c: &mut Conn, what: &str, check: impl Fn(&Value) -> bool) -> Value {
    poll(
        what,
        Duration::from_secs(20),
        || Some(c.ok(json!({"call": "snapshot"}))).filter(&check),
        String::new,
    )
}

/// Reads a subscription until a line matches; every line carries the subscription's id.
fn event_until(sub: &mut Conn, id: u64, what: &str, check: impl Fn(&Value) -> bool) -> Value {
    loop {
        let line = sub
            .line()
            .unwrap_or_else(|| panic!("subscription closed waiting for {what}"));
        assert_eq!(line["id"], json!(id), "{line}");
        if let Some(event) = line.get("event")
            && check(event)
        {
            return event.clone();
        }
    }
}

/// Every request kind, through one resident: the snapshot, live events, check now, pause
/// and resume (one watch and all), every history query, a watch tested once, the
/// configuration read and edited (comments kept, errors with their field), and the history
/// window's "not available".
#[test]
fn every_request_kind_is_answered() {
    let Some(s) = Scene::start("api_requests") else {
        return;
    };
    let now = seed_history(&s.data_dir());
    let web = s.https("Web", "https_valid", "/");
    let config = format!(
        "# kept: a comment of the user's\n{}",
        s.config(&Timings::default(), std::slice::from_ref(&web))
    );
    let dw = s.run(&config);
    dw.wait_up(&["Web"], 20);
    let mut c = Conn::wait_for(&dw.socket, 20);

    // The snapshot: the watch, its state and the verdict.
    let snap = snapshot_until(&mut c, "Web up in the snapshot", |s| {
        s["watches"][0]["state"] == "up"
    });
    assert_eq!(snap["answer"], "snapshot", "{snap}");
    assert_eq!(snap["watches"][0]["name"], "Web", "{snap}");
    assert_eq!(snap["verdict"], "online", "{snap}");
    assert_eq!(snap["watches"][0]["last"]["status"], "up", "{snap}");

    // Live events: subscribed, then a check asked for now arrives on the subscription.
    let mut sub = Conn::connect(&dw.socket);
    let sid = sub.send(json!({"call": "subscribe"}));
    assert_eq!(sub.answer(sid)["ok"]["answer"], "subscribed");
    let asked = unix_ms(SystemTime::now());
    assert_eq!(
        c.ok(json!({"call": "check_now", "watch": "Web"}))["answer"],
        "done"
    );
    let check = event_until(&mut sub, sid, "a check of Web", |e| {
        e["event"] == "check" && e["watch"] == "Web"
    });
    assert_eq!(check["status"], "up", "{check}");

    // Pause and resume one watch: the snapshot and the events say so.
    c.ok(json!({"call": "pause", "watch": "Web"}));
    snapshot_until(&mut c, "Web paused", |s| {
        s["watches"][0]["state"] == "paused" && s["watches"][0]["paused"]["until_ms"].is_null()
    });
    event_until(&mut sub, sid, "paused", |e| {
        e["event"] == "paused" && e["watch"] == "Web"
    });
    let refused = c.error(json!({"call": "check_now", "watch": "Web"}));
    assert_eq!(refused["code"], "paused", "{refused}");
    c.ok(json!({"call": "resume", "watch": "Web"}));
    event_until(&mut sub, sid, "resumed", |e| {
        e["event"] == "resumed" && e["watch"] == "Web"
    });
    // Everything, for ten minutes.
    c.ok(json!({"call": "pause", "for_s": 600}));
    let paused = snapshot_until(&mut c, "a global pause", |s| !s["paused"].is_null());
    let until = paused["paused"]["until_ms"].as_i64().unwrap();
    assert!(
        (asked + 590_000..asked + 700_000).contains(&until),
        "{until} vs {asked}"
    );
    c.ok(json!({"call": "resume"}));
    snapshot_until(&mut c, "the pause over", |s| s["paused"].is_null());
    let unknown = c.error(json!({"call": "check_now", "watch": "Nope"}));
    assert_eq!(unknown["code"], "no_such_watch", "{unknown}");

    // Every history query.
    let latest = c.ok(json!({"call": "latest"}));
    let old = latest["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["watch"] == "Old")
        .unwrap_or_else(|| panic!("no Old in {latest}"));
    assert_eq!(old["check"]["at_ms"], json!(unix_ms(now)), "{old}");
    let page = c.ok(json!({"call": "checks", "watch": "Old", "limit": 2}));
    let rows = page["checks"].as_array().unwrap();
    assert_eq!(rows.len(), 2, "{page}");
    assert!(
        rows[0]["at_ms"].as_i64() > rows[1]["at_ms"].as_i64(),
        "{page}"
    );
    let next = c.ok(json!({"call": "checks", "watch": "Old", "limit": 2, "after": page["next"]}));
    let older = next["checks"].as_array().unwrap();
    assert_eq!(older.len(), 2, "{next}");
    assert!(
        older[0]["at_ms"].as_i64() < rows[1]["at_ms"].as_i64(),
        "{next}"
    );
    let from = unix_ms(now - 5 * HOUR);
    let until = unix_ms(now);
    // Incidents, newest first, a page of one at a time.
    let range = json!({"call": "incidents", "from_ms": from, "until_ms": until, "limit": 1});
    let mut page = |after: &Value| {
        let mut call = range.clone();
        call["after"] = after.clone();
        c.ok(call)
    };
    let first = page(&Value::Null);
    assert_eq!(first["incidents"][0]["id"], "old-2", "{first}");
    let second = page(&first["next"]);
    assert_eq!(second["incidents"][0]["id"], "old-1", "{second}");
    assert_eq!(second["incidents"][0]["kind"], "down", "{second}");
    let third = page(&second["next"]);
    assert_eq!(third["incidents"], json!([]), "{third}");
    assert_eq!(third["next"], Value::Null, "{third}");
    let of_web = c.ok(json!({"call": "incidents", "from_ms": from, "until_ms": until, "watch": "Web", "limit": 10}));
    assert_eq!(of_web["incidents"], json!([]), "another watch's: {of_web}");
    for limit in [0, 1_001] {
        let refused = c.error(
            json!({"call": "incidents", "from_ms": from, "until_ms": until, "limit": limit}),
        );
        assert_eq!(refused["code"], "invalid_request", "{refused}");
    }
    let one = c.ok(json!({"call": "incident", "incident": "old-1"}));
    assert_eq!(one["incident"]["watch"], "Old", "{one}");
    assert_eq!(
        one["incident"]["end_ms"],
        json!(unix_ms(now - 2 * HOUR)),
        "{one}"
    );
    let none = c.ok(json!({"call": "incident", "incident": "old-9"}));
    assert_eq!(none["incident"], Value::Null, "{none}");
    let uptime = c.ok(json!({"call": "uptime", "watch": "Old", "from_ms": unix_ms(now - 4 * HOUR), "until_ms": until}));
    assert_eq!(uptime["window_ms"], json!(4 * 3_600_000), "{uptime}");
    assert_eq!(uptime["down_ms"], json!(3_600_000), "{uptime}");
    let availability = uptime["availability"].as_f64().unwrap();
    assert!((availability - 0.75).abs() < 1e-9, "{uptime}");
    let rollups = c.ok(json!({"call": "rollups", "watch": "Old", "span": "hour", "from_ms": from, "until_ms": until}));
    let hours = rollups["rows"].as_array().unwrap();
    assert!(hours.len() >= 3, "{rollups}");
    let down: i64 = hours
        .iter()
        .map(|h| h["checks_down"].as_i64().unwrap())
        .sum();
    assert_eq!(down, 6, "{rollups}");

    // What the history last saw: the latest check, up since the outage ended.
    let current = c.ok(json!({"call": "current"}));
    let old = current["watches"]
        .as_array()
        .unwrap()
        .iter()
        .find(|w| w["watch"] == "Old")
        .unwrap_or_else(|| panic!("no Old in {current}"));
    assert_eq!(old["latest"]["at_ms"], json!(unix_ms(now)), "{old}");
    assert_eq!(old["since_ms"], json!(unix_ms(now - 2 * HOUR)), "{old}");
    let series = c.ok(
        json!({"call": "latency_series", "watch": "Old", "phase": "total",
        "from_ms": from, "until_ms": until, "max_points": 10}),
    );
    let points = series["points"].as_array().unwrap();
    assert!(!points.is_empty() && points.len() <= 10, "{series}");
    assert!(
        points
            .iter()
            .all(|p| p["latency"]["phase"] == "total" && p["latency"]["mean_us"] == 5000),
        "{series}"
    );
    let today = jiff::Timestamp::try_from(now)
        .unwrap()
        .to_zoned_datetime(jiff::tz::TimeZone::UTC)
        .date();
    let yesterday = today.yesterday().unwrap();
    let days = c.ok(
        json!({"call": "days", "watch": "Old", "first": yesterday.to_string(),
        "last": today.to_string(), "time_zone": "UTC"}),
    );
    let bars = days["days"].as_array().unwrap();
    assert_eq!(bars.len(), 2, "{days}");
    assert_eq!(bars[1]["date"], json!(today.to_string()), "{days}");
    assert!(bars.iter().any(|d| d["state"] == "down"), "{days}");
    let zone = c.error(
        json!({"call": "days", "watch": "Old", "first": "2026-01-01",
        "last": "2026-01-02", "time_zone": "Mars/Olympus"}),
    );
    assert_eq!(zone["code"], "invalid_request", "{zone}");
    // A page over the most rows one page returns is refused, and the message gives the range.
    let big = c.error(json!({"call": "checks", "watch": "Old", "limit": 201}));
    assert_eq!(big["code"], "invalid_request", "{big}");
    assert!(
        big["message"].as_str().unwrap().contains("1 to 200"),
        "{big}"
    );

    // A watch definition tested once: the result of `downwatch check --json`.
    let body = web.body.clone();
    let tested = c.ok(json!({"call": "test_watch", "watch": format!("name = \"Try\"\n{body}")}));
    assert_eq!(tested["result"]["status"], "up", "{tested}");
    assert!(
        tested["result"]["phases_ms"]["tls"].as_f64().is_some(),
        "{tested}"
    );
    let bad = c.error(json!({"call": "test_watch", "watch": "name = \"T\"\ntarget = \"https://ok.test/\"\ntimeout = 5"}));
    assert_eq!(bad["code"], "invalid_config", "{bad}");
    assert_eq!(bad["field"], "timeout", "{bad}");
    assert_eq!(bad["line"], 3, "{bad}");

    // The configuration: read, edited (comments kept), a bad edit refused with its field.
    let read = c.ok(json!({"call": "read_config"}));
    assert_eq!(read["text"], json!(config), "{read}");
    let saved = c.ok(json!({"call": "edit_config", "edits": [
        {"op": "set_watch_field", "watch": "Web", "key": "interval", "value": "3s"}
    ]}));
    assert_eq!(saved["watches"], 1, "{saved}");
    let text = std::fs::read_to_string(s.config_path()).unwrap();
    assert!(
        text.starts_with("# kept: a comment of the user's\n"),
        "{text}"
    );
    assert!(text.contains("interval = \"3s\""), "{text}");
    dw.wait_for("the edit applied", 15, |ev| {
        of_kind(ev, "config_reloaded").first().cloned()
    });
    let invalid = c.error(json!({"call": "edit_config", "edits": [
        {"op": "set_watch_field", "watch": "Web", "key": "interval", "value": "soon"}
    ]}));
    assert_eq!(invalid["code"], "invalid_config", "{invalid}");
    assert_eq!(invalid["field"], "watch[0].interval", "{invalid}");
    assert!(invalid["line"].as_u64().is_some(), "{invalid}");
    assert_eq!(std::fs::read_to_string(s.config_path()).unwrap(), text);

    // No history window next to `downwatch` (target/debug/ has none) nor on this PATH.
    let window = c.error(json!({"call": "open_history", "watch": "Web"}));
    assert_eq!(window["code"], "not_available", "{window}");
    let message = window["message"].as_str().unwrap();
    assert!(message.contains("no downwatch-window next to"), "{window}");
    dw.assert_running();
}

/// `downwatch status --socket PATH --json`, its JSON and exit code.
fn status_json(s: &Scene, socket: &Path) -> (Value, Option<i32>) {
    let out = std::process::Command::new(downwatch_e2e::bin("downwatch"))
        .args(["status", "--json", "--socket"])
        .arg(socket)
        .arg("--data-dir")
        .arg(s.data_dir())
        .env("LANG", "C.UTF-8")
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    let json = serde_json::from_str(&text).unwrap_or_else(|e| {
        panic!(
            "status --json: {e}: {text} {}",
            String::from_utf8_lossy(&out.stderr)
        )
    });
    (json, out.status.code())
}

fn watch_names(status: &Value) -> Vec<&str> {
    let watches = status["watches"].as_array();
    let names = watches.into_iter().flatten().map(|w| w["watch"].as_str());
    names.map(Option::unwrap_or_default).collect()
}

/// `downwatch status` asks the running resident first: its live states only (not the
/// seeded watch "Old" that only the history knows), `"source": "resident"`; once the
/// resident has stopped it reads the history: both watches, `"source": "history"`.
#[test]
fn status_is_live_while_a_resident_runs() {
    let Some(s) = Scene::start("api_status") else {
        return;
    };
    seed_history(&s.data_dir());
    let web = s.https("Web", "https_valid", "/");
    let dw = s.run(&s.config(&Timings::default(), std::slice::from_ref(&web)));
    dw.wait_up(&["Web"], 20);
    let socket = dw.socket.clone();

    // The resident publishes its snapshot on its own schedule: wait for Web up in it.
    let live = poll(
        "Web up in status",
        Duration::from_secs(20),
        || {
            let (status, code) = status_json(&s, &socket);
            assert_eq!(status["source"], "resident", "{status}");
            (status["watches"][0]["status"] == "up").then_some((status, code))
        },
        String::new,
    );
    let (status, code) = live;
    assert_eq!(watch_names(&status), ["Web"], "{status}");
    assert_eq!(code, Some(0), "{status}");
    assert!(status["watches"][0]["last_total_ms"].as_f64().unwrap() > 0.0);
    // What only the resident knows: the judged state, the verdict, no pause.
    assert_eq!(status["watches"][0]["state"], "up", "{status}");
    assert_eq!(status["verdict"], "online", "{status}");
    assert_eq!(status["paused"], Value::Null, "{status}");

    // Web paused for 15 min: its judged state says so with the end of the pause, and the
    // exit code is 3 (nothing judged to tell); the text says how long is left.
    let mut c = Conn::wait_for(&socket, 20);
    c.ok(json!({"call": "pause", "watch": "Web", "for_s": 900}));
    let (status, code) = poll(
        "Web paused in status",
        Duration::from_secs(20),
        || {
            let (status, code) = status_json(&s, &socket);
            (status["watches"][0]["state"] == "paused").then_some((status, code))
        },
        String::new,
    );
    assert!(
        status["watches"][0]["paused"]["until"].is_string(),
        "{status}"
    );
    assert_eq!(
        status["paused"],
        Value::Null,
        "one watch, not all: {status}"
    );
    assert_eq!(code, Some(3), "{status}");
    let text = std::process::Command::new(downwatch_e2e::bin("downwatch"))
        .args(["status", "--socket"])
        .arg(&socket)
        .arg("--data-dir")
        .arg(s.data_dir())
        .env("LANG", "C.UTF-8")
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&text.stdout);
    assert!(text.contains("Paused"), "{text}");
    assert!(text.contains("paused, 15 min left"), "{text}");
    c.ok(json!({"call": "resume", "watch": "Web"}));

    dw.stop();
    let (status, code) = status_json(&s, &socket);
    assert_eq!(status["source"], "history", "{status}");
    assert_eq!(watch_names(&status), ["Old", "Web"], "{status}");
    assert_eq!(code, Some(0), "{status}");
}

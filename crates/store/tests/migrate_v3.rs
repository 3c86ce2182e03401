//! Schema v2 to this build's (v3: the covering index for raw reads,
//! `src/migrations/0003_raw_index.sql`; v4: each watch's run, `0004_watch_run.sql`) on a real
//! file: a v2 history with ten days of checks (raw rows pruned after 7 days, hour and day
//! rollups, incidents, notifications) opens with this build, is migrated, keeps every row, and
//! every query gives the same answer as before.
//!
//! The v2 file is written through the store's own write path (the rows are the same in v2 and
//! v4: the steps change an index and add a table the writer fills), then given back v2's
//! index and version without the `watch_run` table; the test checks that its schema is then
//! exactly what the v1 and v2 steps create. The answers "before" are read while the table is
//! empty (so searched, as v3 did), and equal those read with the rows the writer kept.
#![allow(clippy::unwrap_used)]

use std::path::Path;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use downwatch_probe::{Cause, Layer, Phases, Status};
use downwatch_store::jiff::civil::date;
use downwatch_store::jiff::tz::TimeZone;
use downwatch_store::{
    CheckRecord, Failure, IncidentKind, IncidentRecord, MessageRef, NotificationRecord, Phase,
    Reader, Record, Store, StoreError,
};
use rusqlite::Connection;

/// 2026-11-20T00:00:00Z.
fn t0() -> SystemTime {
    UNIX_EPOCH + Duration::from_secs(1_795_132_800)
}

const DAYS: u64 = 10;
const EVERY: Duration = Duration::from_secs(300);
const WATCHES: [&str; 2] = ["Gmail", "Bank"];

fn check(watch: &str, at: SystemTime, k: u64) -> Record {
    // Gmail is down 3 checks in 100, Bank degraded 2 in 70: changes to find, incidents.
    let status = match watch {
        "Gmail" if k % 100 < 3 => Status::Down,
        "Bank" if k % 70 < 2 => Status::Degraded,
        _ => Status::Up,
    };
    let us = |n: u64| Some(Duration::from_micros(n + k % 997));
    Record::Check(CheckRecord {
        watch: watch.into(),
        at,
        interval: EVERY,
        status,
        judged: k % 500 != 7,
        failure: (status == Status::Down).then(|| Failure {
            layer: Layer::Tcp,
            cause: Cause::TcpTimeout,
            message: MessageRef {
                id: "cause-tcp-timeout".into(),
                args: serde_json::json!({"address": "192.0.2.1:443"})
                    .as_object()
                    .unwrap()
                    .clone(),
            },
        }),
        phases: Phases {
            dns: us(1_000),
            connect: us(5_000),
            tls: (status != Status::Down).then(|| Duration::from_micros(9_000)),
            ttfb: (status != Status::Down).then(|| Duration::from_micros(30_000 + k)),
            total: Duration::from_micros(50_000 + k % 4_000),
        },
        address: Some("192.0.2.1:443".parse().unwrap()),
        http_status: (status != Status::Down).then_some(200),
    })
}

/// Writes the ten days into `dir` through the store; returns the time of its last batch.
fn write_history(dir: &Path) -> SystemTime {
    let opened = Store::open(dir, t0()).unwrap();
    let sender = opened.store.sender();
    let n = DAYS * 86_400 / EVERY.as_secs();
    for k in 0..n {
        let at = t0() + EVERY * u32::try_from(k).unwrap();
        for (w, watch) in WATCHES.iter().enumerate() {
            sender
                .blocking_record(check(watch, at + Duration::from_secs(w as u64), k))
                .unwrap();
        }
        if k % 100 == 0 {
            let id = format!("g{k}");
            sender
                .blocking_record(Record::Incident(IncidentRecord {
                    id: id.clone(),
                    watch: "Gmail".into(),
                    group_incident: None,
                    kind: IncidentKind::Down,
                    start: at,
                    end: (k + 100 < n).then(|| at + EVERY * 3),
                    failure: None,
                }))
                .unwrap();
            sender
                .blocking_record(Record::Notification(NotificationRecord {
                    at,
                    incident: Some(id),
                    watches: vec!["Gmail".into()],
                    message: MessageRef {
                        id: "notify-down".into(),
                        args: serde_json::Map::new(),
                    },
                }))
                .unwrap();
        }
        if k % 50 == 0 {
            sender.blocking_flush().unwrap();
        }
    }
    sender.blocking_flush().unwrap();
    drop(sender);
    let path = opened.store.path().to_path_buf();
    opened.store.close();
    let last: i64 = sql(&path)
        .query_row("SELECT last_ms FROM alive", [], |r| r.get(0))
        .unwrap();
    UNIX_EPOCH + Duration::from_millis(u64::try_from(last).unwrap())
}

fn sql(path: &Path) -> Connection {
    Connection::open(path).unwrap()
}

/// Every table, index and trigger as `(type, name, sql)`, sorted.
fn schema(conn: &Connection) -> Vec<(String, String, Option<String>)> {
    conn.prepare("SELECT type, name, sql FROM sqlite_schema ORDER BY type, name")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap()
}

/// The number of rows of every table.
fn counts(conn: &Connection) -> Vec<(String, i64)> {
    schema(conn)
        .into_iter()
        .filter(|(kind, name, _)| kind == "table" && !name.starts_with("sqlite_"))
        .map(|(_, name, _)| {
            let n = conn
                .query_row(&format!("SELECT count(*) FROM {name}"), [], |r| r.get(0))
                .unwrap();
            (name, n)
        })
        .collect()
}

/// The schema the v1 and v2 steps create on an empty file, as the v2 code ran them.
fn v2_schema() -> Vec<(String, String, Option<String>)> {
    let dir = tempfile::tempdir().unwrap();
    let conn = sql(&dir.path().join("v2.sqlite3"));
    conn.execute_batch(include_str!("../src/migrations/0001_history.sql"))
        .unwrap();
    conn.execute_batch(include_str!("../src/migrations/0002_rollups.sql"))
        .unwrap();
    schema(&conn)
}

/// Every query of the window and the commands over the ten days, as text.
fn answers(r: &Reader, end: SystemTime) -> Result<String, StoreError> {
    let day = Duration::from_secs(86_400);
    let mut out = format!("{:?}\n", r.current()?);
    out += &format!("{:?}\n", r.incidents(t0(), end)?);
    for watch in WATCHES {
        for (from, until) in [
            (end - day, end),
            (end - 7 * day, end),
            (t0(), end),
            (t0() + day / 3, t0() + day * 2),
        ] {
            out += &format!("{:?}\n", r.uptime(watch, from, until)?);
            for phase in [Phase::Dns, Phase::Ttfb, Phase::Total] {
                out += &format!("{:?}\n", r.latency_series(watch, phase, from, until, 97)?);
            }
        }
        let tz = TimeZone::posix("CET-1CEST,M3.5.0,M10.5.0/3").unwrap();
        out += &format!(
            "{:?}\n",
            r.local_days(watch, &tz, date(2026, 11, 19), date(2026, 11, 30))?
        );
        let mut after = None;
        for _ in 0..4 {
            let page = r.checks_page(watch, after, 300)?;
            after = page.last().map(|c| c.cursor());
            out += &format!("{page:?}\n");
        }
    }
    Ok(out)
}

#[test]
fn a_v2_history_is_migrated_with_every_row_and_the_same_answers() {
    let dir = tempfile::tempdir().unwrap();
    let end = write_history(dir.path());
    let path = dir.path().join(downwatch_store::FILE_NAME);

    // The answers with the `watch_run` rows the writer kept, then with none: a reader then
    // searches the raw rows and rollups, as the v3 code did.
    let kept = answers(&Reader::open(&path).unwrap(), end).unwrap();
    let conn = sql(&path);
    conn.execute("DELETE FROM watch_run", []).unwrap();
    let before = answers(&Reader::open(&path).unwrap(), end).unwrap();
    assert_eq!(kept, before);

    // Back to v2: its index and version; then the schema is exactly v2's.
    conn.execute_batch(
        "BEGIN;
         DROP TABLE watch_run;
         DROP INDEX incident_by_end;
         DROP INDEX IF EXISTS check_result_raw;
         CREATE INDEX IF NOT EXISTS check_result_by_watch_time ON check_result (watch_id, at_ms);
         PRAGMA user_version = 2;
         COMMIT;",
    )
    .unwrap();
    assert_eq!(schema(&conn), v2_schema());
    let rows = counts(&conn);
    let raw = rows.iter().find(|(t, _)| t == "check_result").unwrap().1;
    assert!(raw > 2 * 7 * 288, "7 days of raw rows kept: {rows:?}");
    drop(conn);
    match Reader::open_existing(dir.path()) {
        Err(StoreError::OlderSchema { found: 2, .. }) => {}
        other => panic!("expected a v2 file, got {other:?}"),
    }
    // The answers are not empty: checks of both watches (a down one), and incidents.
    assert!(before.matches("StoredCheck {").count() > 2_000, "{before}");
    assert!(before.contains("status: Down") && before.contains("status: Degraded"));
    assert!(before.matches("StoredIncident {").count() > 20);

    // Opened by this build (at the time of its last batch: no span of not running added).
    let opened = Store::open(dir.path(), end).unwrap();
    assert!(opened.moved_aside.is_none());
    assert!(opened.not_running.is_none());
    opened.store.close();

    let conn = sql(&path);
    let version: u32 = conn
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .unwrap();
    assert_eq!(version, downwatch_store::SCHEMA_VERSION);
    let indexes: Vec<String> = schema(&conn)
        .into_iter()
        .filter(|(kind, name, _)| kind == "index" && name.starts_with("check_result"))
        .map(|(_, name, _)| name)
        .collect();
    assert_eq!(indexes, ["check_result_raw"]);
    // The raw reads use it alone (no lookup in the table).
    let plan: String = conn
        .query_row(
            "EXPLAIN QUERY PLAN SELECT at_ms, ttfb_us FROM check_result WHERE watch_id = 1
             AND at_ms >= 0 AND at_ms < 1 AND judged = 1 AND status != 'down'",
            [],
            |r| r.get(3),
        )
        .unwrap();
    assert!(plan.contains("COVERING INDEX check_result_raw"), "{plan}");
    // Open incidents are read from their partial index, never by walking every incident.
    let plan = |sql: &str| -> String {
        conn.prepare(&format!("EXPLAIN QUERY PLAN {sql}"))
            .unwrap()
            .query_map([], |r| r.get::<_, String>(3))
            .unwrap()
            .collect::<Result<Vec<_>, _>>()
            .unwrap()
            .join("; ")
    };
    // (The query of `Reader::open_incidents`, times as literals; those of a range of
    // incidents are asserted on their own text in `src/incidents.rs`.)
    let open = plan(
        "SELECT i.id FROM incident i JOIN watch w ON w.id = i.watch_id
         WHERE i.end_ms IS NULL ORDER BY +i.start_ms, i.id",
    );
    assert!(!open.contains("incident_by_start"), "{open}");
    // Every row kept; v4 adds one `watch_run` row per watch, found from the rows (the
    // answers below compare it with the search a v3 reader did).
    let mut expected = rows.clone();
    expected.push(("watch_run".to_owned(), 2));
    assert_eq!(counts(&conn), expected);
    let ok: String = conn
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap();
    assert_eq!(ok, "ok");
    drop(conn);

    let after = answers(&Reader::open_existing(dir.path()).unwrap(), end).unwrap();
    assert_eq!(after.lines().count(), before.lines().count());
    for (a, b) in before.lines().zip(after.lines()) {
        assert_eq!(a, b);
    }
}

//! The store on real SQLite files in temporary directories: settings at creation, a corrupt
//! file moved aside, batched writes and flush, the "not running" span, and uptime over a gap
//! and across a clock set back.
#![allow(clippy::unwrap_used)]

use std::path::Path;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use downwatch_probe::{Cause, Layer, Phases, Status};
use downwatch_store::{
    CheckRecord, CoverageKind, Failure, IncidentKind, IncidentRecord, MessageRef,
    NotificationRecord, Record, Store,
};
use rusqlite::Connection;

/// 2026-11-30 00:00:00 UTC.
fn t0() -> SystemTime {
    UNIX_EPOCH + Duration::from_secs(1_795_996_800)
}

fn secs(n: u64) -> Duration {
    Duration::from_secs(n)
}

fn check(watch: &str, at: SystemTime, status: Status) -> CheckRecord {
    let failure = (status == Status::Down).then(|| Failure {
        layer: Layer::Tcp,
        cause: Cause::TcpRefused,
        message: MessageRef {
            id: "cause-tcp-refused".into(),
            args: serde_json::json!({"address": "127.0.0.1:9"})
                .as_object()
                .unwrap()
                .clone(),
        },
    });
    CheckRecord {
        watch: watch.into(),
        at,
        interval: secs(30),
        status,
        judged: true,
        failure,
        phases: Phases {
            dns: None,
            connect: Some(Duration::from_micros(1500)),
            tls: None,
            ttfb: None,
            total: Duration::from_micros(2000),
        },
        address: Some("127.0.0.1:9".parse().unwrap()),
        http_status: None,
    }
}

/// Checks of `watch` every 30 s in `[from, to)`, all `status`.
fn every_30s(watch: &str, from: SystemTime, to: SystemTime, status: Status) -> Vec<Record> {
    (0..)
        .map(|k| from + secs(30 * k))
        .take_while(|at| *at < to)
        .map(|at| Record::Check(check(watch, at, status)))
        .collect()
}

fn sql(path: &Path) -> Connection {
    Connection::open(path).unwrap()
}

fn count(conn: &Connection, query: &str) -> i64 {
    conn.query_row(query, [], |r| r.get(0)).unwrap()
}

#[test]
fn a_new_database_gets_wal_incremental_auto_vacuum_and_the_schema() {
    let dir = tempfile::tempdir().unwrap();
    let opened = Store::open(&dir.path().join("data"), t0()).unwrap();
    assert!(opened.moved_aside.is_none());
    assert!(opened.not_running.is_none(), "a new database has no past");
    let conn = sql(opened.store.path());
    let mode: String = conn
        .query_row("PRAGMA journal_mode", [], |r| r.get(0))
        .unwrap();
    assert_eq!(mode, "wal");
    assert_eq!(count(&conn, "PRAGMA auto_vacuum"), 2, "2 = INCREMENTAL");
    assert_eq!(
        count(&conn, "PRAGMA user_version"),
        i64::from(downwatch_store::SCHEMA_VERSION)
    );
    opened.store.close();
}

fn assert_moved_aside_and_fresh(dir: &Path, garbage: &[u8]) {
    let opened = Store::open(dir, t0()).unwrap();
    let moved = opened
        .moved_aside
        .expect("the unreadable file is moved aside");
    assert_eq!(moved.from, dir.join("history.sqlite3"));
    assert_eq!(
        moved.to,
        dir.join("history.sqlite3.corrupt-20261130T000000Z")
    );
    assert_eq!(std::fs::read(&moved.to).unwrap(), garbage, "kept as it was");
    assert!(!moved.reason.is_empty());
    // The fresh database takes writes.
    let sender = opened.store.sender();
    sender
        .try_record(Record::Check(check("Gmail", t0(), Status::Up)))
        .unwrap();
    sender.blocking_flush().unwrap();
    assert_eq!(
        count(
            &sql(opened.store.path()),
            "SELECT count(*) FROM check_result"
        ),
        1
    );
    drop(sender);
    opened.store.close();
}

#[test]
fn a_file_of_garbage_is_moved_aside_and_a_fresh_database_started() {
    let dir = tempfile::tempdir().unwrap();
    let garbage: Vec<u8> = (0..65_536u32).map(|i| (i * 7 + 3) as u8).collect();
    std::fs::write(dir.path().join("history.sqlite3"), &garbage).unwrap();
    assert_moved_aside_and_fresh(dir.path(), &garbage);
}

#[test]
fn a_database_damaged_after_its_header_is_moved_aside() {
    let dir = tempfile::tempdir().unwrap();
    let opened = Store::open(dir.path(), t0() - secs(60)).unwrap();
    let sender = opened.store.sender();
    for r in every_30s("Gmail", t0() - secs(60), t0(), Status::Up) {
        sender.try_record(r).unwrap();
    }
    sender.blocking_flush().unwrap();
    drop(sender);
    opened.store.close();
    // Keep SQLite's 100-byte header, overwrite the rest of page 1 (the schema).
    let path = dir.path().join("history.sqlite3");
    let mut bytes = std::fs::read(&path).unwrap();
    for (i, b) in bytes[100..4096].iter_mut().enumerate() {
        *b = (i % 251) as u8;
    }
    std::fs::write(&path, &bytes).unwrap();
    assert_moved_aside_and_fresh(dir.path(), &bytes);
}

#[test]
fn records_are_written_in_batches_and_flush_waits_for_the_commit() {
    let dir = tempfile::tempdir().unwrap();
    let opened = Store::open(dir.path(), t0()).unwrap();
    let sender = opened.store.sender();
    let mut records = every_30s("Gmail", t0(), t0() + secs(30 * 600), Status::Up);
    records.extend(every_30s(
        "WhatsApp",
        t0(),
        t0() + secs(30 * 400),
        Status::Down,
    ));
    records.push(Record::Incident(IncidentRecord {
        id: "inc-1".into(),
        watch: "WhatsApp".into(),
        group_incident: None,
        kind: IncidentKind::Down,
        start: t0(),
        end: None,
        failure: None,
    }));
    records.push(Record::Notification(NotificationRecord {
        at: t0() + secs(45),
        incident: Some("inc-1".into()),
        watches: vec!["WhatsApp".into()],
        message: MessageRef {
            id: "notice-down".into(),
            args: serde_json::Map::new(),
        },
    }));
    let rt = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    rt.block_on(async {
        for r in records {
            sender.record(r).await.unwrap();
        }
        sender.flush().await.unwrap();
    });
    let conn = sql(opened.store.path());
    assert_eq!(count(&conn, "SELECT count(*) FROM check_result"), 1000);
    assert_eq!(count(&conn, "SELECT count(*) FROM watch"), 2);
    // Arguments are kept for failures only.
    assert_eq!(
        count(
            &conn,
            "SELECT count(*) FROM check_result WHERE message_args IS NOT NULL"
        ),
        400
    );
    let (cause, args, connect): (String, String, i64) = conn
        .query_row(
            "SELECT cause, message_args, connect_us FROM check_result WHERE status = 'down' LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .unwrap();
    assert_eq!(cause, "tcp_refused");
    assert_eq!(args, r#"{"address":"127.0.0.1:9"}"#);
    assert_eq!(connect, 1500);
    // The incident closes: the same row is rewritten.
    sender
        .try_record(Record::Incident(IncidentRecord {
            id: "inc-1".into(),
            watch: "WhatsApp".into(),
            group_incident: None,
            kind: IncidentKind::Down,
            start: t0(),
            end: Some(t0() + secs(600)),
            failure: None,
        }))
        .unwrap();
    sender.blocking_flush().unwrap();
    assert_eq!(
        count(
            &conn,
            "SELECT end_ms - start_ms FROM incident WHERE incident_key = 'inc-1'"
        ),
        600_000
    );
    assert_eq!(count(&conn, "SELECT count(*) FROM incident"), 1);
    assert_eq!(count(&conn, "SELECT count(*) FROM notification"), 1);
    let reader = opened.store.reader().unwrap();
    assert_eq!(reader.integrity_check().unwrap(), Ok(()));
    drop(sender);
    opened.store.close();
}

#[test]
fn uptime_over_a_gap_counts_only_observed_time() {
    let dir = tempfile::tempdir().unwrap();
    // Up for 10 minutes, then the resident stops (its last word: alive at 10:00).
    let opened = Store::open(dir.path(), t0()).unwrap();
    let sender = opened.store.sender();
    for r in every_30s("Gmail", t0(), t0() + secs(600), Status::Up) {
        sender.try_record(r).unwrap();
    }
    sender.try_record(Record::Alive(t0() + secs(600))).unwrap();
    drop(sender);
    opened.store.close();
    // Started again 50 minutes later: the gap is recorded, then 10 minutes down.
    let restart = t0() + secs(3600);
    let opened = Store::open(dir.path(), restart).unwrap();
    let span = opened
        .not_running
        .expect("the time not running is recorded");
    assert_eq!(span.kind, CoverageKind::NotRunning);
    assert_eq!((span.start, span.end), (t0() + secs(600), restart));
    let sender = opened.store.sender();
    for r in every_30s("Gmail", restart, restart + secs(600), Status::Down) {
        sender.try_record(r).unwrap();
    }
    sender.blocking_flush().unwrap();
    let u = opened
        .store
        .reader()
        .unwrap()
        .uptime("Gmail", t0(), restart + secs(600))
        .unwrap();
    // 10 minutes up (the last check's extra 15 s fall in the span not running), 10 down:
    // 50 %, where counting the whole window as up would say 86 %.
    assert_eq!(u.up, secs(600));
    assert_eq!(u.down, secs(600));
    assert_eq!(u.unobserved(), secs(3000));
    assert_eq!(u.availability(), Some(0.5));
    drop(sender);
    opened.store.close();
}

#[test]
fn a_clock_set_back_never_gives_more_than_100_percent() {
    let dir = tempfile::tempdir().unwrap();
    let opened = Store::open(dir.path(), t0()).unwrap();
    let sender = opened.store.sender();
    // Up 10 minutes, then the clock is set back 30 minutes and 10 more minutes are up.
    for r in every_30s("Gmail", t0(), t0() + secs(600), Status::Up) {
        sender.try_record(r).unwrap();
    }
    let back = t0() - secs(1200);
    for r in every_30s("Gmail", back, back + secs(600), Status::Up) {
        sender.try_record(r).unwrap();
    }
    sender.blocking_flush().unwrap();
    let reader = opened.store.reader().unwrap();
    let window = (t0() - secs(1800), t0() + secs(600));
    let u = reader.uptime("Gmail", window.0, window.1).unwrap();
    assert!(u.observed() <= u.window, "{u:?}");
    assert_eq!(u.availability(), Some(1.0));
    assert_eq!(u.up, secs(600 + 615));
    // A restart whose clock reads before the last write records no negative span.
    drop(sender);
    opened.store.close();
    let opened = Store::open(dir.path(), back).unwrap();
    assert!(opened.not_running.is_none());
    opened.store.close();
}

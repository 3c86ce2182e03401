//! Schema v1 to v2 on a real file: a v1 file made by the v1 code path (its migration step and
//! `tables::insert_check`) is migrated with its data kept and then rolled up; a v2 step that
//! fails half way (as a crash would leave it) leaves v1 intact and runs again whole; so does a
//! v3 step (the covering index; its migration with data: `tests/migrate_v3.rs`).
#![allow(clippy::unwrap_used)]

use std::collections::HashMap;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use downwatch_probe::{Phases, Status};
use rusqlite::Connection;

use crate::migrate::{MIGRATIONS, MigrateError, Migration, migrate, version};
use crate::{CheckRecord, Span, Store, open, tables};

fn h0() -> SystemTime {
    UNIX_EPOCH + Duration::from_secs(1_795_996_800)
}

/// A v1 file with two hours of checks every minute (up, then down from 1:30).
fn v1_file(dir: &std::path::Path) -> Connection {
    let mut conn = Connection::open(dir.join(open::FILE_NAME)).unwrap();
    migrate(&mut conn, &MIGRATIONS[..1]).unwrap();
    let tx = conn.transaction().unwrap();
    let mut ids = HashMap::new();
    for k in 0..120u64 {
        let status = if k < 90 { Status::Up } else { Status::Down };
        let check = CheckRecord {
            watch: "Gmail".into(),
            at: h0() + Duration::from_secs(60 * k),
            interval: Duration::from_secs(60),
            status,
            judged: true,
            failure: None,
            phases: Phases {
                dns: None,
                connect: None,
                tls: None,
                ttfb: None,
                total: Duration::from_millis(50),
            },
            address: None,
            http_status: None,
        };
        tables::insert_check(&tx, &mut ids, &check).unwrap();
    }
    tx.commit().unwrap();
    assert_eq!(version(&conn).unwrap(), 1);
    conn
}

fn count(conn: &Connection, sql: &str) -> i64 {
    conn.query_row(sql, [], |r| r.get(0)).unwrap()
}

/// Opens the store (migrating), writes one check at 2:10 so the writer rolls up hours 0
/// and 1, and checks what it finds.
fn open_and_check(dir: &std::path::Path) {
    let now = h0() + Duration::from_secs(2 * 3_600 + 600);
    let opened = Store::open(dir, now).unwrap();
    let reader = opened.store.reader().unwrap();
    assert_eq!(reader.checks_page("Gmail", None, 500).unwrap().len(), 120);
    let sender = opened.store.sender();
    sender.blocking_record(crate::Record::Alive(now)).unwrap();
    sender.blocking_flush().unwrap();
    let hours = reader.rollups("Gmail", Span::Hour, h0(), now).unwrap();
    assert_eq!(hours.len(), 2, "{hours:?}");
    assert_eq!((hours[0].1.up_ms, hours[0].1.down_ms), (3_600_000, 0));
    assert_eq!(
        (hours[1].1.up_ms, hours[1].1.down_ms),
        (1_800_000, 1_800_000)
    );
    assert_eq!((hours[1].1.checks.up, hours[1].1.checks.down), (30, 30));
    let u = reader
        .uptime("Gmail", h0(), h0() + Duration::from_secs(7_200))
        .unwrap();
    assert_eq!(u.availability(), Some(0.75));
    drop(reader);
    drop(sender);
    opened.store.close();
    let conn = Connection::open(dir.join(open::FILE_NAME)).unwrap();
    assert_eq!(version(&conn).unwrap(), crate::SCHEMA_VERSION);
    assert_eq!(count(&conn, "SELECT count(*) FROM rollup_state"), 1);
}

#[test]
fn a_v1_file_is_migrated_with_its_data_and_rolled_up() {
    let dir = tempfile::tempdir().unwrap();
    drop(v1_file(dir.path()));
    open_and_check(dir.path());
}

#[test]
fn a_v2_step_failing_half_way_leaves_v1_and_runs_again_whole() {
    let dir = tempfile::tempdir().unwrap();
    let mut conn = v1_file(dir.path());
    // The real v2 step with a failing statement at its end: everything it did before the
    // failure (tables created, the state row inserted) must be rolled back.
    let broken = Migration {
        sql: Box::leak(
            format!(
                "{}\nINSERT INTO no_such_table VALUES (1);",
                MIGRATIONS[1].sql
            )
            .into_boxed_str(),
        ),
        ..MIGRATIONS[1]
    };
    match migrate(&mut conn, &[MIGRATIONS[0], broken]) {
        Err(MigrateError::Step { step, .. }) => assert_eq!(step.version, 2),
        other => panic!("expected step 2 to fail, got {other:?}"),
    }
    drop(conn);
    let conn = Connection::open(dir.path().join(open::FILE_NAME)).unwrap();
    assert_eq!(version(&conn).unwrap(), 1);
    let v2_tables = "SELECT count(*) FROM sqlite_schema WHERE name LIKE 'rollup%'";
    assert_eq!(count(&conn, v2_tables), 0);
    assert_eq!(count(&conn, "SELECT count(*) FROM check_result"), 120);
    drop(conn);
    // The next start runs step 2 from its start, once.
    open_and_check(dir.path());
}

#[test]
fn a_v3_step_failing_half_way_keeps_the_v2_index_and_runs_again_whole() {
    let dir = tempfile::tempdir().unwrap();
    let mut conn = v1_file(dir.path());
    migrate(&mut conn, &MIGRATIONS[..2]).unwrap();
    // The real v3 step (drop the old index, create the covering one) with a failing
    // statement at its end: the old index must be back, the new one absent.
    let broken = Migration {
        sql: Box::leak(
            format!(
                "{}\nINSERT INTO no_such_table VALUES (1);",
                MIGRATIONS[2].sql
            )
            .into_boxed_str(),
        ),
        ..MIGRATIONS[2]
    };
    match migrate(&mut conn, &[MIGRATIONS[0], MIGRATIONS[1], broken]) {
        Err(MigrateError::Step { step, .. }) => assert_eq!(step.version, 3),
        other => panic!("expected step 3 to fail, got {other:?}"),
    }
    drop(conn);
    let index = |conn: &Connection, name: &str| {
        let sql =
            format!("SELECT count(*) FROM sqlite_schema WHERE type = 'index' AND name = '{name}'");
        count(conn, &sql)
    };
    let conn = Connection::open(dir.path().join(open::FILE_NAME)).unwrap();
    assert_eq!(version(&conn).unwrap(), 2);
    assert_eq!(index(&conn, "check_result_by_watch_time"), 1);
    assert_eq!(index(&conn, "check_result_raw"), 0);
    assert_eq!(count(&conn, "SELECT count(*) FROM check_result"), 120);
    drop(conn);
    // The next start runs step 3 from its start, once.
    let mut conn = Connection::open(dir.path().join(open::FILE_NAME)).unwrap();
    assert_eq!(migrate(&mut conn, MIGRATIONS).unwrap(), 2);
    assert_eq!(version(&conn).unwrap(), crate::SCHEMA_VERSION);
    assert_eq!(index(&conn, "check_result_by_watch_time"), 0);
    assert_eq!(index(&conn, "check_result_raw"), 1);
    assert_eq!(count(&conn, "SELECT count(*) FROM check_result"), 120);
}

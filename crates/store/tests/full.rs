//! A full database (the size cap reached, as a full disk would): the failure is told once,
//! records keep being accepted, and once room is back writing resumes and the time lost is
//! recorded as `not_recorded`.
#![allow(clippy::unwrap_used)]

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use downwatch_probe::{Phases, Status};
use downwatch_store::{
    CheckRecord, PENDING_MAX, Record, Store, StoreError, StoreEvent, StoreOptions,
};
use rusqlite::Connection;
use tokio::time::timeout;

/// A generous safety net; every wait below is on an event.
const WAIT: Duration = Duration::from_secs(30);

fn t0() -> SystemTime {
    UNIX_EPOCH + Duration::from_secs(1_795_996_800)
}

fn check(n: u64) -> Record {
    Record::Check(CheckRecord {
        watch: format!("watch {}", n % 20),
        at: t0() + Duration::from_secs(n),
        interval: Duration::from_secs(30),
        status: Status::Up,
        judged: true,
        failure: None,
        phases: Phases {
            dns: Some(Duration::from_micros(900)),
            connect: Some(Duration::from_micros(1500)),
            tls: Some(Duration::from_micros(9000)),
            ttfb: Some(Duration::from_micros(30_000)),
            total: Duration::from_micros(42_000),
        },
        address: Some("127.0.0.1:443".parse().unwrap()),
        http_status: Some(200),
    })
}

#[tokio::test]
async fn a_full_database_is_told_once_and_writing_resumes_when_room_is_back() {
    let dir = tempfile::tempdir().unwrap();
    let options = StoreOptions {
        max_bytes: 256 * 1024,
        ..StoreOptions::default()
    };
    let mut opened = Store::open_with(dir.path(), options, t0()).unwrap();
    let sender = opened.store.sender();
    // Fill it: a check row is about 100 bytes, so 256 KiB holds a few thousand at most.
    let mut n = 0;
    let full_at = loop {
        sender.record(check(n)).await.unwrap();
        n += 1;
        if n % 100 == 0 && sender.flush().await.is_err() {
            break n;
        }
        assert!(n < 20_000, "the cap was never reached");
    };
    match timeout(WAIT, opened.events.recv()).await.unwrap().unwrap() {
        StoreEvent::WriteFailed { error, pending } => {
            assert!(pending > 0);
            match error {
                StoreError::Sqlite { source, .. } => assert_eq!(
                    source.sqlite_error_code(),
                    Some(rusqlite::ErrorCode::DiskFull)
                ),
                other => panic!("expected SQLite's full error, got {other:?}"),
            }
        }
        other => panic!("expected WriteFailed, got {other:?}"),
    }
    // Still full: records are accepted (monitoring goes on), every try fails, and nothing
    // more is told. More than the buffer holds is sent, so the oldest are pushed out.
    while n < full_at + PENDING_MAX as u64 + 500 {
        for _ in 0..100 {
            sender.record(check(n)).await.unwrap();
            n += 1;
        }
        assert!(matches!(sender.flush().await, Err(StoreError::NotWritten)));
    }
    let more = opened.events.try_recv();
    assert!(more.is_err(), "told once, not per batch: {more:?}");
    let kept_from = n - PENDING_MAX as u64;

    // Room is back (here: rows deleted by another connection free their pages).
    let other = Connection::open(opened.store.path()).unwrap();
    other.busy_timeout(WAIT).unwrap();
    other.execute("DELETE FROM check_result", []).unwrap();
    for _ in 0..10 {
        sender.record(check(n)).await.unwrap();
        n += 1;
    }
    sender.flush().await.unwrap();
    match timeout(WAIT, opened.events.recv()).await.unwrap().unwrap() {
        StoreEvent::WritingResumed => {}
        other => panic!("expected WritingResumed, got {other:?}"),
    }
    // The buffer's records were written, none twice; those pushed out of it are a
    // `not_recorded` span, not counted as up.
    let ms = |k: u64| downwatch_store::unix_ms(t0() + Duration::from_secs(k));
    let (rows, first, last): (i64, i64, i64) = other
        .query_row(
            "SELECT count(*), min(at_ms), max(at_ms) FROM check_result",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .unwrap();
    assert_eq!((first, last), (ms(kept_from), ms(n - 1)));
    assert_eq!(rows, i64::try_from(n - kept_from).unwrap());
    let (start, end): (i64, i64) = other
        .query_row(
            "SELECT start_ms, end_ms FROM coverage WHERE kind = 'not_recorded'",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert!(start <= ms(full_at - 1), "starts by the first record lost");
    assert_eq!(end, ms(kept_from - 1));
    drop(sender);
    opened.store.close();
}

//! A record the schema refuses is left out and told; the rest of its batch and every later
//! batch are written (one refused record must not keep the writer failing for good).
#![allow(clippy::unwrap_used)]

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use downwatch_probe::{Phases, Status};
use downwatch_store::{CheckRecord, FILE_NAME, Record, Store, StoreEvent};
use rusqlite::Connection;
use tokio::time::timeout;

/// A generous safety net; every wait below is on an event.
const WAIT: Duration = Duration::from_secs(30);

fn t0() -> SystemTime {
    UNIX_EPOCH + Duration::from_secs(1_795_996_800)
}

fn check(watch: &str, n: u64) -> Record {
    Record::Check(CheckRecord {
        watch: watch.to_owned(),
        at: t0() + Duration::from_secs(n),
        interval: Duration::from_secs(30),
        status: Status::Up,
        judged: true,
        failure: None,
        phases: Phases {
            dns: None,
            connect: Some(Duration::from_micros(1500)),
            tls: None,
            ttfb: Some(Duration::from_micros(3000)),
            total: Duration::from_micros(4000),
        },
        address: Some("127.0.0.1:80".parse().unwrap()),
        http_status: Some(200),
    })
}

#[tokio::test]
async fn a_refused_record_is_left_out_and_the_rest_is_written() {
    let dir = tempfile::tempdir().unwrap();
    // The schema refuses every check of "Poison", as it would a record a future bug made
    // invalid (RAISE(ABORT) is SQLITE_CONSTRAINT, like a CHECK constraint).
    {
        drop(Store::open(dir.path(), t0()).unwrap());
        let conn = Connection::open(dir.path().join(FILE_NAME)).unwrap();
        conn.execute_batch(
            "CREATE TRIGGER poison BEFORE INSERT ON check_result
             WHEN (SELECT name FROM watch WHERE id = NEW.watch_id) = 'Poison'
             BEGIN SELECT RAISE(ABORT, 'poisoned record'); END;",
        )
        .unwrap();
    }
    let mut opened = Store::open(dir.path(), t0()).unwrap();
    let sender = opened.store.sender();
    for n in 0..10 {
        sender.record(check("Web", n)).await.unwrap();
        if n == 4 {
            sender.record(check("Poison", n)).await.unwrap();
        }
    }
    sender.flush().await.unwrap();
    match timeout(WAIT, opened.events.recv()).await.unwrap() {
        Some(StoreEvent::Rejected { count, error }) => {
            assert_eq!(count, 1);
            assert!(error.to_string().contains("poisoned record"), "{error}");
        }
        other => panic!("expected Rejected, got {other:?}"),
    }
    // Later batches are written too.
    for n in 10..15 {
        sender.record(check("Web", n)).await.unwrap();
    }
    sender.flush().await.unwrap();
    let conn = Connection::open(dir.path().join(FILE_NAME)).unwrap();
    let rows: i64 = conn
        .query_row(
            "SELECT count(*) FROM check_result JOIN watch ON watch.id = watch_id
             WHERE watch.name = 'Web'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(rows, 15);
}

//! Each watch's run (`watch_run`, schema 4), kept by the writer check by check: the current
//! state it gives equals a search of the stored rows (what a reader does without the row) at
//! every point of random histories with checks not judged and clock steps back; and it keeps
//! an exact "since" once retention has deleted the raw rows of the run's start.
#![allow(clippy::unwrap_used)]

use std::path::Path;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use downwatch_probe::{Phases, Status};
use downwatch_store::{CheckRecord, Reader, Record, Store, StoreOptions, WatchNow};
use rusqlite::Connection;

/// 2026-11-30T00:00:00Z.
fn t0() -> SystemTime {
    UNIX_EPOCH + Duration::from_secs(1_795_996_800)
}

fn check(watch: &str, at: SystemTime, status: Status, judged: bool) -> Record {
    Record::Check(CheckRecord {
        watch: watch.into(),
        at,
        interval: Duration::from_secs(60),
        status,
        judged,
        failure: None,
        phases: Phases {
            dns: None,
            connect: None,
            tls: None,
            ttfb: None,
            total: Duration::from_millis(20),
        },
        address: None,
        http_status: None,
    })
}

/// xorshift64: the same histories on every run.
struct Random(u64);

impl Random {
    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % n
    }
}

/// The current state read from a copy of the file whose `watch_run` rows are deleted, so the
/// reader searches the raw rows and rollups.
fn searched(file: &Path, copies: &Path) -> Vec<WatchNow> {
    let copy = copies.join("copy.sqlite3");
    let _ = std::fs::remove_file(&copy);
    let conn = Connection::open(file).unwrap();
    conn.execute("VACUUM INTO ?1", [copy.to_str().unwrap()])
        .unwrap();
    drop(conn);
    let conn = Connection::open(&copy).unwrap();
    assert!(conn.execute("DELETE FROM watch_run", []).unwrap() > 0);
    drop(conn);
    Reader::open(&copy).unwrap().current().unwrap()
}

#[test]
fn the_kept_run_answers_as_a_search_of_the_rows() {
    let dir = tempfile::tempdir().unwrap();
    let copies = tempfile::tempdir().unwrap();
    let opened = Store::open(dir.path(), t0()).unwrap();
    let sender = opened.store.sender();
    let reader = opened.store.reader().unwrap();
    let watches = ["Bank", "Gmail", "Shop", "WhatsApp"];
    let mut random = Random(0x9e37_79b9_7f4a_7c15);
    let mut status = [Status::Up; 4];
    let mut compared = 0;
    let mut since_changed = 0;
    let mut previous: Vec<WatchNow> = Vec::new();
    // Eight hours of a check a minute per watch: hours close and are rolled up, so the
    // search goes through hour rollups as well as raw rows.
    let mut minute = 0u64;
    while minute < 8 * 60 {
        let batch = 1 + random.below(40);
        for _ in 0..batch {
            for (w, watch) in watches.iter().enumerate() {
                // Runs of a status: a change one check in twelve.
                if random.below(12) == 0 {
                    status[w] = [Status::Up, Status::Degraded, Status::Down]
                        [usize::try_from(random.below(3)).unwrap()];
                }
                let judged = random.below(8) != 0;
                // Seconds apart within the minute, never the same millisecond.
                let mut at = t0() + Duration::from_secs(60 * minute + 7 * w as u64);
                // Now and then a clock step back: started before the latest check.
                if random.below(60) == 0 && minute > 3 {
                    at -= Duration::from_secs(150 + random.below(50));
                }
                let s = if judged {
                    status[w]
                } else {
                    [Status::Up, Status::Down][usize::try_from(random.below(2)).unwrap()]
                };
                sender.blocking_record(check(watch, at, s, judged)).unwrap();
            }
            minute += 1;
        }
        sender.blocking_flush().unwrap();
        let kept = reader.current().unwrap();
        assert_eq!(
            kept,
            searched(opened.store.path(), copies.path()),
            "minute {minute}"
        );
        assert_eq!(kept.len(), watches.len());
        since_changed += kept
            .iter()
            .zip(&previous)
            .filter(|(a, b)| a.since != b.since)
            .count();
        previous = kept;
        compared += 1;
    }
    // The histories moved: many comparisons, and "since" changed along the way.
    assert!(compared > 20, "{compared}");
    assert!(since_changed > 20, "{since_changed}");
    drop(sender);
    opened.store.close();
}

#[test]
fn a_run_keeps_its_exact_start_once_its_raw_rows_are_deleted() {
    let dir = tempfile::tempdir().unwrap();
    let options = StoreOptions {
        retention: Duration::from_secs(2 * 3600),
        ..StoreOptions::default()
    };
    let opened = Store::open_with(dir.path(), options, t0()).unwrap();
    let sender = opened.store.sender();
    // Down for 10 minutes, then up for 6 hours: the raw rows of the change are deleted.
    for minute in 0..6 * 60 + 10 {
        let status = if minute < 10 {
            Status::Down
        } else {
            Status::Up
        };
        let at = t0() + Duration::from_secs(60 * minute);
        sender
            .blocking_record(check("Gmail", at, status, true))
            .unwrap();
    }
    sender.blocking_flush().unwrap();
    let reader = opened.store.reader().unwrap();
    let oldest: i64 = Connection::open(opened.store.path())
        .unwrap()
        .query_row("SELECT min(at_ms) FROM check_result", [], |r| r.get(0))
        .unwrap();
    let change = t0() + Duration::from_secs(600);
    assert!(
        UNIX_EPOCH + Duration::from_millis(u64::try_from(oldest).unwrap()) > change,
        "retention deleted the change's raw rows"
    );
    let now = reader.current().unwrap();
    assert_eq!(now[0].latest.status, Status::Up);
    assert_eq!(now[0].since, change);
    assert!(now[0].since_exact);
    drop(sender);
    opened.store.close();
}

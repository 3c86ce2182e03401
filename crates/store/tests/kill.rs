//! A writer killed with SIGKILL under write load, 20 times in a row: every incident whose
//! flush returned is in the database, and `PRAGMA integrity_check` says ok. The writer is this
//! test executable run again as a child (the ignored test `child_writes_until_killed`).
#![allow(clippy::unwrap_used)]

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use downwatch_probe::{Phases, Status};
use downwatch_store::{CheckRecord, IncidentKind, IncidentRecord, Record, Store};

/// Where the child writes; set only for the child.
const CHILD_DIR: &str = "DOWNWATCH_STORE_TEST_CHILD_DIR";

fn t0() -> SystemTime {
    UNIX_EPOCH + Duration::from_secs(1_795_996_800)
}

fn check(n: u64) -> Record {
    Record::Check(CheckRecord {
        watch: format!("watch {}", n % 50),
        at: t0() + Duration::from_millis(n * 600),
        interval: Duration::from_secs(30),
        status: if n % 7 == 0 { Status::Down } else { Status::Up },
        judged: true,
        failure: None,
        phases: Phases {
            dns: Some(Duration::from_micros(900)),
            connect: Some(Duration::from_micros(1500)),
            tls: None,
            ttfb: None,
            total: Duration::from_micros(2400),
        },
        address: None,
        http_status: None,
    })
}

/// The child: checks as fast as the queue takes them, and every 200 an incident that is
/// flushed before its id is printed (as the resident will before a notification leaves).
#[test]
#[ignore = "run by killed_writers_lose_no_committed_incident as its child"]
fn child_writes_until_killed() {
    let Some(dir) = std::env::var_os(CHILD_DIR) else {
        return;
    };
    let start = SystemTime::now();
    let opened = Store::open(Path::new(&dir), start).unwrap();
    let sender = opened.store.sender();
    for n in 0.. {
        sender.blocking_record(check(n)).unwrap();
        if n % 200 == 199 {
            let id = format!("incident {}-{n}", std::process::id());
            sender
                .blocking_record(Record::Incident(IncidentRecord {
                    id: id.clone(),
                    watch: format!("watch {}", n % 50),
                    group_incident: None,
                    kind: IncidentKind::Down,
                    start: t0(),
                    end: None,
                    failure: None,
                }))
                .unwrap();
            sender.blocking_flush().unwrap();
            println!("committed {id}");
        }
    }
}

#[test]
fn killed_writers_lose_no_committed_incident() {
    let dir = tempfile::tempdir().unwrap();
    let mut committed = Vec::new();
    for round in 0..20 {
        let mut child = Command::new(std::env::current_exe().unwrap())
            .args([
                "child_writes_until_killed",
                "--exact",
                "--ignored",
                "--nocapture",
            ])
            .env(CHILD_DIR, dir.path())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        // Killed after a different number of commits each round (1 to 5), while it writes.
        let wanted = 1 + round % 5;
        let mut seen = 0;
        let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
        while seen < wanted {
            let line = lines.next().expect("the child ended early").unwrap();
            if let Some(id) = line.strip_prefix("committed ") {
                committed.push(id.to_owned());
                seen += 1;
            }
        }
        child.kill().unwrap(); // SIGKILL
        child.wait().unwrap();
    }
    let opened = Store::open(dir.path(), SystemTime::now()).unwrap();
    assert!(opened.moved_aside.is_none(), "a kill never corrupts");
    let reader = opened.store.reader().unwrap();
    assert_eq!(reader.integrity_check().unwrap(), Ok(()));
    let conn = rusqlite::Connection::open(opened.store.path()).unwrap();
    for id in &committed {
        let found: i64 = conn
            .query_row(
                "SELECT count(*) FROM incident WHERE incident_key = ?1",
                [id],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(found, 1, "{id} was committed before the kill");
    }
    assert_eq!(committed.len(), (0..20).map(|r| 1 + r % 5).sum::<usize>());
    opened.store.close();
}

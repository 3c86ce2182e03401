//! The read side on a real file: the latest check of every watch, pages of checks by keyset
//! (rows sharing a timestamp included), incidents overlapping a range.
#![allow(clippy::unwrap_used)]

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use downwatch_probe::{Cause, Layer, Phases, Status};
use downwatch_store::{
    CheckRecord, Failure, IncidentKind, IncidentRecord, MessageRef, NotificationRecord, Record,
    RecordSender, Store, StoreError,
};

fn t0() -> SystemTime {
    UNIX_EPOCH + Duration::from_secs(1_795_996_800)
}

fn min(n: u64) -> Duration {
    Duration::from_secs(60 * n)
}

fn check(watch: &str, at: SystemTime, status: Status) -> Record {
    let failure = (status == Status::Down).then(|| Failure {
        layer: Layer::Dns,
        cause: Cause::DnsServfail,
        message: MessageRef {
            id: "cause-dns-servfail".into(),
            args: serde_json::json!({"server": "127.0.0.53:53"})
                .as_object()
                .unwrap()
                .clone(),
        },
    });
    Record::Check(CheckRecord {
        watch: watch.into(),
        at,
        interval: Duration::from_secs(30),
        status,
        judged: true,
        failure,
        phases: Phases {
            dns: Some(Duration::from_micros(800)),
            connect: None,
            tls: None,
            ttfb: None,
            total: Duration::from_micros(1200),
        },
        address: None,
        http_status: None,
    })
}

fn incident(id: &str, start: SystemTime, end: Option<SystemTime>) -> Record {
    Record::Incident(IncidentRecord {
        id: id.into(),
        watch: "Gmail".into(),
        group_incident: None,
        kind: IncidentKind::Down,
        start,
        end,
        failure: None,
    })
}

fn send(sender: &RecordSender, records: impl IntoIterator<Item = Record>) {
    for r in records {
        sender.blocking_record(r).unwrap();
    }
    sender.blocking_flush().unwrap();
}

#[test]
fn latest_check_of_every_watch() {
    let dir = tempfile::tempdir().unwrap();
    let opened = Store::open(dir.path(), t0()).unwrap();
    let sender = opened.store.sender();
    send(
        &sender,
        [
            check("Gmail", t0(), Status::Up),
            check("Gmail", t0() + min(1), Status::Down),
            check("WhatsApp", t0() + min(2), Status::Up),
            check("WhatsApp", t0() + min(1), Status::Down), // recorded later, older
        ],
    );
    let latest = opened.store.reader().unwrap().latest().unwrap();
    let names: Vec<_> = latest.iter().map(|l| l.watch.as_str()).collect();
    assert_eq!(names, ["Gmail", "WhatsApp"]);
    let gmail = &latest[0].check;
    assert_eq!((gmail.at, gmail.status), (t0() + min(1), Status::Down));
    assert_eq!(gmail.layer, Some(Layer::Dns));
    assert_eq!(gmail.cause, Some(Cause::DnsServfail));
    let message = gmail.message.as_ref().unwrap();
    assert_eq!(message.id, "cause-dns-servfail");
    assert_eq!(message.args["server"], "127.0.0.53:53");
    assert_eq!(gmail.phases.dns, Some(Duration::from_micros(800)));
    assert_eq!(gmail.phases.connect, None);
    assert_eq!(latest[1].check.at, t0() + min(2));
    assert_eq!(latest[1].check.message, None);
    drop(sender);
    opened.store.close();
}

#[test]
fn pages_of_checks_by_keyset_lose_no_row_sharing_a_timestamp() {
    let dir = tempfile::tempdir().unwrap();
    let opened = Store::open(dir.path(), t0()).unwrap();
    let sender = opened.store.sender();
    // 5 checks at the same instant, then 20 a minute apart.
    let mut records: Vec<_> = (0..5).map(|_| check("Gmail", t0(), Status::Up)).collect();
    records.extend((1..=20).map(|k| check("Gmail", t0() + min(k), Status::Up)));
    records.push(check("Other", t0() + min(3), Status::Up));
    send(&sender, records);
    let reader = opened.store.reader().unwrap();
    let mut seen = Vec::new();
    let mut after = None;
    loop {
        let page = reader.checks_page("Gmail", after, 3).unwrap();
        if page.is_empty() {
            break;
        }
        assert!(page.len() <= 3);
        after = Some(page.last().unwrap().cursor());
        seen.extend(page);
    }
    assert_eq!(seen.len(), 25, "every row once");
    let mut ids: Vec<_> = seen.iter().map(|c| c.id).collect();
    ids.dedup();
    assert_eq!(ids.len(), 25);
    assert!(seen.windows(2).all(|w| w[0].at >= w[1].at), "newest first");
    assert_eq!(seen[0].at, t0() + min(20));
    drop(sender);
    opened.store.close();
}

#[test]
fn incidents_overlapping_a_range_open_ones_included() {
    let dir = tempfile::tempdir().unwrap();
    let opened = Store::open(dir.path(), t0()).unwrap();
    let sender = opened.store.sender();
    send(
        &sender,
        [
            incident("a", t0(), Some(t0() + min(10))),
            incident("b", t0() + min(20), None),
            incident("c", t0() + min(30), Some(t0() + min(40))),
            // Long: starts before most ranges below and ends inside or after them.
            incident("d", t0() + min(2), Some(t0() + min(45))),
        ],
    );
    let reader = opened.store.reader().unwrap();
    let ids = |from, until| -> Vec<String> {
        reader
            .incidents(t0() + min(from), t0() + min(until))
            .unwrap()
            .into_iter()
            .map(|i| i.id)
            .collect()
    };
    assert_eq!(ids(5, 25), ["a", "d", "b"]);
    assert_eq!(ids(41, 50), ["d", "b"]);
    assert_eq!(ids(46, 50), ["b"]);
    assert_eq!(ids(100, 200), ["b"], "open: overlaps every later range");
    assert_eq!(ids(0, 1), ["a"]);
    assert_eq!(ids(10, 20), ["d"], "ends and starts are exclusive (a, b)");
    assert_eq!(ids(45, 46), ["b"], "d ended at 45");
    let b = &reader.incidents(t0(), t0() + min(60)).unwrap()[2];
    assert_eq!(
        (b.watch.as_str(), b.kind, b.end),
        ("Gmail", IncidentKind::Down, None)
    );
    drop(sender);
    opened.store.close();
}

fn notification(at: SystemTime, watches: &[&str]) -> Record {
    Record::Notification(NotificationRecord {
        at,
        incident: None,
        watches: watches.iter().map(|w| (*w).to_owned()).collect(),
        message: MessageRef {
            id: "notify-down".into(),
            args: serde_json::Map::new(),
        },
    })
}

#[test]
fn a_notification_row_with_damaged_json_is_an_error_not_an_empty_list() {
    let dir = tempfile::tempdir().unwrap();
    let opened = Store::open(dir.path(), t0()).unwrap();
    send(
        &opened.store.sender(),
        [
            notification(t0(), &["Mail", "Web"]),
            notification(t0() + min(1), &["Web"]),
        ],
    );
    let reader = opened.store.reader().unwrap();
    let all =
        |r: &downwatch_store::Reader| r.notifications_page(t0(), t0() + min(10), None, None, 100);
    let pages = all(&reader).unwrap();
    assert_eq!(pages.len(), 2);
    assert_eq!(pages[0].watches, ["Mail", "Web"]);
    // Filtering by a watch reads the JSON list too.
    let mail = reader
        .notifications_page(t0(), t0() + min(10), Some("Mail"), None, 100)
        .unwrap();
    assert_eq!(mail.len(), 1);
    drop(reader);
    opened.store.close();
    // A damaged `watches` (not a JSON list of names), as a disk error or a hand edit leaves
    // it: the page is an error naming the column, never a notification naming no watch.
    let conn = rusqlite::Connection::open(dir.path().join(downwatch_store::FILE_NAME)).unwrap();
    conn.execute(
        "UPDATE notification SET watches = '[\"Web\"' WHERE id = 2",
        [],
    )
    .unwrap();
    drop(conn);
    let reader = downwatch_store::Reader::open_existing(dir.path()).unwrap();
    let err = all(&reader).unwrap_err();
    assert!(
        matches!(
            err,
            StoreError::Sqlite {
                doing: "reading notifications",
                ..
            }
        ),
        "{err:?}"
    );
    assert!(err.to_string().contains("index: 3"), "{err}");
    // Arguments that are not an object are refused the same way.
    let conn = rusqlite::Connection::open(dir.path().join(downwatch_store::FILE_NAME)).unwrap();
    conn.execute_batch(
        "UPDATE notification SET watches = '[\"Web\"]' WHERE id = 2;
         UPDATE notification SET message_args = '[1]' WHERE id = 2;",
    )
    .unwrap();
    drop(conn);
    let err = all(&reader).unwrap_err();
    assert!(err.to_string().contains("index: 5"), "{err}");
}

//! The window's and the commands' queries on a real file filled through the writer: the
//! current state of every watch (since when, open incidents), a latency series downsampled
//! to N points from raw rows and from rollups, and availability per local day across a DST
//! change.
#![allow(clippy::unwrap_used)]

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use downwatch_probe::{Cause, Layer, Phases, Status};
use downwatch_store::jiff::civil::date;
use downwatch_store::jiff::tz::TimeZone;
use downwatch_store::{
    CheckRecord, DayState, Failure, IncidentKind, IncidentRecord, MessageRef, Phase, Record,
    RecordSender, SeriesSource, Store, StoreError,
};

/// 2026-11-30T00:00:00Z.
fn t0() -> SystemTime {
    UNIX_EPOCH + Duration::from_secs(1_795_996_800)
}

fn secs(n: u64) -> Duration {
    Duration::from_secs(n)
}

fn check(watch: &str, at: SystemTime, every: Duration, status: Status, total_us: u64) -> Record {
    let failure = (status == Status::Down).then(|| Failure {
        layer: Layer::Tcp,
        cause: Cause::TcpRefused,
        message: MessageRef {
            id: "tcp-refused".into(),
            args: serde_json::Map::new(),
        },
    });
    Record::Check(CheckRecord {
        watch: watch.into(),
        at,
        interval: every,
        status,
        judged: true,
        failure,
        phases: Phases {
            dns: Some(Duration::from_micros(500)),
            connect: None,
            tls: None,
            ttfb: None,
            total: Duration::from_micros(total_us),
        },
        address: None,
        http_status: None,
    })
}

fn send(sender: &RecordSender, records: impl IntoIterator<Item = Record>) {
    for r in records {
        sender.blocking_record(r).unwrap();
    }
    sender.blocking_flush().unwrap();
}

/// Checks of `watch` every `every` over `[from, from + length)`, `status_at` deciding each.
fn run(
    watch: &str,
    from: SystemTime,
    length: Duration,
    every: Duration,
    status_at: impl Fn(Duration) -> Status,
) -> Vec<Record> {
    let n = length.as_secs() / every.as_secs();
    (0..n)
        .map(|k| {
            let offset = every * u32::try_from(k).unwrap();
            check(watch, from + offset, every, status_at(offset), 1000 + k)
        })
        .collect()
}

#[test]
fn current_state_says_since_when_and_lists_open_incidents() {
    let dir = tempfile::tempdir().unwrap();
    let opened = Store::open(dir.path(), t0()).unwrap();
    let sender = opened.store.sender();
    let every = secs(30);
    // Gmail: up for 30 min, then down for 2 h 30 (the hours before are rolled up, so the
    // change is found through the hour rollups). WhatsApp: up throughout.
    let mut records = run("Gmail", t0(), secs(3 * 3600), every, |o| {
        if o < secs(1800) {
            Status::Up
        } else {
            Status::Down
        }
    });
    records.extend(run("WhatsApp", t0(), secs(3 * 3600), every, |_| Status::Up));
    records.push(Record::Incident(IncidentRecord {
        id: "g1".into(),
        watch: "Gmail".into(),
        group_incident: None,
        kind: IncidentKind::Down,
        start: t0() + secs(1800),
        end: None,
        failure: None,
    }));
    send(&sender, records);
    let now = opened.store.reader().unwrap().current().unwrap();
    assert_eq!(now.len(), 2);
    let (gmail, whatsapp) = (&now[0], &now[1]);
    assert_eq!(gmail.watch, "Gmail");
    assert_eq!(gmail.latest.status, Status::Down);
    assert_eq!(gmail.latest.at, t0() + secs(3 * 3600 - 30));
    assert_eq!(gmail.since, t0() + secs(1800));
    assert!(gmail.since_exact);
    let open: Vec<_> = gmail.open_incidents.iter().map(|i| i.id.as_str()).collect();
    assert_eq!(open, ["g1"]);
    assert_eq!(whatsapp.since, t0(), "up since its first check");
    assert!(whatsapp.since_exact, "nothing was deleted");
    assert!(whatsapp.open_incidents.is_empty());
    // Back up: since moves to the recovery (found among the raw rows not rolled up yet).
    send(
        &sender,
        [check(
            "Gmail",
            t0() + secs(3 * 3600),
            every,
            Status::Up,
            900,
        )],
    );
    let now = opened.store.reader().unwrap().current().unwrap();
    assert_eq!(now[0].since, t0() + secs(3 * 3600));
    drop(sender);
    opened.store.close();
}

#[test]
fn latency_series_has_at_most_n_points_from_raw_rows_or_rollups() {
    let dir = tempfile::tempdir().unwrap();
    let opened = Store::open(dir.path(), t0()).unwrap();
    let sender = opened.store.sender();
    let every = secs(30);
    // 4 hours; one check in 10 down (its timing is not a latency).
    let records = run("Gmail", t0(), secs(4 * 3600), every, |o| {
        if (o.as_secs() / 30) % 10 == 9 {
            Status::Down
        } else {
            Status::Up
        }
    });
    send(&sender, records);
    let reader = opened.store.reader().unwrap();
    // Two hours in 4 points: raw rows, 30 min each, 60 checks of which 54 up.
    let s = reader
        .latency_series("Gmail", Phase::Total, t0(), t0() + secs(7200), 4)
        .unwrap();
    assert_eq!(s.source, SeriesSource::Raw);
    assert_eq!(s.bucket, secs(1800));
    assert_eq!(s.points.len(), 4);
    assert!(s.points.iter().all(|p| p.latency.count == 54));
    assert_eq!(s.points[0].start, t0());
    assert_eq!(s.points[0].latency.min_us, 1000);
    assert_eq!(
        s.points[0].latency.max_us,
        1000 + 58,
        "the 60th check is down"
    );
    // 30 days in 10 points: hour rollups (3 hours rolled up) plus the raw tail, every up check
    // counted once.
    let s = reader
        .latency_series(
            "Gmail",
            Phase::Total,
            t0() - secs(29 * 86_400),
            t0() + secs(86_400),
            10,
        )
        .unwrap();
    assert_eq!(s.source, SeriesSource::Hours);
    assert!(s.points.len() <= 10);
    assert_eq!(s.bucket, secs(3 * 86_400));
    let counted: i64 = s.points.iter().map(|p| p.latency.count).sum();
    assert_eq!(counted, 4 * 120 * 9 / 10);
    // Any N, any range: never more points than asked.
    for n in [1, 2, 3, 7, 50, 500] {
        for hours in [1, 5, 24, 25, 24 * 90] {
            let s = reader
                .latency_series("Gmail", Phase::Dns, t0(), t0() + secs(hours * 3600), n)
                .unwrap();
            assert!(s.points.len() <= n, "{n} points over {hours} h");
            assert!(!s.points.is_empty());
        }
    }
    let none = reader
        .latency_series("Nobody", Phase::Total, t0(), t0() + secs(60), 5)
        .unwrap();
    assert!(none.points.is_empty());
    drop(sender);
    opened.store.close();
}

#[test]
fn local_days_follow_the_readers_time_zone_across_a_dst_change() {
    let dir = tempfile::tempdir().unwrap();
    // US Eastern time: on Sunday 2026-03-08 clocks go from 02:00 EST to 03:00 EDT, so that
    // local day has 23 hours. A POSIX rule, so the test needs no tz database.
    let eastern = TimeZone::posix("EST5EDT,M3.2.0,M11.1.0").unwrap();
    let first = date(2026, 3, 7).to_zoned_datetime(eastern.clone()).unwrap();
    let start = UNIX_EPOCH + secs(u64::try_from(first.timestamp().as_second()).unwrap());
    let opened = Store::open(dir.path(), start).unwrap();
    let sender = opened.store.sender();
    let every = secs(300);
    // From local midnight on the 7th, every 5 min until local midnight ending the 9th (the
    // 9th's last hour is not rolled up yet: it is read from raw rows); down once at noon EDT
    // on the 8th.
    let noon_8th = secs(86_400 + 11 * 3600);
    send(
        &sender,
        run("Gmail", start, secs(3 * 86_400 - 3600 + 300), every, |o| {
            if o == noon_8th {
                Status::Down
            } else {
                Status::Up
            }
        }),
    );
    let reader = opened.store.reader().unwrap();
    let days = reader
        .local_days("Gmail", &eastern, date(2026, 3, 6), date(2026, 3, 10))
        .unwrap();
    let hours = |d: Duration| d.as_secs() / 3600;
    let windows: Vec<_> = days.iter().map(|d| hours(d.uptime.window)).collect();
    assert_eq!(windows, [24, 24, 23, 24, 24]);
    let states: Vec<_> = days.iter().map(|d| d.state).collect();
    assert_eq!(
        states,
        [
            DayState::NotMonitored,
            DayState::Up,
            DayState::Down,
            DayState::Up,
            DayState::Up
        ]
    );
    for d in &days[1..4] {
        assert_eq!(d.uptime.observed(), d.uptime.window, "{}", d.date);
    }
    assert_eq!(days[2].uptime.down, secs(300));
    // The last check (at midnight) speaks for its interval and half again, into the 10th.
    assert_eq!(days[4].uptime.up, secs(450));
    assert_eq!(
        days[3].end,
        start + secs(3 * 86_400 - 3600),
        "the 9th ends at midnight EDT"
    );
    // The same history read in UTC: other cuts, the same total.
    let utc = reader
        .local_days("Gmail", &TimeZone::UTC, date(2026, 3, 7), date(2026, 3, 10))
        .unwrap();
    let total = |v: &[downwatch_store::DayAvailability]| -> Duration {
        v.iter().map(|d| d.uptime.observed()).sum()
    };
    assert_eq!(total(&utc), total(&days));
    assert!(utc.iter().all(|d| hours(d.uptime.window) == 24));
    drop(sender);
    opened.store.close();
}

#[test]
fn a_missing_or_foreign_history_is_a_typed_error() {
    let dir = tempfile::tempdir().unwrap();
    let err = downwatch_store::Reader::open_existing(dir.path()).unwrap_err();
    assert!(matches!(err, StoreError::Missing { .. }), "{err}");
    assert!(
        !dir.path().join(downwatch_store::FILE_NAME).exists(),
        "a reader creates nothing"
    );
    std::fs::write(
        dir.path().join(downwatch_store::FILE_NAME),
        b"not sqlite at all",
    )
    .unwrap();
    let err = downwatch_store::Reader::open_existing(dir.path()).unwrap_err();
    assert!(matches!(err, StoreError::Sqlite { .. }), "{err}");
}

//! Rollups and retention on a real file: the figures of a known sequence (a check spanning an
//! hour boundary included), uptime from rollups equal to uptime from raw rows, and retention
//! deleting only old raw rows while rollups and uptime stay as they were.
#![allow(clippy::unwrap_used)]

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use downwatch_probe::{Phases, Status};
use downwatch_store::uptime::{self, Sample};
use downwatch_store::{
    CheckRecord, Phase, Record, RecordSender, Span, Store, StoreOptions, unix_ms,
};

/// 01:00 UTC on a day (the day starts an hour before).
fn h0() -> SystemTime {
    UNIX_EPOCH + Duration::from_secs(1_795_996_800 + 3_600)
}

fn secs(n: u64) -> Duration {
    Duration::from_secs(n)
}

fn check(at: SystemTime, status: Status, total_us: u64) -> CheckRecord {
    CheckRecord {
        watch: "Gmail".into(),
        at,
        interval: secs(60),
        status,
        judged: true,
        failure: None,
        phases: Phases {
            dns: Some(Duration::from_micros(10_000)),
            connect: None,
            tls: None,
            ttfb: None,
            total: Duration::from_micros(total_us),
        },
        address: None,
        http_status: None,
    }
}

/// Up every minute from 0:00 to 0:58 (100 ms + 1 ms per check), down at 0:59, then up every
/// minute from 1:00:30 (200 ms) until `until`. The down check speaks from 0:59 to 1:00:30:
/// 60 s in hour 0, 30 s in hour 1.
fn sequence(until: Duration) -> Vec<CheckRecord> {
    let mut out: Vec<_> = (0..59)
        .map(|k| check(h0() + secs(60 * k), Status::Up, 100_000 + 1_000 * k))
        .collect();
    out.push(check(h0() + secs(59 * 60), Status::Down, 8_000_000));
    let mut at = secs(3_630);
    while at < until {
        out.push(check(h0() + at, Status::Up, 200_000));
        at += secs(60);
    }
    out
}

fn send(sender: &RecordSender, checks: &[CheckRecord]) {
    for c in checks {
        sender.blocking_record(Record::Check(c.clone())).unwrap();
    }
    sender.blocking_flush().unwrap();
}

fn samples(checks: &[CheckRecord]) -> Vec<Sample> {
    checks
        .iter()
        .map(|c| Sample {
            at_ms: unix_ms(c.at),
            interval_ms: 60_000,
            status: c.status,
            judged: true,
        })
        .collect()
}

#[test]
fn hour_and_day_rollups_of_a_known_sequence() {
    let dir = tempfile::tempdir().unwrap();
    let opened = Store::open(dir.path(), h0()).unwrap();
    // Up to 2:10: hours 0 and 1 are closed (5 minutes past their end), hour 2 is not.
    let checks = sequence(secs(2 * 3_600 + 600));
    send(&opened.store.sender(), &checks);
    let reader = opened.store.reader().unwrap();
    let hours = reader
        .rollups(
            "Gmail",
            Span::Hour,
            h0() - secs(3_600),
            h0() + secs(5 * 3_600),
        )
        .unwrap();
    assert_eq!(hours.len(), 2, "{hours:?}");
    let (start, first) = &hours[0];
    assert_eq!(*start, unix_ms(h0()));
    assert_eq!((first.up_ms, first.down_ms), (3_540_000, 60_000));
    assert_eq!((first.degraded_ms, first.unjudged_ms), (0, 0));
    assert_eq!((first.checks.up, first.checks.down), (59, 1));
    let total = first.latency(Phase::Total).unwrap();
    // The down check's 8 s timeout is not a latency.
    assert_eq!(
        (total.count, total.min_us, total.max_us),
        (59, 100_000, 158_000)
    );
    assert_eq!(total.mean_us, 129_000);
    // Exact p95 (nearest rank 57 of 59) is 156 ms; the histogram is within 19 %.
    let p95 = total.p95_us as f64;
    assert!((p95 / 156_000.0 - 1.0).abs() < 0.19, "{p95}");
    assert_eq!(first.latency(Phase::Dns).unwrap().p95_us, 10_000);
    assert_eq!(first.latency(Phase::Tls), None);
    let (start, second) = &hours[1];
    assert_eq!(*start, unix_ms(h0()) + 3_600_000);
    assert_eq!(
        (second.up_ms, second.down_ms, second.unjudged_ms),
        (3_570_000, 30_000, 0)
    );
    assert_eq!((second.checks.up, second.checks.down), (60, 0));
    assert_eq!(second.latency(Phase::Total).unwrap().p95_us, 200_000);
    // The day (starting an hour before h0) is the merge of its hours rolled up so far.
    let days = reader
        .rollups("Gmail", Span::Day, h0() - secs(3_600), h0() + secs(3_600))
        .unwrap();
    assert_eq!(days.len(), 1);
    let (start, day) = &days[0];
    assert_eq!(*start, unix_ms(h0()) - 3_600_000);
    assert_eq!((day.up_ms, day.down_ms), (7_110_000, 90_000));
    assert_eq!((day.checks.up, day.checks.down), (119, 1));
    let total = day.latency(Phase::Total).unwrap();
    assert_eq!(
        (total.count, total.min_us, total.max_us),
        (119, 100_000, 200_000)
    );
    // Uptime from rollups plus raw edges equals uptime from raw rows alone.
    for (from, until) in [(0, 7_200), (1_800, 7_500), (600, 3_000), (0, 7_800)] {
        let (from, until) = (h0() + secs(from), h0() + secs(until));
        let got = reader.uptime("Gmail", from, until).unwrap();
        let raw = uptime::compute(&samples(&checks), &[], unix_ms(from), unix_ms(until));
        assert_eq!(got, raw);
        assert!(got.observed() <= got.window);
    }
    let u = reader.uptime("Gmail", h0(), h0() + secs(7_200)).unwrap();
    assert_eq!((u.up, u.down), (secs(7_110), secs(90)));
}

#[test]
fn retention_deletes_only_old_raw_rows_and_keeps_rollups_and_uptime() {
    let dir = tempfile::tempdir().unwrap();
    let opened = Store::open(dir.path(), h0()).unwrap();
    // Up to 3:10: hours 0, 1 and 2 are rolled up; nothing is old at 7 days.
    let checks = sequence(secs(3 * 3_600 + 600));
    send(&opened.store.sender(), &checks);
    let reader = opened.store.reader().unwrap();
    let range = (h0() - secs(3_600), h0() + secs(5 * 3_600));
    let hours = reader
        .rollups("Gmail", Span::Hour, range.0, range.1)
        .unwrap();
    let days = reader
        .rollups("Gmail", Span::Day, range.0, range.1)
        .unwrap();
    assert_eq!(hours.len(), 3);
    // Hour-aligned starts, and a start (2:50) inside the raw rows retention keeps; all end by
    // 3:09 (reopening records "not running" from the last write, 3:09:30).
    let windows = [
        (0, 3 * 3_600),
        (0, 3 * 3_600 + 300),
        (3_600, 3 * 3_600 + 540),
        (10_200, 11_340),
    ];
    let before: Vec<_> = windows
        .iter()
        .map(|(a, b)| {
            reader
                .uptime("Gmail", h0() + secs(*a), h0() + secs(*b))
                .unwrap()
        })
        .collect();
    let all = reader.checks_page("Gmail", None, 1_000).unwrap();
    assert_eq!(all.len(), checks.len());
    drop(reader);
    opened.store.close();

    // Reopened with a 30-minute retention; the next check (3:11) makes the writer prune.
    let now = h0() + secs(3 * 3_600 + 660);
    let options = StoreOptions {
        retention: secs(1_800),
        ..StoreOptions::default()
    };
    let opened = Store::open_with(dir.path(), options, now).unwrap();
    send(&opened.store.sender(), &[check(now, Status::Up, 200_000)]);
    let reader = opened.store.reader().unwrap();
    let kept = reader.checks_page("Gmail", None, 1_000).unwrap();
    let cut = unix_ms(now) - 1_800_000;
    let expected: Vec<_> = all.iter().filter(|c| unix_ms(c.at) >= cut).collect();
    assert!(!expected.is_empty() && expected.len() < all.len());
    // Exactly the rows older than the cut are gone (plus the new one).
    assert_eq!(kept.len(), expected.len() + 1);
    assert!(kept.iter().all(|c| unix_ms(c.at) >= cut));
    assert_eq!(
        reader
            .rollups("Gmail", Span::Hour, range.0, range.1)
            .unwrap(),
        hours
    );
    assert_eq!(
        reader
            .rollups("Gmail", Span::Day, range.0, range.1)
            .unwrap(),
        days
    );
    for ((a, b), before) in windows.iter().zip(&before) {
        let after = reader
            .uptime("Gmail", h0() + secs(*a), h0() + secs(*b))
            .unwrap();
        assert_eq!(after, *before, "{a}..{b}");
    }
    // A start (0:30) in an hour whose raw rows are gone reads that hour's rollup, scaled to
    // the half inside the window: 1,770 s up and 30 s down instead of 1,740 s and 60 s.
    let after = reader
        .uptime("Gmail", h0() + secs(1_800), h0() + secs(3 * 3_600))
        .unwrap();
    let whole = reader
        .uptime("Gmail", h0(), h0() + secs(3 * 3_600))
        .unwrap();
    assert_eq!(after.up, whole.up - secs(1_770));
    assert_eq!(after.down, whole.down - secs(30));
    assert!(after.observed() <= after.window);
}

#[test]
fn a_retention_backlog_is_deleted_in_batches_of_at_most_delete_batch() {
    let dir = tempfile::tempdir().unwrap();
    let opened = Store::open(dir.path(), h0()).unwrap();
    // 3,000 minutes of checks (50 hours), nothing old at 7 days.
    let checks: Vec<_> = (0..3_000)
        .map(|k| check(h0() + secs(60 * k), Status::Up, 100_000))
        .collect();
    send(&opened.store.sender(), &checks);
    opened.store.close();
    // Reopened with a 1-hour retention: about 2,950 rows are old, more than one batch.
    let now = h0() + secs(3_000 * 60 + 30);
    let options = StoreOptions {
        retention: secs(3_600),
        ..StoreOptions::default()
    };
    let opened = Store::open_with(dir.path(), options, now).unwrap();
    let sender = opened.store.sender();
    let reader = opened.store.reader().unwrap();
    let left = || reader.checks_page("Gmail", None, 10_000).unwrap().len();
    send(&sender, &[check(now, Status::Up, 100_000)]);
    let batch = downwatch_store::retention::DELETE_BATCH as usize;
    assert_eq!(left(), 3_001 - batch);
    send(&sender, &[check(now + secs(1), Status::Up, 100_000)]);
    // The rest of the backlog at the next batch (no hour closed in between): every row
    // before the cut is gone, the newer ones kept. The cut is an hour before the newest
    // record (50:00:31), bounded by the hours rolled up: hour 49 closes at 50:05, so 49:00.
    let kept = reader.checks_page("Gmail", None, 10_000).unwrap();
    let cut = unix_ms(h0()) + 49 * 3_600_000;
    let newer = checks.iter().filter(|c| unix_ms(c.at) >= cut).count();
    assert_eq!(kept.len(), newer + 2);
    assert!(kept.iter().all(|c| unix_ms(c.at) >= cut));
}

//! Uptime over more than the 91 days of hour rollups: 130 days of checks every 10 minutes,
//! written through the store (default retention: raw rows kept 7 days, hour rollups 91
//! days), then uptime over windows reaching back past the hour rollups, against the uptime
//! computed from every check.
#![allow(clippy::unwrap_used)]

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use downwatch_probe::{Phases, Status};
use downwatch_store::uptime::{self, Sample};
use downwatch_store::{CheckRecord, Record, Span, Store, unix_ms};

const DAYS: u64 = 130;
const DAY: u64 = 86_400;
const EVERY: u64 = 600;

/// 2026-01-01T00:00:00Z.
fn start() -> SystemTime {
    UNIX_EPOCH + Duration::from_secs(1_767_225_600)
}

/// Down from 10:00 to 12:00 UTC on every fifth day, from 10:00 to 10:30 on every other
/// seventh one; up otherwise.
fn status(at_s: u64) -> Status {
    let (day, second) = (at_s / DAY, at_s % DAY);
    let down = (day % 5 == 0 && (36_000..43_200).contains(&second))
        || (day % 7 == 3 && (36_000..37_800).contains(&second));
    if down { Status::Down } else { Status::Up }
}

fn check(at_s: u64) -> CheckRecord {
    CheckRecord {
        watch: "Mail".into(),
        at: start() + Duration::from_secs(at_s),
        interval: Duration::from_secs(EVERY),
        status: status(at_s),
        judged: true,
        failure: None,
        phases: Phases {
            dns: None,
            connect: None,
            tls: None,
            ttfb: None,
            total: Duration::from_millis(40),
        },
        address: None,
        http_status: None,
    }
}

#[test]
fn uptime_beyond_the_hour_rollups_reads_the_day_rollups() {
    let dir = tempfile::tempdir().unwrap();
    let opened = Store::open(dir.path(), start()).unwrap();
    let sender = opened.store.sender();
    let mut samples = Vec::new();
    for day in 0..DAYS {
        for k in 0..DAY / EVERY {
            let at_s = day * DAY + k * EVERY;
            let c = check(at_s);
            samples.push(Sample {
                at_ms: unix_ms(c.at),
                interval_ms: 600_000,
                status: c.status,
                judged: true,
            });
            sender.blocking_record(Record::Check(c)).unwrap();
        }
        // A commit a day: the writer rolls up that day's hours and prunes behind them.
        sender.blocking_flush().unwrap();
    }
    let end = start() + Duration::from_secs(DAYS * DAY);
    let reader = opened.store.reader().unwrap();
    // The hour rollups of the first 30 days are gone; their day rollups are there.
    let early = start() + Duration::from_secs(30 * DAY);
    assert_eq!(
        reader.rollups("Mail", Span::Hour, start(), early).unwrap(),
        vec![]
    );
    assert_eq!(
        reader
            .rollups("Mail", Span::Day, start(), early)
            .unwrap()
            .len(),
        30
    );
    // Their latencies went with them, the later hours' stayed.
    let conn = rusqlite::Connection::open(dir.path().join(downwatch_store::FILE_NAME)).unwrap();
    let count = |sql: &str| -> i64 { conn.query_row(sql, [], |r| r.get(0)).unwrap() };
    let orphans = count(
        "SELECT count(*) FROM rollup_latency WHERE span = 'hour'
         AND start_ms < (SELECT min(start_ms) FROM rollup WHERE span = 'hour')",
    );
    assert_eq!(orphans, 0);
    // One latency row (the total) per hour with an up check: every hour but the wholly down
    // ones.
    let with_up = count("SELECT count(*) FROM rollup WHERE span = 'hour' AND checks_up > 0");
    let latencies = count("SELECT count(*) FROM rollup_latency WHERE span = 'hour'");
    assert_eq!(latencies, with_up);
    assert!(with_up > 90 * 24 - 40, "{with_up}");
    let expected = |from: SystemTime| uptime::compute(&samples, &[], unix_ms(from), unix_ms(end));
    // Day-aligned windows over 120, 125 and 130 days, and the 365 days the window asks for
    // (the first 235 of which are before the history); within the hour rollups, 7, 30 and
    // 90 days (their whole days read from the day rollups) and 30 days and 13 hours: exact.
    let windows = [7 * DAY, 30 * DAY, 90 * DAY, 30 * DAY + 13 * 3_600];
    for secs in windows
        .into_iter()
        .chain([120, 125, 130, 365].map(|d| d * DAY))
    {
        let from = end - Duration::from_secs(secs);
        let got = reader.uptime("Mail", from, end).unwrap();
        let want = expected(from);
        assert_eq!(got, want, "{secs} s");
        assert!(got.down > Duration::ZERO);
    }
    // A window starting at 11:00 on day 5 (a down day): the day part before the first whole
    // day is its day rollup scaled to the 13 hours inside the window, an approximation
    // never larger than that part (a day in five is down 2 h, so the scaled head counts
    // 2 h × 13/24 down, where the checks say 1 h).
    let from = start() + Duration::from_secs(5 * DAY + 39_600);
    let got = reader.uptime("Mail", from, end).unwrap();
    let want = expected(from);
    assert_eq!(got.window, want.window);
    assert_eq!(got.observed(), want.observed());
    let off = got.down.abs_diff(want.down);
    assert!(off <= Duration::from_secs(3_600), "{got:?} {want:?}");
    assert!(got.observed() <= got.window);
}

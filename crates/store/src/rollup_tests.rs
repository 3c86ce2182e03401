//! The incremental rollup gives what a rollup of everything at once gives: a generated history
//! (three watches, irregular intervals, every verdict, unjudged checks, a stop recorded as a
//! coverage span, a watch silent for hours, the EU and US DST days of 2026 in the range) is
//! written through the store in batches of varied sizes, so the writer rolls it up pass by
//! pass; then every hour and day row is compared with the same period computed in one go from
//! the raw checks ([`rollup::period_of`] over the whole hour or day).
#![allow(clippy::unwrap_used)]

use std::time::Duration;

use downwatch_probe::{Phases, Status};
use rusqlite::Connection;

use crate::jiff::civil::Date;
use crate::jiff::tz::TimeZone;
use crate::period::read_period;
use crate::rollup::{self, DAY_MS, HOUR_MS};
use crate::{
    CheckRecord, CoverageKind, CoverageSpan, Record, Span, Store, StoreOptions, from_unix_ms, open,
};

/// 2026-03-06T00:00:00Z; the history runs 26 days, over 2026-03-08 (US) and 2026-03-29 (EU).
const START_MS: i64 = 1_772_755_200_000;
const DAYS: i64 = 26;

/// A small deterministic generator (a 64-bit LCG, Knuth's MMIX constants).
struct Lcg(u64);

impl Lcg {
    fn below(&mut self, n: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (self.0 >> 33) % n
    }
}

/// The history, in wall-clock order.
fn history() -> Vec<Record> {
    let mut rng = Lcg(7);
    let stop = (
        START_MS + 9 * DAY_MS + 5 * HOUR_MS,
        START_MS + 9 * DAY_MS + 8 * HOUR_MS + 600_000,
    );
    let silent = (
        START_MS + 17 * DAY_MS + 14 * HOUR_MS,
        START_MS + 18 * DAY_MS + 2 * HOUR_MS,
    );
    let mut out = Vec::new();
    let mut next = [START_MS + 13_000, START_MS + 41_000, START_MS + 3 * HOUR_MS];
    let end = START_MS + DAYS * DAY_MS;
    let mut stop_told = false;
    loop {
        let (w, at) = next
            .iter()
            .copied()
            .enumerate()
            .min_by_key(|(_, at)| *at)
            .unwrap();
        if at >= end {
            break;
        }
        // Watch 2 checks every 5 min, the others every 60 s (30 s for watch 1 on day 12).
        let mut interval = if w == 2 { 300_000 } else { 60_000 };
        if w == 1 && (START_MS + 12 * DAY_MS..START_MS + 13 * DAY_MS).contains(&at) {
            interval = 30_000;
        }
        next[w] = at + interval + i64::try_from(rng.below(9_000)).unwrap();
        if (stop.0..stop.1).contains(&at) || (w == 0 && (silent.0..silent.1).contains(&at)) {
            continue;
        }
        if at >= stop.1 && !stop_told {
            stop_told = true;
            out.push(Record::Coverage(CoverageSpan {
                kind: CoverageKind::NotRunning,
                start: from_unix_ms(stop.0),
                end: from_unix_ms(stop.1),
            }));
        }
        let roll = rng.below(100);
        let status = match roll {
            0..=6 => Status::Down,
            7..=12 => Status::Degraded,
            _ => Status::Up,
        };
        let us = |base: u64, rng: &mut Lcg| Some(Duration::from_micros(base + rng.below(base)));
        out.push(Record::Check(CheckRecord {
            watch: format!("watch {w}"),
            at: from_unix_ms(at),
            interval: Duration::from_millis(u64::try_from(interval).unwrap()),
            status,
            judged: rng.below(40) != 0,
            failure: None,
            phases: Phases {
                dns: us(2_000, &mut rng),
                connect: us(9_000, &mut rng),
                tls: if w == 2 { None } else { us(20_000, &mut rng) },
                ttfb: us(60_000, &mut rng),
                total: Duration::from_micros(100_000 + rng.below(400_000)),
            },
            address: None,
            http_status: None,
        }));
    }
    out
}

/// Writes `records` in batches of the sizes in `sizes` (cycled), each flushed, so the writer
/// commits and rolls up after each. Raw checks are kept 60 days, so every period can be
/// computed again from them.
fn write(dir: &std::path::Path, records: &[Record], sizes: &[usize]) {
    let options = StoreOptions {
        retention: Duration::from_secs(60 * 86_400),
        ..StoreOptions::default()
    };
    let opened = Store::open_with(dir, options, from_unix_ms(START_MS)).unwrap();
    let sender = opened.store.sender();
    let mut rest = records;
    for size in sizes.iter().cycle() {
        if rest.is_empty() {
            break;
        }
        let (batch, after) = rest.split_at((*size).min(rest.len()));
        for r in batch {
            sender.blocking_record(r.clone()).unwrap();
        }
        sender.blocking_flush().unwrap();
        rest = after;
    }
    drop(sender);
    opened.store.close();
}

/// Every hour and day row of `conn` against the period computed in one go from raw rows;
/// the number of rows compared.
fn compare_with_one_go(conn: &mut Connection) -> usize {
    let until = rollup::rolled_until(conn).unwrap().unwrap();
    // Every hour but the last few was rolled up.
    assert!(until >= START_MS + DAYS * DAY_MS - 2 * HOUR_MS, "{until}");
    let watches: Vec<i64> = conn
        .prepare("SELECT id FROM watch")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(watches.len(), 3);
    let tx = conn.transaction().unwrap();
    let mut compared = 0;
    for (span, length) in [(Span::Hour, HOUR_MS), (Span::Day, DAY_MS)] {
        let mut start = START_MS;
        while start < until {
            let end = (start + length).min(until);
            let gaps = rollup::gaps_in(&tx, start, end).unwrap();
            for w in &watches {
                let one_go = rollup::period_of(&tx, *w, start, end, &gaps).unwrap();
                let stored = read_period(&tx, *w, span, start).unwrap();
                let expected = (!one_go.is_empty()).then_some(one_go);
                assert_eq!(stored, expected, "watch {w}, {span:?} at {start}");
                compared += usize::from(stored.is_some());
            }
            start += length;
        }
    }
    compared
}

#[test]
fn incremental_rollups_equal_one_go_rollups_over_dst_days_and_gaps() {
    let records = history();
    let small = tempfile::tempdir().unwrap();
    let large = tempfile::tempdir().unwrap();
    // Odd batch sizes put batch ends anywhere in an hour; 4,000 makes passes that roll up
    // their 24 hours at most and catch up over later batches.
    write(small.path(), &records, &[1, 7, 61, 300, 13]);
    write(large.path(), &records, &[4_000]);
    let mut rows = Vec::new();
    for dir in [small.path(), large.path()] {
        let mut conn = Connection::open(dir.join(open::FILE_NAME)).unwrap();
        rows.push(compare_with_one_go(&mut conn));
    }
    // 3 watches × (26 days + about 600 hours), bar the silent and stopped hours.
    assert_eq!(rows[0], rows[1]);
    assert!(rows[0] > 3 * 600, "{rows:?}");
    // The availability per local day (cut at each zone's midnights, DST days included) is
    // the same whichever way it was rolled up.
    let (first, last) = (
        Date::new(2026, 3, 6).unwrap(),
        Date::new(2026, 3, 30).unwrap(),
    );
    for tz in ["EST5EDT,M3.2.0,M11.1.0", "CET-1CEST,M3.5.0,M10.5.0/3"] {
        let tz = TimeZone::posix(tz).unwrap();
        let days: Vec<_> = [small.path(), large.path()]
            .iter()
            .map(|d| {
                let reader = crate::Reader::open_existing(d).unwrap();
                reader.local_days("watch 0", &tz, first, last).unwrap()
            })
            .collect();
        assert_eq!(days[0], days[1]);
        assert_eq!(days[0].len(), 25);
    }
    // The stop is not observed time for any watch: its hours have no row.
    let conn = Connection::open(small.path().join(open::FILE_NAME)).unwrap();
    let in_stop: i64 = conn
        .query_row(
            "SELECT count(*) FROM rollup WHERE span = 'hour' AND start_ms >= ?1 AND start_ms < ?2",
            [
                START_MS + 9 * DAY_MS + 6 * HOUR_MS,
                START_MS + 9 * DAY_MS + 8 * HOUR_MS,
            ],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(in_stop, 0);
}

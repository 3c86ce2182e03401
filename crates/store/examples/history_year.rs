//! A year of history for 50 watches (or WATCHES), written through the store's own write path with the
//! default retention (7 days: raw rows older are pruned as the writer goes, the rollups
//! stay), then every query of the window and the commands timed cold (a new process's first
//! query after the OS page cache was dropped, when it can be) and warm (the same again).
//!
//! `cargo run --release -p downwatch-store --example history_year -- DIR [EARLY_INTERVAL_S
//! [WATCHES]]` (WATCHES: default 50)
//!
//! The last 7 days are written at a 30 s interval, as the resident would. The 358 days
//! before them are written every `EARLY_INTERVAL_S` seconds (default 30: the real year,
//! 52.6 M checks). Their raw rows are pruned anyway; what stays of them is one hour rollup
//! and one day rollup per watch per period whatever the interval, so a larger early interval
//! (300) leaves a file of the same shape in a tenth of the time. DIR must not hold a database
//! yet. One line per figure.

use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use downwatch_store::jiff::civil::Date;
use downwatch_store::jiff::tz::TimeZone;
use downwatch_store::{
    IncidentKind, IncidentRecord, NotificationRecord, Phase, Reader, Record, Store,
};

mod common;
use common::{check, message, name, time};

const INTERVAL: u64 = 30;
const DAYS: u64 = 365;
const RAW_DAYS: u64 = 7;
const DAY: u64 = 86_400;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let dir = args
        .next()
        .ok_or("usage: history_year DIR [EARLY_INTERVAL_S [WATCHES]]")?;
    let early: u64 = args.next().map_or(Ok(INTERVAL), |s| s.parse())?;
    let watches: u64 = args.next().map_or(Ok(50), |s| s.parse())?;
    let dir = std::path::Path::new(&dir);
    // 2025-11-30T00:00:00Z: the year ends on 2026-11-30.
    let start = UNIX_EPOCH + Duration::from_secs(1_764_460_800);
    let end = start + Duration::from_secs(DAYS * DAY);
    if dir.join(downwatch_store::FILE_NAME).exists() {
        // Already written: time the queries again.
        return queries(dir, start, end, watches);
    }
    let opened = Store::open(dir, start)?;
    let sender = opened.store.sender();
    let began = Instant::now();
    let (mut checks, mut incidents) = (0u64, 0u64);
    let mut at_s = 0;
    while at_s < DAYS * DAY {
        let every = if at_s < (DAYS - RAW_DAYS) * DAY {
            early
        } else {
            INTERVAL
        };
        let slot = at_s / INTERVAL;
        for w in 0..watches {
            let at = start + Duration::from_secs(at_s) + Duration::from_millis(w * 600);
            // One slot in 2,000 down, in runs of 3 slots: incidents, and changes to find.
            let down = (slot + w * 97) % 2_000 < 3 * (every / INTERVAL).max(1);
            // Latencies that vary from check to check.
            let jitter = (slot.wrapping_mul(7_919) + w * 13) % 40_000;
            sender.blocking_record(Record::Check(check(w, at, every, jitter, down)))?;
            checks += 1;
            if down && (slot + w * 97) % 2_000 == 0 {
                incidents += 1;
                let end = at + Duration::from_secs(90);
                sender.blocking_record(Record::Incident(IncidentRecord {
                    id: format!("{w}-{slot}"),
                    watch: name(w),
                    group_incident: None,
                    kind: IncidentKind::Down,
                    start: at,
                    end: Some(end),
                    failure: None,
                }))?;
                sender.blocking_record(Record::Notification(NotificationRecord {
                    at,
                    incident: Some(format!("{w}-{slot}")),
                    watches: vec![name(w)],
                    message: message("notify-down"),
                }))?;
            }
        }
        at_s += every;
        if at_s % (30 * DAY) < every {
            eprintln!(
                "day {} written, {checks} checks, {:.0} s",
                at_s / DAY,
                began.elapsed().as_secs_f64()
            );
        }
    }
    sender.blocking_flush()?;
    let written = began.elapsed();
    drop(sender);
    let path = opened.store.path().to_path_buf();
    opened.store.close();
    println!(
        "checks written: {checks} in {:.1} s ({:.0} per second; early interval {early} s)",
        written.as_secs_f64(),
        checks as f64 / written.as_secs_f64()
    );
    println!("incidents and notifications written: {incidents} each");
    let size = std::fs::metadata(&path)?.len();
    println!("database size: {:.1} MB", size as f64 / 1e6);
    let conn =
        rusqlite::Connection::open_with_flags(&path, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)?;
    for table in ["check_result", "rollup", "rollup_latency", "incident"] {
        let n: i64 = conn.query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0))?;
        println!("rows in {table}: {n}");
    }
    let free: i64 = conn.query_row("PRAGMA freelist_count", [], |r| r.get(0))?;
    println!("free pages: {free}");
    drop(conn);
    queries(dir, start, end, watches)
}

/// Times every query, cold then warm.
fn queries(
    dir: &std::path::Path,
    start: SystemTime,
    end: SystemTime,
    watches: u64,
) -> Result<(), Box<dyn std::error::Error>> {
    let dropped = drop_page_cache();
    println!("OS page cache dropped before the cold round: {dropped}");
    let tz = TimeZone::posix("CET-1CEST,M3.5.0,M10.5.0/3")?;
    for round in ["cold", "warm"] {
        let began = Instant::now();
        let reader = Reader::open_existing(dir)?;
        println!(
            "{round:5} open: {:.2} ms",
            began.elapsed().as_secs_f64() * 1e3
        );
        let w = name(7);
        time(round, "current state of every watch", || {
            reader.current().map(|v| v.len())
        })?;
        time(round, "uptime 24 h of every watch (status)", || {
            let mut n = 0;
            for k in 0..watches {
                let u = reader.uptime(&name(k), end - Duration::from_secs(DAY), end)?;
                n += usize::from(u.availability().is_some());
            }
            Ok::<_, downwatch_store::StoreError>(n)
        })?;
        for days in [1, 7, 30, 90] {
            time(round, &format!("uptime {days} d of one watch"), || {
                reader
                    .uptime(&w, end - Duration::from_secs(days * DAY), end)
                    .map(|u| u.observed().as_secs() as usize)
            })?;
        }
        for days in [1, 7, 90, 365] {
            time(
                round,
                &format!("latency series {days} d, 200 points"),
                || {
                    reader
                        .latency_series(
                            &w,
                            Phase::Total,
                            end - Duration::from_secs(days * DAY),
                            end,
                            200,
                        )
                        .map(|s| s.points.len())
                },
            )?;
        }
        let last = Date::new(2026, 11, 29)?;
        let first = Date::new(2025, 11, 30)?;
        time(round, "local days over the year (365)", || {
            reader.local_days(&w, &tz, first, last).map(|d| d.len())
        })?;
        let quarter = last.checked_sub(jiff_days(89))?;
        time(round, "local days over 90 days", || {
            reader.local_days(&w, &tz, quarter, last).map(|d| d.len())
        })?;
        time(round, "incidents over the year, every watch", || {
            reader.incidents(start, end).map(|v| v.len())
        })?;
        time(round, "first page of 1,000 checks", || {
            reader.checks_page(&w, None, 1_000).map(|p| p.len())
        })?;
        let deep = reader
            .checks_page(&w, None, 10_000)?
            .last()
            .map(|c| c.cursor());
        time(round, "page of 1,000 checks 10,000 deep", || {
            reader.checks_page(&w, deep, 1_000).map(|p| p.len())
        })?;
    }
    Ok(())
}

fn jiff_days(n: i64) -> downwatch_store::jiff::Span {
    downwatch_store::jiff::Span::new().days(n)
}

/// Drops the OS page cache (Linux, as root), so the cold round reads from the disk.
fn drop_page_cache() -> bool {
    let synced = std::process::Command::new("sync")
        .status()
        .is_ok_and(|s| s.success());
    synced && std::fs::write("/proc/sys/vm/drop_caches", "1\n").is_ok()
}

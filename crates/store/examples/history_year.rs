//! A year of history for 50 watches (or WATCHES), written through the store's own write path
//! with the default retention (7 days: raw rows older are pruned as the writer goes, the rollups
//! stay), then every query of the window and the commands timed cold (each on a new
//! connection after the OS page cache was dropped, when it can be: run as root) and warm
//! (the same again on that connection), each with its CPU time, its read calls and the bytes
//! it fetched from the disk, and the load average beside it.
//!
//! `cargo run --release -p downwatch-store --example history_year -- DIR [EARLY_INTERVAL_S
//! [WATCHES]]` (WATCHES: default 50)
//!
//! The last 7 days are written at a 30 s interval, as the resident would. The 358 days
//! before them are written every `EARLY_INTERVAL_S` seconds (default 30: the real year,
//! 52.6 M checks). Their raw rows are pruned anyway; what stays of them is one hour rollup
//! and one day rollup per watch per period whatever the interval, so a larger early interval
//! (300) leaves a file of the same shape in a tenth of the time. When DIR already holds a
//! database, it is migrated to this build's schema (timed) and only the queries are timed.
//! One line per figure.

use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use downwatch_store::jiff::civil::Date;
use downwatch_store::jiff::tz::TimeZone;
use downwatch_store::{
    IncidentKind, IncidentRecord, NotificationRecord, Order, Phase, Reader, Record, RowCursor,
    Store,
};

mod common;
use common::{check, message, name};

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
    let path = dir.join(downwatch_store::FILE_NAME);
    if path.exists() {
        // Already written: bring it to this build's schema (timed), then time the queries.
        let conn = rusqlite::Connection::open(&path)?;
        let version: u32 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
        let last: i64 = conn.query_row("SELECT last_ms FROM alive", [], |r| r.get(0))?;
        drop(conn);
        if version < downwatch_store::SCHEMA_VERSION {
            // Opened at its last alive mark: no span of not running is added.
            let began = Instant::now();
            let last = UNIX_EPOCH + Duration::from_millis(u64::try_from(last)?);
            Store::open(dir, last)?.store.close();
            println!(
                "migrated from schema {version} to {} in {:.1} s, size now {:.1} MB",
                downwatch_store::SCHEMA_VERSION,
                began.elapsed().as_secs_f64(),
                std::fs::metadata(&path)?.len() as f64 / 1e6
            );
        }
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

/// One query of the window, on a reader; the number of rows or points it gave.
type Query<'a> = Box<dyn Fn(&Reader) -> Result<usize, downwatch_store::StoreError> + 'a>;

/// Every query the window, the tray and `status` make, by name.
/// `deep`: the cursor 10,000 checks deep, as the window holds it after ten pages;
/// `last_incidents`: the cursor before the last page of the year's incidents, newest first.
fn window_queries<'a>(
    start: SystemTime,
    end: SystemTime,
    watches: u64,
    deep: Option<RowCursor>,
    last_incidents: Option<RowCursor>,
) -> Vec<(String, Query<'a>)> {
    let w = name(7);
    let mut out: Vec<(String, Query<'a>)> = Vec::new();
    out.push((
        "current state of every watch".into(),
        Box::new(|r: &Reader| r.current().map(|v| v.len())),
    ));
    out.push((
        "uptime 24 h of every watch (status)".into(),
        Box::new(move |r: &Reader| {
            let mut n = 0;
            for k in 0..watches {
                let u = r.uptime(&name(k), end - Duration::from_secs(DAY), end)?;
                n += usize::from(u.availability().is_some());
            }
            Ok(n)
        }),
    ));
    for days in [1, 7, 30, 90, 365] {
        let w = w.clone();
        out.push((
            format!("uptime {days} d of one watch"),
            Box::new(move |r: &Reader| {
                r.uptime(&w, end - Duration::from_secs(days * DAY), end)
                    .map(|u| u.observed().as_secs() as usize)
            }),
        ));
    }
    for (label, secs) in [
        ("1 h", 3_600),
        ("24 h", DAY),
        ("7 d", 7 * DAY),
        ("30 d", 30 * DAY),
        ("90 d", 90 * DAY),
        ("365 d", 365 * DAY),
    ] {
        let w = w.clone();
        out.push((
            format!("latency series {label}, 200 points"),
            Box::new(move |r: &Reader| {
                r.latency_series(&w, Phase::Total, end - Duration::from_secs(secs), end, 200)
                    .map(|s| s.points.len())
            }),
        ));
    }
    for days in [90, 365] {
        let w = w.clone();
        out.push((
            format!("local days over {days} days (CET)"),
            Box::new(move |r: &Reader| {
                let tz = TimeZone::posix("CET-1CEST,M3.5.0,M10.5.0/3").map_err(calendar)?;
                let last = Date::new(2026, 11, 29).map_err(calendar)?;
                let first = last.checked_sub(jiff_days(days - 1)).map_err(calendar)?;
                r.local_days(&w, &tz, first, last).map(|d| d.len())
            }),
        ));
    }
    out.push((
        "incidents over the last 30 days, every watch".into(),
        Box::new(move |r: &Reader| {
            r.incidents(end - Duration::from_secs(30 * DAY), end)
                .map(|v| v.len())
        }),
    ));
    out.push((
        "incidents over the year, every watch, all at once".into(),
        Box::new(move |r: &Reader| r.incidents(start, end).map(|v| v.len())),
    ));
    // What the window asks: pages of 1,000 newest first (the API's cap): the first, and the
    // last of the year (it also reads those that started before the range).
    let page = move |r: &Reader, watch: Option<&str>, after| {
        r.incidents_page(start, end, watch, Order::NewestFirst, after, 1_000)
    };
    out.push((
        "incidents over the year, first page of 1,000".into(),
        Box::new(move |r: &Reader| page(r, None, None).map(|p| p.len())),
    ));
    out.push((
        "incidents over the year, last page of 1,000".into(),
        Box::new(move |r: &Reader| page(r, None, last_incidents).map(|p| p.len())),
    ));
    let one = w.clone();
    out.push((
        "incidents over the year, one watch, first page of 1,000".into(),
        Box::new(move |r: &Reader| page(r, Some(&one), None).map(|p| p.len())),
    ));
    // The window's list of checks asks 50 rows a page (`PAGE` in ui/src/views/watch.ts).
    for limit in [50, 200] {
        let (first, deeper) = (w.clone(), w.clone());
        out.push((
            format!("first page of {limit} checks"),
            Box::new(move |r: &Reader| r.checks_page(&first, None, limit).map(|p| p.len())),
        ));
        out.push((
            format!("page of {limit} checks 10,000 deep"),
            Box::new(move |r: &Reader| r.checks_page(&deeper, deep, limit).map(|p| p.len())),
        ));
    }
    out
}

fn calendar(source: downwatch_store::jiff::Error) -> downwatch_store::StoreError {
    downwatch_store::StoreError::Calendar { source }
}

/// Times every query cold (the OS page cache dropped, when it can be, and a new connection,
/// so SQLite's own cache is empty too), then warm (the same again on that connection), with
/// the load average beside each.
fn queries(
    dir: &std::path::Path,
    start: SystemTime,
    end: SystemTime,
    watches: u64,
) -> Result<(), Box<dyn std::error::Error>> {
    let deep = Reader::open_existing(dir)?
        .checks_page(&name(7), None, 10_000)?
        .last()
        .map(|c| c.cursor());
    // The cursor before the year's last page of incidents, newest first.
    let mut last_incidents = None;
    let reader = Reader::open_existing(dir)?;
    loop {
        let page =
            reader.incidents_page(start, end, None, Order::NewestFirst, last_incidents, 1_000)?;
        if page.len() < 1_000 {
            break;
        }
        last_incidents = page.last().map(|(c, _)| *c);
    }
    drop(reader);
    for (what, query) in window_queries(start, end, watches, deep, last_incidents) {
        let dropped = drop_page_cache();
        let began = Instant::now();
        let reader = Reader::open_existing(dir)?;
        let opened = began.elapsed();
        for round in ["cold", "warm"] {
            let (began, cpu, io) = (Instant::now(), thread_cpu()?, thread_io());
            let n = query(&reader)?;
            let ms = began.elapsed().as_secs_f64() * 1e3;
            let cpu = (thread_cpu()? - cpu).as_secs_f64() * 1e3;
            let io = thread_io()
                .zip(io)
                .map_or("?".into(), |((r, b), (r0, b0))| {
                    format!("{} reads, {} KiB from disk", r - r0, (b - b0) / 1024)
                });
            println!(
                "{round:5} {what}: {ms:.2} ms (cpu {cpu:.2} ms, {io}) ({n}){} load {}",
                if round == "cold" {
                    format!(
                        " [open {:.2} ms, page cache dropped: {dropped}]",
                        opened.as_secs_f64() * 1e3
                    )
                } else {
                    String::new()
                },
                load()
            );
        }
    }
    Ok(())
}

/// CPU time (user and system) this thread has used: on a loaded machine a query's wall time
/// includes waiting for a core, its CPU time does not.
fn thread_cpu() -> nix::Result<Duration> {
    use nix::sys::resource::{UsageWho, getrusage};
    let usage = getrusage(UsageWho::RUSAGE_THREAD)?;
    let time = |t: nix::sys::time::TimeVal| {
        Duration::from_secs(u64::try_from(t.tv_sec()).unwrap_or(0))
            + Duration::from_micros(u64::try_from(t.tv_usec()).unwrap_or(0))
    };
    Ok(time(usage.user_time()) + time(usage.system_time()))
}

/// This thread's read calls and bytes fetched from the disk so far (`/proc/thread-self/io`:
/// `syscr`, `read_bytes`), or `None` off Linux: what a cold query waits for.
fn thread_io() -> Option<(u64, u64)> {
    let text = std::fs::read_to_string("/proc/thread-self/io").ok()?;
    let field = |name: &str| {
        text.lines()
            .find_map(|l| l.strip_prefix(name)?.trim().parse::<u64>().ok())
    };
    Some((field("syscr:")?, field("read_bytes:")?))
}

/// The 1-minute load average (`/proc/loadavg`), or `?`.
fn load() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .ok()
        .and_then(|l| l.split_whitespace().next().map(str::to_owned))
        .unwrap_or_else(|| "?".into())
}

fn jiff_days(n: i64) -> downwatch_store::jiff::Span {
    downwatch_store::jiff::Span::new().days(n)
}

/// Drops the OS page cache (Linux, as root), so the cold round reads from the disk.
fn drop_page_cache() -> bool {
    let synced = std::process::Command::new("sync")
        .status()
        .is_ok_and(|s| s.success());
    synced && std::fs::write("/proc/sys/vm/drop_caches", "3\n").is_ok()
}

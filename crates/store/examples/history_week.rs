//! A week of raw history for 50 watches at a 30 s interval (1,008,000 checks, 1 in 20 down),
//! written through the store's own write path, then each query timed on a new connection
//! (first run) and again (warm). Prints one line per figure. Uptime reads the hour rollups
//! the writer built while writing (raw rows only for the hours not yet rolled up).
//!
//! `cargo run --release -p downwatch-store --example history_week -- DIR` (DIR must not hold a
//! database yet).

use std::time::{Duration, Instant, UNIX_EPOCH};

use downwatch_store::{IncidentKind, IncidentRecord, Record, Store};

mod common;
use common::{check, name, time};

const WATCHES: u64 = 50;
const INTERVAL: u64 = 30;
const DAYS: u64 = 7;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let dir = std::env::args().nth(1).ok_or("usage: history_week DIR")?;
    let dir = std::path::Path::new(&dir);
    let start = UNIX_EPOCH + Duration::from_secs(1_795_996_800);
    let slots = DAYS * 86_400 / INTERVAL;
    let opened = Store::open(dir, start)?;
    let sender = opened.store.sender();
    let began = Instant::now();
    let mut incidents = 0;
    for slot in 0..slots {
        for w in 0..WATCHES {
            let at = start + Duration::from_secs(slot * INTERVAL) + Duration::from_millis(w * 600);
            let down = (slot + w * 7) % 20 == 0;
            sender.blocking_record(Record::Check(check(w, at, INTERVAL, w * 52, down)))?;
            if down && slot % 200 == 0 {
                incidents += 1;
                sender.blocking_record(Record::Incident(IncidentRecord {
                    id: format!("{w}-{slot}"),
                    watch: name(w),
                    group_incident: None,
                    kind: IncidentKind::Down,
                    start: at,
                    end: Some(at + Duration::from_secs(90)),
                    failure: None,
                }))?;
            }
        }
    }
    sender.blocking_flush()?;
    let written = began.elapsed();
    drop(sender);
    let path = opened.store.path().to_path_buf();
    opened.store.close();
    let size = std::fs::metadata(&path)?.len();
    println!(
        "checks written: {} in {:.1} s ({:.0} per second)",
        slots * WATCHES,
        written.as_secs_f64(),
        (slots * WATCHES) as f64 / written.as_secs_f64()
    );
    println!("incidents written: {incidents}");
    println!("database size: {:.1} MB", size as f64 / 1e6);

    let end = start + Duration::from_secs(DAYS * 86_400);
    let opened = Store::open(dir, end)?;
    for round in ["first", "warm"] {
        let reader = opened.store.reader()?;
        time(round, "latest check of every watch", || {
            reader.latest().map(|v| v.len())
        })?;
        time(round, "uptime 24 h of one watch", || {
            reader
                .uptime(&name(7), end - Duration::from_secs(86_400), end)
                .map(|u| u.observed().as_secs() as usize)
        })?;
        time(round, "uptime 7 d of one watch", || {
            reader
                .uptime(&name(7), start, end)
                .map(|u| u.observed().as_secs() as usize)
        })?;
        for days in [30, 90] {
            time(round, &format!("uptime {days} d of one watch"), || {
                reader
                    .uptime(&name(7), end - Duration::from_secs(days * 86_400), end)
                    .map(|u| u.observed().as_secs() as usize)
            })?;
        }
        time(round, "hour rollups over 7 d of one watch", || {
            reader
                .rollups(&name(7), downwatch_store::Span::Hour, start, end)
                .map(|v| v.len())
        })?;
        time(round, "first page of 100 checks", || {
            reader.checks_page(&name(7), None, 100).map(|p| p.len())
        })?;
        let deep = reader
            .checks_page(&name(7), None, 10_000)?
            .last()
            .map(|c| c.cursor());
        time(round, "page of 100 checks 10,000 deep", || {
            reader.checks_page(&name(7), deep, 100).map(|p| p.len())
        })?;
        time(round, "incidents over 7 d", || {
            reader.incidents(start, end).map(|v| v.len())
        })?;
    }
    opened.store.close();
    Ok(())
}

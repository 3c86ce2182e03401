//! Rollups: per watch, one row per UTC hour and per UTC day with the time in each state, the
//! check counts and each phase's latency (schema v2, `migrations/0002_rollups.sql`).
//!
//! **Built by a pass over closed hours in the writer thread**, after each committed batch,
//! rather than incrementally per check: the time a check speaks for ends where the next check
//! begins ([`crate::uptime`]), so a check's share of an hour is known only once the hour is
//! over. An hour's figures depend only on the checks started before its end (and the last one
//! before its start), so an hour is rolled up once a record [`CLOSE_AFTER_MS`] past its end
//! was written (a slow check is recorded after quicker ones that started later). The pass
//! computes the hour with the very function raw uptime uses, so uptime from rollups equals
//! uptime from raw rows. At most [`HOURS_PER_PASS`] hours per pass, so catching up after a
//! long stop (or rolling up a file migrated from v1) never stalls the writer for long. A day
//! row is the merge of its hour rows: a pass merges the hours it rolled up per watch and day
//! in memory, then folds that sum into the stored day row once (read, merge, write), so a
//! pass costs one write per new hour and one per day it touched, not one day rewrite per
//! hour. Sums, counts, exact extremes and histogram buckets all merge exactly, so the day row
//! equals the day computed in one go from its raw checks (`tests` below).
//!
//! Records that arrive for an hour already rolled up (a wall clock set back) stay in the raw
//! rows but do not change the rollup.

use std::collections::BTreeMap;

use rusqlite::{Connection, OptionalExtension, Transaction, params};

use crate::period::{PHASES, Rollup, Span, read_period, write_period};
use crate::rows::sample;
use crate::uptime;

/// One hour, ms.
pub const HOUR_MS: i64 = 3_600_000;
/// One day, ms.
pub const DAY_MS: i64 = 86_400_000;
/// An hour is closed once a record this long after its end (ms) was written.
pub const CLOSE_AFTER_MS: i64 = 5 * 60_000;
/// Most hours rolled up in one pass.
pub const HOURS_PER_PASS: usize = 24;

/// Start of the UTC period of `span_ms` holding `at_ms` (Unix time has no leap seconds, so
/// UTC hours and days are multiples of the span).
pub fn floor_to(at_ms: i64, span_ms: i64) -> i64 {
    at_ms.div_euclid(span_ms) * span_ms
}

/// Every hour before this (Unix ms) is rolled up; `None` before the first pass.
pub(crate) fn rolled_until(conn: &Connection) -> rusqlite::Result<Option<i64>> {
    conn.query_row("SELECT until_ms FROM rollup_state WHERE id = 1", [], |r| {
        r.get(0)
    })
    .optional()
    .map(Option::flatten)
}

/// Raw checks before this (Unix ms) may have been deleted by retention; `None` if none.
pub(crate) fn pruned_until(conn: &Connection) -> rusqlite::Result<Option<i64>> {
    conn.query_row("SELECT pruned_ms FROM rollup_state WHERE id = 1", [], |r| {
        r.get(0)
    })
    .optional()
    .map(Option::flatten)
}

/// Rolls up the hours closed by a record at `latest_ms`, in one transaction. Returns the
/// number of hours rolled up.
pub(crate) fn pass(conn: &mut Connection, latest_ms: i64) -> rusqlite::Result<usize> {
    let tx = conn.transaction()?;
    let watches: Vec<i64> = tx
        .prepare_cached("SELECT id FROM watch")?
        .query_map([], |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    let start = match rolled_until(&tx)? {
        Some(until) => until,
        None => match next_check(&tx, &watches, i64::MIN)? {
            Some(first) => floor_to(first, HOUR_MS),
            None => return Ok(0),
        },
    };
    let mut hour = start;
    let mut done = 0;
    // The hours rolled up in this pass, merged per (watch, UTC day).
    let mut days = BTreeMap::new();
    while done < HOURS_PER_PASS && hour.saturating_add(HOUR_MS + CLOSE_AFTER_MS) <= latest_ms {
        if roll_hour(&tx, &watches, hour, &mut days)? {
            hour += HOUR_MS;
        } else {
            // Nothing in this hour: jump to the hour of the next check (a long stop costs one
            // step, not one per hour), never past the closed hours.
            let next = next_check(&tx, &watches, hour)?.map_or(i64::MAX, |n| floor_to(n, HOUR_MS));
            hour = next
                .max(hour + HOUR_MS)
                .min(floor_to(latest_ms - CLOSE_AFTER_MS, HOUR_MS));
        }
        done += 1;
    }
    // The day this pass started in may have got only empty hours (a gap at its end): its
    // not-observed time still grows, so it is folded too.
    let first_day = floor_to(start, DAY_MS);
    if hour > start && first_day != start {
        for w in &watches {
            days.entry((*w, first_day)).or_default();
        }
    }
    for ((watch, day), hours) in &days {
        fold_day(&tx, *watch, *day, hours, hour)?;
    }
    if hour != start || rolled_until(&tx)?.is_none() {
        tx.execute("UPDATE rollup_state SET until_ms = ?1 WHERE id = 1", [hour])?;
    }
    tx.commit()?;
    Ok(done)
}

/// Adds `hours` (this pass's hours of `watch` in the UTC day starting at `day`) to the stored
/// day row. Its not-observed time is the rest of the day's part before `until` (every hour
/// before it is rolled up), so empty hours, which have no row, count as not observed, as
/// they do when the day is computed in one go. A day with neither a row nor new hours stays
/// without one.
fn fold_day(
    tx: &Transaction<'_>,
    watch: i64,
    day: i64,
    hours: &Rollup,
    until: i64,
) -> rusqlite::Result<()> {
    let stored = read_period(tx, watch, Span::Day, day)?;
    if stored.is_none() && hours.is_empty() {
        return Ok(());
    }
    let mut merged = stored.unwrap_or_default();
    merged.merge(hours);
    let length = until.min(day + DAY_MS) - day;
    merged.unjudged_ms = (length - merged.up_ms - merged.degraded_ms - merged.down_ms).max(0);
    write_period(tx, watch, Span::Day, day, &merged)
}

/// The earliest check start at or after `from_ms` of any of `watches` (index per watch).
fn next_check(
    tx: &Transaction<'_>,
    watches: &[i64],
    from_ms: i64,
) -> rusqlite::Result<Option<i64>> {
    let mut stmt = tx.prepare_cached(
        "SELECT min(at_ms) FROM check_result WHERE watch_id = ?1 AND at_ms >= ?2",
    )?;
    let mut first: Option<i64> = None;
    for w in watches {
        let at: Option<i64> = stmt.query_row(params![w, from_ms], |r| r.get(0))?;
        first = match (first, at) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
    }
    Ok(first)
}

/// Rolls up `[hour, hour + 1 h)` for every watch, adding each watch's hour to its entry in
/// `days` (keyed by watch and UTC day); whether any watch had a check in it or speaking into
/// it.
fn roll_hour(
    tx: &Transaction<'_>,
    watches: &[i64],
    hour: i64,
    days: &mut BTreeMap<(i64, i64), Rollup>,
) -> rusqlite::Result<bool> {
    let gaps = gaps_in(tx, hour, hour + HOUR_MS)?;
    let mut any = false;
    for watch in watches {
        let period = period_of(tx, *watch, hour, hour + HOUR_MS, &gaps)?;
        if period.is_empty() {
            continue;
        }
        any = true;
        write_period(tx, *watch, Span::Hour, hour, &period)?;
        days.entry((*watch, floor_to(hour, DAY_MS)))
            .or_default()
            .merge(&period);
    }
    Ok(any)
}

/// The coverage spans overlapping `[start, end)`, as `(start_ms, end_ms)`.
pub(crate) fn gaps_in(
    tx: &Transaction<'_>,
    start: i64,
    end: i64,
) -> rusqlite::Result<Vec<(i64, i64)>> {
    tx.prepare_cached("SELECT start_ms, end_ms FROM coverage WHERE end_ms > ?1 AND start_ms < ?2")?
        .query_map(params![start, end], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect()
}

/// One watch's figures over `[start, end)` from its raw checks (the last one before `start`
/// speaks into it) and `gaps`, the coverage spans overlapping it.
pub(crate) fn period_of(
    tx: &Transaction<'_>,
    watch: i64,
    start: i64,
    end: i64,
    gaps: &[(i64, i64)],
) -> rusqlite::Result<Rollup> {
    let mut stmt = tx.prepare_cached(
        "SELECT * FROM (SELECT at_ms, interval_ms, status, judged, dns_us, connect_us, tls_us,
                               ttfb_us, total_us FROM check_result
                        WHERE watch_id = ?1 AND at_ms < ?2 ORDER BY at_ms DESC LIMIT 1)
         UNION ALL
         SELECT at_ms, interval_ms, status, judged, dns_us, connect_us, tls_us, ttfb_us, total_us
         FROM check_result WHERE watch_id = ?1 AND at_ms >= ?2 AND at_ms < ?3",
    )?;
    let mut rows = stmt.query(params![watch, start, end])?;
    let mut samples = Vec::new();
    let mut period = Rollup::default();
    while let Some(r) = rows.next()? {
        let sample = sample(r)?;
        samples.push(sample);
        if sample.at_ms < start {
            continue;
        }
        let mut phases = [None; PHASES.len()];
        for (i, p) in phases.iter_mut().enumerate() {
            *p = r.get(4 + i)?;
        }
        period.count_check(sample.status, sample.judged, &phases);
    }
    let time = uptime::compute(&samples, gaps, start, end);
    period.set_time(&time);
    Ok(period)
}

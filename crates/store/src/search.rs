//! "Since when" found by searching what is stored, without [`crate::run`]'s row: for a file
//! whose writer has not filled that row yet, and to fill it. It does not scan a week of raw
//! rows: the raw checks not yet rolled up (the last hour or so) are searched first; then the
//! newest hour rollup that counted a check of another status points at the one hour whose
//! raw rows hold the change; only when no hour rollup (90 days) has one, the day rollups give
//! the day it changed, and the answer is that day's end (not exact, as when retention already
//! deleted the raw rows of the hour of the change).

use downwatch_probe::Status;
use rusqlite::{Connection, OptionalExtension, params};

use crate::period::Span;
use crate::rollup::{self, DAY_MS, HOUR_MS};

/// Where the raw rows end: every hour before `rolled` is rolled up, raw rows before `pruned`
/// may be deleted (Unix ms; `i64::MIN`: none).
#[derive(Clone, Copy)]
pub(crate) struct Edges {
    rolled: i64,
    pruned: i64,
}

impl Edges {
    /// Read from the rollup bookkeeping (two small reads).
    pub(crate) fn read(conn: &Connection) -> rusqlite::Result<Edges> {
        Ok(Edges {
            rolled: rollup::rolled_until(conn)?.unwrap_or(i64::MIN),
            pruned: rollup::pruned_until(conn)?.unwrap_or(i64::MIN),
        })
    }
}

/// The rollup column counting checks of `status`.
fn count_column(status: Status) -> &'static str {
    match status {
        Status::Up => "checks_up",
        Status::Degraded => "checks_degraded",
        Status::Down => "checks_down",
    }
}

/// Start (Unix ms) of watch `id`'s current run of `status`: the first check after its newest
/// judged check of another status, up to its latest check (started at `latest_ms`), or its
/// oldest record when there is none; whether that start is exact (see the module docs).
pub(crate) fn run_start(
    conn: &Connection,
    id: i64,
    status: Status,
    latest_ms: i64,
    Edges { rolled, pruned }: Edges,
) -> rusqlite::Result<(i64, bool)> {
    // 1. The raw rows not rolled up yet.
    let tail = rolled.max(pruned);
    let until = latest_ms.saturating_add(1);
    if let Some(at) = first_after_other(conn, id, status, tail, until)? {
        return Ok((at, true));
    }
    let column = count_column(status);
    let other = format!("checks_up + checks_degraded + checks_down - {column} > 0");
    // 2. The newest hour rollup with another status, then its raw rows.
    if let Some(hour) = newest_rollup_with(conn, id, Span::Hour, &other)? {
        // Only that hour's raw rows: the rollups say none after it had another status.
        if hour >= pruned {
            if let Some(at) = first_after_other(conn, id, status, hour, hour + HOUR_MS)? {
                return Ok((at, true));
            }
        }
        return Ok((hour + HOUR_MS, false));
    }
    // 3. The day rollups (older than the hour rollups kept).
    if let Some(day) = newest_rollup_with(conn, id, Span::Day, &other)? {
        return Ok((day + DAY_MS, false));
    }
    oldest_record(conn, id, latest_ms)
}

/// Never another status: since the oldest record of watch `id`. That is its first check ever
/// (exact) unless a rollup starts before that check's hour and day (its raw rows were
/// deleted). `fallback_ms` when it has no record at all.
pub(crate) fn oldest_record(
    conn: &Connection,
    id: i64,
    fallback_ms: i64,
) -> rusqlite::Result<(i64, bool)> {
    let (first_raw, first_hour, first_day): (Option<i64>, Option<i64>, Option<i64>) = conn
        .prepare_cached(
            "SELECT (SELECT min(at_ms) FROM check_result WHERE watch_id = ?1),
                    (SELECT min(start_ms) FROM rollup WHERE watch_id = ?1 AND span = 'hour'),
                    (SELECT min(start_ms) FROM rollup WHERE watch_id = ?1 AND span = 'day')",
        )?
        .query_row([id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
    let first_raw = first_raw.unwrap_or(fallback_ms);
    let exact = first_hour.is_none_or(|h| h >= rollup::floor_to(first_raw, HOUR_MS))
        && first_day.is_none_or(|d| d >= rollup::floor_to(first_raw, DAY_MS));
    let oldest = [Some(first_raw), first_hour, first_day]
        .into_iter()
        .flatten()
        .min()
        .unwrap_or(fallback_ms);
    Ok(if exact {
        (first_raw, true)
    } else {
        (oldest, false)
    })
}

/// The start of watch `id`'s newest `span` rollup where `condition` holds. Walks the primary
/// key from the newest row back and stops at the first match (`max(start_ms)` would read
/// every row of the 90 days first).
fn newest_rollup_with(
    conn: &Connection,
    id: i64,
    span: Span,
    condition: &str,
) -> rusqlite::Result<Option<i64>> {
    conn.prepare_cached(&format!(
        "SELECT start_ms FROM rollup WHERE watch_id = ?1 AND span = ?2 AND {condition}
         ORDER BY start_ms DESC LIMIT 1"
    ))?
    .query_row(params![id, span.as_str()], |r| r.get(0))
    .optional()
}

/// The start of the first check after the newest judged check of another status than
/// `status` started in `[from_ms, until_ms)`; `None` when there is none there.
fn first_after_other(
    conn: &Connection,
    id: i64,
    status: Status,
    from_ms: i64,
    until_ms: i64,
) -> rusqlite::Result<Option<i64>> {
    let other: Option<i64> = conn
        .prepare_cached(
            "SELECT at_ms FROM check_result WHERE watch_id = ?1 AND at_ms >= ?2
             AND at_ms < ?3 AND judged = 1 AND status != ?4
             ORDER BY at_ms DESC LIMIT 1",
        )?
        .query_row(params![id, from_ms, until_ms, status.as_str()], |r| {
            r.get(0)
        })
        .optional()?;
    let Some(other) = other else {
        return Ok(None);
    };
    conn.prepare_cached("SELECT min(at_ms) FROM check_result WHERE watch_id = ?1 AND at_ms > ?2")?
        .query_row(params![id, other], |r| r.get(0))
}

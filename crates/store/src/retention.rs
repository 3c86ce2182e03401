//! Retention, run by the writer after a rollup pass that rolled up an hour (or at the next
//! batch while the last prune stopped at its bound): raw checks older than the retention
//! window ([`crate::StoreOptions::retention`], default 7 days) and hour rollups older than
//! [`HOURS_KEPT_MS`] are deleted, but only for hours already rolled up, and at most
//! [`DELETE_BATCH`] rows per pass (never one huge `DELETE` holding the write lock). Day
//! rollups, incidents, notifications and coverage are kept for good. Freed pages go back to
//! the file system with `PRAGMA incremental_vacuum` (the file has `auto_vacuum =
//! INCREMENTAL`), a few at a time.

use rusqlite::{Connection, Transaction, params};

use crate::rollup::{DAY_MS, rolled_until};

/// Most rows deleted from one table in one pass.
pub const DELETE_BATCH: i64 = 2_000;
/// Hour rollups are kept this long (ms): 91 days, so a 90-day window starting mid-hour still
/// finds its first hour.
pub const HOURS_KEPT_MS: i64 = 91 * DAY_MS;
/// Most pages handed back to the file system per pass (4 MiB of 4 KiB pages).
pub const VACUUM_PAGES: i64 = 1_024;

/// A watch's oldest raw checks before `?2`, at most `?3` of them (watch `?1`).
const RAW_ROWS: &str = "DELETE FROM check_result WHERE id IN (SELECT id FROM check_result
                            WHERE watch_id = ?1 AND at_ms < ?2 ORDER BY at_ms LIMIT ?3)";
/// A watch's oldest hour rollups before `?2`, at most `?3` of them (watch `?1`).
const HOUR_ROWS: &str = "DELETE FROM rollup WHERE watch_id = ?1 AND span = 'hour' AND start_ms IN
                             (SELECT start_ms FROM rollup WHERE watch_id = ?1 AND span = 'hour'
                              AND start_ms < ?2 ORDER BY start_ms LIMIT ?3)";
/// The latencies of the hour rollups [`HOUR_ROWS`] deleted: every hour row before the
/// watch's oldest remaining one (and before the cut `?2`), a range on the primary key.
const HOUR_LATENCIES: &str = "DELETE FROM rollup_latency WHERE watch_id = ?1 AND span = 'hour'
         AND start_ms < min(?2, coalesce((SELECT min(start_ms) FROM rollup
                                          WHERE watch_id = ?1 AND span = 'hour'), ?2))";

/// Deletes what is past retention as of `latest_ms` (the newest record written), keeping raw
/// checks for `retention_ms`. Returns the rows deleted.
pub(crate) fn prune(
    conn: &mut Connection,
    latest_ms: i64,
    retention_ms: i64,
) -> rusqlite::Result<usize> {
    let tx = conn.transaction()?;
    let Some(rolled) = rolled_until(&tx)? else {
        return Ok(0);
    };
    // Raw rows of an hour not yet rolled up stay, whatever their age.
    let raw_cut = latest_ms.saturating_sub(retention_ms).min(rolled);
    tx.execute(
        "UPDATE rollup_state SET pruned_ms = max(coalesce(pruned_ms, ?1), ?1) WHERE id = 1",
        [raw_cut],
    )?;
    let hour_cut = latest_ms.saturating_sub(HOURS_KEPT_MS).min(rolled);
    let watches: Vec<i64> = tx
        .prepare_cached("SELECT id FROM watch")?
        .query_map([], |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    let raw = delete_oldest(&tx, &watches, raw_cut, RAW_ROWS, None)?;
    let hours = delete_oldest(&tx, &watches, hour_cut, HOUR_ROWS, Some(HOUR_LATENCIES))?;
    let deleted = raw + hours;
    tx.commit()?;
    if deleted > 0 {
        conn.execute_batch(&format!("PRAGMA incremental_vacuum({VACUUM_PAGES})"))?;
    }
    Ok(deleted)
}

/// Runs `delete` (`?1` a watch, `?2` the cut, `?3` the most rows) for each of `watches` in
/// turn, then `and_then` (same `?1` and `?2`) for that watch, until [`DELETE_BATCH`] rows
/// were deleted. Per watch, on its index: finding nothing to delete costs one probe.
/// Returns the rows `delete` deleted.
fn delete_oldest(
    tx: &Transaction<'_>,
    watches: &[i64],
    cut: i64,
    delete: &str,
    and_then: Option<&str>,
) -> rusqlite::Result<usize> {
    let mut deleted = 0usize;
    let mut budget = DELETE_BATCH;
    for w in watches {
        if budget <= 0 {
            break;
        }
        let n = tx
            .prepare_cached(delete)?
            .execute(params![w, cut, budget])?;
        if let Some(then) = and_then {
            tx.prepare_cached(then)?.execute(params![w, cut])?;
        }
        deleted += n;
        budget -= i64::try_from(n).unwrap_or(budget);
    }
    Ok(deleted)
}

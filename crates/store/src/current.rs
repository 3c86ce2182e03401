//! The current state of every watch: its latest check, since when its status holds, and its
//! open incidents ([`Reader::current`]).
//!
//! "Since when" is found without scanning a week of raw rows: the raw checks not yet rolled
//! up (the last hour or so) are searched first; then the newest hour rollup that counted a
//! check of another status points at the one hour whose raw rows hold the change; only when
//! no hour rollup (90 days) has one, the day rollups give the day it changed, and `since` is
//! that day's end (then [`WatchNow::since_exact`] is `false`, as when retention already
//! deleted the raw rows of the hour of the change).

use std::time::SystemTime;

use downwatch_probe::Status;
use rusqlite::{OptionalExtension, params};

use crate::error::StoreError;
use crate::period::Span;
use crate::reader::Reader;
use crate::records::{from_unix_ms, unix_ms};
use crate::rollup::{self, DAY_MS, HOUR_MS};
use crate::rows::{StoredCheck, StoredIncident, incident_from};

/// One watch as the history last saw it.
#[derive(Clone, Debug, PartialEq)]
pub struct WatchNow {
    /// The watch's name.
    pub watch: String,
    /// Its latest check (by start time).
    pub latest: StoredCheck,
    /// Since when its judged checks have had `latest.status` (the first check of the run).
    pub since: SystemTime,
    /// `false` when `since` is a lower bound: the change is older than the raw rows kept, so
    /// it is the end of the hour or day whose rollup last counted another status, or the
    /// oldest record when none ever did.
    pub since_exact: bool,
    /// Its incidents without an end, oldest first.
    pub open_incidents: Vec<StoredIncident>,
}

/// Where the raw rows end, read once per [`Reader::current`]: every hour before `rolled` is
/// rolled up, raw rows before `pruned` may be deleted (Unix ms; `i64::MIN`: none).
#[derive(Clone, Copy)]
struct Edges {
    rolled: i64,
    pruned: i64,
}

/// The rollup column counting checks of `status`.
fn count_column(status: Status) -> &'static str {
    match status {
        Status::Up => "checks_up",
        Status::Degraded => "checks_degraded",
        Status::Down => "checks_down",
    }
}

impl Reader {
    /// Every watch that has a check: latest check, since when its status holds, open
    /// incidents; by watch name. About four indexed look-ups per watch, whatever the history's
    /// length.
    pub fn current(&self) -> Result<Vec<WatchNow>, StoreError> {
        let latest = self.latest_by_id()?;
        let mut open = self.open_incidents()?;
        let err = || self.sqlite("finding since when");
        let rolled = rollup::rolled_until(&self.conn).map_err(err())?;
        let pruned = rollup::pruned_until(&self.conn).map_err(err())?;
        let edges = Edges {
            rolled: rolled.unwrap_or(i64::MIN),
            pruned: pruned.unwrap_or(i64::MIN),
        };
        let mut out = Vec::with_capacity(latest.len());
        for (id, l) in latest {
            let (since_ms, since_exact) =
                self.since(id, l.check.status, unix_ms(l.check.at), edges)?;
            let (mine, rest) = open.into_iter().partition(|i| i.watch == l.watch);
            open = rest;
            out.push(WatchNow {
                watch: l.watch,
                latest: l.check,
                since: from_unix_ms(since_ms),
                since_exact,
                open_incidents: mine,
            });
        }
        Ok(out)
    }

    /// Every incident without an end, oldest first.
    pub fn open_incidents(&self) -> Result<Vec<StoredIncident>, StoreError> {
        let mut stmt = self
            .conn
            .prepare_cached(
                "SELECT i.incident_key, w.name, i.group_key, i.kind, i.layer, i.cause,
                        i.start_ms, i.end_ms
                 FROM incident i JOIN watch w ON w.id = i.watch_id
                 WHERE i.end_ms IS NULL ORDER BY i.start_ms, i.id",
            )
            .map_err(self.sqlite("reading open incidents"))?;
        stmt.query_map([], incident_from)
            .and_then(|rows| rows.collect())
            .map_err(self.sqlite("reading open incidents"))
    }

    /// Start (Unix ms) of watch `id`'s current run of `status`, whose latest check started
    /// at `latest_ms`; whether it is exact (see the module docs).
    fn since(
        &self,
        id: i64,
        status: Status,
        latest_ms: i64,
        Edges { rolled, pruned }: Edges,
    ) -> Result<(i64, bool), StoreError> {
        let err = || self.sqlite("finding since when");
        // 1. The raw rows not rolled up yet.
        let tail = rolled.max(pruned);
        if let Some(at) = self.first_after_other(id, status, tail, latest_ms.saturating_add(1))? {
            return Ok((at, true));
        }
        let column = count_column(status);
        let other = format!("checks_up + checks_degraded + checks_down - {column} > 0");
        // 2. The newest hour rollup with another status, then its raw rows.
        let hour = self.newest_rollup_with(id, Span::Hour, &other)?;
        if let Some(hour) = hour {
            // Only that hour's raw rows: the rollups say none after it had another status.
            if hour >= pruned {
                if let Some(at) = self.first_after_other(id, status, hour, hour + HOUR_MS)? {
                    return Ok((at, true));
                }
            }
            return Ok((hour + HOUR_MS, false));
        }
        // 3. The day rollups (older than the hour rollups kept).
        let day = self.newest_rollup_with(id, Span::Day, &other)?;
        if let Some(day) = day {
            return Ok((day + DAY_MS, false));
        }
        // 4. Never another status: since the oldest record of the watch. That is its first
        // check ever (exact) unless a rollup starts before that check's hour and day (its
        // raw rows were deleted).
        let (first_raw, first_hour, first_day): (Option<i64>, Option<i64>, Option<i64>) = self
            .conn
            .prepare_cached(
                "SELECT (SELECT min(at_ms) FROM check_result WHERE watch_id = ?1),
                        (SELECT min(start_ms) FROM rollup WHERE watch_id = ?1 AND span = 'hour'),
                        (SELECT min(start_ms) FROM rollup WHERE watch_id = ?1 AND span = 'day')",
            )
            .and_then(|mut s| s.query_row([id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?))))
            .map_err(err())?;
        let first_raw = first_raw.unwrap_or(latest_ms);
        let exact = first_hour.is_none_or(|h| h >= rollup::floor_to(first_raw, HOUR_MS))
            && first_day.is_none_or(|d| d >= rollup::floor_to(first_raw, DAY_MS));
        let oldest = [Some(first_raw), first_hour, first_day]
            .into_iter()
            .flatten()
            .min()
            .unwrap_or(latest_ms);
        Ok(if exact {
            (first_raw, true)
        } else {
            (oldest, false)
        })
    }

    /// The start of watch `id`'s newest `span` rollup where `condition` holds. Walks the
    /// primary key from the newest row back and stops at the first match (`max(start_ms)`
    /// would read every row of the 90 days first).
    fn newest_rollup_with(
        &self,
        id: i64,
        span: Span,
        condition: &str,
    ) -> Result<Option<i64>, StoreError> {
        self.conn
            .prepare_cached(&format!(
                "SELECT start_ms FROM rollup WHERE watch_id = ?1 AND span = ?2 AND {condition}
                 ORDER BY start_ms DESC LIMIT 1"
            ))
            .and_then(|mut s| {
                s.query_row(params![id, span.as_str()], |r| r.get(0))
                    .optional()
            })
            .map_err(self.sqlite("finding since when"))
    }

    /// The start of the first check after the newest judged check of another status than
    /// `status` started in `[from_ms, until_ms)`; `None` when there is none there.
    fn first_after_other(
        &self,
        id: i64,
        status: Status,
        from_ms: i64,
        until_ms: i64,
    ) -> Result<Option<i64>, StoreError> {
        let err = || self.sqlite("finding since when");
        let other: Option<i64> = self
            .conn
            .prepare_cached(
                "SELECT at_ms FROM check_result WHERE watch_id = ?1 AND at_ms >= ?2
                 AND at_ms < ?3 AND judged = 1 AND status != ?4
                 ORDER BY at_ms DESC LIMIT 1",
            )
            .and_then(|mut s| {
                s.query_row(params![id, from_ms, until_ms, status.as_str()], |r| {
                    r.get(0)
                })
                .optional()
            })
            .map_err(err())?;
        let Some(other) = other else {
            return Ok(None);
        };
        self.conn
            .prepare_cached(
                "SELECT min(at_ms) FROM check_result WHERE watch_id = ?1 AND at_ms > ?2",
            )
            .and_then(|mut s| s.query_row(params![id, other], |r| r.get(0)))
            .map_err(err())
    }
}

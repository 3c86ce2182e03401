//! [`Reader::uptime`]: uptime over any window, read from the rollups where they exist.

use std::time::Duration;
use std::time::SystemTime;

use rusqlite::{OptionalExtension, params};

use crate::error::StoreError;
use crate::period::{Span, read_period};
use crate::reader::Reader;
use crate::records::unix_ms;
use crate::rollup::{self, DAY_MS, HOUR_MS, floor_to};
use crate::uptime::{self, Uptime};

/// Start of the UTC period of `span_ms` at or after `at_ms`.
fn ceil_to(at_ms: i64, span_ms: i64) -> i64 {
    floor_to(at_ms.saturating_add(span_ms - 1), span_ms)
}

impl Reader {
    /// Uptime of `watch` over `[from, until)` (wall clock, given by the caller), weighted by
    /// time over observed time only (see [`crate::uptime`]). An unknown watch has nothing
    /// observed. Each part of the window is read from the finest source that still holds it:
    ///
    /// - whole UTC days older than the watch's oldest hour rollup (hour rollups are kept 91
    ///   days, [`crate::retention::HOURS_KEPT_MS`]) from the day rollups (a year is 365 rows);
    /// - whole UTC hours already rolled up from the hour rollups, the whole UTC days among
    ///   them from their day rollups (the same sums: 90 days are about 140 rows);
    /// - the partial hours at the edges and the hours not yet rolled up from raw checks.
    ///
    /// When the window starts in a period whose finer rows retention may have deleted (raw
    /// checks of an hour, hour rows of a day), that partial period is its rollup scaled to the
    /// part inside the window: an approximation for at most one hour (one day beyond 91
    /// days), never beyond its share. Each part covers its own span, so the sum stays within
    /// the window.
    pub fn uptime(
        &self,
        watch: &str,
        from: SystemTime,
        until: SystemTime,
    ) -> Result<Uptime, StoreError> {
        let (from_ms, until_ms) = (unix_ms(from), unix_ms(until));
        let Some(id) = self.watch_id(watch)? else {
            return Ok(uptime::compute(&[], &[], from_ms, until_ms));
        };
        let rolled = rollup::rolled_until(&self.conn).map_err(self.sqlite("reading rollups"))?;
        let first = ceil_to(from_ms, HOUR_MS);
        let last = floor_to(until_ms, HOUR_MS).min(rolled.unwrap_or(i64::MIN));
        if first >= last {
            return self.raw_uptime(id, from_ms, until_ms);
        }
        let tail = self.raw_uptime(id, last, until_ms)?;
        // Whole days before the oldest hour row's day is over come from the day rows.
        let oldest_hour = self.oldest_hour(id)?.unwrap_or(last);
        let (day_from, day_until) = (ceil_to(first, DAY_MS), ceil_to(oldest_hour, DAY_MS));
        let day_until = day_until.min(floor_to(last, DAY_MS));
        if day_from < day_until {
            let head = self.scaled(id, Span::Day, day_from - DAY_MS, day_from - from_ms)?;
            let days = self.rollup_sum(id, Span::Day, day_from, day_until)?;
            let hours = self.rollup_sum(id, Span::Hour, day_until, last)?;
            return Ok(total([head, days, hours, tail], from_ms, until_ms));
        }
        let pruned = rollup::pruned_until(&self.conn).map_err(self.sqlite("reading rollups"))?;
        let head = if first > from_ms && pruned.is_some_and(|p| first - HOUR_MS < p) {
            self.scaled(id, Span::Hour, first - HOUR_MS, first - from_ms)?
        } else {
            self.raw_uptime(id, from_ms, first)?
        };
        let hours = self.hours_sum(id, first, last)?;
        Ok(total([head, hours, tail], from_ms, until_ms))
    }

    /// Watch `id`'s hour rollups over the whole hours `[from_ms, until_ms)` summed, with the
    /// whole UTC days inside read from their day rollups: a day row is the sum of its hour
    /// rows (`rollup::fold_day`), and 90 days are then about 90 + 48 rows instead of 2,160
    /// (fewer pages to read from a cold disk).
    fn hours_sum(&self, id: i64, from_ms: i64, until_ms: i64) -> Result<Uptime, StoreError> {
        let (days_from, days_until) = (ceil_to(from_ms, DAY_MS), floor_to(until_ms, DAY_MS));
        if days_from >= days_until {
            return self.rollup_sum(id, Span::Hour, from_ms, until_ms);
        }
        let parts = [
            self.rollup_sum(id, Span::Hour, from_ms, days_from)?,
            self.rollup_sum(id, Span::Day, days_from, days_until)?,
            self.rollup_sum(id, Span::Hour, days_until, until_ms)?,
        ];
        Ok(total(parts, from_ms, until_ms))
    }

    /// Start of watch `id`'s oldest hour rollup (one step on the primary key).
    fn oldest_hour(&self, id: i64) -> Result<Option<i64>, StoreError> {
        self.conn
            .prepare_cached(
                "SELECT start_ms FROM rollup WHERE watch_id = ?1 AND span = 'hour'
                 ORDER BY start_ms LIMIT 1",
            )
            .and_then(|mut s| s.query_row([id], |r| r.get(0)).optional())
            .map_err(self.sqlite("reading rollups"))
    }

    /// The sum of watch `id`'s rollups of `span` starting in `[from_ms, until_ms)`.
    fn rollup_sum(
        &self,
        id: i64,
        span: Span,
        from_ms: i64,
        until_ms: i64,
    ) -> Result<Uptime, StoreError> {
        let (up, degraded, down): (i64, i64, i64) = self
            .conn
            .prepare_cached(
                "SELECT coalesce(sum(up_ms), 0), coalesce(sum(degraded_ms), 0),
                        coalesce(sum(down_ms), 0) FROM rollup
                 WHERE watch_id = ?1 AND span = ?2 AND start_ms >= ?3 AND start_ms < ?4",
            )
            .and_then(|mut s| {
                s.query_row(params![id, span.as_str(), from_ms, until_ms], |r| {
                    Ok((r.get(0)?, r.get(1)?, r.get(2)?))
                })
            })
            .map_err(self.sqlite("reading rollups"))?;
        Ok(Uptime {
            up: millis(up),
            degraded: millis(degraded),
            down: millis(down),
            window: millis(until_ms.saturating_sub(from_ms)),
        })
    }

    /// Watch `id`'s rollup of `span` starting at `start_ms` scaled to its last `part_ms`
    /// (nothing when `part_ms` is 0).
    fn scaled(
        &self,
        id: i64,
        span: Span,
        start_ms: i64,
        part_ms: i64,
    ) -> Result<Uptime, StoreError> {
        if part_ms <= 0 {
            return Ok(Uptime::default());
        }
        let row = read_period(&self.conn, id, span, start_ms)
            .map_err(self.sqlite("reading rollups"))?
            .unwrap_or_default();
        let length = span.length_ms();
        let scale = |ms: i64| millis(ms.saturating_mul(part_ms) / length);
        Ok(Uptime {
            up: scale(row.up_ms),
            degraded: scale(row.degraded_ms),
            down: scale(row.down_ms),
            window: millis(part_ms),
        })
    }
}

/// The parts of `[from_ms, until_ms)` added up.
fn total<const N: usize>(parts: [Uptime; N], from_ms: i64, until_ms: i64) -> Uptime {
    let mut out = Uptime {
        window: millis(until_ms.saturating_sub(from_ms)),
        ..Uptime::default()
    };
    for p in parts {
        out.up += p.up;
        out.degraded += p.degraded;
        out.down += p.down;
    }
    out
}

fn millis(ms: i64) -> Duration {
    Duration::from_millis(u64::try_from(ms).unwrap_or(0))
}

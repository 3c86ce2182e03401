//! Availability per local day ([`Reader::local_days`]), built at query time from the UTC
//! rollups, so the days follow the time zone the user reads them in: after a trip or a DST
//! change, history is cut at the reader's midnights, never at the ones in force when it was
//! written. Day boundaries come from `jiff` (the system's tz database, or any
//! [`jiff::tz::TimeZone`] the caller passes): a DST day has 23 or 25 hours.
//!
//! **The rule.** Each UTC hour rollup counts in the local day holding its start (exact for
//! zones whose offset is whole hours; for a :30 or :45 offset, each day gains and loses a part
//! of an hour at its edges). The hours not rolled up yet are computed from raw checks cut at
//! the local midnights exactly. Before the hour rollups kept (90 days), each UTC day rollup
//! counts in the local day holding its noon (UTC), and the UTC day that holds the oldest hour
//! rollup is left out (its hours are there).

use std::time::{Duration, SystemTime};

use jiff::civil::Date;
use jiff::tz::TimeZone;
use rusqlite::params;

use crate::error::StoreError;
use crate::reader::Reader;
use crate::records::from_unix_ms;
use crate::rollup::{self, DAY_MS};
use crate::uptime::Uptime;

/// What a day's bar shows: the worst state observed in it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DayState {
    /// Observed, and up all the observed time.
    Up,
    /// Degraded some of the time, never down.
    Degraded,
    /// Down some of the time.
    Down,
    /// Nothing observed (the resident was not running, asleep, offline, or the watch did not
    /// exist yet).
    NotMonitored,
}

/// One local day of one watch.
#[derive(Clone, Debug, PartialEq)]
pub struct DayAvailability {
    /// The local date.
    pub date: Date,
    /// Its first instant (local midnight, or the first instant after it when a DST change
    /// skips midnight).
    pub start: SystemTime,
    /// The next day's start (23, 24 or 25 hours later around a DST change).
    pub end: SystemTime,
    /// Time in each state; `window` is the day's length.
    pub uptime: Uptime,
    /// The bar: the worst state observed.
    pub state: DayState,
}

impl DayState {
    /// The worst state observed in `u`.
    pub fn of(u: &Uptime) -> DayState {
        if u.observed().is_zero() {
            DayState::NotMonitored
        } else if !u.down.is_zero() {
            DayState::Down
        } else if !u.degraded.is_zero() {
            DayState::Degraded
        } else {
            DayState::Up
        }
    }
}

fn ms(v: i64) -> Duration {
    Duration::from_millis(u64::try_from(v).unwrap_or(0))
}

impl Reader {
    /// `watch`'s availability for each local day from `first` to `last` (both included) in
    /// `tz`, oldest first, by the rule in [`crate::days`]. Errors: [`StoreError::Calendar`]
    /// for a date whose midnight `tz` cannot place (out of jiff's range).
    pub fn local_days(
        &self,
        watch: &str,
        tz: &TimeZone,
        first: Date,
        last: Date,
    ) -> Result<Vec<DayAvailability>, StoreError> {
        let mut dates = Vec::new();
        let mut bounds = Vec::new();
        let mut date = first;
        while date <= last {
            dates.push(date);
            bounds.push(midnight(date, tz)?);
            date = date.tomorrow().map_err(StoreError::calendar)?;
        }
        bounds.push(midnight(date, tz)?);
        let mut days: Vec<Uptime> = bounds
            .windows(2)
            .map(|w| Uptime {
                window: ms(w[1] - w[0]),
                ..Uptime::default()
            })
            .collect();
        if let (Some(id), Some(&from), Some(&until)) =
            (self.watch_id(watch)?, bounds.first(), bounds.last())
        {
            self.fill_days(id, &bounds, &mut days, from, until)?;
        }
        Ok(dates
            .into_iter()
            .zip(bounds.windows(2))
            .zip(days)
            .map(|((date, w), uptime)| DayAvailability {
                date,
                start: from_unix_ms(w[0]),
                end: from_unix_ms(w[1]),
                state: DayState::of(&uptime),
                uptime,
            })
            .collect())
    }

    fn fill_days(
        &self,
        id: i64,
        bounds: &[i64],
        days: &mut [Uptime],
        from: i64,
        until: i64,
    ) -> Result<(), StoreError> {
        let err = || self.sqlite("reading local days");
        let day_of = |at: i64| bounds.partition_point(|b| *b <= at).checked_sub(1);
        let mut add = |at: i64, up: i64, degraded: i64, down: i64| {
            if let Some(d) = day_of(at).and_then(|i| days.get_mut(i)) {
                d.up += ms(up);
                d.degraded += ms(degraded);
                d.down += ms(down);
            }
        };
        let rows = |span: &str, lo: i64, hi: i64| -> rusqlite::Result<Vec<[i64; 4]>> {
            self.conn
                .prepare_cached(
                    "SELECT start_ms, up_ms, degraded_ms, down_ms FROM rollup
                     WHERE watch_id = ?1 AND span = ?2 AND start_ms >= ?3 AND start_ms < ?4",
                )?
                .query_map(params![id, span, lo, hi], |r| {
                    Ok([r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?])
                })?
                .collect()
        };
        let Some(rolled) = rollup::rolled_until(&self.conn).map_err(err())? else {
            // Nothing rolled up yet: every day from raw checks.
            return self.raw_days(id, bounds, days, i64::MIN);
        };
        for [at, up, degraded, down] in rows("hour", from, until.min(rolled)).map_err(err())? {
            add(at, up, degraded, down);
        }
        let oldest_hour: Option<i64> = self
            .conn
            .prepare_cached(
                "SELECT min(start_ms) FROM rollup WHERE watch_id = ?1 AND span = 'hour'",
            )
            .and_then(|mut s| s.query_row([id], |r| r.get(0)))
            .map_err(err())?;
        // Whole UTC days before the hour rollups (none: every day row is newer than rolled).
        let days_until = rollup::floor_to(oldest_hour.unwrap_or(rolled), DAY_MS);
        let half = DAY_MS / 2;
        for [at, up, degraded, down] in
            rows("day", from - half, days_until.min(until - half)).map_err(err())?
        {
            add(at + half, up, degraded, down);
        }
        self.raw_days(id, bounds, days, rolled)
    }

    /// Adds the time from `rolled` on (the hours not rolled up yet), from raw checks, cut at
    /// the local midnights `bounds`.
    fn raw_days(
        &self,
        id: i64,
        bounds: &[i64],
        days: &mut [Uptime],
        rolled: i64,
    ) -> Result<(), StoreError> {
        for (i, w) in bounds.windows(2).enumerate() {
            if w[1] <= rolled {
                continue;
            }
            let part = self.raw_uptime(id, w[0].max(rolled), w[1])?;
            if let Some(d) = days.get_mut(i) {
                d.up += part.up;
                d.degraded += part.degraded;
                d.down += part.down;
            }
        }
        Ok(())
    }
}

/// Unix ms of the first instant of `date` in `tz`.
fn midnight(date: Date, tz: &TimeZone) -> Result<i64, StoreError> {
    Ok(date
        .to_zoned_datetime(tz.clone())
        .map_err(StoreError::calendar)?
        .timestamp()
        .as_millisecond())
}

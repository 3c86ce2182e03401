//! A latency series of one phase of one watch, downsampled to at most N points for any
//! range ([`Reader::latency_series`]).
//!
//! **The rule.** The range is cut into equal buckets, as few as needed to stay within N and
//! never finer than the source; each point is one bucket's count, min, mean, max and 95th
//! percentile (from the same log-bucket histogram as the rollups, so a point means the same
//! whatever its source). The source is chosen by the range:
//! - up to [`RAW_RANGE`] (24 h, at most 2,880 checks of a 30 s watch) and while the raw rows
//!   of its start are kept: the raw checks;
//! - else, while the hour rollups of its start are kept (90 days, or since the first
//!   record): the hour rollups;
//! - else: the day rollups.
//!
//! The hours not rolled up yet (the last one or so) come from raw checks in every case, so
//! the series reaches the latest check. As in the rollups, only judged up and degraded
//! checks count (a down check's timing is a timeout, not a latency). Buckets with no check
//! have no point: a chart shows the gap.

use std::collections::BTreeMap;
use std::time::{Duration, SystemTime};

use rusqlite::params;

use crate::error::StoreError;
use crate::histogram::Histogram;
use crate::period::{Latency, Phase, PhaseStats, Span};
use crate::reader::Reader;
use crate::records::{from_unix_ms, unix_ms};
use crate::rollup::{self, DAY_MS, HOUR_MS};

/// The longest range read from raw checks.
pub const RAW_RANGE: Duration = Duration::from_secs(86_400);

/// Where a series was read from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SeriesSource {
    /// Raw checks.
    Raw,
    /// Hour rollups (and raw checks for the hours not rolled up yet).
    Hours,
    /// Day rollups (and raw checks for the hours not rolled up yet).
    Days,
}

/// One point: the latency of the checks started in `[start, end)`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LatencyPoint {
    /// Bucket start.
    pub start: SystemTime,
    /// Bucket end.
    pub end: SystemTime,
    /// The bucket's figures, µs.
    pub latency: Latency,
}

/// A downsampled series.
#[derive(Clone, Debug, PartialEq)]
pub struct LatencySeries {
    /// What it was read from.
    pub source: SeriesSource,
    /// Each bucket's length.
    pub bucket: Duration,
    /// The non-empty buckets, oldest first; at most the N asked for.
    pub points: Vec<LatencyPoint>,
}

/// The buckets of a series: `origin` aligned to the source, `width` ms each.
struct Buckets {
    origin: i64,
    width: i64,
    stats: BTreeMap<i64, PhaseStats>,
}

impl Buckets {
    fn new(from_ms: i64, until_ms: i64, grain_ms: i64, max_points: usize) -> Buckets {
        let origin = rollup::floor_to(from_ms, grain_ms);
        let n = i64::try_from(max_points.max(1)).unwrap_or(i64::MAX);
        let span = until_ms.saturating_sub(origin).max(1);
        let width = span.saturating_add(n - 1) / n;
        let width = width.saturating_add(grain_ms - 1) / grain_ms * grain_ms;
        Buckets {
            origin,
            width: width.max(grain_ms),
            stats: BTreeMap::new(),
        }
    }

    fn add(&mut self, at_ms: i64, s: PhaseStats) {
        let k = (at_ms - self.origin).div_euclid(self.width);
        match self.stats.get_mut(&k) {
            Some(b) => b.merge(&s),
            None => {
                self.stats.insert(k, s);
            }
        }
    }

    fn points(self) -> Vec<LatencyPoint> {
        let (origin, width) = (self.origin, self.width);
        self.stats
            .into_iter()
            .filter_map(|(k, s)| {
                Some(LatencyPoint {
                    start: from_unix_ms(origin + k * width),
                    end: from_unix_ms(origin + (k + 1) * width),
                    latency: s.latency()?,
                })
            })
            .collect()
    }
}

impl Reader {
    /// `watch`'s latency of `phase` over `[from, until)` in at most `max_points` points (0
    /// counts as 1), by the rule in [`crate::series`]. An unknown watch or an empty range
    /// has no points.
    pub fn latency_series(
        &self,
        watch: &str,
        phase: Phase,
        from: SystemTime,
        until: SystemTime,
        max_points: usize,
    ) -> Result<LatencySeries, StoreError> {
        let (from_ms, until_ms) = (unix_ms(from), unix_ms(until));
        let err = || self.sqlite("reading a latency series");
        let pruned = rollup::pruned_until(&self.conn)
            .map_err(err())?
            .unwrap_or(i64::MIN);
        let id = self.watch_id(watch)?;
        let (oldest_hour, oldest_day): (Option<i64>, Option<i64>) = match id {
            Some(id) => self
                .conn
                .prepare_cached(
                    "SELECT (SELECT min(start_ms) FROM rollup WHERE watch_id = ?1
                                AND span = 'hour'),
                            (SELECT min(start_ms) FROM rollup WHERE watch_id = ?1
                                AND span = 'day')",
                )
                .and_then(|mut s| s.query_row([id], |r| Ok((r.get(0)?, r.get(1)?))))
                .map_err(err())?,
            None => (None, None),
        };
        // The hour rollups cover `from` unless older ones were deleted (a day row older
        // than the day of the oldest hour row).
        let hours_cover = oldest_hour.is_some_and(|h| {
            let day = rollup::floor_to(h, DAY_MS);
            from_ms >= day || oldest_day.is_none_or(|d| d >= day)
        });
        let raw_range = i64::try_from(RAW_RANGE.as_millis()).unwrap_or(i64::MAX);
        let (source, grain) = if until_ms - from_ms <= raw_range && from_ms >= pruned {
            (SeriesSource::Raw, 1)
        } else if hours_cover || oldest_day.is_none() {
            (SeriesSource::Hours, HOUR_MS)
        } else {
            (SeriesSource::Days, DAY_MS)
        };
        let mut buckets = Buckets::new(from_ms, until_ms, grain, max_points);
        let bucket = Duration::from_millis(u64::try_from(buckets.width).unwrap_or(0));
        let Some(id) = id.filter(|_| until_ms > from_ms) else {
            return Ok(LatencySeries {
                source,
                bucket,
                points: Vec::new(),
            });
        };
        let raw_from = match source {
            SeriesSource::Raw => from_ms,
            SeriesSource::Hours | SeriesSource::Days => {
                let span = if source == SeriesSource::Hours {
                    Span::Hour
                } else {
                    Span::Day
                };
                let rolled = rollup::rolled_until(&self.conn)
                    .map_err(err())?
                    .unwrap_or(i64::MIN);
                self.rollup_latency(id, span, phase, buckets.origin, until_ms.min(rolled))
                    .map_err(err())?
                    .into_iter()
                    .for_each(|(at, s)| buckets.add(at, s));
                rolled.max(from_ms)
            }
        };
        self.raw_latency(id, phase, raw_from, until_ms)
            .map_err(err())?
            .into_iter()
            .for_each(|(at, us)| buckets.add(at, PhaseStats::one(us)));
        Ok(LatencySeries {
            source,
            bucket,
            points: buckets.points(),
        })
    }

    /// `(at_ms, µs)` of the judged up and degraded checks of watch `id` with `phase`.
    fn raw_latency(
        &self,
        id: i64,
        phase: Phase,
        from_ms: i64,
        until_ms: i64,
    ) -> rusqlite::Result<Vec<(i64, i64)>> {
        let column = format!("{}_us", phase.as_str());
        self.conn
            .prepare_cached(&format!(
                "SELECT at_ms, {column} FROM check_result WHERE watch_id = ?1 AND at_ms >= ?2
                 AND at_ms < ?3 AND judged = 1 AND status != 'down' AND {column} IS NOT NULL"
            ))?
            .query_map(params![id, from_ms, until_ms], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })?
            .collect()
    }

    /// `(start_ms, figures)` of watch `id`'s `span` rollups of `phase` in `[from, until)`.
    fn rollup_latency(
        &self,
        id: i64,
        span: Span,
        phase: Phase,
        from_ms: i64,
        until_ms: i64,
    ) -> rusqlite::Result<Vec<(i64, PhaseStats)>> {
        self.conn
            .prepare_cached(
                "SELECT start_ms, n, sum_us, min_us, max_us, buckets FROM rollup_latency
                 WHERE watch_id = ?1 AND span = ?2 AND start_ms >= ?3 AND start_ms < ?4
                 AND phase = ?5",
            )?
            .query_map(
                params![id, span.as_str(), from_ms, until_ms, phase.as_str()],
                |r| {
                    Ok((
                        r.get(0)?,
                        PhaseStats {
                            n: r.get(1)?,
                            sum_us: r.get(2)?,
                            min_us: r.get(3)?,
                            max_us: r.get(4)?,
                            hist: Histogram::from_blob(r.get_ref(5)?.as_blob()?),
                        },
                    ))
                },
            )?
            .collect()
    }
}

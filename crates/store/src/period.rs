//! One rollup row in memory ([`Rollup`]): time in each state, check counts, and each phase's
//! latency (count, sum, min, max and a [`Histogram`] for the 95th percentile); how two merge
//! (an hour into its day) and how they are read and written (`rollup`, `rollup_latency`).

use downwatch_probe::Status;
use rusqlite::{Connection, OptionalExtension, params};

use crate::histogram::Histogram;
pub use crate::span::{PHASES, Phase, Span};
use crate::uptime::Uptime;

/// Checks started in a period, by verdict (64-bit: no counter overflows).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct CheckCounts {
    /// Judged up.
    pub up: i64,
    /// Judged degraded.
    pub degraded: i64,
    /// Judged down.
    pub down: i64,
    /// Recorded but not judged (offline, across a sleep).
    pub unjudged: i64,
}

/// Latency of one phase over a period, µs, from the judged up and degraded checks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Latency {
    /// Checks that had this phase.
    pub count: i64,
    /// Exact minimum.
    pub min_us: i64,
    /// Exact mean (rounded down).
    pub mean_us: i64,
    /// Exact maximum.
    pub max_us: i64,
    /// 95th percentile read from the log-bucket histogram (within 19 %, see
    /// [`crate::histogram`]).
    pub p95_us: i64,
}

/// One phase's figures over a period: count, sum, exact min and max, and the histogram.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct PhaseStats {
    pub(crate) n: i64,
    pub(crate) sum_us: i64,
    pub(crate) min_us: i64,
    pub(crate) max_us: i64,
    pub(crate) hist: Histogram,
}

impl PhaseStats {
    /// The figures of one value, µs.
    pub(crate) fn one(us: i64) -> PhaseStats {
        let mut hist = Histogram::default();
        hist.add(us);
        PhaseStats {
            n: 1,
            sum_us: us,
            min_us: us,
            max_us: us,
            hist,
        }
    }

    /// As a [`Latency`]; `None` when empty.
    pub(crate) fn latency(&self) -> Option<Latency> {
        Some(Latency {
            count: self.n,
            min_us: self.min_us,
            mean_us: self.sum_us / self.n.max(1),
            max_us: self.max_us,
            p95_us: self.hist.quantile(0.95, self.min_us, self.max_us)?,
        })
    }

    pub(crate) fn merge(&mut self, o: &PhaseStats) {
        self.n += o.n;
        self.sum_us = self.sum_us.saturating_add(o.sum_us);
        self.min_us = self.min_us.min(o.min_us);
        self.max_us = self.max_us.max(o.max_us);
        self.hist.merge(&o.hist);
    }
}

/// One watch's figures over one hour or day. Times in ms; `up + degraded + down +
/// unjudged` is the period's length (`unjudged`: not observed).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Rollup {
    /// Time up, ms.
    pub up_ms: i64,
    /// Time degraded, ms.
    pub degraded_ms: i64,
    /// Time down, ms.
    pub down_ms: i64,
    /// Time not judged or not observed, ms.
    pub unjudged_ms: i64,
    /// Checks started in the period.
    pub checks: CheckCounts,
    phases: [Option<PhaseStats>; 5],
}

impl Rollup {
    /// The latency of `phase`, `None` when no up or degraded check had it.
    pub fn latency(&self, phase: Phase) -> Option<Latency> {
        self.phases[phase as usize].as_ref()?.latency()
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.checks == CheckCounts::default() && self.up_ms + self.degraded_ms + self.down_ms == 0
    }

    /// Counts a check started in the period; `phases` in [`PHASES`] order, µs.
    pub(crate) fn count_check(&mut self, status: Status, judged: bool, phases: &[Option<i64>; 5]) {
        let c = &mut self.checks;
        match (judged, status) {
            (false, _) => c.unjudged += 1,
            (true, Status::Up) => c.up += 1,
            (true, Status::Degraded) => c.degraded += 1,
            (true, Status::Down) => c.down += 1,
        }
        // A down check's timing is a timeout, not a latency.
        if !judged || status == Status::Down {
            return;
        }
        for (slot, us) in self.phases.iter_mut().zip(phases) {
            let Some(us) = *us else { continue };
            let one = PhaseStats::one(us);
            match slot {
                Some(s) => s.merge(&one),
                None => *slot = Some(one),
            }
        }
    }

    pub(crate) fn set_time(&mut self, u: &Uptime) {
        let ms = |d: std::time::Duration| i64::try_from(d.as_millis()).unwrap_or(i64::MAX);
        self.up_ms = ms(u.up);
        self.degraded_ms = ms(u.degraded);
        self.down_ms = ms(u.down);
        self.unjudged_ms = ms(u.unobserved());
    }

    /// Adds `o` (another period of the same watch) to this one.
    pub(crate) fn merge(&mut self, o: &Rollup) {
        self.up_ms += o.up_ms;
        self.degraded_ms += o.degraded_ms;
        self.down_ms += o.down_ms;
        self.unjudged_ms += o.unjudged_ms;
        self.checks.up += o.checks.up;
        self.checks.degraded += o.checks.degraded;
        self.checks.down += o.checks.down;
        self.checks.unjudged += o.checks.unjudged;
        for (a, b) in self.phases.iter_mut().zip(&o.phases) {
            match (a.as_mut(), b) {
                (Some(a), Some(b)) => a.merge(b),
                (None, Some(b)) => *a = Some(b.clone()),
                _ => {}
            }
        }
    }
}

/// The stored row of `watch`'s period starting at `start_ms`, if any.
pub(crate) fn read_period(
    conn: &Connection,
    watch: i64,
    span: Span,
    start_ms: i64,
) -> rusqlite::Result<Option<Rollup>> {
    let key = params![watch, span.as_str(), start_ms];
    let row = conn
        .prepare_cached(
            "SELECT up_ms, degraded_ms, down_ms, unjudged_ms, checks_up, checks_degraded,
                    checks_down, checks_unjudged FROM rollup
             WHERE watch_id = ?1 AND span = ?2 AND start_ms = ?3",
        )?
        .query_row(key, |r| {
            Ok(Rollup {
                up_ms: r.get(0)?,
                degraded_ms: r.get(1)?,
                down_ms: r.get(2)?,
                unjudged_ms: r.get(3)?,
                checks: CheckCounts {
                    up: r.get(4)?,
                    degraded: r.get(5)?,
                    down: r.get(6)?,
                    unjudged: r.get(7)?,
                },
                phases: Default::default(),
            })
        })
        .optional()?;
    let Some(mut row) = row else { return Ok(None) };
    let mut stmt = conn.prepare_cached(
        "SELECT phase, n, sum_us, min_us, max_us, buckets FROM rollup_latency
         WHERE watch_id = ?1 AND span = ?2 AND start_ms = ?3",
    )?;
    let mut rows = stmt.query(key)?;
    while let Some(r) = rows.next()? {
        let name = r.get_ref(0)?.as_str()?;
        let Some(i) = PHASES.iter().position(|p| p.as_str() == name) else {
            continue;
        };
        row.phases[i] = Some(PhaseStats {
            n: r.get(1)?,
            sum_us: r.get(2)?,
            min_us: r.get(3)?,
            max_us: r.get(4)?,
            hist: Histogram::from_blob(r.get_ref(5)?.as_blob()?),
        });
    }
    Ok(Some(row))
}

/// Writes (or rewrites) `watch`'s period starting at `start_ms`.
pub(crate) fn write_period(
    conn: &Connection,
    watch: i64,
    span: Span,
    start_ms: i64,
    p: &Rollup,
) -> rusqlite::Result<()> {
    let c = &p.checks;
    conn.prepare_cached(
        "INSERT OR REPLACE INTO rollup (watch_id, span, start_ms, up_ms, degraded_ms, down_ms,
             unjudged_ms, checks_up, checks_degraded, checks_down, checks_unjudged)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
    )?
    .execute(params![
        watch,
        span.as_str(),
        start_ms,
        p.up_ms,
        p.degraded_ms,
        p.down_ms,
        p.unjudged_ms,
        c.up,
        c.degraded,
        c.down,
        c.unjudged
    ])?;
    let mut stmt = conn.prepare_cached(
        "INSERT OR REPLACE INTO rollup_latency (watch_id, span, start_ms, phase, n, sum_us,
             min_us, max_us, buckets) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
    )?;
    for (phase, s) in PHASES.iter().zip(&p.phases) {
        if let Some(s) = s {
            stmt.execute(params![
                watch,
                span.as_str(),
                start_ms,
                phase.as_str(),
                s.n,
                s.sum_us,
                s.min_us,
                s.max_us,
                s.hist.to_blob()
            ])?;
        }
    }
    Ok(())
}

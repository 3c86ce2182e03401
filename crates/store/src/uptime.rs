//! Uptime weighted by time, over observed time only.
//!
//! Each judged check speaks for the time from its start until the next check of the watch,
//! but for at most its interval and half again ([`speaks_until`]): past that nothing was
//! observed (the resident was stopped, the machine slept). Time inside a coverage span
//! (not running, asleep, offline, not recorded) and time of unjudged checks is unobserved
//! too. Checks are taken in wall-clock order and each one's time ends where the next one's
//! begins, so no instant is counted twice: whatever the wall clock did (set back, set
//! forward, checks recorded out of order), `up + degraded + down <= window` and availability
//! never exceeds 100 %. Counting time rather than checks keeps retries (5 s apart while a
//! failure is confirmed) from weighing more than the 30 s of a steady check.

use std::time::Duration;

use downwatch_probe::Status;

/// One check as uptime sees it: its wall-clock start and interval (Unix ms, ms).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Sample {
    /// Start of the check, Unix ms.
    pub at_ms: i64,
    /// The interval in force, ms (> 0).
    pub interval_ms: i64,
    /// Its verdict.
    pub status: Status,
    /// Whether it was judged (unjudged time is unobserved).
    pub judged: bool,
}

/// Time spent in each state within a window.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Uptime {
    /// Up.
    pub up: Duration,
    /// Degraded (working, not well).
    pub degraded: Duration,
    /// Down.
    pub down: Duration,
    /// The window's length; what is not up, degraded or down in it was not observed.
    pub window: Duration,
}

impl Uptime {
    /// Observed time: up, degraded and down.
    pub fn observed(&self) -> Duration {
        self.up + self.degraded + self.down
    }

    /// Time in the window with no judged check (not monitored).
    pub fn unobserved(&self) -> Duration {
        self.window.saturating_sub(self.observed())
    }

    /// Share of observed time the service worked (up or degraded), from 0.0 to 1.0; `None`
    /// when nothing was observed (shown as "no data", never as 100 %).
    pub fn availability(&self) -> Option<f64> {
        let observed = self.observed().as_secs_f64();
        (observed > 0.0).then(|| ((self.up + self.degraded).as_secs_f64() / observed).min(1.0))
    }
}

/// The end (Unix ms) of the time a check started at `at_ms` can speak for: its interval and
/// half again, so a check a little late on a loaded machine leaves no hole.
pub fn speaks_until(at_ms: i64, interval_ms: i64) -> i64 {
    let interval = interval_ms.max(1);
    at_ms.saturating_add(interval.saturating_add(interval / 2))
}

/// Uptime over `[from_ms, until_ms)` from `samples` (any order) and `gaps`, the coverage
/// spans as `(start_ms, end_ms)` (any order; spans ending before they start cover nothing).
pub fn compute(samples: &[Sample], gaps: &[(i64, i64)], from_ms: i64, until_ms: i64) -> Uptime {
    let window_ms = until_ms.saturating_sub(from_ms).max(0);
    let mut out = Uptime {
        window: millis(window_ms),
        ..Uptime::default()
    };
    let gaps = merge(gaps, from_ms, until_ms);
    let mut sorted = samples.to_vec();
    sorted.sort_by_key(|s| s.at_ms);
    for (i, s) in sorted.iter().enumerate() {
        let next = sorted.get(i + 1).map_or(i64::MAX, |n| n.at_ms);
        let start = s.at_ms.max(from_ms);
        let end = speaks_until(s.at_ms, s.interval_ms).min(next).min(until_ms);
        if end <= start || !s.judged {
            continue;
        }
        let length = millis(end - start - overlap(&gaps, start, end));
        match s.status {
            Status::Up => out.up += length,
            Status::Degraded => out.degraded += length,
            Status::Down => out.down += length,
        }
    }
    out
}

fn millis(ms: i64) -> Duration {
    Duration::from_millis(u64::try_from(ms).unwrap_or(0))
}

/// The gaps clipped to the window, sorted and merged so none overlap.
fn merge(gaps: &[(i64, i64)], from_ms: i64, until_ms: i64) -> Vec<(i64, i64)> {
    let mut clipped: Vec<_> = gaps
        .iter()
        .map(|(a, b)| ((*a).max(from_ms), (*b).min(until_ms)))
        .filter(|(a, b)| a < b)
        .collect();
    clipped.sort_unstable();
    let mut merged: Vec<(i64, i64)> = Vec::with_capacity(clipped.len());
    for (a, b) in clipped {
        match merged.last_mut() {
            Some(last) if a <= last.1 => last.1 = last.1.max(b),
            _ => merged.push((a, b)),
        }
    }
    merged
}

/// How much of `[start, end)` the merged `gaps` cover.
fn overlap(gaps: &[(i64, i64)], start: i64, end: i64) -> i64 {
    let first = gaps.partition_point(|g| g.1 <= start);
    gaps[first..]
        .iter()
        .take_while(|g| g.0 < end)
        .map(|g| g.1.min(end) - g.0.max(start))
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    const S: i64 = 1000;
    const MIN: i64 = 60 * S;

    fn every(from: i64, to: i64, step: i64, status: Status) -> Vec<Sample> {
        (0..)
            .map(|k| from + k * step)
            .take_while(|at| *at < to)
            .map(|at_ms| Sample {
                at_ms,
                interval_ms: step,
                status,
                judged: true,
            })
            .collect()
    }

    #[test]
    fn time_not_checks_is_weighed() {
        // 30 s up, then a failure retried twice 5 s apart, then down until the next slot:
        // five checks, but 30 s up and 30 s down.
        let mut s = every(0, 30 * S, 30 * S, Status::Up);
        for at in [30 * S, 35 * S, 40 * S] {
            s.extend(every(at, at + 1, 5 * S, Status::Down));
        }
        s.extend(every(45 * S, 46 * S, 15 * S, Status::Down));
        let u = compute(&s, &[], 0, MIN);
        assert_eq!(u.up, Duration::from_secs(30));
        assert_eq!(u.down, Duration::from_secs(30));
        assert_eq!(u.availability(), Some(0.5));
    }

    #[test]
    fn a_gap_in_checks_is_not_observed() {
        // Up for 10 minutes, nothing for 50 (the resident was stopped), down for 10.
        let mut s = every(0, 10 * MIN, 30 * S, Status::Up);
        s.extend(every(60 * MIN, 70 * MIN, 30 * S, Status::Down));
        let u = compute(&s, &[], 0, 70 * MIN);
        // The last check before the gap speaks for its interval and half again (45 s), no
        // more: 10 min 15 s up, 10 min down (the window ends), the rest unobserved.
        assert_eq!(u.up, Duration::from_secs(615));
        assert_eq!(u.down, Duration::from_secs(600));
        assert_eq!(u.unobserved(), Duration::from_secs(70 * 60 - 1215));
        assert_eq!(u.availability(), Some(615.0 / 1215.0));
    }

    #[test]
    fn coverage_spans_and_unjudged_checks_are_not_observed() {
        let mut s = every(0, 10 * MIN, MIN, Status::Up);
        s[3].judged = false;
        // Asleep from 5:30 to 7:00 (overlapping spans merge).
        let gaps = [
            (5 * MIN + 30 * S, 6 * MIN),
            (5 * MIN + 45 * S, 7 * MIN),
            (7 * MIN, 6 * MIN),
        ];
        let u = compute(&s, &gaps, 0, 10 * MIN);
        assert_eq!(
            u.up,
            Duration::from_millis((10 * MIN - MIN - 90 * S) as u64)
        );
        assert_eq!(u.availability(), Some(1.0));
    }

    #[test]
    fn a_clock_set_back_never_gives_more_than_the_window() {
        // Up from 0 to 10 min, then the clock is set back 30 minutes: the next checks
        // (recorded later) carry times from -20 to -10 min, down, then it goes on.
        let mut s = every(0, 10 * MIN, 30 * S, Status::Up);
        s.extend(every(-20 * MIN, -10 * MIN, 30 * S, Status::Down));
        let u = compute(&s, &[], -30 * MIN, 10 * MIN);
        assert!(u.observed() <= u.window);
        assert_eq!(u.up, Duration::from_secs(600));
        assert_eq!(u.down, Duration::from_secs(615));
        // Two checks at the same instant count once.
        let twice = [s[0], s[0]];
        assert_eq!(compute(&twice, &[], 0, MIN).up, Duration::from_secs(45));
    }

    #[test]
    fn any_sequence_stays_within_the_window() {
        // A seeded generator of jumpy clocks: forward, back, duplicates, long gaps.
        let mut x: u64 = 0x2545_f491_4f6c_dd1d;
        let mut next = |m: u64| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x % m
        };
        for _ in 0..200 {
            let mut at = 0i64;
            let mut s = Vec::new();
            for _ in 0..50 {
                at += i64::try_from(next(120_000)).unwrap_or(0) - 40_000;
                let status = [Status::Up, Status::Degraded, Status::Down][next(3) as usize];
                s.push(Sample {
                    at_ms: at,
                    interval_ms: 1 + i64::try_from(next(60_000)).unwrap_or(0),
                    status,
                    judged: next(5) != 0,
                });
            }
            let gaps = [(-5 * MIN, -4 * MIN), (10 * MIN, 12 * MIN)];
            let u = compute(&s, &gaps, -10 * MIN, 60 * MIN);
            assert!(u.observed() <= u.window, "{u:?}");
            assert!(u.availability().is_none_or(|a| (0.0..=1.0).contains(&a)));
        }
    }

    #[test]
    fn nothing_observed_is_no_data_not_full_uptime() {
        let u = compute(&[], &[], 0, MIN);
        assert_eq!(u.availability(), None);
        assert_eq!(u.unobserved(), Duration::from_secs(60));
    }
}

//! When each watch runs: start offsets spread over the interval, slots that do not drift,
//! quick retries while a change is being confirmed, and back-off for a watch that stays
//! down. Pure functions of times; the loop (`runner/timing.rs`) only calls them.

use std::time::Duration;

use tokio::time::Instant;

/// A stable offset within `interval` for a watch name, so that watches start spread out
/// (and keep the same phase across restarts).
pub fn initial_offset(name: &str, interval: Duration) -> Duration {
    // FNV-1a: stable across runs and platforms, unlike the std hasher.
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in name.bytes() {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    let millis = u64::try_from(interval.as_millis())
        .unwrap_or(u64::MAX)
        .max(1);
    Duration::from_millis(hash % millis)
}

/// The first slot `anchor + k * interval` (k >= 1) that is after `now`: the schedule keeps
/// its phase however long a probe took, and slots missed (the machine was busy) are skipped
/// rather than run in a burst.
pub fn next_slot(anchor: Instant, interval: Duration, now: Instant) -> Instant {
    let interval = interval.max(Duration::from_millis(1));
    let mut next = anchor + interval;
    if next <= now {
        let behind = now.duration_since(next).as_nanos();
        let steps = behind / interval.as_nanos() + 1;
        let steps = u32::try_from(steps).unwrap_or(u32::MAX);
        next += interval.saturating_mul(steps);
    }
    next
}

/// A watch down for a long time is probed less often: the interval doubles after 10 minutes
/// down and quadruples after an hour (polite to a provider in trouble; recovery is then
/// noticed within a few minutes).
pub fn backoff(interval: Duration, down_for: Duration) -> Duration {
    if down_for >= Duration::from_secs(3600) {
        interval * 4
    } else if down_for >= Duration::from_secs(600) {
        interval * 2
    } else {
        interval
    }
}

/// The next check of a watch whose change is being confirmed (a failure after successes, or
/// the reverse): `retry` after the *start* of its last check, or `now` when that moment has
/// passed. Spacing from the start means a black-holed check that used its whole timeout
/// (8 s by default, longer than the 5 s retry) is retried at once, not `retry` later again,
/// so three timeouts confirm an outage in 3 × timeout.
pub fn retry_at(last_started: Instant, retry: Duration, now: Instant) -> Instant {
    (last_started + retry).max(now)
}

/// The next check of a settled watch (not confirming anything), which is also its new
/// anchor: the next slot on the grid of `anchor` (see [`next_slot`]) with the interval
/// backed off as [`backoff`] says for a watch down for `down_for` (zero when it is not
/// down), and never more than that interval after `now` (an anchor left in the future, by a
/// check pulled forward or a shorter interval after a reload, does not push the check away).
pub fn next_settled(
    anchor: Instant,
    interval: Duration,
    down_for: Duration,
    now: Instant,
) -> Instant {
    let interval = backoff(interval, down_for);
    next_slot(anchor, interval, now).min(now + interval)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets_are_stable_and_within_the_interval() {
        let i = Duration::from_secs(30);
        assert_eq!(
            initial_offset("WhatsApp Web", i),
            initial_offset("WhatsApp Web", i)
        );
        assert_ne!(
            initial_offset("WhatsApp Web", i),
            initial_offset("Gmail", i)
        );
        let offsets: Vec<_> = (0..200)
            .map(|n| initial_offset(&format!("w{n}"), i))
            .collect();
        assert!(offsets.iter().all(|o| *o < i));
        let first_half = offsets.iter().filter(|o| **o < i / 2).count();
        assert!(
            (70..130).contains(&first_half),
            "spread: {first_half} of 200 in the first half"
        );
    }

    #[test]
    fn slots_keep_their_phase() {
        let t0 = Instant::now();
        let i = Duration::from_secs(30);
        assert_eq!(next_slot(t0, i, t0 + Duration::from_secs(2)), t0 + i);
        // A probe that overran two slots resumes on the grid, without a burst.
        assert_eq!(
            next_slot(t0, i, t0 + Duration::from_secs(65)),
            t0 + Duration::from_secs(90)
        );
        assert_eq!(next_slot(t0, i, t0 + i), t0 + Duration::from_secs(60));
    }

    #[test]
    fn backoff_steps() {
        let i = Duration::from_secs(30);
        assert_eq!(backoff(i, Duration::from_secs(60)), i);
        assert_eq!(backoff(i, Duration::from_secs(601)), i * 2);
        assert_eq!(backoff(i, Duration::from_secs(7200)), i * 4);
        // The steps begin exactly at 10 minutes and at an hour.
        assert_eq!(backoff(i, Duration::from_secs(599)), i);
        assert_eq!(backoff(i, Duration::from_secs(600)), i * 2);
        assert_eq!(backoff(i, Duration::from_secs(3599)), i * 2);
        assert_eq!(backoff(i, Duration::from_secs(3600)), i * 4);
    }

    #[test]
    fn retries_are_spaced_from_the_start_of_the_last_check() {
        let t0 = Instant::now();
        let retry = Duration::from_secs(5);
        let s = Duration::from_secs;
        // A check that failed in 1 s is retried 5 s after it started, 4 s from now.
        assert_eq!(retry_at(t0, retry, t0 + s(1)), t0 + s(5));
        // A check that used its whole 8 s timeout is retried at once.
        assert_eq!(retry_at(t0, retry, t0 + s(8)), t0 + s(8));
        assert_eq!(retry_at(t0, retry, t0 + s(5)), t0 + s(5));
    }

    #[test]
    fn settled_watches_keep_the_grid_and_back_off_when_long_down() {
        let t0 = Instant::now();
        let i = Duration::from_secs(30);
        let s = Duration::from_secs;
        // Up: the next slot of the 30 s grid.
        assert_eq!(next_settled(t0, i, s(0), t0 + s(31)), t0 + s(60));
        // Down for 11 minutes: a 60 s grid from the same anchor.
        assert_eq!(next_settled(t0, i, s(660), t0 + s(31)), t0 + s(60));
        assert_eq!(next_settled(t0, i, s(660), t0 + s(61)), t0 + s(120));
        // Down for two hours: a 120 s grid.
        assert_eq!(next_settled(t0, i, s(7200), t0 + s(61)), t0 + s(120));
        assert_eq!(next_settled(t0, i, s(7200), t0 + s(121)), t0 + s(240));
        // An anchor in the future never puts the check more than an interval away.
        assert_eq!(next_settled(t0 + s(100), i, s(0), t0), t0 + s(30));
    }
}

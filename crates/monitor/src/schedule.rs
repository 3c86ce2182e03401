//! When each watch runs: start offsets spread over the interval, slots that do not drift,
//! and back-off for a watch that stays down. Pure functions of times.

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
    }
}

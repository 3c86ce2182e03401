//! Time, passed in: the monotonic clock that drives the schedule (tokio's, so tests run on a
//! paused clock) and the wall clock that stamps events and shows through a sleep.

use std::sync::Mutex;
use std::time::{Duration, SystemTime};

use tokio::time::Instant;

/// The two clocks the monitor reads.
pub trait Clock: Send + Sync + 'static {
    /// Monotonic time (does not advance while the machine sleeps).
    fn now(&self) -> Instant;
    /// Wall-clock time.
    fn wall(&self) -> SystemTime;
    /// Local time of day in minutes since midnight (quiet hours).
    fn local_minute(&self) -> u16;
}

/// The real clocks.
#[derive(Clone, Copy, Debug, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> Instant {
        Instant::now()
    }
    fn wall(&self) -> SystemTime {
        SystemTime::now()
    }
    fn local_minute(&self) -> u16 {
        use chrono::Timelike;
        let now = chrono::Local::now();
        u16::try_from(now.hour() * 60 + now.minute()).unwrap_or(0)
    }
}

/// A wall clock that follows tokio's (paused, in tests) monotonic clock from a fixed start,
/// plus jumps: `jump` makes the wall clock leap ahead as it does across a suspend.
#[derive(Debug)]
pub struct SteppedClock {
    start: Instant,
    wall0: SystemTime,
    jumped: Mutex<Duration>,
}

impl SteppedClock {
    /// Starts at `wall0`, now.
    pub fn new(wall0: SystemTime) -> Self {
        SteppedClock {
            start: Instant::now(),
            wall0,
            jumped: Mutex::new(Duration::ZERO),
        }
    }

    /// Moves the wall clock ahead without the monotonic one (a suspend).
    pub fn jump(&self, by: Duration) {
        *self
            .jumped
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner) += by;
    }
}

impl Clock for SteppedClock {
    fn now(&self) -> Instant {
        Instant::now()
    }
    fn wall(&self) -> SystemTime {
        let jumped = *self
            .jumped
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        self.wall0 + (Instant::now() - self.start) + jumped
    }
    fn local_minute(&self) -> u16 {
        let secs = self
            .wall()
            .duration_since(SystemTime::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
        u16::try_from((secs / 60) % (24 * 60)).unwrap_or(0)
    }
}

/// Notices when the wall clock ran ahead of the monotonic one: the machine slept (Linux's
/// CLOCK_MONOTONIC stops during suspend) or the clock was set. Either way the gap proves
/// nothing about the services.
#[derive(Debug)]
pub struct GapDetector {
    last: Option<(Instant, SystemTime)>,
    tolerance: Duration,
}

impl GapDetector {
    /// Gaps above `tolerance` count.
    pub fn new(tolerance: Duration) -> Self {
        GapDetector {
            last: None,
            tolerance,
        }
    }

    /// Records a reading; returns the gap when the clocks disagree by more than the tolerance.
    pub fn observe(&mut self, mono: Instant, wall: SystemTime) -> Option<Duration> {
        let previous = self.last.replace((mono, wall));
        let (last_mono, last_wall) = previous?;
        let mono_elapsed = mono.duration_since(last_mono);
        let gap = match wall.duration_since(last_wall) {
            Ok(wall_elapsed) => wall_elapsed.saturating_sub(mono_elapsed),
            // The wall clock went back: set by hand or by NTP.
            Err(e) => e.duration() + mono_elapsed,
        };
        (gap > self.tolerance).then_some(gap)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn a_suspend_is_a_gap_and_normal_time_is_not() {
        let clock = SteppedClock::new(SystemTime::UNIX_EPOCH + Duration::from_secs(1_000_000));
        let mut gaps = GapDetector::new(Duration::from_secs(10));
        assert_eq!(gaps.observe(clock.now(), clock.wall()), None);
        tokio::time::advance(Duration::from_secs(30)).await;
        assert_eq!(gaps.observe(clock.now(), clock.wall()), None);
        clock.jump(Duration::from_secs(3600));
        tokio::time::advance(Duration::from_secs(5)).await;
        assert_eq!(
            gaps.observe(clock.now(), clock.wall()),
            Some(Duration::from_secs(3600))
        );
        tokio::time::advance(Duration::from_secs(5)).await;
        assert_eq!(gaps.observe(clock.now(), clock.wall()), None);
    }
}

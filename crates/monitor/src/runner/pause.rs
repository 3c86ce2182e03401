//! The global pause as the loop holds it (its end on the monotonic and the wall clock) and
//! as `paused.json` keeps it across a restart.

use std::time::{Duration, SystemTime};

use tokio::time::Instant;

use crate::snapshot::Pause;
use crate::walltime::from_millis;

/// A pause in the loop: its end on both clocks.
#[derive(Clone, Copy, Debug)]
pub(super) struct PauseRt {
    pub(super) until: Option<(Instant, SystemTime)>,
}

impl PauseRt {
    pub(super) fn new(duration: Option<Duration>, now: Instant, wall: SystemTime) -> Self {
        PauseRt {
            until: duration.map(|d| (now + d, wall + d)),
        }
    }

    /// A global pause read back after a restart (`until` in Unix milliseconds; `None`:
    /// until resumed), or nothing when it ended meanwhile.
    pub(super) fn restored(saved: &SavedPause, now: Instant, wall: SystemTime) -> Option<Self> {
        match saved.until {
            None => Some(PauseRt { until: None }),
            Some(ms) => {
                let end = from_millis(ms);
                let left = end.duration_since(wall).ok().filter(|d| !d.is_zero())?;
                Some(PauseRt {
                    until: Some((now + left, end)),
                })
            }
        }
    }

    pub(super) fn ended(&self, now: Instant) -> bool {
        self.until.is_some_and(|(end, _)| now >= end)
    }

    pub(super) fn public(&self) -> Pause {
        Pause {
            until: self.until.map(|(_, wall)| wall),
        }
    }
}

/// The global pause as kept in `paused.json`.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub(super) struct SavedPause {
    /// The end in Unix milliseconds; `None`: until resumed.
    pub(super) until: Option<u64>,
}

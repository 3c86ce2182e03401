//! What a client of the resident reads: an owned picture of every watch, the connectivity
//! verdict and the pause, published by the loop (see [`crate::resident`]). A tray, the local
//! API or a test renders it without touching the loop's internals.
//!
//! It stays cheap at thousands of watches: each watch's part is an `Arc` the loop replaces
//! only when that watch changes, so a new snapshot shares every unchanged part with the
//! previous one, and the loop publishes at most every [`PUBLISH_EVERY`].

use std::sync::Arc;
use std::time::{Duration, SystemTime};

use downwatch_probe::{Cause, Layer, Phases, ProbeResult, Status};
use downwatch_text::Message;

use crate::incidents::Incident;
use crate::state::{Verdict, WatchState};

/// Changes are gathered and published at most this often (a burst of results is one update).
pub const PUBLISH_EVERY: Duration = Duration::from_millis(200);

/// Every watch's state, the verdict and the pause, at one moment.
#[derive(Clone, Debug, PartialEq)]
pub struct Snapshot {
    /// The watches, in configuration order (enabled ones).
    pub watches: Vec<Arc<WatchSnapshot>>,
    /// Is it me or them.
    pub verdict: Verdict,
    /// The global pause, when every watch (and the connectivity controls) is paused.
    pub paused: Option<Pause>,
    /// When this snapshot was published (wall clock).
    pub taken: SystemTime,
}

/// One watch.
#[derive(Clone, Debug, PartialEq)]
pub struct WatchSnapshot {
    /// Its name (unique).
    pub name: String,
    /// Its provider group.
    pub group: Option<String>,
    /// Its judged state (`Paused` while paused, by itself or with every watch).
    pub state: WatchState,
    /// Since when it is in that state (the first failed check for Down and Degraded);
    /// `None` before its first judgement.
    pub since: Option<SystemTime>,
    /// Its last check, judged or not.
    pub last: Option<LastCheck>,
    /// Its open incident.
    pub incident: Option<Incident>,
    /// Its own pause (a global pause is [`Snapshot::paused`]).
    pub paused: Option<Pause>,
    /// Never notified (from the configuration).
    pub muted: bool,
}

/// A pause: until a time, or until resumed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Pause {
    /// When it ends by itself (wall clock); `None`: until resumed.
    pub until: Option<SystemTime>,
}

/// The last check of a watch, as a list or a tooltip shows it.
#[derive(Clone, Debug, PartialEq)]
pub struct LastCheck {
    /// When it was taken (wall clock).
    pub at: SystemTime,
    /// Up, degraded or down.
    pub status: Status,
    /// The failing layer.
    pub layer: Option<Layer>,
    /// The cause.
    pub cause: Option<Cause>,
    /// The probe's message as data (id and typed arguments), for a failure: clients render
    /// it in their user's language with the catalog (`downwatch_text`).
    pub message: Option<Message>,
    /// Time spent in each phase (absent phases were not reached).
    pub phases: Phases,
    /// Whether it was fed to the detector (not while offline, settling or paused).
    pub judged: bool,
}

impl LastCheck {
    /// The last check of a result taken at `at`.
    pub fn of(result: &ProbeResult, at: SystemTime, judged: bool) -> LastCheck {
        LastCheck {
            at,
            status: result.status,
            layer: result.layer(),
            cause: result.cause(),
            message: result.failure.as_ref().map(|f| f.text.clone()),
            phases: result.phases,
            judged,
        }
    }
}

impl Snapshot {
    /// The watch of that name.
    pub fn watch(&self, name: &str) -> Option<&WatchSnapshot> {
        self.watches
            .iter()
            .find(|w| w.name == name)
            .map(AsRef::as_ref)
    }
}

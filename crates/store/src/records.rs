//! What the store is given to keep. These are the store's own input types, defined here until
//! the resident's sink feeds it (issue 10): the resident turns its events into them. Times
//! are wall-clock `SystemTime`s (stored as Unix milliseconds, UTC); durations are stored in
//! microseconds.

use std::net::SocketAddr;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use downwatch_probe::{Cause, Layer, Phases, Status};

/// A message as ids and arguments, so history renders in the language it is read in:
/// `id` is a message id of the catalog (`crates/monitor/locales/`), `args` a JSON object of
/// its arguments (`{"host": "mail.example", "code": "SERVFAIL"}`).
#[derive(Clone, Debug, PartialEq)]
pub struct MessageRef {
    /// The catalog's message id.
    pub id: String,
    /// Its arguments, a JSON object.
    pub args: serde_json::Map<String, serde_json::Value>,
}

/// Why a check was not up: the failing layer, the stable cause and the message.
#[derive(Clone, Debug, PartialEq)]
pub struct Failure {
    /// The layer it is pinned to.
    pub layer: Layer,
    /// The stable cause (its code is what is stored).
    pub cause: Cause,
    /// What to tell the user; its arguments are stored only for failures, to stay small.
    pub message: MessageRef,
}

/// One check of one watch, as the resident ran it. One row of `check_result`.
#[derive(Clone, Debug, PartialEq)]
pub struct CheckRecord {
    /// The watch's name (the store keeps one `watch` row per name).
    pub watch: String,
    /// When the check started (wall clock).
    pub at: SystemTime,
    /// How long this result speaks for: the interval in force when it ran (after back-off),
    /// so uptime can tell a gap in checks from a steady state (see `uptime`).
    pub interval: Duration,
    /// The verdict.
    pub status: Status,
    /// `false` when it was recorded but not judged (taken while offline, across a sleep or a
    /// network change): such time is not observed time.
    pub judged: bool,
    /// Why it was not up (down, or degraded with a cause).
    pub failure: Option<Failure>,
    /// Phase timings; a phase never reached is absent.
    pub phases: Phases,
    /// The address the probe connected to.
    pub address: Option<SocketAddr>,
    /// The final HTTP status code, for HTTP targets that got an answer.
    pub http_status: Option<u16>,
}

/// The kind of an incident, the worst seen while it was open.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum IncidentKind {
    /// Confirmed down.
    Down,
    /// Confirmed degraded.
    Degraded,
    /// Failing intermittently.
    Unstable,
}

impl IncidentKind {
    /// Stable lower-case name, as stored (`down`, `degraded`, `unstable`).
    pub fn as_str(self) -> &'static str {
        match self {
            IncidentKind::Down => "down",
            IncidentKind::Degraded => "degraded",
            IncidentKind::Unstable => "unstable",
        }
    }
}

/// An incident as it stands: written when opened, again when it gets worse and when it
/// closes (the row is keyed by `id`, so each write replaces the last). One row of `incident`.
#[derive(Clone, Debug, PartialEq)]
pub struct IncidentRecord {
    /// The monitor's stable incident id.
    pub id: String,
    /// The watch.
    pub watch: String,
    /// The id shared by the incidents of one group outage.
    pub group_incident: Option<String>,
    /// The worst kind seen.
    pub kind: IncidentKind,
    /// First failed check of the run.
    pub start: SystemTime,
    /// Recovery, once closed.
    pub end: Option<SystemTime>,
    /// The dominant reason, when known.
    pub failure: Option<Failure>,
}

/// A notification that left the process. One row of `notification`, kept for good.
#[derive(Clone, Debug, PartialEq)]
pub struct NotificationRecord {
    /// When it was sent.
    pub at: SystemTime,
    /// The incident it is about, when one.
    pub incident: Option<String>,
    /// The watches it names, in the order it names them.
    pub watches: Vec<String>,
    /// Its title and body as catalog messages.
    pub message: MessageRef,
}

/// Why a span of time has no judged checks. Coverage is data: such time is never counted as
/// up (nor as down).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum CoverageKind {
    /// The resident was not running (found at start-up: from the last write to now).
    NotRunning,
    /// The machine slept.
    Asleep,
    /// The connectivity verdict was not online ("is it me": it was).
    Offline,
    /// Checks ran but could not be written (a full disk, a full queue).
    NotRecorded,
}

impl CoverageKind {
    /// Stable lower-case name, as stored.
    pub fn as_str(self) -> &'static str {
        match self {
            CoverageKind::NotRunning => "not_running",
            CoverageKind::Asleep => "asleep",
            CoverageKind::Offline => "offline",
            CoverageKind::NotRecorded => "not_recorded",
        }
    }
}

/// A span of time without coverage, for every watch. One row of `coverage`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CoverageSpan {
    /// Why.
    pub kind: CoverageKind,
    /// Start (wall clock).
    pub start: SystemTime,
    /// End (wall clock). A span that ends before it starts (the clock was set back) covers
    /// nothing.
    pub end: SystemTime,
}

/// One thing to write, as the writer thread receives it.
#[derive(Clone, Debug, PartialEq)]
pub enum Record {
    /// A check result.
    Check(CheckRecord),
    /// An incident opened, updated or closed.
    Incident(IncidentRecord),
    /// A notification sent.
    Notification(NotificationRecord),
    /// A span without coverage.
    Coverage(CoverageSpan),
    /// The resident is alive at this wall-clock time (written with the next batch, so a
    /// later start-up knows where the "not running" span begins even when nothing else
    /// happened).
    Alive(SystemTime),
}

/// Unix milliseconds of `t` (negative before 1970), saturating far outside i64's range.
pub fn unix_ms(t: SystemTime) -> i64 {
    match t.duration_since(UNIX_EPOCH) {
        Ok(after) => i64::try_from(after.as_millis()).unwrap_or(i64::MAX),
        Err(before) => i64::try_from(before.duration().as_millis())
            .map(|ms| -ms)
            .unwrap_or(i64::MIN),
    }
}

/// The `SystemTime` of Unix milliseconds `ms`.
pub fn from_unix_ms(ms: i64) -> SystemTime {
    let abs = Duration::from_millis(ms.unsigned_abs());
    if ms >= 0 {
        UNIX_EPOCH + abs
    } else {
        UNIX_EPOCH - abs
    }
}

/// Microseconds of `d`, saturating.
pub(crate) fn micros(d: Duration) -> i64 {
    i64::try_from(d.as_micros()).unwrap_or(i64::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unix_milliseconds_both_sides_of_1970() {
        assert_eq!(unix_ms(UNIX_EPOCH + Duration::from_millis(1500)), 1500);
        assert_eq!(unix_ms(UNIX_EPOCH - Duration::from_millis(1500)), -1500);
        for ms in [-1500, 0, 1, 1_764_460_800_123] {
            assert_eq!(unix_ms(from_unix_ms(ms)), ms);
        }
    }
}

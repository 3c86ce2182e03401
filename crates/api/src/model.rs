//! The data inside answers: owned, plain, times as Unix milliseconds (UTC) and durations as
//! milliseconds (fractional), codes as the stable lower-case names of `downwatch check
//! --json` and the events file. Layers and causes travel as those codes, not as enums of
//! this crate: a newer resident may know a cause an older window does not, and the window
//! must still show the rest (the store reads unknown codes the same way).

use downwatch_text::Message;
use serde::{Deserialize, Serialize};
#[cfg(feature = "ts")]
use ts_rs::TS;

/// A check's verdict.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(TS))]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Working.
    Up,
    /// Working badly.
    Degraded,
    /// Failing.
    Down,
}

/// The judged state of a watch.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(TS))]
#[serde(rename_all = "snake_case")]
pub enum State {
    /// Not judged yet.
    Unknown,
    /// Working.
    Up,
    /// Working badly, confirmed.
    Degraded,
    /// Failing, confirmed.
    Down,
    /// Failing intermittently.
    Unstable,
    /// Paused by the user.
    Paused,
}

/// Is it me or them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(TS))]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// The controls answer: failures of watches are theirs.
    Online,
    /// Nothing answers.
    Offline,
    /// A login page answers instead.
    CaptivePortal,
    /// Names fail through the system resolver while addresses work.
    LocalDnsBroken,
}

/// Every watch, the verdict and the pause, at one moment.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct Snapshot {
    /// The enabled watches, in configuration order.
    pub watches: Vec<Watch>,
    /// Is it me or them.
    pub verdict: Verdict,
    /// The global pause, if any.
    pub paused: Option<Pause>,
    /// When the resident published it.
    pub taken_ms: i64,
}

/// One watch in a [`Snapshot`].
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct Watch {
    /// Its unique name.
    pub name: String,
    /// Its provider group.
    pub group: Option<String>,
    /// Its judged state.
    pub state: State,
    /// Since when (the first failed check for down and degraded); `None` before the first
    /// judgement.
    pub since_ms: Option<i64>,
    /// Its last check, judged or not.
    pub last: Option<LastCheck>,
    /// Its open incident.
    pub incident: Option<Incident>,
    /// Its own pause.
    pub paused: Option<Pause>,
    /// Never notified.
    pub muted: bool,
}

/// A pause.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct Pause {
    /// When it ends by itself; `None`: until resumed.
    pub until_ms: Option<i64>,
}

/// The last check of a watch.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct LastCheck {
    /// When it started.
    pub at_ms: i64,
    /// Its verdict.
    pub status: Status,
    /// The failing layer's code (`dns`, `tcp`, `tls`, `http`, `setup`).
    pub layer: Option<String>,
    /// The cause's code (`connection_refused`...).
    pub cause: Option<String>,
    /// The failure's message as data, rendered by the client in its language.
    pub message: Option<Message>,
    /// Time in each phase.
    pub phases: Phases,
    /// Whether it was judged (not while offline, settling or paused).
    pub judged: bool,
}

/// Phase timings in milliseconds; a phase never reached is `None`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct Phases {
    /// Name resolution.
    pub dns_ms: Option<f64>,
    /// TCP connect.
    pub connect_ms: Option<f64>,
    /// TLS handshake.
    pub tls_ms: Option<f64>,
    /// Request sent to response headers.
    pub ttfb_ms: Option<f64>,
    /// The whole check.
    pub total_ms: f64,
}

/// An incident (open in a snapshot; open or closed in the history).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct Incident {
    /// Its stable id.
    pub id: String,
    /// The watch.
    pub watch: String,
    /// Shared by the incidents of one group outage.
    pub group_incident: Option<String>,
    /// The worst kind seen: `down`, `degraded` or `unstable`.
    pub kind: String,
    /// The dominant layer's code.
    pub layer: Option<String>,
    /// The dominant cause's code.
    pub cause: Option<String>,
    /// First failed check.
    pub start_ms: i64,
    /// Recovery, once closed.
    pub end_ms: Option<i64>,
}

/// Where a page of checks or incidents ended; pass it back as `after` for the next page.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct Cursor {
    /// The last row's start.
    pub at_ms: i64,
    /// The last row's id.
    pub id: i64,
}

/// A failure's message as stored: the catalog id and its arguments as JSON.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct StoredMessage {
    /// The catalog id.
    pub id: String,
    /// The arguments, as [`Message`] serializes them.
    pub args: serde_json::Map<String, serde_json::Value>,
}

/// One stored check.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct Check {
    /// Its row id.
    pub id: i64,
    /// When it started.
    pub at_ms: i64,
    /// Its verdict.
    pub status: Status,
    /// Whether it was judged.
    pub judged: bool,
    /// The failing layer's code.
    pub layer: Option<String>,
    /// The cause's code (`None` for an up check, or a code this build does not know).
    pub cause: Option<String>,
    /// The message of a failure.
    pub message: Option<StoredMessage>,
    /// The address connected to.
    pub address: Option<String>,
    /// The final HTTP status.
    pub http_status: Option<u16>,
    /// Phase timings.
    pub phases: Phases,
}

/// The latest stored check of a watch.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct LatestCheck {
    /// The watch.
    pub watch: String,
    /// Its latest check.
    pub check: Check,
}

/// Uptime over a window, by time.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct Uptime {
    /// Time up, ms.
    pub up_ms: i64,
    /// Time degraded, ms.
    pub degraded_ms: i64,
    /// Time down, ms.
    pub down_ms: i64,
    /// The window's length, ms (the rest was not observed).
    pub window_ms: i64,
    /// (up + degraded) / observed, 0 to 1; `None` when nothing was observed.
    pub availability: Option<f64>,
}

/// The length of a rollup period.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(TS))]
#[serde(rename_all = "snake_case")]
pub enum Span {
    /// One UTC hour (kept 91 days).
    Hour,
    /// One UTC day (kept for good).
    Day,
}

/// A phase of a check, as rollups keep latency for it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(TS))]
#[serde(rename_all = "snake_case")]
pub enum Phase {
    /// Name resolution.
    Dns,
    /// TCP connect.
    Connect,
    /// TLS handshake.
    Tls,
    /// Time to first byte.
    Ttfb,
    /// The whole check.
    Total,
}

/// One phase's latency over a period, µs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct Latency {
    /// The phase.
    pub phase: Phase,
    /// Checks that had it.
    pub count: i64,
    /// Minimum.
    pub min_us: i64,
    /// Mean.
    pub mean_us: i64,
    /// Maximum.
    pub max_us: i64,
    /// 95th percentile (within 19 %).
    pub p95_us: i64,
}

/// One watch's figures over one hour or day.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct RollupRow {
    /// The period's start.
    pub start_ms: i64,
    /// Time up, ms.
    pub up_ms: i64,
    /// Time degraded, ms.
    pub degraded_ms: i64,
    /// Time down, ms.
    pub down_ms: i64,
    /// Time not judged or not observed, ms.
    pub unjudged_ms: i64,
    /// Checks judged up.
    pub checks_up: i64,
    /// Checks judged degraded.
    pub checks_degraded: i64,
    /// Checks judged down.
    pub checks_down: i64,
    /// Checks not judged.
    pub checks_unjudged: i64,
    /// Latency of each phase that up or degraded checks had.
    pub latency: Vec<Latency>,
}

/// A watch as the history last saw it (`current`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct StoredNow {
    /// The watch.
    pub watch: String,
    /// Its latest stored check.
    pub latest: Check,
    /// Since when its checks have had the latest one's status.
    pub since_ms: i64,
    /// False when raw checks older than `since_ms` were already pruned (it is a lower
    /// bound then).
    pub since_exact: bool,
    /// Its open incidents.
    pub open_incidents: Vec<Incident>,
}

/// Where a latency series was read from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(TS))]
#[serde(rename_all = "snake_case")]
pub enum SeriesSource {
    /// Raw checks.
    Raw,
    /// Hour rollups (and raw checks for hours not rolled up yet).
    Hours,
    /// Day rollups (and raw checks for hours not rolled up yet).
    Days,
}

/// One point of a latency series: the checks started in `[start_ms, end_ms)`.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct LatencyPoint {
    /// Bucket start.
    pub start_ms: i64,
    /// Bucket end.
    pub end_ms: i64,
    /// Its figures (µs).
    pub latency: Latency,
}

/// A day's availability state, for the availability bars.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(TS))]
#[serde(rename_all = "snake_case")]
pub enum DayState {
    /// Up all the time observed.
    Up,
    /// Degraded at some point, never down.
    Degraded,
    /// Down at some point.
    Down,
    /// Nothing observed.
    NotMonitored,
}

/// One local day.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct Day {
    /// The date (`2026-11-30`).
    pub date: String,
    /// Its local midnight.
    pub start_ms: i64,
    /// The next local midnight (23 or 25 hours later on a clock change).
    pub end_ms: i64,
    /// Its uptime.
    pub uptime: Uptime,
    /// Its state.
    pub state: DayState,
}

//! The always-on loop: one task owns every watch's state; probes run as tasks and report
//! back; connectivity is re-evaluated before a failure may confirm an outage; the policy's
//! notices are rendered and delivered without blocking the loop.
//!
//! Data flows one way: schedule → probe → result → detector → (change, incident) → sink,
//! policy → announcer.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use downwatch_config::{Config, ConfigError, ProbeSettings};
use downwatch_probe::{Check, ProbeResult, Status, Target};
use tokio::sync::{mpsc, watch};
use tokio::time::Instant;

use crate::clock::Clock;
use crate::connectivity::{self, ControlResult};
use crate::deliver::DeliveryFailure;
use crate::detector::{Detector, Outcome, Thresholds};
use crate::events::{Event, Sink};
use crate::incidents::IncidentEvent;
use crate::messages::Rendered;
use crate::notice::Notice;
use crate::reason::Reason;
use crate::state::Verdict;

/// A boxed future, as the seams below return.
pub type BoxFuture<T> = Pin<Box<dyn Future<Output = T> + Send + 'static>>;

/// Runs probes. The real one holds a `Prober` per distinct settings; tests may script
/// results at this I/O seam.
pub trait ProbeExec: Send + Sync + 'static {
    /// Prepares what the settings need (trust stores...); an error rejects the config.
    fn prepare(&self, settings: &[ProbeSettings]) -> Result<(), downwatch_probe::Error>;
    /// Runs one check.
    fn run(&self, check: Check, settings: ProbeSettings) -> BoxFuture<ProbeResult>;
}

/// Puts notices into words and delivers them (desktop, command hook).
pub trait Announcer: Send + Sync + 'static {
    /// Title and body of a notice, in the user's language.
    fn render(&self, notice: &Notice) -> Rendered;
    /// Delivers it; the result lists the deliveries that failed, with why.
    fn deliver(&self, notice: Notice, rendered: Rendered) -> BoxFuture<Vec<DeliveryFailure>>;
    /// New notification settings (language, channels) after a reload.
    fn reconfigure(&self, _cfg: &downwatch_config::Notifications) {}
}

/// Signals from the system's power management (logind's PrepareForSleep).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PowerSignal {
    /// About to suspend: stop judging.
    Suspending,
    /// Resumed: wait for the network to settle.
    Resumed,
}

/// What the loop needs from outside.
pub struct Deps {
    /// The clocks.
    pub clock: Arc<dyn Clock>,
    /// Runs probes.
    pub exec: Arc<dyn ProbeExec>,
    /// Receives every event.
    pub sink: Box<dyn Sink>,
    /// Renders and delivers notices.
    pub announcer: Arc<dyn Announcer>,
    /// Where state is kept across restarts (`incidents.json`, `notifications.json`,
    /// `paused.json`), if anywhere.
    pub data_dir: Option<std::path::PathBuf>,
    /// The open incidents as the history store keeps them: when given, the loop starts
    /// from them and neither reads nor writes `incidents.json` (the store, fed through the
    /// kept queue, is their one source of truth). `None`: `incidents.json` in `data_dir`.
    pub incidents: Option<crate::incidents::IncidentBook>,
    /// A fingerprint of the network configuration (routes), polled every tick; a change
    /// means "wait for the network to settle". `None` where not available.
    pub network_fingerprint: Option<Box<dyn Fn() -> u64 + Send>>,
    /// Where snapshots and events go besides the sink (clients of the resident).
    pub outlets: Outlets,
}

/// Signals that reach the loop while it runs.
pub struct Inputs {
    /// New configurations (hand edits).
    pub config: watch::Receiver<Arc<Config>>,
    /// Rejected edits, with file, line and column.
    pub config_errors: mpsc::UnboundedReceiver<ConfigError>,
    /// Commands from clients (check now, pause, resume, reload), each answered.
    pub commands: mpsc::Receiver<Command>,
    /// Suspend and resume.
    pub power: mpsc::UnboundedReceiver<PowerSignal>,
    /// Ends the loop when it changes to true (or is dropped).
    pub shutdown: watch::Receiver<bool>,
}

/// The loop wakes at least this often, to notice clock gaps and network changes.
const TICK: Duration = Duration::from_secs(5);
/// A verdict younger than this is trusted when a failure is about to confirm an outage.
const VERDICT_FRESH: Duration = Duration::from_secs(5);
/// At shutdown, deliveries still running are awaited this long.
pub const SHUTDOWN_GRACE: Duration = Duration::from_secs(5);
/// Clock disagreements above this are a sleep (or a clock change).
const GAP_TOLERANCE: Duration = Duration::from_secs(10);

struct WatchRt {
    /// Tells this watch from an earlier one of the same name (removed and re-added by a
    /// reload while its probe was in flight).
    id: u64,
    cfg: downwatch_config::Watch,
    detector: Detector,
    anchor: Instant,
    next: Instant,
    running: bool,
    parked: Option<(ProbeResult, SystemTime)>,
    down_since: Option<Instant>,
    last_late: Duration,
    /// When the last probe started (retries are spaced from starts, not ends).
    last_started: Option<Instant>,
    /// Its own pause (a global one is the loop's).
    paused: Option<pause::PauseRt>,
    /// Its part of the snapshot, replaced (copy on write) when it changes.
    snap: Arc<crate::snapshot::WatchSnapshot>,
}

struct Done {
    /// The [`WatchRt::id`] the probe was started for.
    id: u64,
    result: ProbeResult,
    at: SystemTime,
    epoch: u64,
    /// How late the probe started against its schedule (loop and concurrency limit).
    late: Duration,
    /// When it started.
    started: Instant,
}

mod commands;
mod core;
mod judge;
mod outlets;
mod pause;
mod timing;

pub use commands::{Command, CommandError, Reply, Scope};
pub use outlets::{Outlets, Receivers};

/// Runs the monitor until `inputs.shutdown` says stop (or is dropped). `config` must
/// already be valid. At the end, notices still in their group wait are released and
/// delivered (within [`SHUTDOWN_GRACE`]), never silently dropped.
pub async fn run(config: Arc<Config>, deps: Deps, inputs: Inputs) {
    let mut monitor = core::Monitor::new(config, deps);
    monitor.run(inputs).await;
}

/// Outcome of a probe as the detector sees it.
fn outcome_of(result: &ProbeResult) -> Outcome {
    let reason = || result.failure.as_ref().map(Reason::of);
    match (result.status, reason()) {
        (Status::Up, _) => Outcome::Up,
        (Status::Degraded, Some(r)) => Outcome::Degraded(r),
        (Status::Down, Some(r)) => Outcome::Down(r),
        (_, None) => Outcome::Up,
    }
}

/// Every distinct probe setting a configuration uses (watches and controls).
pub fn all_settings(config: &Config) -> Vec<ProbeSettings> {
    let mut all: Vec<ProbeSettings> = Vec::new();
    let used = config
        .watches
        .iter()
        .map(|w| &w.probe)
        .chain(config.connectivity.controls.iter().map(|c| &c.probe));
    for s in used {
        if !all.contains(s) {
            all.push(s.clone());
        }
    }
    all
}

fn thresholds(w: &downwatch_config::Watch) -> Thresholds {
    Thresholds {
        failures_to_down: w.failures_to_down,
        successes_to_up: w.successes_to_up,
    }
}

fn control_results(config: &Config, results: Vec<ProbeResult>) -> Vec<ControlResult> {
    config
        .connectivity
        .controls
        .iter()
        .zip(results)
        .map(|(c, r)| ControlResult::new(&c.name, &c.check.target, r))
        .collect()
}

fn verdict_of(config: &Config, results: Vec<ProbeResult>) -> Verdict {
    connectivity::verdict(&control_results(config, results))
}

fn is_tls(target: &Target) -> bool {
    match target {
        Target::Http(url) => url.scheme() == "https",
        Target::Tls { .. } => true,
        Target::Tcp { .. } | Target::Dns { .. } => false,
    }
}

fn incident_event(event: &IncidentEvent) -> Event {
    match event {
        IncidentEvent::Opened(i) => Event::IncidentOpened(i.clone()),
        IncidentEvent::Updated(i) => Event::IncidentUpdated(i.clone()),
        IncidentEvent::Closed(i) => Event::IncidentClosed(i.clone()),
    }
}

/// The open incidents (`incidents.json`).
const INCIDENTS_FILE: &str = "incidents.json";
/// What the user was told (`notifications.json`, see [`crate::memory`]).
const MEMORY_FILE: &str = "notifications.json";
/// The global pause and its end (`paused.json`; `null` when not paused).
const PAUSE_FILE: &str = "paused.json";

fn save_state<T: serde::Serialize>(dir: &std::path::Path, name: &str, value: &T) {
    if let Err(e) = crate::persist::save(dir, name, value) {
        tracing::warn!("{e}");
    }
}

fn load_state<T: serde::de::DeserializeOwned + Default>(dir: &std::path::Path, name: &str) -> T {
    crate::persist::load(dir, name).or_default_logged(&dir.join(name).display().to_string())
}

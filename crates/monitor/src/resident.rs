//! The resident as a library: [`Resident::start`] wires the loop to the real probes, the
//! notifications, the configuration file (reloaded when edited), logind's sleep signals and
//! the routing tables, and returns a [`ResidentHandle`]. Every client (the `downwatch run`
//! command, the tray, the local API, the history store) attaches to that handle:
//!
//! - [`ResidentHandle::snapshot`] / [`ResidentHandle::watch_snapshot`]: an owned
//!   [`Snapshot`] of every watch (state, since when, last check, open incident, own pause),
//!   the connectivity verdict and the global pause; published at most every
//!   [`crate::snapshot::PUBLISH_EVERY`], sharing unchanged watches with the last one;
//! - [`ResidentHandle::subscribe`]: live [`Stamped`] events (the same
//!   [`Event`](crate::events::Event)s the
//!   JSON-lines file gets), lossy: a slow subscriber is told how many it missed;
//! - [`Options::queue`]: a lossless bounded queue of every event from the start, for a
//!   consumer that must see them all (the history store); the loop waits for it when full;
//! - commands, each answered once it took effect: [`ResidentHandle::check_now`],
//!   [`ResidentHandle::pause`], [`ResidentHandle::resume`], [`ResidentHandle::reload`];
//! - [`ResidentHandle::shutdown`], which ends the loop (releasing notices still waiting)
//!   and waits for it;
//! - [`ResidentHandle::remote`]: a cloneable [`Remote`] with the snapshot, the events and the
//!   commands but not the shutdown, for clients living beside the owner (the local API's
//!   connections, the tray).
//!
//! ```no_run
//! # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
//! use downwatch_monitor::resident::{Options, Resident};
//! use downwatch_monitor::runner::Scope;
//!
//! let handle = Resident::start(None, Options::default())?;
//! let mut events = handle.subscribe();
//! handle.pause(Scope::All, Some(std::time::Duration::from_secs(900))).await?;
//! println!("{} watches", handle.snapshot().watches.len());
//! handle.shutdown().await;
//! # drop(events.try_recv());
//! # Ok(()) }
//! ```

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use downwatch_config::{self as config, Config, ConfigError};
use tokio::sync::{broadcast, mpsc, oneshot, watch};
use tokio::task::JoinHandle;

use crate::IncidentId;
use crate::announce::Announce;
use crate::clock::SystemClock;
use crate::events::HistoryNote;
use crate::events::{NullSink, Rejected, Sink, Stamped};
use crate::incidents::IncidentBook;
use crate::keeper::{self, Keeper, KeptReader};
use crate::probes::Probers;
use crate::runner::{self, Command, CommandError, Deps, Inputs, Outlets, ProbeExec, Scope};
use crate::snapshot::Snapshot;
use crate::system;

/// Commands waiting for the loop at most (a client sending more waits).
const COMMAND_QUEUE: usize = 64;

/// How the resident runs.
pub struct Options {
    /// Where its state is kept (`incidents.json`, `notifications.json`, `paused.json`);
    /// `None`: the OS data directory's `downwatch`.
    pub data_dir: Option<PathBuf>,
    /// Receives every event in order (the `--events` JSON-lines file); none by default.
    pub sink: Box<dyn Sink>,
    /// Where clicks on a notification's "Details" go (the incident to open); `None`: they
    /// are logged.
    pub clicks: Option<mpsc::UnboundedSender<IncidentId>>,
    /// The open incidents as the history store keeps them: when given, the loop starts
    /// from them and `incidents.json` is neither read nor written.
    pub incidents: Option<IncidentBook>,
    queues: Vec<(usize, oneshot::Sender<mpsc::Receiver<Arc<Stamped>>>)>,
    keeper: Option<Keeper>,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            data_dir: None,
            sink: Box::new(NullSink),
            clicks: None,
            incidents: None,
            queues: Vec::new(),
            keeper: None,
        }
    }
}

impl Options {
    /// A lossless queue of every event from the start, at most `capacity` unread: the loop
    /// waits for its reader when it is full, so the reader must keep up. The receiver is
    /// ready once [`Resident::start`] returns.
    pub fn queue(&mut self, capacity: usize) -> oneshot::Receiver<mpsc::Receiver<Arc<Stamped>>> {
        let (tx, rx) = oneshot::channel();
        self.queues.push((capacity, tx));
        rx
    }

    /// The kept queue for the history store (see [`crate::keeper`]): every event from the
    /// start, lossless, at most `capacity` unread; incidents and notifications are told only
    /// once the reader has committed them. One keeper per resident (a second call replaces
    /// the first).
    pub fn keeper(&mut self, capacity: usize) -> KeptReader {
        let (keeper, reader) = keeper::kept_queue(capacity);
        self.keeper = Some(keeper);
        reader
    }
}

/// The OS data directory's `downwatch` (`~/.local/share/downwatch` on Linux), where the
/// resident keeps its state and history unless told otherwise.
pub fn default_data_dir() -> Option<PathBuf> {
    dirs::data_dir().map(|d| d.join("downwatch"))
}

/// Why the resident did not start.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    /// The configuration could not be read, created, validated or watched.
    #[error(transparent)]
    Config(#[from] ConfigError),
    /// No configuration file was given and the OS has no configuration directory.
    #[error("no configuration directory: pass --config FILE")]
    NoConfigDir,
    /// No data directory was given and the OS has none.
    #[error("no data directory: pass --data-dir")]
    NoDataDir,
    /// The data directory could not be created.
    #[error("cannot create {}: {source}", path.display())]
    DataDir {
        /// The directory.
        path: PathBuf,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// A probe setting cannot be set up (an unreadable CA file).
    #[error(transparent)]
    Probe(#[from] downwatch_probe::Error),
}

/// Starts the resident.
#[derive(Debug)]
pub struct Resident;

impl Resident {
    /// Loads the configuration (`path`, which must exist; `None`: the default file, created
    /// on first run), then starts the loop and everything it listens to. Must be called
    /// inside a tokio runtime (the resident uses a current-thread one).
    pub fn start(path: Option<&Path>, mut options: Options) -> Result<ResidentHandle, StartError> {
        let (path, config, created) = match path {
            Some(path) => (path.to_owned(), config::load(path)?, false),
            None => {
                let path = config::default_path().ok_or(StartError::NoConfigDir)?;
                let (config, created) = config::load_or_create(&path)?;
                (path, config, created)
            }
        };
        let data_dir = match options.data_dir.take() {
            Some(dir) => dir,
            None => default_data_dir().ok_or(StartError::NoDataDir)?,
        };
        std::fs::create_dir_all(&data_dir).map_err(|source| StartError::DataDir {
            path: data_dir.clone(),
            source,
        })?;
        let probers = Arc::new(Probers::new());
        probers.prepare(&runner::all_settings(&config))?;
        let (config_rx, config_errors, reload) =
            config::reload_on_edit(path.clone(), config.clone())?;
        let (power_tx, power_rx) = mpsc::unbounded_channel();
        tokio::spawn(system::watch_power(power_tx));
        let clicks = options.clicks.take().unwrap_or_else(log_clicks);
        let announcer = Arc::new(Announce::new(&config.notifications, clicks));
        let clock = Arc::new(SystemClock);
        let (mut outlets, receivers) = Outlets::new(std::time::SystemTime::now());
        for (capacity, tx) in options.queues.drain(..) {
            let _ = tx.send(outlets.queue(capacity));
        }
        if let Some(keeper) = options.keeper.take() {
            outlets.keep(keeper);
        }
        let deps = Deps {
            clock,
            exec: probers,
            sink: options.sink,
            announcer,
            data_dir: Some(data_dir),
            incidents: options.incidents.take(),
            network_fingerprint: Some(Box::new(|| system::network_fingerprint().unwrap_or(0))),
            outlets,
        };
        let (commands_tx, commands_rx) = mpsc::channel(COMMAND_QUEUE);
        let (shutdown_tx, shutdown_rx) = watch::channel(false);
        let inputs = Inputs {
            config: config_rx,
            config_errors,
            commands: commands_rx,
            power: power_rx,
            shutdown: shutdown_rx,
        };
        let task = tokio::spawn(runner::run(Arc::new(config), deps, inputs));
        Ok(ResidentHandle {
            remote: Remote {
                path,
                snapshot: receivers.snapshot,
                live: receivers.live,
                commands: commands_tx,
            },
            created,
            shutdown: shutdown_tx,
            task,
            _reload: reload,
        })
    }
}

/// Clicks logged to stderr until the history window exists.
fn log_clicks() -> mpsc::UnboundedSender<IncidentId> {
    let (tx, mut rx) = mpsc::unbounded_channel::<IncidentId>();
    tokio::spawn(async move {
        while let Some(incident) = rx.recv().await {
            tracing::warn!("details asked for incident {}", incident.0);
        }
    });
    tx
}

/// Reports [`HistoryNote`]s to the loop (cheap to clone).
#[derive(Clone, Debug)]
pub struct Reporter(mpsc::Sender<Command>);

impl Reporter {
    /// Hands `note` to the loop (waiting for room); `Err` when the loop has stopped.
    pub async fn report(&self, note: HistoryNote) -> Result<(), CommandError> {
        self.0
            .send(Command::Report(note))
            .await
            .map_err(|_| CommandError::Stopped)
    }
}

/// The running resident. Dropping it stops the loop too (without waiting for it: call
/// [`ResidentHandle::shutdown`] to wait).
#[derive(Debug)]
pub struct ResidentHandle {
    remote: Remote,
    created: bool,
    shutdown: watch::Sender<bool>,
    task: JoinHandle<()>,
    _reload: config::ReloadHandle,
}

/// What clients beside the resident's owner use (the local API's connections, the tray):
/// the snapshot, the events and the commands, cheap to clone, without the power to stop the
/// resident. Every call fails with [`CommandError::Stopped`] once it has stopped.
#[derive(Clone, Debug)]
pub struct Remote {
    path: PathBuf,
    snapshot: watch::Receiver<Snapshot>,
    live: broadcast::Sender<Arc<Stamped>>,
    commands: mpsc::Sender<Command>,
}

impl ResidentHandle {
    /// A cloneable [`Remote`] of this resident.
    pub fn remote(&self) -> Remote {
        self.remote.clone()
    }

    /// The configuration file in use.
    pub fn config_path(&self) -> &Path {
        self.remote.config_path()
    }

    /// Where the history store's keeper reports what happened to the store (recorded as
    /// events; a damaged history is also told to the user). Only the owner has it: an API
    /// client cannot make up store troubles.
    pub fn reporter(&self) -> Reporter {
        Reporter(self.remote.commands.clone())
    }

    /// True when the default configuration file was written by this start (first run).
    pub fn created_config(&self) -> bool {
        self.created
    }

    /// The latest snapshot (owned).
    pub fn snapshot(&self) -> Snapshot {
        self.remote.snapshot()
    }

    /// A receiver of snapshots, to wait for the next one (`changed().await`).
    pub fn watch_snapshot(&self) -> watch::Receiver<Snapshot> {
        self.remote.watch_snapshot()
    }

    /// Live events from now on (lossy; see the module docs).
    pub fn subscribe(&self) -> broadcast::Receiver<Arc<Stamped>> {
        self.remote.subscribe()
    }

    /// Probes now (see [`Command::CheckNow`]).
    pub async fn check_now(&self, scope: Scope) -> Result<(), CommandError> {
        self.remote.check_now(scope).await
    }

    /// Pauses for `duration`, or until resumed (see [`Command::Pause`]).
    pub async fn pause(
        &self,
        scope: Scope,
        duration: Option<Duration>,
    ) -> Result<(), CommandError> {
        self.remote.pause(scope, duration).await
    }

    /// Resumes (see [`Command::Resume`]).
    pub async fn resume(&self, scope: Scope) -> Result<(), CommandError> {
        self.remote.resume(scope).await
    }

    /// Reads the configuration file again and applies it (see [`Remote::reload`]).
    pub async fn reload(&self) -> Result<(), CommandError> {
        self.remote.reload().await
    }

    /// Ends the loop (notices still in their group wait are released and delivered) and
    /// waits for it.
    pub async fn shutdown(self) {
        let _ = self.shutdown.send(true);
        let _ = self.task.await;
    }
}

impl Remote {
    /// The configuration file in use.
    pub fn config_path(&self) -> &Path {
        &self.path
    }

    /// The latest snapshot (owned).
    pub fn snapshot(&self) -> Snapshot {
        self.snapshot.borrow().clone()
    }

    /// A receiver of snapshots, to wait for the next one (`changed().await`).
    pub fn watch_snapshot(&self) -> watch::Receiver<Snapshot> {
        self.snapshot.clone()
    }

    /// Live events from now on (lossy; see the module docs).
    pub fn subscribe(&self) -> broadcast::Receiver<Arc<Stamped>> {
        self.live.subscribe()
    }

    /// Probes now (see [`Command::CheckNow`]).
    pub async fn check_now(&self, scope: Scope) -> Result<(), CommandError> {
        self.ask(|reply| Command::CheckNow { scope, reply }).await
    }

    /// Pauses for `duration`, or until resumed (see [`Command::Pause`]).
    pub async fn pause(
        &self,
        scope: Scope,
        duration: Option<Duration>,
    ) -> Result<(), CommandError> {
        self.ask(|reply| Command::Pause {
            scope,
            duration,
            reply,
        })
        .await
    }

    /// Resumes (see [`Command::Resume`]).
    pub async fn resume(&self, scope: Scope) -> Result<(), CommandError> {
        self.ask(|reply| Command::Resume { scope, reply }).await
    }

    /// Reads the configuration file again and applies it; an invalid file is refused with
    /// its file, line and column, and the running configuration stays.
    pub async fn reload(&self) -> Result<(), CommandError> {
        let config = config::load(&self.path)
            .map_err(|e| CommandError::Rejected(Arc::new(Rejected::Config(e))))?;
        let config: Arc<Config> = Arc::new(config);
        self.ask(|reply| Command::Reload { config, reply }).await
    }

    async fn ask(
        &self,
        command: impl FnOnce(runner::Reply) -> Command,
    ) -> Result<(), CommandError> {
        let (tx, rx) = oneshot::channel();
        self.commands
            .send(command(tx))
            .await
            .map_err(|_| CommandError::Stopped)?;
        rx.await.map_err(|_| CommandError::Stopped)?
    }
}

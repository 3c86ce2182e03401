//! The test harness of the whole loop on a paused tokio clock (`runner.rs`, `commands.rs`):
//! probe results scripted at the I/O seam (`ProbeExec`), events and notices recorded.

#![allow(clippy::unwrap_used, dead_code)] // helpers; each test file uses some of them

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use downwatch_config::ConfigError;
use downwatch_config::{Config, Connectivity, Control, Defaults, ProbeSettings, Watch};
use downwatch_monitor::clock::{Clock, SteppedClock};
use downwatch_monitor::deliver::DeliveryFailure;
use downwatch_monitor::events::{Event, Sink, Stamped, to_json};
use downwatch_monitor::keeper::Keeper;
use downwatch_monitor::messages::{Lang, Rendered};
use downwatch_monitor::runner::{
    self, Announcer, BoxFuture, Command, Deps, Inputs, Outlets, PowerSignal, ProbeExec, Receivers,
};
use downwatch_monitor::{Notice, NoticeKind};
use downwatch_probe::{Cause, Check, Failure, Phases, ProbeResult, RecordKind, Status, Target};
use tokio::sync::{mpsc, watch};
use tokio::time::{Instant, sleep};

/// Which targets fail right now, decided by the test as simulated time goes by.
#[derive(Default)]
pub struct World {
    pub failing: Vec<String>,
    /// Fail every other probe of these targets.
    pub alternating: Vec<String>,
    /// Failing probes of these targets hang until their 8 s timeout (a black hole).
    pub black_holes: Vec<String>,
    /// Fail only the next N probes of these targets.
    pub fail_next: std::collections::HashMap<String, u32>,
    pub calls: std::collections::HashMap<String, u32>,
}

pub struct FakeExec(pub Arc<Mutex<World>>);

pub fn result(status: Status, cause: Option<Cause>) -> ProbeResult {
    ProbeResult {
        status,
        failure: cause.map(|c| Failure::new(c, format!("{} (scripted)", c.code()))),
        phases: Phases {
            total: Duration::from_millis(20),
            ..Phases::default()
        },
        address: None,
        dns: None,
        tls: None,
        http: None,
    }
}

impl ProbeExec for FakeExec {
    fn prepare(&self, _: &[ProbeSettings]) -> Result<(), downwatch_probe::Error> {
        Ok(())
    }
    fn run(&self, check: Check, _: ProbeSettings) -> BoxFuture<ProbeResult> {
        let target = check.target.to_string();
        let mut world = self.0.lock().unwrap();
        let n = {
            let n = world.calls.entry(target.clone()).or_default();
            *n += 1;
            *n
        };
        let once = world
            .fail_next
            .iter_mut()
            .find(|(t, n)| target.contains(t.as_str()) && **n > 0);
        let once = once.map(|(_, n)| *n -= 1).is_some();
        let fail = once
            || world.failing.iter().any(|t| target.contains(t.as_str()))
            || (world
                .alternating
                .iter()
                .any(|t| target.contains(t.as_str()))
                && n % 2 == 0);
        let hang = fail
            && world
                .black_holes
                .iter()
                .any(|t| target.contains(t.as_str()));
        let latency = if hang {
            check.timeout
        } else {
            Duration::from_millis(20)
        };
        Box::pin(async move {
            sleep(latency).await;
            if fail {
                result(Status::Down, Some(Cause::TcpRefused))
            } else {
                result(Status::Up, None)
            }
        })
    }
}

#[derive(Clone, Default)]
pub struct Recorder {
    pub events: Arc<Mutex<Vec<serde_json::Value>>>,
    pub notices: Arc<Mutex<Vec<(Instant, Notice)>>>,
}

impl Sink for Recorder {
    fn record(&mut self, at: SystemTime, event: &Event) {
        self.events.lock().unwrap().push(to_json(at, event));
    }
}

impl Announcer for Recorder {
    fn render(&self, notice: &Notice) -> Rendered {
        Rendered {
            title: format!("{:?}", notice.kind),
            body: String::new(),
            lang: Lang::En,
        }
    }
    fn deliver(&self, notice: Notice, _: Rendered) -> BoxFuture<Vec<DeliveryFailure>> {
        self.notices.lock().unwrap().push((Instant::now(), notice));
        Box::pin(async { Vec::new() })
    }
}

pub fn watch_of(name: &str, group: Option<&str>, target: &str) -> Watch {
    let mut check = Check::new(Target::parse(target, RecordKind::A).unwrap());
    check.timeout = Duration::from_secs(8);
    Watch {
        name: name.into(),
        group: group.map(Into::into),
        check,
        probe: ProbeSettings::default(),
        interval: Duration::from_secs(30),
        retry_interval: Duration::from_secs(5),
        failures_to_down: 3,
        successes_to_up: 2,
        enabled: true,
        muted: false,
        secret_headers: Vec::new(),
    }
}

pub fn config(watches: Vec<Watch>) -> Config {
    let control = |t: &str| Control {
        name: t.into(),
        check: Check::new(Target::parse(t, RecordKind::A).unwrap()),
        probe: ProbeSettings::default(),
    };
    Config {
        api: Default::default(),
        defaults: Defaults {
            interval: Duration::from_secs(30),
            timeout: Duration::from_secs(8),
            retry_interval: Duration::from_secs(5),
            failures_to_down: 3,
            successes_to_up: 2,
            degraded_after: None,
            concurrency: 16,
        },
        connectivity: Connectivity {
            controls: vec![
                control("http://control-a.test/"),
                control("tcp://192.0.2.1:443"),
            ],
            interval: Duration::from_secs(60),
            settle: Duration::from_secs(20),
        },
        // The defaults of an empty file: group wait 5 s, rate limit 5 per 10 min...
        notifications: downwatch_config::parse("", std::path::Path::new("t.toml"))
            .unwrap()
            .notifications,
        watches,
    }
}

pub struct Harness {
    pub world: Arc<Mutex<World>>,
    pub rec: Recorder,
    pub clock: Arc<SteppedClock>,
    pub power: mpsc::UnboundedSender<PowerSignal>,
    /// The network fingerprint the loop polls (as the resident polls the routing tables).
    pub net: Arc<AtomicU64>,
    pub _shutdown: watch::Sender<bool>,
    pub _config: watch::Sender<Arc<Config>>,
    pub _errors: mpsc::UnboundedSender<ConfigError>,
    /// Commands to the loop (check now, pause, resume, reload).
    pub commands: mpsc::Sender<Command>,
    /// Snapshots and live events.
    pub receivers: Receivers,
    pub start: Instant,
}

pub fn start(cfg: Config, world: World) -> Harness {
    start_in(cfg, world, None)
}

pub fn start_in(cfg: Config, world: World, data_dir: Option<std::path::PathBuf>) -> Harness {
    start_at(cfg, world, data_dir, wall0())
}

/// The wall-clock time the harness starts at (a restart passes a later one).
pub fn wall0() -> SystemTime {
    SystemTime::UNIX_EPOCH + Duration::from_secs(1_800_000_000)
}

pub fn start_at(
    cfg: Config,
    world: World,
    data_dir: Option<std::path::PathBuf>,
    wall0: SystemTime,
) -> Harness {
    start_queued(cfg, world, data_dir, wall0, None).0
}

/// Starts the loop with, when `queue` gives a capacity, a lossless event queue attached.
pub fn start_queued(
    cfg: Config,
    world: World,
    data_dir: Option<std::path::PathBuf>,
    wall0: SystemTime,
    queue: Option<usize>,
) -> (Harness, Option<mpsc::Receiver<Arc<Stamped>>>) {
    start_full(cfg, world, data_dir, wall0, queue, None)
}

/// Starts the loop with a kept queue (the history store's) attached.
pub fn start_kept(cfg: Config, world: World, keeper: Keeper) -> Harness {
    start_full(cfg, world, None, wall0(), None, Some(keeper)).0
}

fn start_full(
    cfg: Config,
    world: World,
    data_dir: Option<std::path::PathBuf>,
    wall0: SystemTime,
    queue: Option<usize>,
    keeper: Option<Keeper>,
) -> (Harness, Option<mpsc::Receiver<Arc<Stamped>>>) {
    let world = Arc::new(Mutex::new(world));
    let rec = Recorder::default();
    let clock = Arc::new(SteppedClock::new(wall0));
    let cfg = Arc::new(cfg);
    let (config_tx, config_rx) = watch::channel(cfg.clone());
    let (errors_tx, errors_rx) = mpsc::unbounded_channel();
    let (power_tx, power_rx) = mpsc::unbounded_channel();
    let (shutdown_tx, shutdown_rx) = watch::channel(false);
    let net = Arc::new(AtomicU64::new(1));
    let (mut outlets, receivers) = Outlets::new(wall0);
    let queue = queue.map(|capacity| outlets.queue(capacity));
    if let Some(keeper) = keeper {
        outlets.keep(keeper);
    }
    let (commands_tx, commands_rx) = mpsc::channel(16);
    let print = net.clone();
    let deps = Deps {
        clock: clock.clone() as Arc<dyn Clock>,
        exec: Arc::new(FakeExec(world.clone())),
        sink: Box::new(rec.clone()),
        announcer: Arc::new(rec.clone()),
        data_dir,
        incidents: None,
        network_fingerprint: Some(Box::new(move || print.load(Ordering::Relaxed))),
        outlets,
    };
    let inputs = Inputs {
        config: config_rx,
        config_errors: errors_rx,
        commands: commands_rx,
        power: power_rx,
        shutdown: shutdown_rx,
    };
    tokio::spawn(runner::run(cfg, deps, inputs));
    let harness = Harness {
        world,
        rec,
        clock,
        power: power_tx,
        net,
        _shutdown: shutdown_tx,
        _config: config_tx,
        _errors: errors_tx,
        commands: commands_tx,
        receivers,
        start: Instant::now(),
    };
    (harness, queue)
}

impl Harness {
    pub fn notices(&self) -> Vec<(Duration, NoticeKind)> {
        self.rec
            .notices
            .lock()
            .unwrap()
            .iter()
            .map(|(t, n)| (t.duration_since(self.start), n.kind.clone()))
            .collect()
    }
    pub fn set_failing(&self, targets: &[&str]) {
        self.world.lock().unwrap().failing = targets.iter().map(|t| (*t).to_owned()).collect();
    }
    /// Advances simulated time until `n` checks have failed.
    pub async fn wait_failed_checks(&self, n: usize) {
        while self
            .events("check")
            .iter()
            .filter(|c| c["status"] == "down")
            .count()
            < n
        {
            sleep(Duration::from_millis(100)).await;
        }
    }
    /// Asserts that no check was judged within `settle` after `settling`, and that one was
    /// judged after it (monitoring resumed).
    pub fn assert_judgement_waited(&self, settling: &serde_json::Value, settle: Duration) {
        let at = |e: &serde_json::Value| {
            chrono::DateTime::parse_from_rfc3339(e["ts"].as_str().unwrap()).unwrap()
        };
        let from = at(settling);
        let judged: Vec<_> = self
            .events("check")
            .into_iter()
            .filter(|c| c["judged"] == true && at(c) > from)
            .collect();
        let first = judged.first().expect("checks judged after settling");
        let waited = (at(first) - from).to_std().unwrap();
        assert!(
            waited >= settle,
            "judged {waited:?} after the settling event: {first}"
        );
    }
    pub fn events(&self, kind: &str) -> Vec<serde_json::Value> {
        self.rec
            .events
            .lock()
            .unwrap()
            .iter()
            .filter(|e| e["event"] == kind)
            .cloned()
            .collect()
    }
}

pub fn downs(notices: &[(Duration, NoticeKind)]) -> Vec<&NoticeKind> {
    notices
        .iter()
        .map(|(_, k)| k)
        .filter(|k| matches!(k, NoticeKind::Down { .. }))
        .collect()
}

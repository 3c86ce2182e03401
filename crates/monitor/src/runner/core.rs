//! The loop's state, its construction, and the select loop; the handlers live in
//! `timing.rs` (schedule, clocks, settling) and `judge.rs` (results, verdicts, notices).

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use downwatch_config::Config;
use downwatch_probe::ProbeResult;
use tokio::sync::{Semaphore, mpsc};
use tokio::task::JoinSet;
use tokio::time::{Instant, sleep_until};

use super::pause::{PauseRt, SavedPauses};
use super::{
    Deps, Done, GAP_TOLERANCE, INCIDENTS_FILE, Inputs, MEMORY_FILE, PAUSE_FILE, SHUTDOWN_GRACE,
    WatchRt, incident_event, load_state, thresholds,
};
use crate::clock::GapDetector;
use crate::deliver::DeliveryFailure;
use crate::detector::Detector;
use crate::events::Event;
use crate::events::{Rejected, Stamped};
use crate::incidents::IncidentBook;
use crate::policy::Policy;
use crate::schedule;
use crate::snapshot::WatchSnapshot;
use crate::state::Verdict;
use crate::state::WatchState;

pub(super) struct Monitor {
    pub(super) config: Arc<Config>,
    pub(super) deps: Deps,
    pub(super) watches: Vec<WatchRt>,
    pub(super) policy: Policy,
    pub(super) book: IncidentBook,
    /// Open incidents are saved to `incidents.json` (not kept by the history store).
    pub(super) incidents_file: bool,
    pub(super) verdict: Verdict,
    pub(super) verdict_since: Instant,
    pub(super) verdict_at: Option<Instant>,
    pub(super) evaluating: bool,
    pub(super) next_eval: Instant,
    pub(super) settle_until: Option<Instant>,
    pub(super) sleeping: bool,
    pub(super) epoch: u64,
    pub(super) next_id: u64,
    pub(super) gaps: GapDetector,
    pub(super) net_print: Option<u64>,
    pub(super) next_tick: Instant,
    pub(super) permits: Arc<Semaphore>,
    pub(super) done_tx: mpsc::UnboundedSender<Done>,
    pub(super) done_rx: mpsc::UnboundedReceiver<Done>,
    pub(super) eval_tx: mpsc::UnboundedSender<(u64, Vec<ProbeResult>)>,
    pub(super) eval_rx: mpsc::UnboundedReceiver<(u64, Vec<ProbeResult>)>,
    pub(super) fail_tx: mpsc::UnboundedSender<DeliveryFailure>,
    pub(super) fail_rx: mpsc::UnboundedReceiver<DeliveryFailure>,
    /// Deliveries in flight (awaited at shutdown).
    pub(super) deliveries: JoinSet<()>,
    /// The global pause.
    pub(super) paused: Option<PauseRt>,
    /// Events of this turn for the queues, the keeper and the sink.
    pub(super) outbox: Vec<Arc<Stamped>>,
    /// Notices of this turn, delivered at its end (once kept).
    pub(super) to_deliver: Vec<(crate::notice::Notice, crate::messages::Rendered)>,
    /// The snapshot changed since it was last published.
    pub(super) dirty: bool,
    pub(super) next_publish: Instant,
}

impl Monitor {
    pub(super) fn new(config: Arc<Config>, mut deps: Deps) -> Self {
        let now = deps.clock.now();
        // Open incidents come from the history store when it keeps them; otherwise from
        // `incidents.json`.
        let incidents_file = deps.incidents.is_none();
        let book: IncidentBook = match deps.incidents.take() {
            Some(mut book) => {
                book.name_groups(|watch| {
                    let cfg = config.watches.iter().find(|w| w.name == watch);
                    cfg.and_then(|w| w.group.clone())
                });
                book
            }
            None => deps
                .data_dir
                .as_deref()
                .map(|dir| load_state(dir, INCIDENTS_FILE))
                .unwrap_or_default(),
        };
        let mut policy = Policy::new(config.notifications.clone());
        if let Some(dir) = deps.data_dir.as_deref() {
            policy.restore(load_state(dir, MEMORY_FILE));
        }
        let (done_tx, done_rx) = mpsc::unbounded_channel();
        let (eval_tx, eval_rx) = mpsc::unbounded_channel();
        let (fail_tx, fail_rx) = mpsc::unbounded_channel();
        let net_print = deps.network_fingerprint.as_ref().map(|f| f());
        let wall = deps.clock.wall();
        let saved: SavedPauses = deps
            .data_dir
            .as_deref()
            .map(|dir| load_state(dir, PAUSE_FILE))
            .unwrap_or_default();
        let paused = saved
            .all
            .as_ref()
            .and_then(|saved| PauseRt::restored(saved, now, wall));
        let mut monitor = Monitor {
            policy,
            permits: Arc::new(Semaphore::new(config.defaults.concurrency.max(1))),
            watches: Vec::new(),
            config: config.clone(),
            deps,
            book,
            incidents_file,
            verdict: Verdict::Online,
            verdict_since: now,
            verdict_at: None,
            evaluating: false,
            next_eval: now,
            settle_until: None,
            sleeping: false,
            epoch: 0,
            next_id: 0,
            gaps: GapDetector::new(GAP_TOLERANCE),
            net_print,
            next_tick: now,
            done_tx,
            done_rx,
            eval_tx,
            eval_rx,
            fail_tx,
            fail_rx,
            deliveries: JoinSet::new(),
            paused: None,
            outbox: Vec::new(),
            to_deliver: Vec::new(),
            dirty: true,
            next_publish: now,
        };
        monitor.install(&config, now);
        // Paused before the restart, and not over yet: paused again, with the same end.
        monitor.paused = paused;
        for i in 0..monitor.watches.len() {
            let own = saved.watches.get(&monitor.watches[i].cfg.name);
            let own = own.and_then(|saved| PauseRt::restored(saved, now, wall));
            if paused.is_none() && own.is_none() {
                continue;
            }
            monitor.watches[i].paused = own;
            monitor.watches[i].detector.pause(wall);
            let public = own.map(|p| p.public());
            monitor.touch(i, |s| {
                s.state = crate::state::WatchState::Paused;
                s.paused = public;
            });
        }
        monitor
    }

    /// (Re)builds the watch list, keeping the detectors of watches that still exist.
    pub(super) fn install(&mut self, config: &Config, now: Instant) {
        let mut old: HashMap<String, WatchRt> = self
            .watches
            .drain(..)
            .map(|w| (w.cfg.name.clone(), w))
            .collect();
        for cfg in config.watches.iter().filter(|w| w.enabled) {
            let rt = match old.remove(&cfg.name) {
                Some(mut rt) => {
                    rt.detector.set_thresholds(thresholds(cfg));
                    if rt.cfg.interval != cfg.interval {
                        rt.anchor = now;
                        rt.next = rt.next.min(now + cfg.interval);
                    }
                    rt.cfg = cfg.clone();
                    if rt.snap.group != cfg.group || rt.snap.muted != cfg.muted {
                        let snap = Arc::make_mut(&mut rt.snap);
                        snap.group = cfg.group.clone();
                        snap.muted = cfg.muted;
                    }
                    rt
                }
                None => {
                    let first = now + schedule::initial_offset(&cfg.name, cfg.interval);
                    self.next_id += 1;
                    WatchRt {
                        id: self.next_id,
                        cfg: cfg.clone(),
                        detector: Detector::new(thresholds(cfg)),
                        anchor: first,
                        next: first,
                        running: false,
                        parked: None,
                        down_since: None,
                        last_late: Duration::ZERO,
                        last_started: None,
                        paused: None,
                        snap: Arc::new(WatchSnapshot {
                            name: cfg.name.clone(),
                            group: cfg.group.clone(),
                            state: WatchState::Unknown,
                            since: None,
                            last: None,
                            incident: None,
                            paused: None,
                            muted: cfg.muted,
                        }),
                    }
                }
            };
            self.watches.push(rt);
        }
        let wall = self.deps.clock.wall();
        let names: Vec<String> = self.watches.iter().map(|w| w.cfg.name.clone()).collect();
        let closed = self
            .book
            .retain_watches(|w| names.iter().any(|n| n == w), wall);
        for event in &closed {
            self.emit(incident_event(event));
        }
        self.dirty = true;
        if !closed.is_empty() {
            self.save_incidents();
        }
        self.config = Arc::new(config.clone());
        self.policy.set_config(config.notifications.clone());
        self.policy
            .set_watch_order(config.watches.iter().map(|w| w.name.clone()));
    }

    pub(super) async fn run(&mut self, mut inputs: Inputs) {
        loop {
            let wake = self.next_wake();
            tokio::select! {
                () = sleep_until(wake) => {}
                Some(done) = self.done_rx.recv() => { self.check_clocks(); self.on_done(done); }
                Some((epoch, results)) = self.eval_rx.recv() => { self.check_clocks(); self.on_verdict(epoch, results); }
                Some(failure) = self.fail_rx.recv() => self.emit(Event::DeliveryFailed(Arc::new(failure))),
                Some(_) = self.deliveries.join_next(), if !self.deliveries.is_empty() => {}
                Ok(()) = inputs.config.changed() => {
                    let config = inputs.config.borrow_and_update().clone();
                    let _ = self.reload(&config);
                }
                Some(error) = inputs.config_errors.recv() => {
                    let error = Arc::new(Rejected::Config(error));
                    self.emit(Event::ConfigRejected { error });
                }
                Some(command) = inputs.commands.recv() => self.on_command(command),
                Some(signal) = inputs.power.recv() => self.on_power(signal),
                changed = inputs.shutdown.changed() => {
                    if changed.is_err() || *inputs.shutdown.borrow() { break; }
                }
            }
            self.turn(false).await;
        }
        self.turn(true).await;
        self.finish_deliveries().await;
    }

    /// The end of every turn of the loop: launch what is due, release notices (all of them
    /// at shutdown), save, publish, hand events to the queues.
    async fn turn(&mut self, shutdown: bool) {
        let now = self.deps.clock.now();
        if !shutdown {
            self.check_clocks();
            self.end_pauses(now);
            self.launch_due();
            self.evaluate_if_due();
        }
        self.release_notices(shutdown);
        self.save_memory();
        self.publish(now, shutdown);
        self.flush_outbox().await;
    }

    /// At shutdown: waits (at most [`SHUTDOWN_GRACE`]) for deliveries still running, and
    /// records the ones that failed.
    async fn finish_deliveries(&mut self) {
        let deliveries = &mut self.deliveries;
        let _ = tokio::time::timeout(SHUTDOWN_GRACE, async {
            while deliveries.join_next().await.is_some() {}
        })
        .await;
        while let Ok(failure) = self.fail_rx.try_recv() {
            self.emit(Event::DeliveryFailed(Arc::new(failure)));
        }
        self.flush_outbox().await;
    }

    /// Saves the open incidents to `incidents.json`, unless the history store keeps them.
    pub(super) fn save_incidents(&self) {
        if let (true, Some(dir)) = (self.incidents_file, &self.deps.data_dir) {
            super::save_state(dir, INCIDENTS_FILE, &self.book);
        }
    }

    /// Saves what the user was told, when it changed.
    pub(super) fn save_memory(&mut self) {
        if self.policy.take_changed()
            && let Some(dir) = &self.deps.data_dir
        {
            super::save_state(dir, MEMORY_FILE, self.policy.memory());
        }
    }

    /// Changes a watch's part of the snapshot (copied if the last snapshot still shares it).
    pub(super) fn touch(&mut self, i: usize, change: impl FnOnce(&mut WatchSnapshot)) {
        change(Arc::make_mut(&mut self.watches[i].snap));
        self.dirty = true;
    }

    pub(super) fn next_wake(&self) -> Instant {
        let mut wake = self.next_tick;
        if let Some(t) = self.policy.next_wake() {
            wake = wake.min(t);
        }
        if self.dirty {
            wake = wake.min(self.next_publish);
        }
        if let Some(t) = self.next_pause_end() {
            wake = wake.min(t);
        }
        if self.sleeping {
            return wake;
        }
        let now = self.deps.clock.now();
        if let Some(until) = self.settle_until.filter(|t| *t > now) {
            // Nothing is launched while settling: wake when it ends.
            return wake.min(until);
        }
        if self.paused.is_some() {
            return wake;
        }
        for w in self
            .watches
            .iter()
            .filter(|w| !w.running && w.parked.is_none() && w.paused.is_none())
        {
            wake = wake.min(w.next);
        }
        if !self.evaluating {
            wake = wake.min(self.next_eval);
        }
        wake
    }
}

//! The loop's state and its handlers.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use downwatch_probe::ProbeResult;
use tokio::sync::{Semaphore, mpsc};
use tokio::time::{Instant, sleep_until};

use super::{
    Deps, Done, GAP_TOLERANCE, Inputs, PowerSignal, TICK, VERDICT_FRESH, WatchRt, is_tls,
    load_incidents, outcome_of, record_incident, save_incidents, thresholds, verdict_of,
};
use crate::clock::GapDetector;
use crate::config::Config;
use crate::detector::{Detector, Outcome};
use crate::events::Event;
use crate::incidents::{IncidentBook, IncidentEvent};
use crate::policy::{Input, Policy};
use crate::schedule;
use crate::state::{Verdict, WatchState};

pub(super) struct Monitor {
    config: Arc<Config>,
    deps: Deps,
    watches: Vec<WatchRt>,
    policy: Policy,
    book: IncidentBook,
    verdict: Verdict,
    verdict_since: Instant,
    verdict_at: Option<Instant>,
    evaluating: bool,
    next_eval: Instant,
    settle_until: Option<Instant>,
    sleeping: bool,
    epoch: u64,
    gaps: GapDetector,
    net_print: Option<u64>,
    next_tick: Instant,
    permits: Arc<Semaphore>,
    done_tx: mpsc::UnboundedSender<Done>,
    done_rx: mpsc::UnboundedReceiver<Done>,
    eval_tx: mpsc::UnboundedSender<(u64, Vec<ProbeResult>)>,
    eval_rx: mpsc::UnboundedReceiver<(u64, Vec<ProbeResult>)>,
    fail_tx: mpsc::UnboundedSender<(String, String)>,
    fail_rx: mpsc::UnboundedReceiver<(String, String)>,
}

impl Monitor {
    pub(super) fn new(config: Arc<Config>, deps: Deps) -> Self {
        let now = deps.clock.now();
        let book = deps
            .data_dir
            .as_deref()
            .map(load_incidents)
            .unwrap_or_default();
        let (done_tx, done_rx) = mpsc::unbounded_channel();
        let (eval_tx, eval_rx) = mpsc::unbounded_channel();
        let (fail_tx, fail_rx) = mpsc::unbounded_channel();
        let net_print = deps.network_fingerprint.as_ref().map(|f| f());
        let mut monitor = Monitor {
            policy: Policy::new(config.notifications.clone()),
            permits: Arc::new(Semaphore::new(config.defaults.concurrency.max(1))),
            watches: Vec::new(),
            config: config.clone(),
            deps,
            book,
            verdict: Verdict::Online,
            verdict_since: now,
            verdict_at: None,
            evaluating: false,
            next_eval: now,
            settle_until: None,
            sleeping: false,
            epoch: 0,
            gaps: GapDetector::new(GAP_TOLERANCE),
            net_print,
            next_tick: now,
            done_tx,
            done_rx,
            eval_tx,
            eval_rx,
            fail_tx,
            fail_rx,
        };
        monitor.install(&config, now);
        monitor
    }

    /// (Re)builds the watch list, keeping the detectors of watches that still exist.
    fn install(&mut self, config: &Config, now: Instant) {
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
                    rt
                }
                None => {
                    let first = now + schedule::initial_offset(&cfg.name, cfg.interval);
                    WatchRt {
                        cfg: cfg.clone(),
                        detector: Detector::new(thresholds(cfg)),
                        anchor: first,
                        next: first,
                        running: false,
                        parked: None,
                        down_since: None,
                        last_late: Duration::ZERO,
                    }
                }
            };
            self.watches.push(rt);
        }
        let wall = self.deps.clock.wall();
        let names: Vec<String> = self.watches.iter().map(|w| w.cfg.name.clone()).collect();
        for event in self
            .book
            .retain_watches(|w| names.iter().any(|n| n == w), wall)
        {
            record_incident(self.deps.sink.as_mut(), wall, &event);
        }
        self.config = Arc::new(config.clone());
        self.policy.set_config(config.notifications.clone());
    }

    pub(super) async fn run(&mut self, mut inputs: Inputs) {
        loop {
            let wake = self.next_wake();
            tokio::select! {
                () = sleep_until(wake) => {}
                Some(done) = self.done_rx.recv() => { self.check_clocks(); self.on_done(done); }
                Some((epoch, results)) = self.eval_rx.recv() => { self.check_clocks(); self.on_verdict(epoch, results); }
                Some((channel, error)) = self.fail_rx.recv() => {
                    let wall = self.deps.clock.wall();
                    self.deps.sink.record(wall, &Event::DeliveryFailed { channel: &channel, error: &error });
                }
                Ok(()) = inputs.config.changed() => {
                    let config = inputs.config.borrow_and_update().clone();
                    self.reload(&config);
                }
                Some(error) = inputs.config_errors.recv() => {
                    let wall = self.deps.clock.wall();
                    self.deps.sink.record(wall, &Event::ConfigRejected { error: &error });
                }
                Some(signal) = inputs.power.recv() => self.on_power(signal),
                changed = inputs.shutdown.changed() => {
                    if changed.is_err() || *inputs.shutdown.borrow() { break; }
                }
            }
            self.check_clocks();
            self.launch_due();
            self.evaluate_if_due();
            self.release_notices();
        }
    }

    fn next_wake(&self) -> Instant {
        let mut wake = self.next_tick;
        if let Some(t) = self.policy.next_wake() {
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
        for w in self
            .watches
            .iter()
            .filter(|w| !w.running && w.parked.is_none())
        {
            wake = wake.min(w.next);
        }
        if !self.evaluating {
            wake = wake.min(self.next_eval);
        }
        wake
    }

    /// Notices suspends (wall clock ahead of monotonic) and network changes.
    fn check_clocks(&mut self) {
        let now = self.deps.clock.now();
        if now >= self.next_tick {
            self.next_tick = now + TICK;
        }
        if let Some(gap) = self.gaps.observe(now, self.deps.clock.wall()) {
            self.settle("the computer slept or its clock changed", Some(gap));
        }
        let print = self.deps.network_fingerprint.as_ref().map(|f| f());
        if print.is_some() && print != self.net_print {
            let first = self.net_print.is_none();
            self.net_print = print;
            if !first {
                self.settle("the network changed", None);
            }
        }
    }

    /// Judgement waits for the network to settle: streaks in progress are forgotten,
    /// results of probes started before now do not count, every watch is re-probed after.
    fn settle(&mut self, why: &str, gap: Option<Duration>) {
        let now = self.deps.clock.now();
        let until = now + self.config.connectivity.settle;
        self.settle_until = Some(until);
        self.epoch += 1;
        for w in &mut self.watches {
            w.detector.reset_streaks();
            w.parked = None;
            w.next = until + schedule::initial_offset(&w.cfg.name, Duration::from_secs(5));
            w.anchor = w.next;
        }
        self.next_eval = until;
        self.evaluating = false;
        let wall = self.deps.clock.wall();
        self.deps.sink.record(wall, &Event::Settling { why, gap });
    }

    fn on_power(&mut self, signal: PowerSignal) {
        match signal {
            PowerSignal::Suspending => {
                self.sleeping = true;
                self.epoch += 1;
                for w in &mut self.watches {
                    w.detector.reset_streaks();
                    w.parked = None;
                }
            }
            PowerSignal::Resumed => {
                self.sleeping = false;
                // The clock gap of the suspend is the same event: reset the reference.
                self.gaps = GapDetector::new(GAP_TOLERANCE);
                let now = self.deps.clock.now();
                self.gaps.observe(now, self.deps.clock.wall());
                self.settle("the computer woke up", None);
            }
        }
    }

    fn settling(&self, now: Instant) -> bool {
        self.sleeping || self.settle_until.is_some_and(|t| now < t)
    }

    fn launch_due(&mut self) {
        let now = self.deps.clock.now();
        if self.settling(now) {
            return;
        }
        for w in &mut self.watches {
            if w.running || w.parked.is_some() || w.next > now {
                continue;
            }
            w.running = true;
            let (exec, tx, permits, epoch) = (
                self.deps.exec.clone(),
                self.done_tx.clone(),
                self.permits.clone(),
                self.epoch,
            );
            let (check, settings, name) =
                (w.cfg.check.clone(), w.cfg.probe.clone(), w.cfg.name.clone());
            let clock = self.deps.clock.clone();
            let scheduled = w.next;
            tokio::spawn(async move {
                let Ok(_permit) = permits.acquire_owned().await else {
                    return;
                };
                let late = clock.now().saturating_duration_since(scheduled);
                let at = clock.wall();
                let result = exec.run(check, settings).await;
                let _ = tx.send(Done {
                    name,
                    result,
                    at,
                    epoch,
                    late,
                });
            });
        }
    }

    fn evaluate_if_due(&mut self) {
        let now = self.deps.clock.now();
        if self.evaluating || self.settling(now) || now < self.next_eval {
            return;
        }
        self.evaluating = true;
        let controls: Vec<_> = self
            .config
            .connectivity
            .controls
            .iter()
            .map(|c| (c.check.clone(), c.probe.clone()))
            .collect();
        let (exec, tx, epoch) = (self.deps.exec.clone(), self.eval_tx.clone(), self.epoch);
        tokio::spawn(async move {
            let runs = controls
                .into_iter()
                .map(|(check, settings)| exec.run(check, settings));
            let results = futures_join_all(runs).await;
            let _ = tx.send((epoch, results));
        });
    }

    fn on_verdict(&mut self, epoch: u64, results: Vec<ProbeResult>) {
        self.evaluating = false;
        if epoch != self.epoch {
            return; // started before a sleep or network change: it proves nothing.
        }
        let now = self.deps.clock.now();
        let wall = self.deps.clock.wall();
        let verdict = verdict_of(&self.config, results);
        self.verdict_at = Some(now);
        if verdict != self.verdict {
            let lasted = now.duration_since(self.verdict_since);
            self.deps.sink.record(
                wall,
                &Event::Verdict {
                    from: self.verdict,
                    to: verdict,
                },
            );
            self.policy.push(
                Input::Verdict {
                    from: self.verdict,
                    to: verdict,
                    lasted,
                },
                now,
                wall,
            );
            if verdict == Verdict::Online {
                // Failures seen while offline were never fed; start every run afresh.
                for w in &mut self.watches {
                    w.detector.reset_streaks();
                }
            }
            self.verdict = verdict;
            self.verdict_since = now;
        }
        let retry = self.config.defaults.retry_interval;
        self.next_eval = now
            + if verdict == Verdict::Online {
                self.config.connectivity.interval
            } else {
                retry
            };
        let parked: Vec<usize> = (0..self.watches.len())
            .filter(|i| self.watches[*i].parked.is_some())
            .collect();
        for i in parked {
            if let Some((result, at)) = self.watches[i].parked.take() {
                self.judge(i, &result, at, verdict == Verdict::Online);
            }
        }
    }

    fn on_done(&mut self, done: Done) {
        let Some(i) = self.watches.iter().position(|w| w.cfg.name == done.name) else {
            return;
        };
        self.watches[i].running = false;
        self.watches[i].last_late = done.late;
        let now = self.deps.clock.now();
        if done.epoch != self.epoch || self.settling(now) {
            // Taken across a sleep or a network change: recorded, not judged.
            self.record_check(i, &done.result, false);
            self.reschedule(i, now);
            return;
        }
        let outcome = outcome_of(&done.result);
        let failing = matches!(outcome, Outcome::Down(_));
        if failing && self.verdict != Verdict::Online {
            self.judge(i, &done.result, done.at, false);
            return;
        }
        let fresh = self
            .verdict_at
            .is_some_and(|t| now.duration_since(t) <= VERDICT_FRESH);
        if failing && self.watches[i].detector.next_failure_confirms() && !fresh {
            // Is it me? Ask the controls before this failure may confirm an outage.
            self.watches[i].parked = Some((done.result, done.at));
            if !self.evaluating {
                self.next_eval = now;
            }
            return;
        }
        self.judge(i, &done.result, done.at, true);
    }

    /// Records the check and, when `judged`, feeds it to the detector.
    fn judge(&mut self, i: usize, result: &ProbeResult, at: SystemTime, judged: bool) {
        let now = self.deps.clock.now();
        let outcome = outcome_of(result);
        // A success is a fact whatever the verdict (a LAN service works while offline).
        let judged = judged || matches!(outcome, Outcome::Up | Outcome::Degraded(_));
        self.record_check(i, result, judged);
        if judged && matches!(outcome, Outcome::Down(_)) && !self.watches[i].detector.confirming() {
            self.pull_group_forward(i, now);
        }
        if judged {
            if let Some(change) = self.watches[i].detector.observe(&outcome, at) {
                self.on_change(i, &change);
            }
            if let Some(days) = result
                .tls
                .as_ref()
                .and_then(|t| t.days_left)
                .filter(|_| is_tls(&self.watches[i].cfg.check.target))
            {
                let w = &self.watches[i].cfg;
                let input = Input::CertDays {
                    watch: w.name.clone(),
                    muted: w.muted,
                    days_left: days,
                };
                self.policy.push(input, now, self.deps.clock.wall());
            }
        }
        self.reschedule(i, now);
    }

    /// The first failure of a grouped watch re-probes its group mates now, so that an
    /// outage of the whole provider is confirmed for all of them together and leaves as one
    /// notification, instead of one per watch spread over an interval.
    fn pull_group_forward(&mut self, i: usize, now: Instant) {
        let Some(group) = self.watches[i].cfg.group.clone() else {
            return;
        };
        for (j, w) in self.watches.iter_mut().enumerate() {
            let idle = !w.running && w.parked.is_none() && !w.detector.confirming();
            if j != i
                && idle
                && w.cfg.group.as_ref() == Some(&group)
                && w.detector.state() != WatchState::Down
            {
                w.next = w.next.min(now);
            }
        }
    }

    fn record_check(&mut self, i: usize, result: &ProbeResult, judged: bool) {
        let late = self.watches[i].last_late;
        let w = &self.watches[i].cfg;
        let wall = self.deps.clock.wall();
        let event = Event::Check {
            watch: &w.name,
            group: w.group.as_deref(),
            result,
            judged,
            verdict: self.verdict,
            late,
        };
        self.deps.sink.record(wall, &event);
    }

    fn reschedule(&mut self, i: usize, now: Instant) {
        let w = &mut self.watches[i];
        if w.detector.confirming() {
            w.next = now + w.cfg.retry_interval;
        } else {
            let down_for = w
                .down_since
                .map(|t| now.duration_since(t))
                .unwrap_or_default();
            let interval = schedule::backoff(w.cfg.interval, down_for);
            w.anchor = schedule::next_slot(w.anchor, interval, now).min(now + interval);
            w.next = w.anchor;
        }
    }

    fn on_change(&mut self, i: usize, change: &crate::detector::Change) {
        let now = self.deps.clock.now();
        let wall = self.deps.clock.wall();
        let window = self.config.notifications.group_window;
        let (name, group, muted) = {
            let w = &self.watches[i].cfg;
            (w.name.clone(), w.group.clone(), w.muted)
        };
        self.watches[i].down_since = (change.to == WatchState::Down).then_some(now);
        self.deps.sink.record(
            wall,
            &Event::State {
                watch: &name,
                group: group.as_deref(),
                change,
            },
        );
        let event = self.book.on_change(&name, group.as_deref(), change, window);
        if let Some(event) = &event {
            record_incident(self.deps.sink.as_mut(), wall, event);
            if let Some(dir) = &self.deps.data_dir {
                save_incidents(dir, &self.book);
            }
        }
        let incident = match &event {
            Some(
                IncidentEvent::Opened(i) | IncidentEvent::Updated(i) | IncidentEvent::Closed(i),
            ) => Some(i.group_incident.clone().unwrap_or_else(|| i.id.clone())),
            None => None,
        };
        self.policy.push(
            Input::State {
                watch: name,
                group,
                muted,
                change: change.clone(),
                incident,
            },
            now,
            wall,
        );
    }

    fn reload(&mut self, config: &Arc<Config>) {
        let settings = super::all_settings(config);
        let wall = self.deps.clock.wall();
        if let Err(error) = self.deps.exec.prepare(&settings) {
            self.deps
                .sink
                .record(wall, &Event::ConfigRejected { error: &error });
            return;
        }
        let now = self.deps.clock.now();
        self.install(config, now);
        self.deps.announcer.reconfigure(&config.notifications);
        self.deps.sink.record(
            wall,
            &Event::ConfigReloaded {
                watches: self.watches.len(),
            },
        );
    }

    fn release_notices(&mut self) {
        let now = self.deps.clock.now();
        let wall = self.deps.clock.wall();
        for notice in self
            .policy
            .release(now, wall, self.deps.clock.local_minute())
        {
            let (title, body) = self.deps.announcer.render(&notice);
            self.deps.sink.record(
                wall,
                &Event::Notification {
                    notice: &notice,
                    title: &title,
                    body: &body,
                },
            );
            let (announcer, tx) = (self.deps.announcer.clone(), self.fail_tx.clone());
            tokio::spawn(async move {
                for failure in announcer.deliver(notice, title, body).await {
                    let _ = tx.send(failure);
                }
            });
        }
    }
}

/// Runs futures concurrently and returns their outputs in order.
/// A probe never panics; if one did, its control is left out (the verdict uses the others).
async fn futures_join_all<T: Send + 'static>(
    futs: impl Iterator<Item = super::BoxFuture<T>>,
) -> Vec<T> {
    let handles: Vec<_> = futs.map(tokio::spawn).collect();
    let mut out = Vec::with_capacity(handles.len());
    for h in handles {
        if let Ok(v) = h.await {
            out.push(v);
        }
    }
    out
}

//! Timing handlers of the loop: clocks and settling, launching due probes and
//! connectivity evaluations, rescheduling.

use std::time::Duration;

use downwatch_probe::ProbeResult;
use tokio::time::Instant;

use super::core::Monitor;
use super::{Done, GAP_TOLERANCE, PowerSignal, TICK};
use crate::clock::GapDetector;
use crate::events::{Event, Settle};
use crate::schedule;
use crate::state::WatchState;

impl Monitor {
    /// Notices suspends (wall clock ahead of monotonic) and network changes.
    pub(super) fn check_clocks(&mut self) {
        let now = self.deps.clock.now();
        if let Some(gap) = self.gaps.observe(now, self.deps.clock.wall()) {
            self.settle(Settle::ClockGap, Some(gap));
        }
        // The routing tables are read once per tick, not on every result.
        if now < self.next_tick {
            return;
        }
        self.next_tick = now + TICK;
        let print = self.deps.network_fingerprint.as_ref().map(|f| f());
        if print.is_some() && print != self.net_print {
            let first = self.net_print.is_none();
            self.net_print = print;
            if !first {
                self.settle(Settle::NetworkChanged, None);
            }
        }
    }

    /// Judgement waits for the network to settle: streaks in progress are forgotten,
    /// results of probes started before now do not count, every watch is re-probed after.
    pub(super) fn settle(&mut self, why: Settle, gap: Option<Duration>) {
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
        self.emit(Event::Settling { why, gap });
    }

    pub(super) fn on_power(&mut self, signal: PowerSignal) {
        match signal {
            PowerSignal::Suspending => {
                self.sleeping = true;
                self.epoch += 1;
                for w in &mut self.watches {
                    w.detector.reset_streaks();
                    w.parked = None;
                }
                self.emit(Event::Settling {
                    why: Settle::GoingToSleep,
                    gap: None,
                });
            }
            PowerSignal::Resumed => {
                self.sleeping = false;
                // The clock gap of the suspend is the same event: reset the reference.
                self.gaps = GapDetector::new(GAP_TOLERANCE);
                let now = self.deps.clock.now();
                self.gaps.observe(now, self.deps.clock.wall());
                self.settle(Settle::WokeUp, None);
            }
        }
    }

    pub(super) fn settling(&self, now: Instant) -> bool {
        self.sleeping || self.settle_until.is_some_and(|t| now < t)
    }

    pub(super) fn launch_due(&mut self) {
        let now = self.deps.clock.now();
        if self.settling(now) || self.paused.is_some() {
            return;
        }
        for w in &mut self.watches {
            if w.running || w.parked.is_some() || w.paused.is_some() || w.next > now {
                continue;
            }
            w.running = true;
            let (exec, tx, permits, epoch) = (
                self.deps.exec.clone(),
                self.done_tx.clone(),
                self.permits.clone(),
                self.epoch,
            );
            let (check, settings, id) = (w.cfg.check.clone(), w.cfg.probe.clone(), w.id);
            let clock = self.deps.clock.clone();
            let scheduled = w.next;
            tokio::spawn(async move {
                let Ok(_permit) = permits.acquire_owned().await else {
                    return;
                };
                let started = clock.now();
                let late = started.saturating_duration_since(scheduled);
                let at = clock.wall();
                let result = exec.run(check, settings).await;
                let _ = tx.send(Done {
                    id,
                    result,
                    at,
                    epoch,
                    late,
                    started,
                });
            });
        }
    }

    pub(super) fn evaluate_if_due(&mut self) {
        let now = self.deps.clock.now();
        if self.evaluating || self.settling(now) || self.paused.is_some() || now < self.next_eval {
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
            let results = futures_join_all(runs)
                .await
                .into_iter()
                .map(|r| {
                    r.unwrap_or_else(|| ProbeResult::setup_failure("the control probe task failed"))
                })
                .collect();
            let _ = tx.send((epoch, results));
        });
    }

    pub(super) fn reschedule(&mut self, i: usize, now: Instant) {
        let w = &mut self.watches[i];
        if w.detector.confirming() {
            let from = w.last_started.unwrap_or(now);
            w.next = schedule::retry_at(from, w.cfg.retry_interval, now);
        } else {
            let down_for = w
                .down_since
                .map(|t| now.duration_since(t))
                .unwrap_or_default();
            // A check pulled forward (check now, a group mate's failure) leaves its slot
            // pending: the anchor is still ahead, and the grid is kept.
            if w.anchor <= now {
                w.anchor = schedule::next_settled(w.anchor, w.cfg.interval, down_for, now);
            }
            w.next = w.anchor;
        }
    }

    /// The first failure of a grouped watch re-probes its group mates now, so that an
    /// outage of the whole provider is confirmed for all of them together and leaves as one
    /// notification, instead of one per watch spread over an interval.
    pub(super) fn pull_group_forward(&mut self, i: usize, now: Instant) {
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
}

/// Runs futures concurrently and returns their outputs in order.
async fn futures_join_all<T: Send + 'static>(
    futs: impl Iterator<Item = super::BoxFuture<T>>,
) -> Vec<Option<T>> {
    let handles: Vec<_> = futs.map(tokio::spawn).collect();
    let mut out = Vec::with_capacity(handles.len());
    for h in handles {
        // Results stay aligned with their controls: a failed task (it cannot panic in
        // practice) counts as that control failing.
        out.push(h.await.ok());
    }
    out
}

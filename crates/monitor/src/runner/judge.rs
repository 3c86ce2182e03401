//! Judging handlers of the loop: probe results, connectivity verdicts, state changes and
//! incidents, reloads, and releasing notices.

use std::sync::Arc;
use std::time::SystemTime;

use downwatch_config::Config;
use downwatch_probe::ProbeResult;

use super::core::Monitor;
use super::{Done, VERDICT_FRESH, incident_event, is_tls, outcome_of, verdict_of};
use crate::detector::NewState;
use crate::detector::Outcome;
use crate::events::Event;
use crate::events::Rejected;
use crate::incidents::IncidentEvent;
use crate::policy::Input;
use crate::snapshot::LastCheck;
use crate::state::{Verdict, WatchState};

impl Monitor {
    pub(super) fn on_verdict(&mut self, epoch: u64, results: Vec<ProbeResult>) {
        self.evaluating = false;
        if epoch != self.epoch {
            return; // started before a sleep or network change: it proves nothing.
        }
        let now = self.deps.clock.now();
        let wall = self.deps.clock.wall();
        let verdict = verdict_of(&self.config, results);
        // The first verdict after start-up is a baseline, like the watches' first states:
        // recorded, not notified.
        let first = self.verdict_at.replace(now).is_none();
        if verdict != self.verdict {
            let (from, lasted) = (self.verdict, now.duration_since(self.verdict_since));
            self.emit(Event::Verdict { from, to: verdict });
            self.dirty = true;
            if !first {
                self.policy.push(
                    Input::Verdict {
                        from,
                        to: verdict,
                        lasted,
                    },
                    now,
                    wall,
                );
            }
            if verdict == Verdict::Online {
                // Failures seen while offline were never fed; start every run afresh.
                for w in &mut self.watches {
                    w.detector.reset_streaks();
                }
            }
            self.verdict = verdict;
            self.verdict_since = now;
        }
        if first {
            self.policy.baseline_verdict(verdict, now, wall);
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

    pub(super) fn on_done(&mut self, done: Done) {
        let Some(i) = self.watches.iter().position(|w| w.id == done.id) else {
            return;
        };
        self.watches[i].running = false;
        self.watches[i].last_late = done.late;
        self.watches[i].last_started = Some(done.started);
        let now = self.deps.clock.now();
        if done.epoch != self.epoch || self.settling(now) || self.is_paused(i) {
            // Taken across a sleep or a network change: recorded, not judged.
            self.record_check(i, &done.result, done.at, false);
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
    pub(super) fn judge(&mut self, i: usize, result: &ProbeResult, at: SystemTime, judged: bool) {
        let now = self.deps.clock.now();
        let outcome = outcome_of(result);
        // A success is a fact whatever the verdict (a LAN service works while offline).
        let judged = judged || matches!(outcome, Outcome::Up | Outcome::Degraded(_));
        self.record_check(i, result, at, judged);
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

    /// Records a check that started at `at` (wall clock).
    pub(super) fn record_check(
        &mut self,
        i: usize,
        result: &ProbeResult,
        at: SystemTime,
        judged: bool,
    ) {
        let now = self.deps.clock.now();
        let rt = &self.watches[i];
        let down_for = rt
            .down_since
            .map(|t| now.duration_since(t))
            .unwrap_or_default();
        let interval = crate::schedule::backoff(rt.cfg.interval, down_for);
        let late = rt.last_late;
        let w = &rt.cfg;
        let wall = self.deps.clock.wall();
        let event = Event::Check {
            watch: w.name.clone(),
            group: w.group.clone(),
            result: Arc::new(result.clone()),
            judged,
            verdict: self.verdict,
            late,
            at,
            interval,
        };
        self.emit(event);
        let last = LastCheck::of(result, wall, judged);
        self.touch(i, |s| s.last = Some(last));
    }

    pub(super) fn on_change(&mut self, i: usize, change: &crate::detector::Change) {
        let now = self.deps.clock.now();
        let wall = self.deps.clock.wall();
        let window = self.config.notifications.group_window;
        let (name, group, muted) = {
            let w = &self.watches[i].cfg;
            (w.name.clone(), w.group.clone(), w.muted)
        };
        self.watches[i].down_since = (change.state() == WatchState::Down).then_some(now);
        self.emit(Event::State {
            watch: name.clone(),
            group: group.clone(),
            change: change.clone(),
        });
        let event = self.book.on_change(&name, group.as_deref(), change, window);
        if let Some(event) = &event {
            self.emit(incident_event(event));
            self.save_incidents();
        }
        let (state, since) = (change.state(), change.since);
        let open = self.book.open_for(&name).cloned();
        self.touch(i, |s| {
            s.state = state;
            // A pause or a resume does not restart the state's clock.
            if !matches!(change.to, NewState::Paused) && change.from != WatchState::Paused {
                s.since = Some(since);
            }
            s.incident = open;
        });
        let incident = match &event {
            Some(
                IncidentEvent::Opened(i) | IncidentEvent::Updated(i) | IncidentEvent::Closed(i),
            ) => Some(i.group_incident.clone().unwrap_or_else(|| i.id.clone())),
            // Still the same trouble (down -> unstable -> down): the notice names its incident.
            None => self
                .book
                .open_for(&name)
                .map(|i| i.group_incident.clone().unwrap_or_else(|| i.id.clone())),
        };
        let mut change = change.clone();
        if let Some(IncidentEvent::Closed(closed)) = &event {
            // The whole trouble, as the incident knows it: it may have begun before a
            // restart, which the detector cannot know.
            change.bad_since = Some(closed.start);
        }
        self.policy.push(
            Input::State {
                watch: name,
                group,
                muted,
                change,
                incident,
            },
            now,
            wall,
        );
    }

    /// Applies a new configuration, unless a probe setting of it cannot be set up.
    pub(super) fn reload(&mut self, config: &Arc<Config>) -> Result<(), Arc<Rejected>> {
        let settings = super::all_settings(config);
        if let Err(error) = self.deps.exec.prepare(&settings) {
            let error = Arc::new(Rejected::Probe(error));
            self.emit(Event::ConfigRejected {
                error: error.clone(),
            });
            return Err(error);
        }
        let now = self.deps.clock.now();
        self.install(config, now);
        self.deps.announcer.reconfigure(&config.notifications);
        let watches = self.watches.len();
        self.emit(Event::ConfigReloaded { watches });
        Ok(())
    }

    /// Renders and delivers the notices due (`all`: every notice still waiting, at
    /// shutdown: delivered now rather than dropped).
    pub(super) fn release_notices(&mut self, all: bool) {
        let now = self.deps.clock.now();
        let wall = self.deps.clock.wall();
        let minute = self.deps.clock.local_minute();
        let notices = if all {
            self.policy.release_all(now, wall, minute)
        } else {
            self.policy.release(now, wall, minute)
        };
        for notice in notices {
            self.tell(notice);
        }
    }

    /// Records a notice as an event and queues it for delivery at the end of the turn
    /// (after the history has kept it, see [`Monitor::flush_outbox`]).
    pub(super) fn tell(&mut self, notice: crate::notice::Notice) {
        let rendered = self.deps.announcer.render(&notice);
        self.emit(Event::Notification {
            notice: notice.clone(),
            rendered: rendered.clone(),
        });
        self.to_deliver.push((notice, rendered));
    }
}

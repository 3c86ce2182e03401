//! Commands from clients of the resident (check now, pause, resume, reload), each answered
//! through a oneshot once it has taken effect in the loop.

use std::sync::Arc;
use std::time::Duration;

use downwatch_config::Config;
use tokio::sync::oneshot;
use tokio::time::Instant;

use super::core::Monitor;
use super::pause::{PauseRt, SavedPause, SavedPauses};
use super::{PAUSE_FILE, save_state};
use crate::events::{Event, HistoryNote, Rejected};
use crate::schedule;

/// Which watches a command is about.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Scope {
    /// Every watch (and, for a pause, the connectivity controls).
    All,
    /// One watch, by name.
    Watch(String),
}

/// Where a command's answer goes.
pub type Reply = oneshot::Sender<Result<(), CommandError>>;

/// A command to the loop.
#[derive(Debug)]
pub enum Command {
    /// Probe now, outside the schedule. A watch already being probed, or re-probed to
    /// confirm a change, is left alone: repeated requests coalesce, and the confirmation
    /// retries keep their spacing. The schedule's grid is kept.
    CheckNow {
        /// Which watches.
        scope: Scope,
        /// Answered once the checks are due (their results arrive as events).
        reply: Reply,
    },
    /// Stop probing and judging. A paused watch is not probed and never notifies; its
    /// open incident stays open. A global pause also stops the connectivity controls and
    /// survives a restart with its end time.
    Pause {
        /// Which watches.
        scope: Scope,
        /// How long; `None`: until resumed.
        duration: Option<Duration>,
        /// Answered once paused.
        reply: Reply,
    },
    /// Resume: judged afresh from the next checks (what happened meanwhile is not
    /// replayed), on the watches' usual schedule. `All` also ends every watch's own pause.
    Resume {
        /// Which watches.
        scope: Scope,
        /// Answered once resumed.
        reply: Reply,
    },
    /// Apply a configuration (read from the file by the handle).
    Reload {
        /// The new configuration.
        config: Arc<Config>,
        /// Answered once applied, or with why it was not.
        reply: Reply,
    },
    /// What happened to the history store: recorded as an event; a damaged history moved
    /// aside is also told to the user. Not answered.
    Report(HistoryNote),
}

/// Why a command did not take effect.
#[derive(Debug, thiserror::Error)]
pub enum CommandError {
    /// No watch has that name.
    #[error("no watch named \"{0}\"")]
    NoSuchWatch(String),
    /// The watch (or every watch) is paused: it is not probed.
    #[error("\"{0}\" is paused")]
    Paused(String),
    /// Every watch is paused.
    #[error("monitoring is paused")]
    AllPaused,
    /// The configuration was not applied; the last good one keeps running.
    #[error("configuration not applied: {0}")]
    Rejected(#[source] Arc<Rejected>),
    /// The resident has stopped.
    #[error("the resident has stopped")]
    Stopped,
}

impl Monitor {
    pub(super) fn on_command(&mut self, command: Command) {
        let (reply, result) = match command {
            Command::CheckNow { scope, reply } => (reply, self.check_now(&scope)),
            Command::Pause {
                scope,
                duration,
                reply,
            } => (reply, self.pause(&scope, duration)),
            Command::Resume { scope, reply } => (reply, self.resume(&scope)),
            Command::Reload { config, reply } => {
                (reply, self.reload(&config).map_err(CommandError::Rejected))
            }
            Command::Report(note) => return self.on_report(note),
        };
        // A client that stopped waiting does not matter.
        let _ = reply.send(result);
    }

    /// Records a note of the history store; a history moved aside is told at once (it is
    /// not about a watch: no group wait, no rate limit).
    fn on_report(&mut self, note: HistoryNote) {
        if let HistoryNote::MovedAside { to, .. } = &note {
            let notice = crate::notice::Notice {
                kind: crate::notice::NoticeKind::HistoryMovedAside {
                    kept_as: to.display().to_string(),
                },
                incident: None,
                at: self.deps.clock.wall(),
            };
            self.emit(Event::History(note));
            self.tell(notice);
        } else {
            self.emit(Event::History(note));
        }
    }

    fn index(&self, name: &str) -> Result<usize, CommandError> {
        self.watches
            .iter()
            .position(|w| w.cfg.name == name)
            .ok_or_else(|| CommandError::NoSuchWatch(name.to_owned()))
    }

    pub(super) fn is_paused(&self, i: usize) -> bool {
        self.paused.is_some() || self.watches[i].paused.is_some()
    }

    fn check_now(&mut self, scope: &Scope) -> Result<(), CommandError> {
        if self.paused.is_some() {
            return Err(CommandError::AllPaused);
        }
        let now = self.deps.clock.now();
        let chosen: Vec<usize> = match scope {
            Scope::All => (0..self.watches.len())
                .filter(|i| !self.is_paused(*i))
                .collect(),
            Scope::Watch(name) => {
                let i = self.index(name)?;
                if self.is_paused(i) {
                    return Err(CommandError::Paused(name.clone()));
                }
                vec![i]
            }
        };
        for i in chosen {
            let w = &mut self.watches[i];
            // In flight or being confirmed: that check is the answer (coalesced), and a
            // confirmation keeps its retry spacing.
            if w.running || w.parked.is_some() || w.detector.confirming() {
                continue;
            }
            // Only `next` moves: the anchor, so the schedule's grid, stays.
            w.next = now;
        }
        Ok(())
    }

    fn pause(&mut self, scope: &Scope, duration: Option<Duration>) -> Result<(), CommandError> {
        let now = self.deps.clock.now();
        let wall = self.deps.clock.wall();
        let pause = PauseRt::new(duration, now, wall);
        let (watch, targets) = match scope {
            Scope::All => {
                self.paused = Some(pause);
                // Probes and control evaluations in flight prove nothing now.
                self.epoch += 1;
                self.evaluating = false;
                self.save_pause();
                (None, (0..self.watches.len()).collect::<Vec<_>>())
            }
            Scope::Watch(name) => {
                let i = self.index(name)?;
                self.watches[i].paused = Some(pause);
                self.save_pause();
                (Some(name.clone()), vec![i])
            }
        };
        for i in targets {
            self.watches[i].parked = None;
            if let Some(change) = self.watches[i].detector.pause(wall) {
                self.on_change(i, &change);
            }
            let paused = self.watches[i].paused.map(|p| p.public());
            self.touch(i, |s| s.paused = paused);
        }
        self.dirty = true;
        let until = pause.until.map(|(_, w)| w);
        self.emit(Event::Paused { watch, until });
        Ok(())
    }

    pub(super) fn resume(&mut self, scope: &Scope) -> Result<(), CommandError> {
        let targets: Vec<usize> = match scope {
            Scope::All => {
                let was = self.paused.take().is_some();
                let any_own = self
                    .watches
                    .iter_mut()
                    .filter_map(|w| w.paused.take())
                    .count()
                    > 0;
                if was || any_own {
                    self.save_pause();
                }
                if was {
                    // The controls were paused too: ask them first.
                    self.next_eval = self.deps.clock.now();
                }
                (0..self.watches.len()).collect()
            }
            Scope::Watch(name) => {
                let i = self.index(name)?;
                if self.watches[i].paused.take().is_none() {
                    // Not paused by itself: nothing to resume (a global pause is resumed
                    // with `All`).
                    return Ok(());
                }
                self.save_pause();
                if self.paused.is_some() {
                    // Still paused with every other watch.
                    self.touch(i, |s| s.paused = None);
                    return Ok(());
                }
                vec![i]
            }
        };
        let now = self.deps.clock.now();
        let wall = self.deps.clock.wall();
        for i in targets {
            if let Some(change) = self.watches[i].detector.resume(wall) {
                self.on_change(i, &change);
            }
            let w = &mut self.watches[i];
            // Back on its grid at the next slot: no burst, nothing replayed.
            w.anchor = schedule::next_slot(w.anchor, w.cfg.interval, now);
            w.next = w.anchor;
            self.touch(i, |s| s.paused = None);
        }
        self.dirty = true;
        let watch = match scope {
            Scope::All => None,
            Scope::Watch(name) => Some(name.clone()),
        };
        self.emit(Event::Resumed { watch });
        Ok(())
    }

    /// Ends pauses whose time is up.
    pub(super) fn end_pauses(&mut self, now: Instant) {
        if self.paused.is_some_and(|p| p.ended(now)) {
            let _ = self.resume(&Scope::All);
        }
        let ended: Vec<String> = self
            .watches
            .iter()
            .filter(|w| w.paused.is_some_and(|p| p.ended(now)))
            .map(|w| w.cfg.name.clone())
            .collect();
        for name in ended {
            let _ = self.resume(&Scope::Watch(name));
        }
    }

    /// The earliest end of a pause, for the loop's wake-up.
    pub(super) fn next_pause_end(&self) -> Option<Instant> {
        self.paused
            .iter()
            .chain(self.watches.iter().filter_map(|w| w.paused.as_ref()))
            .filter_map(|p| p.until.map(|(end, _)| end))
            .min()
    }

    /// Keeps every pause (the global one and each watch's) in `paused.json`.
    fn save_pause(&self) {
        if let Some(dir) = &self.deps.data_dir {
            let saved = SavedPauses {
                all: self.paused.as_ref().map(SavedPause::of),
                watches: self
                    .watches
                    .iter()
                    .filter_map(|w| Some((w.cfg.name.clone(), SavedPause::of(w.paused.as_ref()?))))
                    .collect(),
            };
            save_state(dir, PAUSE_FILE, &saved);
        }
    }
}

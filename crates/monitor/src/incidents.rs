//! Incidents: opened when a bad state is confirmed, with the start back-dated to the first
//! failed check of the run; closed at recovery with a duration and the dominant cause.
//! Watches of one group that go bad within the group window share a group incident.

use std::collections::BTreeMap;
use std::time::{Duration, SystemTime};

use downwatch_probe::{Cause, Layer};
use serde::{Deserialize, Serialize};

use downwatch_text::Message;

use crate::detector::Change;
use crate::ids::{IncidentId, slug};
use crate::state::WatchState;
use crate::walltime::{unix_millis, unix_ms, unix_ms_opt};

/// What kind of trouble an incident records.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum IncidentKind {
    /// Confirmed down.
    Down,
    /// Confirmed degraded.
    Degraded,
    /// Failing intermittently.
    Unstable,
}

impl IncidentKind {
    fn of(state: WatchState) -> Option<IncidentKind> {
        match state {
            WatchState::Down => Some(IncidentKind::Down),
            WatchState::Degraded => Some(IncidentKind::Degraded),
            WatchState::Unstable => Some(IncidentKind::Unstable),
            WatchState::Unknown | WatchState::Up | WatchState::Paused => None,
        }
    }

    fn severity(self) -> u8 {
        match self {
            IncidentKind::Degraded => 0,
            IncidentKind::Unstable => 1,
            IncidentKind::Down => 2,
        }
    }
}

/// One incident.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Incident {
    /// Stable id.
    pub id: IncidentId,
    /// The watch.
    pub watch: String,
    /// Its provider group.
    pub group: Option<String>,
    /// The shared id when several watches of a group failed together.
    pub group_incident: Option<IncidentId>,
    /// The worst kind seen during the incident.
    pub kind: IncidentKind,
    /// First failed check of the run.
    #[serde(with = "unix_ms")]
    pub start: SystemTime,
    /// Recovery, when closed.
    #[serde(with = "unix_ms_opt", default)]
    pub end: Option<SystemTime>,
    /// Dominant layer, when known.
    pub layer: Option<Layer>,
    /// Dominant cause, when known.
    pub cause: Option<Cause>,
    /// The probe's message for that cause (English, for scripts and the events file).
    pub detail: Option<String>,
    /// The same message as data (id and arguments), so the history renders it in the
    /// reader's language. Absent in a file saved before it existed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<Message>,
}

impl Incident {
    /// How long it lasted (or has lasted until `now`).
    pub fn duration(&self, now: SystemTime) -> Duration {
        self.end
            .unwrap_or(now)
            .duration_since(self.start)
            .unwrap_or_default()
    }
}

/// What the book did with a state change.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum IncidentEvent {
    /// A new incident.
    Opened(Incident),
    /// An open incident got worse or learnt its cause.
    Updated(Incident),
    /// A recovery closed it.
    Closed(Incident),
}

/// The open incidents, one per watch at most.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct IncidentBook {
    open: BTreeMap<String, Incident>,
}

impl IncidentBook {
    /// An empty book (or one restored with serde, to survive restarts).
    pub fn new() -> Self {
        IncidentBook::default()
    }

    /// A book of the incidents still open (restored from the history store after a
    /// restart); at most one per watch, the last one given wins.
    pub fn from_open(open: impl IntoIterator<Item = Incident>) -> Self {
        IncidentBook {
            open: open.into_iter().map(|i| (i.watch.clone(), i)).collect(),
        }
    }

    /// Fills in the group of open incidents that have none (restored from the history
    /// store, which keeps the group incident but not the watch's group), from
    /// `group_of(watch)`.
    pub fn name_groups(&mut self, group_of: impl Fn(&str) -> Option<String>) {
        for incident in self.open.values_mut().filter(|i| i.group.is_none()) {
            incident.group = group_of(&incident.watch);
        }
    }

    /// The open incident of a watch.
    pub fn open_for(&self, watch: &str) -> Option<&Incident> {
        self.open.get(watch)
    }

    /// Every open incident.
    pub fn open(&self) -> impl Iterator<Item = &Incident> {
        self.open.values()
    }

    /// Drops open incidents of watches that no longer exist (config edit), closing them.
    pub fn retain_watches(
        &mut self,
        exists: impl Fn(&str) -> bool,
        now: SystemTime,
    ) -> Vec<IncidentEvent> {
        let gone: Vec<String> = self.open.keys().filter(|w| !exists(w)).cloned().collect();
        gone.into_iter()
            .filter_map(|w| self.open.remove(&w))
            .map(|mut i| {
                i.end = Some(now);
                IncidentEvent::Closed(i)
            })
            .collect()
    }

    /// Applies a confirmed change of `watch`; `group_window` groups incidents of one group.
    pub fn on_change(
        &mut self,
        watch: &str,
        group: Option<&str>,
        change: &Change,
        group_window: Duration,
    ) -> Option<IncidentEvent> {
        let reason = change.to.reason();
        match IncidentKind::of(change.state()) {
            Some(kind) => {
                if let Some(open) = self.open.get_mut(watch) {
                    // Still the same trouble (restored after a restart, or it got worse).
                    if kind.severity() > open.kind.severity() || open.cause.is_none() {
                        open.kind = if kind.severity() > open.kind.severity() {
                            kind
                        } else {
                            open.kind
                        };
                        if let Some(r) = reason {
                            open.layer = Some(r.layer);
                            open.cause = Some(r.cause);
                            open.detail = Some(r.detail.english());
                            open.message = Some(r.detail.clone());
                        }
                        return Some(IncidentEvent::Updated(open.clone()));
                    }
                    return None;
                }
                let start = change.since;
                let group_incident = group.and_then(|g| {
                    self.open
                        .values()
                        .filter(|i| i.group.as_deref() == Some(g))
                        .find(|i| abs_diff(i.start, start) <= group_window)
                        .map(|i| i.group_incident.clone().unwrap_or_else(|| i.id.clone()))
                });
                if let Some(shared) = &group_incident {
                    // The first incident of the group learns it is part of one.
                    for other in self.open.values_mut() {
                        if &other.id == shared {
                            other.group_incident = Some(shared.clone());
                        }
                    }
                }
                let incident = Incident {
                    id: IncidentId(format!("{}-{}", slug(watch), unix_millis(start))),
                    watch: watch.to_owned(),
                    group: group.map(str::to_owned),
                    group_incident,
                    kind,
                    start,
                    end: None,
                    layer: reason.map(|r| r.layer),
                    cause: reason.map(|r| r.cause),
                    detail: reason.map(|r| r.detail.english()),
                    message: reason.map(|r| r.detail.clone()),
                };
                self.open.insert(watch.to_owned(), incident.clone());
                Some(IncidentEvent::Opened(incident))
            }
            None if change.state() == WatchState::Paused => None,
            None => {
                let mut incident = self.open.remove(watch)?;
                incident.end = Some(change.since);
                Some(IncidentEvent::Closed(incident))
            }
        }
    }
}

fn abs_diff(a: SystemTime, b: SystemTime) -> Duration {
    a.duration_since(b)
        .or_else(|_| b.duration_since(a))
        .unwrap_or_default()
}

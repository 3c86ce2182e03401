//! The notification policy: which state changes become notifications, and when. Pure: it is
//! fed inputs with the time, and asked what is due.
//!
//! - Silent (start-up) and muted changes are never notified.
//! - Every notice waits `group_wait` (like Alertmanager's group_wait): notices of one kind
//!   and one group that arrive meanwhile leave together; a failure that healed within the
//!   wait sends nothing at all.
//! - Recovered is sent only for a watch whose trouble was told (or held) before.
//! - A rate limit (N per window) and quiet hours hold notices back; what was held is
//!   summarised in one notice when sending is allowed again.
//! - Certificate warnings at most once a day per watch.

use std::collections::{BTreeSet, HashMap, HashSet, VecDeque};
use std::time::{Duration, SystemTime};

use tokio::time::Instant;

use crate::config::Notifications;
use crate::detector::Change;
use crate::notice::{IncidentId, Notice, NoticeKind, Reason};
use crate::state::{Verdict, WatchState};

/// Something that may deserve a notification.
#[derive(Clone, Debug)]
pub enum Input {
    /// A watch changed state.
    State {
        /// Watch name.
        watch: String,
        /// Its group.
        group: Option<String>,
        /// Muted watches are never notified.
        muted: bool,
        /// The change.
        change: Change,
        /// Its incident (group incident when shared).
        incident: Option<IncidentId>,
    },
    /// The connectivity verdict changed.
    Verdict {
        /// Before.
        from: Verdict,
        /// Now.
        to: Verdict,
        /// How long the previous verdict lasted.
        lasted: Duration,
    },
    /// A certificate's days left (sent after every TLS result).
    CertDays {
        /// Watch name.
        watch: String,
        /// Muted watches are never notified.
        muted: bool,
        /// Whole days left.
        days_left: i64,
    },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
enum Category {
    Down,
    Recovered,
    Degraded,
    Unstable,
    Cert,
    Offline,
    Online,
}

#[derive(Clone, Debug)]
struct Pending {
    category: Category,
    watch: Option<String>,
    group: Option<String>,
    kind: NoticeKind,
    incident: Option<IncidentId>,
    queued: Instant,
}

/// The policy's memory.
#[derive(Debug)]
pub struct Policy {
    cfg: Notifications,
    pending: Vec<Pending>,
    sent: VecDeque<Instant>,
    told_bad: HashSet<String>,
    held: u32,
    held_down: BTreeSet<String>,
    held_recovered: BTreeSet<String>,
    cert_warned: HashMap<String, SystemTime>,
    went_offline: bool,
}

const DAY: Duration = Duration::from_secs(24 * 3600);

impl Policy {
    /// A policy with these settings.
    pub fn new(cfg: Notifications) -> Self {
        Policy {
            cfg,
            pending: Vec::new(),
            sent: VecDeque::new(),
            told_bad: HashSet::new(),
            held: 0,
            held_down: BTreeSet::new(),
            held_recovered: BTreeSet::new(),
            cert_warned: HashMap::new(),
            went_offline: false,
        }
    }

    /// New settings (config reload); what is pending stays pending.
    pub fn set_config(&mut self, cfg: Notifications) {
        self.cfg = cfg;
    }

    /// Takes one input at `now`.
    pub fn push(&mut self, input: Input, now: Instant, wall: SystemTime) {
        match input {
            Input::State {
                watch,
                group,
                muted,
                change,
                incident,
            } => {
                if change.silent || muted {
                    return;
                }
                self.push_state(watch, group, change, incident, now);
            }
            Input::Verdict { from, to, lasted } => {
                let online = |v: Verdict| v == Verdict::Online;
                if online(from) && !online(to) {
                    self.went_offline = true;
                    if !self.cancel(Category::Online, None) && self.cfg.offline {
                        self.queue(
                            Category::Offline,
                            None,
                            None,
                            NoticeKind::Offline { verdict: to },
                            None,
                            now,
                        );
                    }
                } else if !online(from) && online(to) {
                    // "Back online" only after an offline spell seen while running (not the
                    // start-up baseline), and not for a dip shorter than the wait.
                    let told = std::mem::take(&mut self.went_offline);
                    if !self.cancel(Category::Offline, None) && told && self.cfg.online {
                        self.queue(
                            Category::Online,
                            None,
                            None,
                            NoticeKind::Online { after: lasted },
                            None,
                            now,
                        );
                    }
                } else if !online(to)
                    && self.pending.iter().any(|p| p.category == Category::Offline)
                {
                    // Offline became captive portal (or the reverse) within the wait: say the latest.
                    for p in &mut self.pending {
                        if p.category == Category::Offline {
                            p.kind = NoticeKind::Offline { verdict: to };
                        }
                    }
                }
            }
            Input::CertDays {
                watch,
                muted,
                days_left,
            } => {
                if muted || days_left >= self.cfg.cert_warn_days {
                    return;
                }
                let recent = self
                    .cert_warned
                    .get(&watch)
                    .is_some_and(|t| wall.duration_since(*t).unwrap_or_default() < DAY);
                if !recent {
                    self.cert_warned.insert(watch.clone(), wall);
                    let kind = NoticeKind::CertExpiring {
                        watch: watch.clone(),
                        days_left,
                    };
                    self.queue(Category::Cert, Some(watch), None, kind, None, now);
                }
            }
        }
    }

    fn push_state(
        &mut self,
        watch: String,
        group: Option<String>,
        change: Change,
        incident: Option<IncidentId>,
        now: Instant,
    ) {
        let reason = change.reason.clone();
        match change.to {
            WatchState::Down | WatchState::Degraded | WatchState::Unstable => {
                let (category, kind) = match change.to {
                    WatchState::Down => (
                        Category::Down,
                        NoticeKind::Down {
                            group: group.clone(),
                            watches: vec![watch.clone()],
                            reason: reason_or_unknown(reason),
                        },
                    ),
                    WatchState::Degraded if self.cfg.degraded => (
                        Category::Degraded,
                        NoticeKind::Degraded {
                            group: group.clone(),
                            watches: vec![watch.clone()],
                            reason: reason_or_unknown(reason),
                        },
                    ),
                    WatchState::Unstable => {
                        let (failures, checks) = change.recent_failures;
                        (
                            Category::Unstable,
                            NoticeKind::Unstable {
                                watch: watch.clone(),
                                failures,
                                checks,
                            },
                        )
                    }
                    _ => return,
                };
                // Worse news replaces older news of the same watch that has not left yet.
                self.pending
                    .retain(|p| p.watch.as_deref() != Some(&watch) || p.category == Category::Cert);
                self.told_bad.insert(watch.clone());
                self.queue(category, Some(watch), group, kind, incident, now);
            }
            WatchState::Up | WatchState::Unknown => {
                let bad_pending = self.pending.iter().any(|p| {
                    p.watch.as_deref() == Some(&watch)
                        && matches!(
                            p.category,
                            Category::Down | Category::Degraded | Category::Unstable
                        )
                });
                if bad_pending {
                    // It healed within the wait: nothing was said, nothing needs saying.
                    self.pending.retain(|p| {
                        p.watch.as_deref() != Some(&watch) || p.category == Category::Cert
                    });
                    self.told_bad.remove(&watch);
                    return;
                }
                if self.told_bad.remove(&watch) && self.cfg.recovered && change.to == WatchState::Up
                {
                    let after = change
                        .bad_since
                        .and_then(|start| change.since.duration_since(start).ok())
                        .unwrap_or_default();
                    let kind = NoticeKind::Recovered {
                        group: group.clone(),
                        watches: vec![watch.clone()],
                        after,
                    };
                    self.queue(Category::Recovered, Some(watch), group, kind, incident, now);
                }
            }
            WatchState::Paused => {}
        }
    }

    fn queue(
        &mut self,
        category: Category,
        watch: Option<String>,
        group: Option<String>,
        kind: NoticeKind,
        incident: Option<IncidentId>,
        now: Instant,
    ) {
        self.pending.push(Pending {
            category,
            watch,
            group,
            kind,
            incident,
            queued: now,
        });
    }

    /// Removes pending notices of a category (for a watch, or global ones); true if any.
    fn cancel(&mut self, category: Category, watch: Option<&str>) -> bool {
        let before = self.pending.len();
        self.pending
            .retain(|p| !(p.category == category && p.watch.as_deref() == watch));
        before != self.pending.len()
    }

    /// When `release` next has something to do.
    pub fn next_wake(&self) -> Option<Instant> {
        self.pending
            .iter()
            .map(|p| p.queued + self.cfg.group_wait)
            .min()
    }

    /// The notices due at `now`. `local_minute` is the local time of day in minutes (for
    /// quiet hours).
    pub fn release(&mut self, now: Instant, wall: SystemTime, local_minute: u16) -> Vec<Notice> {
        while self
            .sent
            .front()
            .is_some_and(|t| now.duration_since(*t) >= self.cfg.rate_limit_window)
        {
            self.sent.pop_front();
        }
        let quiet = self
            .cfg
            .quiet_hours
            .is_some_and(|q| q.contains(local_minute));
        let mut out = Vec::new();
        if !quiet && self.held > 0 && self.room() {
            out.push(self.summary(wall));
            self.sent.push_back(now);
        }
        while let Some(first) = self
            .pending
            .iter()
            .position(|p| now >= p.queued + self.cfg.group_wait)
        {
            let head = self.pending.remove(first);
            let mut notice_kind = head.kind.clone();
            let mut incident = head.incident.clone();
            let mates: Vec<Pending> = {
                let (mates, rest): (Vec<Pending>, Vec<Pending>) = std::mem::take(&mut self.pending)
                    .into_iter()
                    .partition(|p| {
                        mergeable(head.category)
                            && p.category == head.category
                            && p.group == head.group
                    });
                self.pending = rest;
                mates
            };
            let mut reasons: Vec<Reason> = reason_of(&head.kind).into_iter().collect();
            for mate in mates {
                merge(&mut notice_kind, &mate.kind);
                reasons.extend(reason_of(&mate.kind));
                if incident.is_none() {
                    incident = mate.incident;
                }
            }
            // Watches failing together may fail differently: say the most common cause.
            if let (
                NoticeKind::Down { reason, .. } | NoticeKind::Degraded { reason, .. },
                Some(common),
            ) = (&mut notice_kind, most_common(&reasons))
            {
                *reason = common;
            }
            if quiet || !self.room() {
                self.hold(&notice_kind);
                continue;
            }
            self.sent.push_back(now);
            out.push(Notice {
                kind: notice_kind,
                incident,
                at: wall,
            });
        }
        out
    }

    fn room(&self) -> bool {
        (self.sent.len() as u32) < self.cfg.rate_limit_count
    }

    fn hold(&mut self, kind: &NoticeKind) {
        self.held += 1;
        match kind {
            NoticeKind::Down { watches, .. } => {
                for w in watches {
                    self.held_recovered.remove(w);
                    self.held_down.insert(w.clone());
                }
            }
            NoticeKind::Recovered { watches, .. } => {
                for w in watches {
                    self.held_down.remove(w);
                    self.held_recovered.insert(w.clone());
                }
            }
            _ => {}
        }
    }

    fn summary(&mut self, wall: SystemTime) -> Notice {
        let kind = NoticeKind::Summary {
            held: std::mem::take(&mut self.held),
            down: std::mem::take(&mut self.held_down).into_iter().collect(),
            recovered: std::mem::take(&mut self.held_recovered)
                .into_iter()
                .collect(),
        };
        Notice {
            kind,
            incident: None,
            at: wall,
        }
    }
}

fn reason_or_unknown(reason: Option<Reason>) -> Reason {
    reason.unwrap_or(Reason {
        layer: downwatch_probe::Layer::Tcp,
        cause: downwatch_probe::Cause::TcpError,
        detail: String::new(),
    })
}

fn reason_of(kind: &NoticeKind) -> Option<Reason> {
    match kind {
        NoticeKind::Down { reason, .. } | NoticeKind::Degraded { reason, .. } => {
            Some(reason.clone())
        }
        _ => None,
    }
}

/// The reason whose cause is the most frequent (the earliest one on a tie).
fn most_common(reasons: &[Reason]) -> Option<Reason> {
    let count = |r: &Reason| reasons.iter().filter(|o| o.cause == r.cause).count();
    let mut best: Option<&Reason> = None;
    for r in reasons {
        if best.is_none_or(|b| count(r) > count(b)) {
            best = Some(r);
        }
    }
    best.cloned()
}

fn mergeable(category: Category) -> bool {
    matches!(
        category,
        Category::Down | Category::Degraded | Category::Recovered
    )
}

/// Adds the watches of `other` to `into` (same category and group).
fn merge(into: &mut NoticeKind, other: &NoticeKind) {
    let (mine, theirs) = match (into, other) {
        (NoticeKind::Down { watches: a, .. }, NoticeKind::Down { watches: b, .. })
        | (NoticeKind::Degraded { watches: a, .. }, NoticeKind::Degraded { watches: b, .. })
        | (NoticeKind::Recovered { watches: a, .. }, NoticeKind::Recovered { watches: b, .. }) => {
            (a, b)
        }
        _ => return,
    };
    for w in theirs {
        if !mine.contains(w) {
            mine.push(w.clone());
        }
    }
}

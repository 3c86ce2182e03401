//! The notification policy: which state changes become notifications, and when. Pure: it is
//! fed inputs with the time, and asked what is due.
//!
//! - Silent (start-up) and muted changes are never notified.
//! - Every notice waits `group_wait` (like Alertmanager's group_wait): notices of one kind
//!   and one group that arrive meanwhile leave together; a failure that healed within the
//!   wait sends nothing at all.
//! - A trouble that was told (or held) always gets its closing notice: "back up" when the
//!   watch recovers, even when a newer notice about it was still waiting, and even after a
//!   restart (the first, silent judgement after start-up included). A trouble never told
//!   gets none.
//! - A rate limit (N per window) and quiet hours hold notices back; what was held is
//!   summarised in one notice when sending is allowed again.
//! - Certificate warnings at most once a day per watch.
//! - What was told, warned, sent and held lives in a [`Memory`] the runner saves in the data
//!   directory, so a restart or a reload changes none of the above.

use std::time::{Duration, SystemTime};

use downwatch_config::Notifications;
use tokio::time::Instant;

use crate::detector::Change;
use crate::detector::NewState;
use crate::ids::IncidentId;
use crate::memory::{Announced, Memory, Told, WarningKind};
use crate::notice::{Notice, NoticeKind};
use crate::reason::Reason;
use crate::state::{Verdict, WatchState};
use crate::walltime::{from_millis, unix_millis};

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

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Category {
    Down,
    Recovered,
    Degraded,
    Unstable,
    Steady,
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
    memory: Memory,
    /// The memory changed since [`Policy::take_changed`] was last asked.
    changed: bool,
    /// The offline spell in the memory began before this process started.
    offline_before_start: bool,
    /// Watch names in configuration order: lists in notices follow it, not arrival order.
    order: Vec<String>,
}

const DAY: Duration = Duration::from_secs(24 * 3600);

impl Policy {
    /// A policy with these settings.
    pub fn new(cfg: Notifications) -> Self {
        Policy {
            cfg,
            pending: Vec::new(),
            memory: Memory::default(),
            changed: false,
            offline_before_start: false,
            order: Vec::new(),
        }
    }

    /// The watches, in configuration order (set at start-up and on every reload). Every
    /// list of watches a notice shows follows this order, so a grouped notice reads the same
    /// whichever failure arrived first.
    /// Watches that are no longer configured are forgotten.
    pub fn set_watch_order(&mut self, names: impl IntoIterator<Item = String>) {
        self.order = names.into_iter().collect();
        let before = self.memory.clone();
        let order = &self.order;
        self.memory.retain_watches(|w| order.iter().any(|o| o == w));
        self.changed |= before != self.memory;
    }

    /// What was told, warned, sent and held: the state to keep across restarts.
    pub fn memory(&self) -> &Memory {
        &self.memory
    }

    /// Restores the memory of an earlier run (at start-up, before any input).
    pub fn restore(&mut self, memory: Memory) {
        self.offline_before_start = memory.offline_since.is_some();
        self.memory = memory;
    }

    /// True once after every change of the memory: time to save it.
    pub fn take_changed(&mut self) -> bool {
        std::mem::take(&mut self.changed)
    }

    /// The first connectivity verdict after start-up: a baseline, never notified itself,
    /// but an offline spell seen before a restart still owes its "Back online".
    pub fn baseline_verdict(&mut self, verdict: Verdict, now: Instant, wall: SystemTime) {
        if verdict != Verdict::Online {
            return;
        }
        if let Some(since) = self.memory.offline_since.take() {
            self.changed = true;
            if self.cfg.online {
                let after = wall.duration_since(from_millis(since)).unwrap_or_default();
                let kind = NoticeKind::Online { after };
                self.queue(Category::Online, None, None, kind, None, now);
            }
        }
    }

    /// Sorts names by their position in the configuration (unknown names last, as they
    /// were: the sort is stable).
    fn in_config_order(&self, names: &mut [String]) {
        names.sort_by_key(|n| self.order.iter().position(|o| o == n).unwrap_or(usize::MAX));
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
                if muted {
                    if self.memory.announced.remove(&watch).is_some() {
                        self.changed = true;
                    }
                    return;
                }
                // The first judgement after start-up is a baseline, except that a trouble
                // announced before the restart is owed its end.
                let owed =
                    change.state() == WatchState::Up && self.memory.announced.contains_key(&watch);
                if change.silent && !owed {
                    return;
                }
                self.push_state(watch, group, change, incident, now);
            }
            Input::Verdict { from, to, lasted } => {
                let online = |v: Verdict| v == Verdict::Online;
                if let (Verdict::Online, Some(offline)) = (from, to.offline()) {
                    if self.memory.offline_since.is_none() {
                        self.memory.offline_since = Some(unix_millis(wall));
                        self.changed = true;
                    }
                    if !self.cancel(Category::Online, None) && self.cfg.offline {
                        self.queue(
                            Category::Offline,
                            None,
                            None,
                            NoticeKind::Offline { verdict: offline },
                            None,
                            now,
                        );
                    }
                } else if !online(from) && online(to) {
                    // "Back online" only after an offline spell seen while running (not the
                    // start-up baseline), and not for a dip shorter than the wait.
                    let since = self.memory.offline_since.take();
                    self.changed |= since.is_some();
                    // Across a restart the spell began before this process did; otherwise the
                    // monotonic measure is right (a suspend is not time offline).
                    let after = match since {
                        Some(t) if std::mem::take(&mut self.offline_before_start) => {
                            wall.duration_since(from_millis(t)).unwrap_or_default()
                        }
                        _ => lasted,
                    };
                    if !self.cancel(Category::Offline, None) && since.is_some() && self.cfg.online {
                        self.queue(
                            Category::Online,
                            None,
                            None,
                            NoticeKind::Online { after },
                            None,
                            now,
                        );
                    }
                } else if let Some(offline) = to.offline()
                    && self.pending.iter().any(|p| p.category == Category::Offline)
                {
                    // Offline became captive portal (or the reverse) within the wait: say the latest.
                    for p in &mut self.pending {
                        if p.category == Category::Offline {
                            p.kind = NoticeKind::Offline { verdict: offline };
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
                let kind = WarningKind::CertExpiring;
                if !self.memory.warned_within(kind, &watch, wall, DAY) {
                    self.memory.warn(kind, &watch, wall);
                    self.changed = true;
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
        match change.to {
            NewState::Down(_) | NewState::Degraded(_) | NewState::Unstable(_) => {
                let (category, kind) = match change.to {
                    NewState::Down(reason) => (
                        Category::Down,
                        NoticeKind::Down {
                            group: group.clone(),
                            watches: vec![watch.clone()],
                            reason,
                        },
                    ),
                    NewState::Degraded(reason) if self.cfg.degraded => (
                        Category::Degraded,
                        NoticeKind::Degraded {
                            group: group.clone(),
                            watches: vec![watch.clone()],
                            reason,
                        },
                    ),
                    NewState::Unstable(_) => {
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
                self.queue(category, Some(watch), group, kind, incident, now);
            }
            NewState::Up(_) | NewState::Unknown => {
                // Bad news still waiting healed within the wait: it is never said.
                self.pending.retain(|p| {
                    p.watch.as_deref() != Some(&watch)
                        || !matches!(
                            p.category,
                            Category::Down | Category::Degraded | Category::Unstable
                        )
                });
                if change.state() != WatchState::Up {
                    return;
                }
                // Bad news that was said (this time or before, maybe before a restart) is
                // owed its end, whatever newer news about the watch was still waiting.
                let Some(announced) = self.memory.announced.get(&watch) else {
                    return;
                };
                if !self.cfg.recovered {
                    self.memory.announced.remove(&watch);
                    self.changed = true;
                    return;
                }
                let incident = incident.or_else(|| announced.incident.clone());
                let after = change
                    .bad_since
                    .and_then(|start| change.since.duration_since(start).ok())
                    .unwrap_or_default();
                // The end of what the user heard last: "unstable" ends as "stable again",
                // "down" (or "slow") as "back up".
                let (category, kind) = match announced.told {
                    Told::Unstable => (
                        Category::Steady,
                        NoticeKind::Steady {
                            watch: watch.clone(),
                            after,
                        },
                    ),
                    Told::Down | Told::Degraded => (
                        Category::Recovered,
                        NoticeKind::Recovered {
                            group: group.clone(),
                            watches: vec![watch.clone()],
                            after,
                        },
                    ),
                };
                self.cancel(Category::Recovered, Some(&watch));
                self.cancel(Category::Steady, Some(&watch));
                self.queue(category, Some(watch), group, kind, incident, now);
            }
            NewState::Paused => {}
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
        self.release_due(now, wall, local_minute, false)
    }

    /// Every notice still waiting, without waiting out the group wait (at shutdown: what
    /// was decided is told now, as a grouped notice when its mates are waiting too, rather
    /// than dropped). The rate limit and quiet hours still hold notices into the summary.
    pub fn release_all(
        &mut self,
        now: Instant,
        wall: SystemTime,
        local_minute: u16,
    ) -> Vec<Notice> {
        self.release_due(now, wall, local_minute, true)
    }

    fn release_due(
        &mut self,
        now: Instant,
        wall: SystemTime,
        local_minute: u16,
        all: bool,
    ) -> Vec<Notice> {
        let window = self.cfg.rate_limit_window;
        let before = self.memory.sent.len();
        // A time "from the future" (the clock was set back) must not block notices for long.
        self.memory.sent.retain(|t| {
            wall.duration_since(from_millis(*t))
                .is_ok_and(|age| age < window)
        });
        self.changed |= before != self.memory.sent.len();
        let quiet = self
            .cfg
            .quiet_hours
            .is_some_and(|q| q.contains(local_minute));
        let mut out = Vec::new();
        if !quiet && self.memory.held > 0 && self.room() {
            out.push(self.summary(wall));
            self.memory.sent.push(unix_millis(wall));
            self.changed = true;
        }
        while let Some(first) = self
            .pending
            .iter()
            .position(|p| all || now >= p.queued + self.cfg.group_wait)
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
            if let NoticeKind::Down { watches, .. }
            | NoticeKind::Degraded { watches, .. }
            | NoticeKind::Recovered { watches, .. } = &mut notice_kind
            {
                self.in_config_order(watches);
            }
            // Watches failing together may fail differently: say the dominant cause (the one
            // rule the detector uses too).
            if let (
                NoticeKind::Down { reason, .. } | NoticeKind::Degraded { reason, .. },
                Some(common),
            ) = (&mut notice_kind, Reason::dominant(&reasons))
            {
                *reason = common;
            }
            self.remember(head.category, &notice_kind, incident.as_ref());
            if quiet || !self.room() {
                self.hold(&notice_kind);
                continue;
            }
            self.memory.sent.push(unix_millis(wall));
            self.changed = true;
            out.push(Notice {
                kind: notice_kind,
                incident,
                at: wall,
            });
        }
        out
    }

    fn room(&self) -> bool {
        (self.memory.sent.len() as u32) < self.cfg.rate_limit_count
    }

    /// Notes what the user now knows (a notice sent, or held into a summary that will say
    /// it): bad news is owed its end; a closing notice settles it.
    fn remember(&mut self, category: Category, kind: &NoticeKind, incident: Option<&IncidentId>) {
        let told = match category {
            Category::Down => Some(Told::Down),
            Category::Degraded => Some(Told::Degraded),
            Category::Unstable => Some(Told::Unstable),
            Category::Recovered | Category::Steady => None,
            Category::Cert | Category::Offline | Category::Online => return,
        };
        let watches = match kind {
            NoticeKind::Down { watches, .. }
            | NoticeKind::Degraded { watches, .. }
            | NoticeKind::Recovered { watches, .. } => watches.clone(),
            NoticeKind::Unstable { watch, .. } | NoticeKind::Steady { watch, .. } => {
                vec![watch.clone()]
            }
            _ => Vec::new(),
        };
        for watch in watches {
            match told {
                Some(told) => {
                    let incident = incident.cloned();
                    self.memory
                        .announced
                        .insert(watch, Announced { told, incident });
                }
                None => {
                    self.memory.announced.remove(&watch);
                }
            }
        }
        self.changed = true;
    }

    fn hold(&mut self, kind: &NoticeKind) {
        let m = &mut self.memory;
        m.held += 1;
        match kind {
            NoticeKind::Down { watches, .. } => {
                for w in watches {
                    m.held_recovered.remove(w);
                    m.held_down.insert(w.clone());
                }
            }
            NoticeKind::Recovered { watches, .. } => {
                for w in watches {
                    m.held_down.remove(w);
                    m.held_recovered.insert(w.clone());
                }
            }
            NoticeKind::Steady { watch, .. } => {
                m.held_down.remove(watch);
                m.held_recovered.insert(watch.clone());
            }
            _ => {}
        }
        self.changed = true;
    }

    fn summary(&mut self, wall: SystemTime) -> Notice {
        let mut down: Vec<String> = std::mem::take(&mut self.memory.held_down)
            .into_iter()
            .collect();
        let mut recovered: Vec<String> = std::mem::take(&mut self.memory.held_recovered)
            .into_iter()
            .collect();
        self.in_config_order(&mut down);
        self.in_config_order(&mut recovered);
        let kind = NoticeKind::Summary {
            held: std::mem::take(&mut self.memory.held),
            down,
            recovered,
        };
        Notice {
            kind,
            incident: None,
            at: wall,
        }
    }
}

fn reason_of(kind: &NoticeKind) -> Option<Reason> {
    match kind {
        NoticeKind::Down { reason, .. } | NoticeKind::Degraded { reason, .. } => {
            Some(reason.clone())
        }
        _ => None,
    }
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

//! The detection state machine of one watch: a pure function of the results it is fed and
//! the times they were taken. No clock, no I/O: the runner feeds it, tests walk it.
//!
//! - Down only after `failures_to_down` consecutive failures, Up again after
//!   `successes_to_up` consecutive successes (Degraded is confirmed the same way).
//! - The run of failures that led to Down is remembered from its first failure, so the
//!   incident is back-dated to it.
//! - Flapping (repeated down/up transitions) or frequent failures that never reach the
//!   threshold make the watch Unstable, once, instead of a stream of downs and ups.
//! - Unstable holds while the flapping goes on: outages no longer than the flaps already seen
//!   are absorbed. It ends when the watch has been steady (a full window of checks, and twice
//!   the longest healthy spell seen between its outages), or when an outage lasts more than
//!   twice the longest outage seen among the flaps: measured in time, not in failures in a
//!   row, which at a short interval any flap reaches. That outage is a Down; its recovery is
//!   told as such, and while the flapping history is recent a new short outage is Unstable
//!   again, not a second Down.
//! - The first judgement after start-up (from Unknown) is marked silent.

use std::collections::VecDeque;
use std::time::{Duration, SystemTime};

use crate::reason::Reason;
use crate::state::WatchState;

/// How many recent results the unstable rules look at.
pub const WINDOW: usize = 10;
/// Failures among the last [`WINDOW`] results that make a never-confirmed watch unstable.
pub const UNSTABLE_FAILURES: usize = 4;
/// Down/up transitions within [`FLAP_WINDOW`] that make a watch unstable.
pub const FLAPS: usize = 4;
/// The period over which transitions, outages and healthy spells are remembered.
pub const FLAP_WINDOW: Duration = Duration::from_secs(30 * 60);
/// While unstable, an outage escalates to Down once it lasts this many times the longest
/// outage seen among the flaps; a steady spell ends Unstable once it lasts this many times
/// the longest healthy spell seen between them.
pub const BEYOND_FLAPS: u32 = 2;
/// Outages remembered at most (bounded memory at a short interval).
const MAX_OUTAGES: usize = 64;

/// What one probe said, as the detector needs it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// Worked.
    Up,
    /// Worked badly.
    Degraded(Reason),
    /// Failed.
    Down(Reason),
}

/// The two confirmation thresholds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Thresholds {
    /// Consecutive failures (or degraded results) to confirm.
    pub failures_to_down: u32,
    /// Consecutive successes to recover.
    pub successes_to_up: u32,
}

/// The state a change leads to, with what that state needs: a Down or Degraded change always
/// carries the reason it was confirmed for, so nothing downstream has to invent one.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum NewState {
    /// Not judged (only after resuming a watch paused before its first judgement).
    Unknown,
    /// Working; after a trouble, with that trouble's dominant reason.
    Up(Option<Reason>),
    /// Working badly, confirmed, and why.
    Degraded(Reason),
    /// Failing, confirmed, and why.
    Down(Reason),
    /// Failing intermittently; the dominant reason of the failures, when any were seen.
    Unstable(Option<Reason>),
    /// Paused by the user.
    Paused,
}

impl NewState {
    /// The state, without what it carries.
    pub fn state(&self) -> WatchState {
        match self {
            NewState::Unknown => WatchState::Unknown,
            NewState::Up(_) => WatchState::Up,
            NewState::Degraded(_) => WatchState::Degraded,
            NewState::Down(_) => WatchState::Down,
            NewState::Unstable(_) => WatchState::Unstable,
            NewState::Paused => WatchState::Paused,
        }
    }

    /// The reason it carries: why it is in trouble, or what the trouble it left was.
    pub fn reason(&self) -> Option<&Reason> {
        match self {
            NewState::Degraded(r) | NewState::Down(r) => Some(r),
            NewState::Up(r) | NewState::Unstable(r) => r.as_ref(),
            NewState::Unknown | NewState::Paused => None,
        }
    }
}

/// A confirmed change of state.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Change {
    /// Previous state.
    pub from: WatchState,
    /// New state, with its reason.
    pub to: NewState,
    /// When the new state began: the first failure of the run for Down/Degraded/Unstable,
    /// the confirming check otherwise.
    pub since: SystemTime,
    /// When the previous bad state began (for "down for 12 min"), if it was a bad state.
    pub bad_since: Option<SystemTime>,
    /// A first judgement after start-up: record it, do not notify it.
    pub silent: bool,
    /// For Unstable: failed checks among the recent ones, and how many were considered.
    pub recent_failures: (u32, u32),
}

impl Change {
    /// The new state, without its reason.
    pub fn state(&self) -> WatchState {
        self.to.state()
    }
}

/// The state machine of one watch.
#[derive(Clone, Debug)]
pub struct Detector {
    state: WatchState,
    thresholds: Thresholds,
    fail_streak: u32,
    degraded_streak: u32,
    ok_streak: u32,
    /// First failure of the current failing run.
    run_start: Option<SystemTime>,
    /// Reasons seen in the current bad run, for the dominant one.
    run_reasons: Vec<Reason>,
    /// When the current bad state (Down/Degraded/Unstable) began.
    bad_since: Option<SystemTime>,
    /// Last results, true = failed.
    recent: VecDeque<bool>,
    /// Times of down/up transitions.
    flips: VecDeque<SystemTime>,
    /// Completed runs of consecutive failures (first failure, first good result after it)
    /// within [`FLAP_WINDOW`]: the outages the unstable rules measure.
    outages: VecDeque<(SystemTime, SystemTime)>,
    /// First failure of the current run of consecutive failures.
    outage_start: Option<SystemTime>,
    /// The current Down was an outage that outlasted the flaps (escalated from Unstable):
    /// its recovery is "back up", not "unstable" again, and it is not one of the flaps.
    escalated: bool,
    /// When the watch was last unstable: within [`FLAP_WINDOW`] of it, a new outage is
    /// measured against the flaps before it is called down.
    unstable_at: Option<SystemTime>,
    /// State before pausing.
    paused_from: Option<WatchState>,
}

impl Detector {
    /// A detector in state Unknown.
    pub fn new(thresholds: Thresholds) -> Self {
        Detector {
            state: WatchState::Unknown,
            thresholds,
            fail_streak: 0,
            degraded_streak: 0,
            ok_streak: 0,
            run_start: None,
            run_reasons: Vec::new(),
            bad_since: None,
            recent: VecDeque::with_capacity(WINDOW + 1),
            flips: VecDeque::new(),
            outages: VecDeque::new(),
            outage_start: None,
            escalated: false,
            unstable_at: None,
            paused_from: None,
        }
    }

    /// The current state.
    pub fn state(&self) -> WatchState {
        self.state
    }

    /// When the current bad state began, if the watch is in one.
    pub fn bad_since(&self) -> Option<SystemTime> {
        self.bad_since
    }

    /// New thresholds (config reload); streaks are kept.
    pub fn set_thresholds(&mut self, thresholds: Thresholds) {
        self.thresholds = thresholds;
    }

    /// True while a streak is being confirmed: the scheduler re-probes at the retry interval.
    pub fn confirming(&self) -> bool {
        match self.state {
            WatchState::Down => self.ok_streak > 0,
            WatchState::Degraded => self.ok_streak > 0 || self.fail_streak > 0,
            WatchState::Paused => false,
            WatchState::Unknown | WatchState::Up | WatchState::Unstable => {
                self.fail_streak > 0 || self.degraded_streak > 0
            }
        }
    }

    /// True if one more failure would confirm Down: the runner re-evaluates connectivity
    /// before feeding it.
    pub fn next_failure_confirms(&self) -> bool {
        self.state != WatchState::Down && self.fail_streak + 1 >= self.thresholds.failures_to_down
    }

    /// Forgets streaks in progress (after a sleep or a network change: the gap proves nothing).
    pub fn reset_streaks(&mut self) {
        self.fail_streak = 0;
        self.degraded_streak = 0;
        self.ok_streak = 0;
        self.outage_start = None;
        if !matches!(
            self.state,
            WatchState::Down | WatchState::Degraded | WatchState::Unstable
        ) {
            self.run_start = None;
            self.run_reasons.clear();
        }
    }

    /// Pauses judgement; returns the change to Paused.
    pub fn pause(&mut self, at: SystemTime) -> Option<Change> {
        if self.state == WatchState::Paused {
            return None;
        }
        self.paused_from = Some(self.state);
        self.reset_streaks();
        Some(self.change(NewState::Paused, at, true))
    }

    /// Resumes: back to the state before the pause, re-judged from the next results.
    pub fn resume(&mut self, at: SystemTime) -> Option<Change> {
        let before = match self.paused_from.take()? {
            WatchState::Unknown => NewState::Unknown,
            WatchState::Up | WatchState::Paused => NewState::Up(None),
            // A trouble confirmed before the pause keeps its reason (its run is kept).
            // A trouble confirmed before the pause keeps its reason (its run is kept); were
            // it lost, the watch is judged afresh rather than given an invented one.
            WatchState::Degraded => self
                .dominant_reason()
                .map_or(NewState::Unknown, NewState::Degraded),
            WatchState::Down => self
                .dominant_reason()
                .map_or(NewState::Unknown, NewState::Down),
            WatchState::Unstable => NewState::Unstable(self.dominant_reason()),
        };
        Some(self.change(before, at, true))
    }

    /// Feeds one result taken at `at`; returns the confirmed change, if any.
    pub fn observe(&mut self, outcome: &Outcome, at: SystemTime) -> Option<Change> {
        if self.state == WatchState::Paused {
            return None;
        }
        let failed = matches!(outcome, Outcome::Down(_));
        self.recent.push_back(failed);
        if self.recent.len() > WINDOW {
            self.recent.pop_front();
        }
        while self
            .flips
            .front()
            .is_some_and(|t| at.duration_since(*t).unwrap_or_default() > FLAP_WINDOW)
        {
            self.flips.pop_front();
        }
        self.track_outage(failed, at);
        match outcome {
            Outcome::Up => {
                self.ok_streak += 1;
                self.fail_streak = 0;
                self.degraded_streak = 0;
                if matches!(self.state, WatchState::Unknown | WatchState::Up) {
                    // A blip that healed before confirmation: the next run starts afresh.
                    self.run_start = None;
                    self.run_reasons.clear();
                }
            }
            Outcome::Degraded(reason) => {
                self.degraded_streak += 1;
                self.fail_streak = 0;
                self.ok_streak = if self.state == WatchState::Down {
                    self.ok_streak + 1
                } else {
                    0
                };
                self.note_bad(reason, at);
            }
            Outcome::Down(reason) => {
                self.fail_streak += 1;
                self.ok_streak = 0;
                self.degraded_streak = 0;
                self.note_bad(reason, at);
            }
        }
        self.judge(outcome, at)
    }

    /// Records where runs of consecutive failures begin and end, for the unstable rules.
    fn track_outage(&mut self, failed: bool, at: SystemTime) {
        if failed {
            self.outage_start.get_or_insert(at);
        } else if let Some(start) = self.outage_start.take()
            && !self.escalated
        {
            // The outage that outlasted the flaps is not a flap: the next outage is measured
            // against the flaps, not against it.
            self.outages.push_back((start, at));
        }
        while self.outages.len() > MAX_OUTAGES
            || self
                .outages
                .front()
                .is_some_and(|(_, end)| at.duration_since(*end).unwrap_or_default() > FLAP_WINDOW)
        {
            self.outages.pop_front();
        }
    }

    /// The longest outage among the flaps remembered (the current one excluded).
    fn longest_outage(&self) -> Duration {
        self.outages
            .iter()
            .map(|(start, end)| end.duration_since(*start).unwrap_or_default())
            .max()
            .unwrap_or_default()
    }

    /// The longest healthy spell between two remembered outages.
    fn longest_spell(&self) -> Duration {
        self.outages
            .iter()
            .zip(self.outages.iter().skip(1))
            .map(|((_, end), (next, _))| next.duration_since(*end).unwrap_or_default())
            .max()
            .unwrap_or_default()
    }

    /// True while the watch has flapped recently: a new short outage is unstable, not down.
    fn flapping(&self, at: SystemTime) -> bool {
        self.flips.len() >= FLAPS
            || self
                .unstable_at
                .is_some_and(|t| at.duration_since(t).unwrap_or_default() <= FLAP_WINDOW)
    }

    fn note_bad(&mut self, reason: &Reason, at: SystemTime) {
        if self.run_start.is_none() {
            self.run_start = Some(at);
        }
        if self.run_reasons.len() < 64 {
            self.run_reasons.push(reason.clone());
        }
    }

    fn judge(&mut self, outcome: &Outcome, at: SystemTime) -> Option<Change> {
        let t = self.thresholds;
        let recent_failures = self.recent.iter().filter(|f| **f).count();
        match self.state {
            WatchState::Unknown => match outcome {
                Outcome::Up => Some(self.settle_good(at)),
                // Confirmed like anything else: one slow first answer is not a state.
                Outcome::Degraded(r) if self.degraded_streak >= t.failures_to_down => {
                    Some(self.enter_bad(Bad::Degraded(r), at))
                }
                Outcome::Degraded(_) => None,
                Outcome::Down(r) if self.fail_streak >= t.failures_to_down => {
                    Some(self.enter_bad(Bad::Down(r), at))
                }
                Outcome::Down(_) => None,
            },
            WatchState::Up | WatchState::Degraded => {
                if let Outcome::Down(r) = outcome
                    && self.fail_streak >= t.failures_to_down
                {
                    // Back from an outage that outlasted the flaps, but still flapping: a
                    // new outage is measured against the flaps before it is called down.
                    let to = if self.flapping(at) {
                        Bad::Unstable
                    } else {
                        Bad::Down(r)
                    };
                    return Some(self.enter_bad(to, at));
                }
                // The failures of the run still being confirmed are not "intermittent": with a
                // high failure threshold they would otherwise call a hard outage unstable
                // before it is confirmed down.
                let intermittent = recent_failures.saturating_sub(self.fail_streak as usize);
                if intermittent >= UNSTABLE_FAILURES {
                    return Some(self.enter_bad(Bad::Unstable, at));
                }
                match (self.state, outcome) {
                    (WatchState::Up, Outcome::Degraded(r))
                        if self.degraded_streak >= t.failures_to_down =>
                    {
                        Some(self.enter_bad(Bad::Degraded(r), at))
                    }
                    (WatchState::Degraded, Outcome::Up) if self.ok_streak >= t.successes_to_up => {
                        Some(self.settle_good(at))
                    }
                    _ => None,
                }
            }
            WatchState::Down => {
                let good = !matches!(outcome, Outcome::Down(_));
                if good && self.ok_streak >= t.successes_to_up {
                    self.flips.push_back(at);
                    if self.flips.len() >= FLAPS && !std::mem::take(&mut self.escalated) {
                        // Coming back only to go down again: call it unstable, once.
                        return Some(self.enter_bad(Bad::Unstable, at));
                    }
                    // It works again: that is a recovery, told as such (after an outage that
                    // outlasted the flaps too). Slowness after it is a new run, confirmed (and
                    // reasoned) on its own.
                    self.escalated = false;
                    return Some(self.settle_good(at));
                }
                None
            }
            WatchState::Unstable => {
                // Measured in time: at a short interval every flap is many failures in a row.
                let lasted = self
                    .outage_start
                    .map(|start| at.duration_since(start).unwrap_or_default());
                let beyond_flaps = lasted.is_some_and(|d| d > self.longest_outage() * BEYOND_FLAPS);
                if let Outcome::Down(r) = outcome
                    && self.fail_streak >= t.failures_to_down
                    && beyond_flaps
                {
                    // A real outage now: it deserves its own alarm. The flapping history is
                    // kept: if it comes back only to flap, that is unstable again.
                    self.escalated = true;
                    self.unstable_at = Some(at);
                    return Some(self.enter_bad(Bad::Down(r), at));
                }
                let steady_for = self.outages.back().map_or(Duration::MAX, |(_, end)| {
                    at.duration_since(*end).unwrap_or_default()
                });
                if self.recent.len() >= WINDOW
                    && recent_failures == 0
                    && self.outage_start.is_none()
                    && steady_for >= self.longest_spell() * BEYOND_FLAPS
                {
                    // Steady for longer than it ever stayed up between flaps: forget them.
                    self.flips.clear();
                    self.outages.clear();
                    self.unstable_at = None;
                    return Some(self.settle_good(at));
                }
                None
            }
            WatchState::Paused => None,
        }
    }

    /// Enters a bad state; a Down or Degraded is given the reason of the result that
    /// confirmed it, which the dominant reason of the run replaces (the run includes it).
    fn enter_bad(&mut self, to: Bad<'_>, at: SystemTime) -> Change {
        let to = match to {
            Bad::Down(r) => NewState::Down(self.dominant_reason().unwrap_or_else(|| r.clone())),
            Bad::Degraded(r) => {
                NewState::Degraded(self.dominant_reason().unwrap_or_else(|| r.clone()))
            }
            Bad::Unstable => NewState::Unstable(self.dominant_reason()),
        };
        if to.state() == WatchState::Down && self.state != WatchState::Unknown {
            self.flips.push_back(at);
        }
        let since = match to.state() {
            // Back-dated to the first failure of the run that led here.
            WatchState::Down | WatchState::Degraded => self.run_start.unwrap_or(at),
            _ => at,
        };
        let silent = self.state == WatchState::Unknown;
        let down = to.state() == WatchState::Down;
        let mut change = self.change(to, since, silent);
        change.recent_failures = (
            self.recent.iter().filter(|f| **f).count() as u32,
            self.recent.len() as u32,
        );
        self.bad_since = Some(since);
        if down {
            // These failures are accounted for by the outage; the unstable rule counts only
            // failures that never reached the threshold.
            self.recent.clear();
        }
        self.fail_streak = 0;
        self.degraded_streak = 0;
        self.ok_streak = 0;
        change
    }

    fn settle_good(&mut self, at: SystemTime) -> Change {
        let reason = self.dominant_reason();
        let silent = self.state == WatchState::Unknown;
        let change = self.change(NewState::Up(reason), at, silent);
        self.bad_since = None;
        self.run_start = None;
        self.run_reasons.clear();
        // A fresh window: the failures of the outage just ended must not make the watch
        // look unstable the moment it is back.
        self.recent.clear();
        self.ok_streak = 0;
        change
    }

    fn change(&mut self, to: NewState, since: SystemTime, silent: bool) -> Change {
        let from = std::mem::replace(&mut self.state, to.state());
        Change {
            from,
            to,
            since,
            bad_since: self.bad_since,
            silent,
            recent_failures: (0, 0),
        }
    }

    /// The dominant reason of the current run ([`Reason::dominant`], the one rule).
    fn dominant_reason(&self) -> Option<Reason> {
        Reason::dominant(&self.run_reasons)
    }
}

/// The bad state to enter, with the reason of the result that confirmed it.
enum Bad<'a> {
    Down(&'a Reason),
    Degraded(&'a Reason),
    Unstable,
}

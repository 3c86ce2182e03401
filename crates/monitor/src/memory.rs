//! What the user was told: the part of the notification policy's state whose loss would
//! change what the user hears next. It is kept in the data directory
//! (`notifications.json`, see [`crate::persist`]) so that a restart neither forgets to say
//! "back up" after a "down" it announced, nor repeats a once-a-day warning, nor resets the
//! rate limit or drops what quiet hours held back.
//!
//! Times are wall-clock milliseconds since the Unix epoch: the monotonic clock means nothing
//! to the next process.

use std::collections::{BTreeMap, BTreeSet};
use std::time::{Duration, SystemTime};

use serde::{Deserialize, Serialize};

use crate::ids::IncidentId;
pub use crate::walltime::from_millis;
use crate::walltime::unix_millis;

/// The bad news last told about a watch (sent, or held into a summary).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Told {
    /// "X is down".
    Down,
    /// "X is slow" / "X is degraded".
    Degraded,
    /// "X is unstable".
    Unstable,
}

/// A warning given at most once a day per watch.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum WarningKind {
    /// The certificate expires within `cert_warn_days`.
    CertExpiring,
}

/// One announced trouble: what was said and the incident it was said about.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Announced {
    /// What the user heard last.
    pub told: Told,
    /// The incident it belongs to, when there is one.
    pub incident: Option<IncidentId>,
}

/// The notification state that survives restarts and reloads.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Memory {
    /// Watches whose trouble was announced and whose end was not yet: each gets a closing
    /// notice ("back up") when it recovers, even after a restart.
    #[serde(default)]
    pub announced: BTreeMap<String, Announced>,
    /// When each warning was last given, per kind and watch (ms since the epoch).
    #[serde(default)]
    pub warned: BTreeMap<WarningKind, BTreeMap<String, u64>>,
    /// When the notices of the current rate-limit window were sent (ms since the epoch).
    #[serde(default)]
    pub sent: Vec<u64>,
    /// Notices held back (rate limit, quiet hours) and not yet summarised.
    #[serde(default)]
    pub held: u32,
    /// Watches held as down, for the summary.
    #[serde(default)]
    pub held_down: BTreeSet<String>,
    /// Watches held as back up, for the summary.
    #[serde(default)]
    pub held_recovered: BTreeSet<String>,
    /// When the offline spell that was seen (and maybe told) began: "Back online" is owed.
    #[serde(default)]
    pub offline_since: Option<u64>,
}

impl Memory {
    /// True if `kind` was given for `watch` less than `period` before `now`.
    pub fn warned_within(
        &self,
        kind: WarningKind,
        watch: &str,
        now: SystemTime,
        period: Duration,
    ) -> bool {
        self.warned
            .get(&kind)
            .and_then(|m| m.get(watch))
            .is_some_and(|at| {
                let at = from_millis(*at);
                // A warning "from the future" (the clock was set back) still counts as recent.
                now.duration_since(at).map_or(true, |d| d < period)
            })
    }

    /// Records that `kind` was given for `watch` at `now`.
    pub fn warn(&mut self, kind: WarningKind, watch: &str, now: SystemTime) {
        self.warned
            .entry(kind)
            .or_default()
            .insert(watch.to_owned(), unix_millis(now));
    }

    /// Drops what concerns watches that no longer exist (a config edit removed them).
    pub fn retain_watches(&mut self, exists: impl Fn(&str) -> bool) {
        self.announced.retain(|w, _| exists(w));
        for per_watch in self.warned.values_mut() {
            per_watch.retain(|w, _| exists(w));
        }
    }
}

//! The states a watch can be in and the verdict on the user's own connectivity.

use serde::Serialize;

/// The judged state of one watch (not of one probe: see the detector).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum WatchState {
    /// Not judged yet (just started, or only results taken while offline).
    Unknown,
    /// Working.
    Up,
    /// Working badly (too slow, certificate expiring), confirmed.
    Degraded,
    /// Failing, confirmed by consecutive failures.
    Down,
    /// Failing intermittently: flapping, or failing often without a confirmed outage.
    Unstable,
    /// Paused by the user.
    Paused,
}

impl WatchState {
    /// Stable lower-case name.
    pub fn as_str(self) -> &'static str {
        match self {
            WatchState::Unknown => "unknown",
            WatchState::Up => "up",
            WatchState::Degraded => "degraded",
            WatchState::Down => "down",
            WatchState::Unstable => "unstable",
            WatchState::Paused => "paused",
        }
    }
}

/// Is it me or them: the verdict of the connectivity controls.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// The controls answer: failures of watches are theirs.
    Online,
    /// Nothing answers: the user is offline.
    Offline,
    /// HTTP controls are answered by something else (a hotel or airport login page).
    CaptivePortal,
    /// Names fail through the system resolver while direct addresses work.
    LocalDnsBroken,
}

impl Verdict {
    /// Stable lower-case name.
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Online => "online",
            Verdict::Offline => "offline",
            Verdict::CaptivePortal => "captive_portal",
            Verdict::LocalDnsBroken => "local_dns_broken",
        }
    }
}

impl Verdict {
    /// The verdict as one that is not online, when it is not.
    pub fn offline(self) -> Option<OfflineVerdict> {
        match self {
            Verdict::Online => None,
            Verdict::Offline => Some(OfflineVerdict::Offline),
            Verdict::CaptivePortal => Some(OfflineVerdict::CaptivePortal),
            Verdict::LocalDnsBroken => Some(OfflineVerdict::LocalDnsBroken),
        }
    }
}

/// A verdict that is not online: what an offline notice says (it cannot say "online").
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum OfflineVerdict {
    /// Nothing answers: the user is offline.
    Offline,
    /// HTTP controls are answered by something else (a login page).
    CaptivePortal,
    /// Names fail through the system resolver while direct addresses work.
    LocalDnsBroken,
}

impl From<OfflineVerdict> for Verdict {
    fn from(v: OfflineVerdict) -> Verdict {
        match v {
            OfflineVerdict::Offline => Verdict::Offline,
            OfflineVerdict::CaptivePortal => Verdict::CaptivePortal,
            OfflineVerdict::LocalDnsBroken => Verdict::LocalDnsBroken,
        }
    }
}

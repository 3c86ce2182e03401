//! What the notification policy decided to tell the user, before it is put into words.
//! The message catalog (`messages`) turns a [`Notice`] into a localized title and body; the
//! desktop notifier and the command hook deliver it.

use std::time::{Duration, SystemTime};

use serde::Serialize;

pub use crate::ids::IncidentId;
pub use crate::reason::Reason;
use crate::state::OfflineVerdict;

/// What happened, with everything the text needs.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum NoticeKind {
    /// One or more watches (of one group, when `group` is set) are down.
    Down {
        /// Provider group, when the watches share one.
        group: Option<String>,
        /// Watch names, in config order.
        watches: Vec<String>,
        /// The dominant reason.
        reason: Reason,
    },
    /// Watches are back up.
    Recovered {
        /// Provider group, when shared.
        group: Option<String>,
        /// Watch names.
        watches: Vec<String>,
        /// How long the outage lasted.
        #[serde(serialize_with = "secs")]
        after: Duration,
    },
    /// Watches work but badly (too slow...).
    Degraded {
        /// Provider group, when shared.
        group: Option<String>,
        /// Watch names.
        watches: Vec<String>,
        /// Why.
        reason: Reason,
    },
    /// A watch keeps failing intermittently.
    Unstable {
        /// The watch.
        watch: String,
        /// Failed checks among the recent ones.
        failures: u32,
        /// Recent checks considered.
        checks: u32,
    },
    /// A watch told unstable has been steady for a while.
    Steady {
        /// The watch.
        watch: String,
        /// How long it was unstable (from the start of its incident).
        #[serde(serialize_with = "secs")]
        after: Duration,
    },
    /// A certificate expires soon (at most once a day per watch).
    CertExpiring {
        /// The watch.
        watch: String,
        /// Whole days left.
        days_left: i64,
    },
    /// The user's own connection is not working.
    Offline {
        /// Offline, captive portal or local DNS broken (never online: the type says so).
        verdict: OfflineVerdict,
    },
    /// Back online.
    Online {
        /// How long the connection was out.
        #[serde(serialize_with = "secs")]
        after: Duration,
    },
    /// The history could not be read: it was kept aside and a fresh one started.
    HistoryMovedAside {
        /// Where the damaged file is kept.
        kept_as: String,
    },
    /// Notifications held back (rate limit or quiet hours), summarised.
    Summary {
        /// How many were held.
        held: u32,
        /// Watches down now.
        down: Vec<String>,
        /// Watches that went down and came back meanwhile, or are up now.
        recovered: Vec<String>,
    },
}

/// A notification to deliver.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Notice {
    /// What happened.
    #[serde(flatten)]
    pub kind: NoticeKind,
    /// The incident it belongs to, for "Details" (opens the history at it).
    pub incident: Option<IncidentId>,
    /// When the policy released it.
    #[serde(serialize_with = "unix_secs")]
    pub at: SystemTime,
}

fn secs<S: serde::Serializer>(d: &Duration, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_u64(d.as_secs())
}

fn unix_secs<S: serde::Serializer>(t: &SystemTime, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_u64(crate::walltime::unix_millis(*t) / 1000)
}

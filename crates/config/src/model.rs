//! The configuration as typed, validated values (what the rest of the monitor reads).
//! The TOML text and its parsing live in the sibling modules.

use std::path::PathBuf;
use std::time::Duration;

use downwatch_probe::{Check, Resolver};

/// The whole, validated configuration.
#[derive(Clone, Debug)]
pub struct Config {
    /// Defaults applied to every watch that does not override them.
    pub defaults: Defaults,
    /// The "is it me" controls.
    pub connectivity: Connectivity,
    /// How and when to tell the user.
    pub notifications: Notifications,
    /// The local API's options.
    pub api: Api,
    /// What to watch, in file order. Names are unique.
    pub watches: Vec<Watch>,
}

/// The `[api]` table.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Api {
    /// Where to serve Prometheus metrics (`metrics = "127.0.0.1:9464"`); `None` (the
    /// default): not served.
    pub metrics: Option<std::net::SocketAddr>,
}

/// Defaults of the `[defaults]` table.
#[derive(Clone, Debug, PartialEq)]
pub struct Defaults {
    /// Time between two checks of a healthy watch (30 s).
    pub interval: Duration,
    /// Deadline of one probe (8 s).
    pub timeout: Duration,
    /// Time before re-probing after a failure (5 s).
    pub retry_interval: Duration,
    /// Consecutive failures before a watch is down (3).
    pub failures_to_down: u32,
    /// Consecutive successes before it is up again (2).
    pub successes_to_up: u32,
    /// Above this total time an HTTP probe is degraded (none).
    pub degraded_after: Option<Duration>,
    /// Probes in flight at once at most (64).
    pub concurrency: usize,
}

/// Settings of the `[connectivity]` table.
#[derive(Clone, Debug)]
pub struct Connectivity {
    /// Control probes to independent, highly available endpoints.
    pub controls: Vec<Control>,
    /// Time between two evaluations while all is well (60 s); a failing watch triggers one
    /// at once before it may be declared down.
    pub interval: Duration,
    /// After a sleep/resume or a network change, judgement waits this long (20 s).
    pub settle: Duration,
}

/// One control probe.
#[derive(Clone, Debug)]
pub struct Control {
    /// A label for logs and events.
    pub name: String,
    /// What to probe and expect (an HTTP control with a status or keyword expectation is
    /// also the captive-portal detector).
    pub check: Check,
    /// The resolver etc. for this control.
    pub probe: ProbeSettings,
}

/// `[notifications]`.
#[derive(Clone, Debug, PartialEq)]
pub struct Notifications {
    /// Desktop notifications on or off (the command hook and events still run).
    pub desktop: bool,
    /// `en`, `ar`... or `None` for the system locale.
    pub locale: Option<String>,
    /// Wait before sending, so related failures leave together (5 s).
    pub group_wait: Duration,
    /// Watches of one group going down within this window form one incident (60 s).
    pub group_window: Duration,
    /// At most this many notifications...
    pub rate_limit_count: u32,
    /// ...per this window; the rest is summarised when the window allows again.
    pub rate_limit_window: Duration,
    /// Hold notifications between these local times and summarise them afterwards.
    pub quiet_hours: Option<QuietHours>,
    /// Notify degraded (on).
    pub degraded: bool,
    /// Notify recovered (on).
    pub recovered: bool,
    /// "You are offline" (on).
    pub offline: bool,
    /// "Back online" (on).
    pub online: bool,
    /// Warn when a certificate has fewer days left (14), at most once a day per watch.
    pub cert_warn_days: i64,
    /// Command run with each notification as JSON on stdin.
    pub command: Option<Vec<String>>,
    /// Deadline of the command (10 s).
    pub command_timeout: Duration,
}

/// Quiet hours in local time, minutes since midnight; `start > end` spans midnight.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct QuietHours {
    /// Start, minutes since midnight.
    pub start: u16,
    /// End, minutes since midnight.
    pub end: u16,
}

impl QuietHours {
    /// Whether `minute` (since midnight) is inside the quiet hours.
    pub fn contains(&self, minute: u16) -> bool {
        if self.start <= self.end {
            (self.start..self.end).contains(&minute)
        } else {
            minute >= self.start || minute < self.end
        }
    }
}

/// Settings that decide which `Prober` runs a check.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct ProbeSettings {
    /// System or a chosen server.
    pub resolver: Resolver,
    /// Extra trusted CA bundle.
    pub ca: Option<PathBuf>,
    /// Verify certificates.
    pub verify_tls: bool,
}

impl Default for ProbeSettings {
    fn default() -> Self {
        ProbeSettings {
            resolver: Resolver::System,
            ca: None,
            verify_tls: true,
        }
    }
}

/// One watch, with the defaults already applied.
#[derive(Clone, Debug)]
pub struct Watch {
    /// Unique name, shown to the user ("WhatsApp Web").
    pub name: String,
    /// Provider group ("Meta"), for grouped incidents.
    pub group: Option<String>,
    /// What to probe and expect (timeout included).
    pub check: Check,
    /// Resolver and TLS trust.
    pub probe: ProbeSettings,
    /// Time between checks.
    pub interval: Duration,
    /// Time before re-probing after a failure.
    pub retry_interval: Duration,
    /// Consecutive failures before down.
    pub failures_to_down: u32,
    /// Consecutive successes before up.
    pub successes_to_up: u32,
    /// Disabled watches are kept in the file but not probed.
    pub enabled: bool,
    /// Muted watches are probed and recorded but never notified.
    pub muted: bool,
    /// Header names whose values must never be printed (events, logs, exports).
    pub secret_headers: Vec<String>,
}

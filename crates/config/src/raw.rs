//! The file as serde reads it: every key optional (defaults are applied later), unknown keys
//! rejected, and values that need a semantic check kept with their byte span.

use std::collections::BTreeMap;

use serde::Deserialize;
use toml::Spanned;

/// A text value with its span.
pub(crate) type Text = Option<Spanned<String>>;
/// `headers = { Name = "value", Other = { value = "...", secret = true } }`, keys and
/// values with their spans (sorted by name: the order of request headers does not matter).
pub(crate) type Headers = BTreeMap<Spanned<String>, Spanned<toml::Value>>;
/// An integer with its span (signed, so that a negative value gets our own message).
pub(crate) type Int = Option<Spanned<i64>>;

/// The whole file.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawFile {
    #[serde(default)]
    pub defaults: RawDefaults,
    #[serde(default)]
    pub connectivity: RawConnectivity,
    #[serde(default)]
    pub notifications: RawNotifications,
    #[serde(default)]
    pub api: RawApi,
    #[serde(default)]
    pub watch: Vec<Spanned<RawEntry>>,
}

/// `[api]`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawApi {
    pub metrics: Text,
}

/// `[defaults]`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawDefaults {
    pub interval: Text,
    pub timeout: Text,
    pub retry_interval: Text,
    pub failures_to_down: Int,
    pub successes_to_up: Int,
    pub degraded_after: Text,
    pub concurrency: Int,
}

/// `[connectivity]`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawConnectivity {
    pub interval: Text,
    pub settle: Text,
    /// Absent: the built-in controls. `control = []`: none (a network without internet,
    /// where every failure is the service's).
    #[serde(default)]
    pub control: Option<Vec<Spanned<RawEntry>>>,
}

/// `[notifications]`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawNotifications {
    pub desktop: Option<bool>,
    pub locale: Text,
    pub group_wait: Text,
    pub group_window: Text,
    pub rate_limit: Option<RawRateLimit>,
    pub quiet_hours: Option<Spanned<RawQuietHours>>,
    pub degraded: Option<bool>,
    pub recovered: Option<bool>,
    pub offline: Option<bool>,
    pub online: Option<bool>,
    pub cert_warn_days: Int,
    pub command: Option<Spanned<Vec<Spanned<String>>>>,
    pub command_timeout: Text,
}

/// `rate_limit = { count = 5, per = "10m" }`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawRateLimit {
    pub count: Spanned<i64>,
    pub per: Spanned<String>,
}

/// `quiet_hours = { start = "22:00", end = "07:00" }`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawQuietHours {
    pub start: Spanned<String>,
    pub end: Spanned<String>,
}

/// One `[[watch]]` or `[[connectivity.control]]`: the probe options are shared, and the
/// watch-only keys are refused in a control by the resolver (one struct keeps the two in step;
/// serde cannot combine `flatten` with `deny_unknown_fields`).
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawEntry {
    pub name: Text,
    pub target: Text,
    // Watch only.
    pub group: Text,
    pub enabled: Option<Spanned<bool>>,
    pub muted: Option<Spanned<bool>>,
    pub interval: Text,
    pub retry_interval: Text,
    pub failures_to_down: Int,
    pub successes_to_up: Int,
    // Probe options, as `downwatch check` takes them.
    pub timeout: Text,
    pub degraded_after: Text,
    pub method: Text,
    pub expect_status: Text,
    pub keyword: Text,
    pub regex: Text,
    pub absent: Option<Spanned<bool>>,
    pub headers: Option<Spanned<Headers>>,
    pub max_redirects: Int,
    pub body_cap: Int,
    pub resolver: Text,
    pub ca: Text,
    pub insecure: Option<Spanned<bool>>,
    pub dns_type: Text,
    pub expect_rcode: Text,
    pub expect_answer: Text,
    pub cert_warn_days: Int,
}

impl RawEntry {
    /// Spans of the watch-only keys that are set (for refusing them in a control).
    pub fn watch_only_keys(&self) -> Option<(&'static str, std::ops::Range<usize>)> {
        let text = |key, v: &Text| v.as_ref().map(|s| (key, s.span()));
        let int = |key, v: &Int| v.as_ref().map(|s| (key, s.span()));
        let flag = |key, v: &Option<Spanned<bool>>| v.as_ref().map(|s| (key, s.span()));
        text("group", &self.group)
            .or_else(|| flag("enabled", &self.enabled))
            .or_else(|| flag("muted", &self.muted))
            .or_else(|| text("interval", &self.interval))
            .or_else(|| text("retry_interval", &self.retry_interval))
            .or_else(|| int("failures_to_down", &self.failures_to_down))
            .or_else(|| int("successes_to_up", &self.successes_to_up))
    }
}

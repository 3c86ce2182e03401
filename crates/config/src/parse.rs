//! Reading and validating the file: TOML into the raw structs, then each rule checked with
//! the offending value's line and column, then the typed [`Config`].

use std::path::Path;
use std::time::Duration;

use toml::Spanned;

use super::entry::{self, Cx};
use super::error::ConfigError;
use super::model::{Config, Connectivity, Control, Defaults};
use super::raw::{RawConnectivity, RawDefaults, RawEntry, RawFile};
use super::{default, notifications, values, watch};

/// Highest value of `failures_to_down` and `successes_to_up`.
pub(crate) const MAX_THRESHOLD: i64 = 100;
/// Deadline of a control probe unless it sets its own.
pub const CONTROL_TIMEOUT: Duration = Duration::from_secs(5);

/// Reads and validates the file at `path`.
pub fn load(path: &Path) -> Result<Config, ConfigError> {
    let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
        path: path.to_path_buf(),
        source,
    })?;
    parse(&text, path)
}

/// Validates `text`, the content of the file at `path` (named in errors; relative CA paths
/// are resolved from its directory).
pub fn parse(text: &str, path: &Path) -> Result<Config, ConfigError> {
    let raw: RawFile = toml::from_str(text)
        .map_err(|e| ConfigError::from_toml(path, text, e.span(), e.message()))?;
    let top = Cx {
        path,
        text,
        who: String::new(),
    };
    let defaults = defaults(&top, &raw.defaults)?;
    let connectivity = connectivity(&top, &raw.connectivity)?;
    let notifications = notifications::resolve(&top, &raw.notifications)?;
    let watches = watch::resolve_all(&top, &raw.watch, &defaults)?;
    Ok(Config {
        defaults,
        connectivity,
        notifications,
        watches,
    })
}

/// A threshold (`failures_to_down`, `successes_to_up`) from 1 to 100.
pub(crate) fn threshold(
    cx: &Cx<'_>,
    key: &str,
    raw: &Option<Spanned<i64>>,
) -> Result<Option<u32>, ConfigError> {
    cx.value(raw, |n| {
        values::in_range(key, *n, 1, MAX_THRESHOLD).map(|n| u32::try_from(n).unwrap_or(u32::MAX))
    })
}

/// The error for a timeout that is not shorter than the interval, at whichever of the two
/// spans is given (the one set closest to the problem).
pub(crate) fn timeout_vs_interval(
    cx: &Cx<'_>,
    timeout: Duration,
    interval: Duration,
    span: Option<std::ops::Range<usize>>,
) -> Result<(), ConfigError> {
    match span {
        Some(span) if timeout >= interval => Err(cx.err(
            span,
            format!(
                "timeout ({}) must be shorter than interval ({})",
                humantime::format_duration(timeout),
                humantime::format_duration(interval)
            ),
        )),
        _ => Ok(()),
    }
}

fn defaults(cx: &Cx<'_>, raw: &RawDefaults) -> Result<Defaults, ConfigError> {
    let interval = cx
        .positive("interval", &raw.interval)?
        .unwrap_or(Duration::from_secs(30));
    let timeout = cx
        .positive("timeout", &raw.timeout)?
        .unwrap_or(Duration::from_secs(8));
    let span = raw
        .timeout
        .as_ref()
        .or(raw.interval.as_ref())
        .map(Spanned::span);
    timeout_vs_interval(cx, timeout, interval, span)?;
    let concurrency = cx.value(&raw.concurrency, |n| {
        if *n >= 1 {
            Ok(usize::try_from(*n).unwrap_or(usize::MAX))
        } else {
            Err("`concurrency` must be at least 1".to_owned())
        }
    })?;
    Ok(Defaults {
        interval,
        timeout,
        retry_interval: cx
            .positive("retry_interval", &raw.retry_interval)?
            .unwrap_or(Duration::from_secs(5)),
        failures_to_down: threshold(cx, "failures_to_down", &raw.failures_to_down)?.unwrap_or(3),
        successes_to_up: threshold(cx, "successes_to_up", &raw.successes_to_up)?.unwrap_or(2),
        degraded_after: cx.positive("degraded_after", &raw.degraded_after)?,
        concurrency: concurrency.unwrap_or(64),
    })
}

fn connectivity(cx: &Cx<'_>, raw: &RawConnectivity) -> Result<Connectivity, ConfigError> {
    let controls = match &raw.control {
        None => default::controls(),
        Some(list) => list
            .iter()
            .enumerate()
            .map(|(i, c)| control(cx, i + 1, c))
            .collect::<Result<_, _>>()?,
    };
    Ok(Connectivity {
        controls,
        interval: cx
            .positive("interval", &raw.interval)?
            .unwrap_or(Duration::from_secs(60)),
        settle: cx
            .value(&raw.settle, |t| values::duration(t))?
            .unwrap_or(Duration::from_secs(20)),
    })
}

fn control(top: &Cx<'_>, number: usize, raw: &Spanned<RawEntry>) -> Result<Control, ConfigError> {
    let entry = raw.get_ref();
    let mut cx = Cx {
        path: top.path,
        text: top.text,
        who: format!("control #{number}: "),
    };
    let target = entry
        .target
        .as_ref()
        .ok_or_else(|| cx.err(raw.span(), "missing `target`"))?;
    let name = match &entry.name {
        Some(name) if name.get_ref().trim().is_empty() => {
            return Err(cx.err(name.span(), "`name` is empty"));
        }
        Some(name) => name.get_ref().trim().to_owned(),
        None => target.get_ref().trim().to_owned(),
    };
    cx.who = format!("control \"{name}\": ");
    if let Some((key, span)) = entry.watch_only_keys() {
        return Err(cx.err(
            span,
            format!("`{key}` is a watch option, not a control option"),
        ));
    }
    let timeout = cx
        .positive("timeout", &entry.timeout)?
        .unwrap_or(CONTROL_TIMEOUT);
    let degraded_after = cx.positive("degraded_after", &entry.degraded_after)?;
    let built = entry::build(&cx, entry, target, timeout, degraded_after)?;
    Ok(Control {
        name,
        check: built.check,
        probe: built.probe,
    })
}

//! Reading and validating the file: TOML into the raw structs, then each rule checked with
//! the offending value's line and column, then the typed [`Config`].

use std::path::Path;
use std::time::Duration;

use toml::Spanned;

use crate::context::ParseContext;
use crate::error::ConfigError;
use crate::model::{Api, Config, Defaults};
use crate::raw::{RawDefaults, RawFile};
use crate::rules::{threshold, timeout_vs_interval};
use crate::{connectivity, notifications, watch};

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
    let top = ParseContext {
        path,
        text,
        who: String::new(),
    };
    let defaults = defaults(&top, &raw.defaults)?;
    let connectivity = connectivity::resolve(&top, &raw.connectivity)?;
    let notifications = notifications::resolve(&top, &raw.notifications)?;
    let watches = watch::resolve_all(&top, &raw.watch, &defaults)?;
    let metrics = top.value(&raw.api.metrics, |text| {
        text.parse().map_err(|_| {
            format!("`metrics` must be an address and a port, such as \"127.0.0.1:9464\" (got \"{text}\")")
        })
    })?;
    Ok(Config {
        defaults,
        connectivity,
        notifications,
        api: Api { metrics },
        watches,
    })
}

fn defaults(cx: &ParseContext<'_>, raw: &RawDefaults) -> Result<Defaults, ConfigError> {
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

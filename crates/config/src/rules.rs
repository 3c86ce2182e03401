//! Rules shared by `[defaults]` and `[[watch]]` entries: thresholds, and a timeout that must
//! be shorter than its interval.

use std::time::Duration;

use toml::Spanned;

use crate::context::ParseContext;
use crate::error::ConfigError;
use crate::values;

/// Highest value of `failures_to_down` and `successes_to_up`.
pub(crate) const MAX_THRESHOLD: i64 = 100;

/// A threshold (`failures_to_down`, `successes_to_up`) from 1 to 100.
pub(crate) fn threshold(
    cx: &ParseContext<'_>,
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
    cx: &ParseContext<'_>,
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

//! The `[notifications]` table.

use std::time::Duration;

use crate::context::ParseContext;
use crate::error::ConfigError;
use crate::model::{Notifications, QuietHours};
use crate::raw::RawNotifications;
use crate::values;

/// The notification settings, with the defaults of the model's doc comments.
pub(crate) fn resolve(
    cx: &ParseContext<'_>,
    raw: &RawNotifications,
) -> Result<Notifications, ConfigError> {
    let (rate_limit_count, rate_limit_window) = match &raw.rate_limit {
        None => (5, Duration::from_secs(600)),
        Some(limit) => {
            let count = *limit.count.get_ref();
            if count < 1 {
                return Err(cx.err(limit.count.span(), "rate_limit: `count` must be at least 1"));
            }
            let per = values::duration(limit.per.get_ref())
                .and_then(|d| {
                    if d.is_zero() {
                        Err("rate_limit: `per` must be more than zero".to_owned())
                    } else {
                        Ok(d)
                    }
                })
                .map_err(|m| cx.err(limit.per.span(), m))?;
            (u32::try_from(count).unwrap_or(u32::MAX), per)
        }
    };
    let quiet_hours = match &raw.quiet_hours {
        None => None,
        Some(quiet) => {
            let q = quiet.get_ref();
            let time = |s: &toml::Spanned<String>| {
                values::time_of_day(s.get_ref().trim())
                    .map_err(|m| cx.err(s.span(), format!("quiet_hours: {m}")))
            };
            let (start, end) = (time(&q.start)?, time(&q.end)?);
            if start == end {
                return Err(cx.err(
                    q.end.span(),
                    "quiet_hours: `start` and `end` are the same time",
                ));
            }
            Some(QuietHours { start, end })
        }
    };
    let command = match &raw.command {
        None => None,
        Some(command) => {
            let program = command.get_ref().first().ok_or_else(|| {
                cx.err(
                    command.span(),
                    "`command` is empty: give the program and its arguments",
                )
            })?;
            if program.get_ref().trim().is_empty() {
                return Err(cx.err(program.span(), "`command` names no program"));
            }
            Some(
                command
                    .get_ref()
                    .iter()
                    .map(|a| a.get_ref().clone())
                    .collect(),
            )
        }
    };
    // Zero is meaningful for these two: send at once, and never group.
    let zero_ok = |raw, default| -> Result<Duration, ConfigError> {
        Ok(cx
            .value(raw, |t: &String| values::duration(t))?
            .unwrap_or(default))
    };
    Ok(Notifications {
        desktop: raw.desktop.unwrap_or(true),
        locale: cx.value(&raw.locale, |l| values::locale(l.trim()))?,
        group_wait: zero_ok(&raw.group_wait, Duration::from_secs(5))?,
        group_window: zero_ok(&raw.group_window, Duration::from_secs(60))?,
        rate_limit_count,
        rate_limit_window,
        quiet_hours,
        degraded: raw.degraded.unwrap_or(true),
        recovered: raw.recovered.unwrap_or(true),
        offline: raw.offline.unwrap_or(true),
        online: raw.online.unwrap_or(true),
        cert_warn_days: cx
            .value(&raw.cert_warn_days, |d| {
                values::in_range("cert_warn_days", *d, 0, 365)
            })?
            .unwrap_or(14),
        command,
        command_timeout: cx
            .positive("command_timeout", &raw.command_timeout)?
            .unwrap_or(Duration::from_secs(10)),
    })
}

//! The `[[watch]]` entries: names (present, non-empty, unique case-insensitively), the
//! `[defaults]` applied, and the probe options turned into a check.

use std::collections::HashMap;

use toml::Spanned;

use crate::context::ParseContext;
use crate::entry;
use crate::error::{ConfigError, line_column};
use crate::model::{Defaults, Watch};
use crate::raw::RawEntry;
use crate::rules::{threshold, timeout_vs_interval};

/// Longest watch or group name, in characters.
pub const MAX_NAME_CHARS: usize = 80;

/// Resolves every watch, in file order.
pub(crate) fn resolve_all(
    top: &ParseContext<'_>,
    raw: &[Spanned<RawEntry>],
    defaults: &Defaults,
) -> Result<Vec<Watch>, ConfigError> {
    // Lower-cased name -> line of its first use.
    let mut seen = HashMap::new();
    let mut watches = Vec::with_capacity(raw.len());
    for (i, entry) in raw.iter().enumerate() {
        watches.push(resolve(top, i + 1, entry, defaults, &mut seen)?);
    }
    Ok(watches)
}

fn resolve(
    top: &ParseContext<'_>,
    number: usize,
    raw: &Spanned<RawEntry>,
    defaults: &Defaults,
    seen: &mut HashMap<String, usize>,
) -> Result<Watch, ConfigError> {
    let entry = raw.get_ref();
    let mut cx = top.about(format!("watch #{number}: "));
    let name = entry
        .name
        .as_ref()
        .ok_or_else(|| cx.err(raw.span(), "missing `name`"))?;
    let text = name.get_ref().trim();
    if text.is_empty() {
        return Err(cx.err(name.span(), "`name` is empty"));
    }
    if text.chars().count() > MAX_NAME_CHARS {
        return Err(cx.err(
            name.span(),
            format!("`name` is longer than {MAX_NAME_CHARS} characters"),
        ));
    }
    cx.who = format!("watch \"{text}\": ");
    let line = line_column(top.text, name.span().start).0;
    if let Some(first) = seen.insert(text.to_lowercase(), line) {
        return Err(cx.err(
            name.span(),
            format!("duplicate name (first used at line {first})"),
        ));
    }
    let group = cx.value(&entry.group, |g| {
        let g = g.trim();
        if g.is_empty() {
            Err("`group` is empty".to_owned())
        } else if g.chars().count() > MAX_NAME_CHARS {
            Err(format!(
                "`group` is longer than {MAX_NAME_CHARS} characters"
            ))
        } else {
            Ok(g.to_owned())
        }
    })?;
    let target = entry
        .target
        .as_ref()
        .ok_or_else(|| cx.err(raw.span(), "missing `target`"))?;
    let interval = cx
        .positive("interval", &entry.interval)?
        .unwrap_or(defaults.interval);
    let timeout = cx
        .positive("timeout", &entry.timeout)?
        .unwrap_or(defaults.timeout);
    let span = entry
        .timeout
        .as_ref()
        .or(entry.interval.as_ref())
        .map(Spanned::span);
    timeout_vs_interval(&cx, timeout, interval, span)?;
    let retry_interval = cx
        .positive("retry_interval", &entry.retry_interval)?
        .unwrap_or(defaults.retry_interval);
    let failures_to_down = threshold(&cx, "failures_to_down", &entry.failures_to_down)?
        .unwrap_or(defaults.failures_to_down);
    let successes_to_up = threshold(&cx, "successes_to_up", &entry.successes_to_up)?
        .unwrap_or(defaults.successes_to_up);
    let degraded_after = cx
        .positive("degraded_after", &entry.degraded_after)?
        .or(defaults.degraded_after);
    let built = entry::build(&cx, entry, target, timeout, degraded_after)?;
    Ok(Watch {
        name: text.to_owned(),
        group,
        check: built.check,
        probe: built.probe,
        interval,
        retry_interval,
        failures_to_down,
        successes_to_up,
        enabled: entry.enabled.as_ref().is_none_or(|e| *e.get_ref()),
        muted: entry.muted.as_ref().is_some_and(|m| *m.get_ref()),
        secret_headers: built.secret_headers,
    })
}

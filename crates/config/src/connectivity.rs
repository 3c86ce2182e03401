//! The `[connectivity]` section: the control probes behind the "is it me" verdict (the
//! built-in ones when the file lists none), how often they run, and the settle time.

use std::time::Duration;

use downwatch_probe::{BodyMatch, Check, RecordKind, StatusSet, Target};
use toml::Spanned;

use crate::context::ParseContext;
use crate::entry;
use crate::error::ConfigError;
use crate::model::{Connectivity, Control, ProbeSettings};
use crate::raw::{RawConnectivity, RawEntry};
use crate::values;

/// Deadline of a control probe unless it sets its own.
pub const CONTROL_TIMEOUT: Duration = Duration::from_secs(5);

/// Resolves the `[connectivity]` section.
pub(crate) fn resolve(
    cx: &ParseContext<'_>,
    raw: &RawConnectivity,
) -> Result<Connectivity, ConfigError> {
    let controls = match &raw.control {
        None => default_controls(),
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

fn control(
    top: &ParseContext<'_>,
    number: usize,
    raw: &Spanned<RawEntry>,
) -> Result<Control, ConfigError> {
    let entry = raw.get_ref();
    let mut cx = top.about(format!("control #{number}: "));
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

/// The controls used when `[connectivity]` lists none: two captive-portal detectors of
/// different companies, Apple's, and two anycast DNS providers' addresses reached without
/// DNS (when those answer but the names do not, the local DNS is broken, not the network).
pub fn default_controls() -> Vec<Control> {
    let control = |name: &str, target: &str, expect: Option<&str>, keyword: Option<&str>| {
        let target = Target::parse(target, RecordKind::A).ok()?;
        let mut check = Check::new(target);
        check.timeout = CONTROL_TIMEOUT;
        if let Some(set) = expect {
            check.http.expect_status = set.parse::<StatusSet>().ok()?;
        }
        check.http.body_match = keyword.map(BodyMatch::keyword);
        Some(Control {
            name: name.to_owned(),
            check,
            probe: ProbeSettings::default(),
        })
    };
    [
        control(
            "Google",
            "http://connectivitycheck.gstatic.com/generate_204",
            Some("204"),
            None,
        ),
        control(
            "Firefox",
            "http://detectportal.firefox.com/success.txt",
            None,
            Some("success"),
        ),
        control(
            "Apple",
            "http://captive.apple.com/hotspot-detect.html",
            None,
            Some("Success"),
        ),
        control("Cloudflare 1.1.1.1", "tcp://1.1.1.1:443", None, None),
        control("Google 8.8.8.8", "tcp://8.8.8.8:443", None, None),
    ]
    .into_iter()
    .flatten()
    .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn five_default_controls() {
        let controls = default_controls();
        assert_eq!(controls.len(), 5);
        assert!(controls[0].check.http.expect_status.contains(204));
        assert!(!controls[0].check.http.expect_status.contains(200));
        assert!(controls.iter().all(|c| c.check.timeout == CONTROL_TIMEOUT));
    }
}

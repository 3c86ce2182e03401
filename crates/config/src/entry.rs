//! Turning the probe options of a `[[watch]]` or `[[connectivity.control]]` into a
//! [`Check`] and its [`ProbeSettings`]: the same options `downwatch check` takes.

use std::ops::Range;
use std::path::{Path, PathBuf};
use std::time::Duration;

use downwatch_probe::{BodyMatch, Check, HeaderName, HeaderValue, RecordKind, StatusSet, Target};
use toml::Spanned;

use crate::context::ParseContext;
use crate::error::ConfigError;
use crate::model::ProbeSettings;
use crate::raw::{Headers, RawEntry};
use crate::values;

/// A built entry.
pub(crate) struct Built {
    /// What to probe and expect.
    pub check: Check,
    /// Resolver and TLS trust.
    pub probe: ProbeSettings,
    /// Names of the headers marked `secret = true`.
    pub secret_headers: Vec<String>,
}

/// What the target kind lets an entry set.
#[derive(Clone, Copy)]
struct Kind {
    http: bool,
    dns: bool,
    tls: bool,
}

/// Builds the check (with `timeout` and `degraded_after` already resolved by the caller)
/// and the probe settings of `raw`, whose target text is `target`.
pub(crate) fn build(
    cx: &ParseContext<'_>,
    raw: &RawEntry,
    target: &Spanned<String>,
    timeout: Duration,
    degraded_after: Option<Duration>,
) -> Result<Built, ConfigError> {
    let kind = cx
        .value(&raw.dns_type, |t| {
            t.parse::<RecordKind>().map_err(values::probe_message)
        })?
        .unwrap_or(RecordKind::A);
    let parsed = Target::parse(target.get_ref().trim(), kind)
        .map_err(|e| cx.err(target.span(), values::probe_message(e)))?;
    let kind = Kind {
        http: matches!(parsed, Target::Http(_)),
        dns: matches!(parsed, Target::Dns { .. }),
        tls: matches!(parsed, Target::Http(_) | Target::Tls { .. }),
    };
    check_applies(cx, raw, kind)?;
    let mut check = Check::new(parsed);
    check.timeout = timeout;
    if let Some(days) = cx.value(&raw.cert_warn_days, |d| {
        values::in_range("cert_warn_days", *d, 0, 365)
    })? {
        check.cert_warn_days = Some(days);
    }
    let http = &mut check.http;
    http.degraded_after = degraded_after;
    if let Some(method) = cx.value(&raw.method, |m| {
        downwatch_probe::parse_method(m).map_err(|e| e.to_string())
    })? {
        http.method = method;
    }
    if let Some(set) = cx.value(&raw.expect_status, |s| {
        s.parse::<StatusSet>().map_err(values::probe_message)
    })? {
        http.expect_status = set;
    }
    http.body_match = body_match(cx, raw)?;
    if let Some(n) = cx.value(&raw.max_redirects, |n| {
        values::in_range("max_redirects", *n, 0, 100)
    })? {
        http.max_redirects = u32::try_from(n).unwrap_or(u32::MAX);
    }
    if let Some(n) = cx.value(&raw.body_cap, |n| {
        values::in_range("body_cap", *n, 1, 64 << 20)
    })? {
        http.body_cap = usize::try_from(n).unwrap_or(usize::MAX);
    }
    let mut secret = Vec::new();
    if let Some(headers) = &raw.headers {
        http.headers = headers_of(cx, headers.get_ref(), &mut secret)?;
    }
    check.dns.rcode = cx.value(&raw.expect_rcode, |r| values::rcode(r))?;
    check.dns.answer = raw.expect_answer.as_ref().map(|a| a.get_ref().clone());
    let probe = ProbeSettings {
        resolver: cx
            .value(&raw.resolver, |r| values::resolver(r.trim()))?
            .unwrap_or(downwatch_probe::Resolver::System),
        ca: cx.value(&raw.ca, |ca| ca_file(cx.path, ca))?,
        verify_tls: !raw.insecure.as_ref().is_some_and(|i| *i.get_ref()),
    };
    Ok(Built {
        check,
        probe,
        secret_headers: secret,
    })
}

/// Refuses options that the target kind would silently ignore.
fn check_applies(cx: &ParseContext<'_>, raw: &RawEntry, kind: Kind) -> Result<(), ConfigError> {
    let text = |key, v: &Option<Spanned<String>>| v.as_ref().map(|s| (key, s.span()));
    let int = |key, v: &Option<Spanned<i64>>| v.as_ref().map(|s| (key, s.span()));
    let flag = |key, v: &Option<Spanned<bool>>| v.as_ref().map(|s| (key, s.span()));
    let http_only = [
        text("method", &raw.method),
        text("expect_status", &raw.expect_status),
        text("keyword", &raw.keyword),
        text("regex", &raw.regex),
        flag("absent", &raw.absent),
        raw.headers.as_ref().map(|h| ("headers", h.span())),
        int("max_redirects", &raw.max_redirects),
        int("body_cap", &raw.body_cap),
        text("degraded_after", &raw.degraded_after),
    ];
    let dns_only = [
        text("dns_type", &raw.dns_type),
        text("expect_rcode", &raw.expect_rcode),
        text("expect_answer", &raw.expect_answer),
    ];
    let tls_only = [
        text("ca", &raw.ca),
        flag("insecure", &raw.insecure),
        int("cert_warn_days", &raw.cert_warn_days),
    ];
    let refuse = |set: &[Option<(&str, Range<usize>)>], ok: bool, targets: &str| match set
        .iter()
        .flatten()
        .next()
    {
        Some((key, span)) if !ok => Err(cx.err(
            span.clone(),
            format!("`{key}` applies only to {targets} targets"),
        )),
        _ => Ok(()),
    };
    refuse(&http_only, kind.http, "http:// and https://")?;
    refuse(&dns_only, kind.dns, "dns://")?;
    refuse(&tls_only, kind.tls, "https://, http:// and tls://")
}

/// `keyword` or `regex`, with `absent`.
fn body_match(cx: &ParseContext<'_>, raw: &RawEntry) -> Result<Option<BodyMatch>, ConfigError> {
    let mut found = match (&raw.keyword, &raw.regex) {
        (Some(_), Some(regex)) => {
            return Err(cx.err(regex.span(), "set `keyword` or `regex`, not both"));
        }
        (Some(k), None) if k.get_ref().is_empty() => {
            return Err(cx.err(k.span(), "`keyword` is empty"));
        }
        (Some(k), None) => BodyMatch::keyword(k.get_ref()),
        (None, Some(r)) => {
            BodyMatch::regex(r.get_ref()).map_err(|e| cx.err(r.span(), values::probe_message(e)))?
        }
        (None, None) => match &raw.absent {
            Some(absent) => {
                return Err(cx.err(absent.span(), "`absent` needs `keyword` or `regex`"));
            }
            None => return Ok(None),
        },
    };
    found.must_appear = !raw.absent.as_ref().is_some_and(|a| *a.get_ref());
    Ok(Some(found))
}

/// Request headers: `Name = "value"` or `Name = { value = "...", secret = true }` (a secret
/// value is marked sensitive and its name recorded, so it is never printed).
fn headers_of(
    cx: &ParseContext<'_>,
    headers: &Headers,
    secret: &mut Vec<String>,
) -> Result<Vec<(HeaderName, HeaderValue)>, ConfigError> {
    let mut out = Vec::with_capacity(headers.len());
    for (key, value) in headers {
        let name = downwatch_probe::parse_header_name(key.get_ref())
            .map_err(|e| cx.err(key.span(), e.to_string()))?;
        let shape = || {
            cx.err(
                value.span(),
                format!("header `{name}` must be a text or {{ value = \"...\", secret = true }}"),
            )
        };
        let (text, is_secret) = match value.get_ref() {
            toml::Value::String(text) => (text.as_str(), false),
            toml::Value::Table(table) => {
                if table.keys().any(|k| k != "value" && k != "secret") {
                    return Err(shape());
                }
                let text = table
                    .get("value")
                    .and_then(toml::Value::as_str)
                    .ok_or_else(shape)?;
                let is_secret = match table.get("secret") {
                    None => false,
                    Some(v) => v.as_bool().ok_or_else(shape)?,
                };
                (text, is_secret)
            }
            _ => return Err(shape()),
        };
        let mut header = downwatch_probe::parse_header_value(&name, text)
            .map_err(|e| cx.err(value.span(), e.to_string()))?;
        if is_secret {
            header.set_sensitive(true);
            secret.push(name.as_str().to_owned());
        }
        out.push((name, header));
    }
    Ok(out)
}

/// The CA file, relative to the config file's directory, which must be a readable file.
fn ca_file(config: &Path, ca: &str) -> Result<PathBuf, String> {
    let path = config.parent().unwrap_or_else(|| Path::new("")).join(ca);
    match std::fs::File::open(&path).and_then(|f| f.metadata()) {
        // Parsed here, so a file that is not PEM is reported at its line and column.
        Ok(meta) if meta.is_file() => downwatch_probe::check_ca_file(&path)
            .map(|()| path)
            .map_err(|e| e.to_string()),
        Ok(_) => Err(format!("CA file {} is not a file", path.display())),
        Err(e) => Err(format!("cannot read CA file {}: {e}", path.display())),
    }
}

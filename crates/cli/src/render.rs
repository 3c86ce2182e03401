//! The three outputs of `downwatch check`: layered text, JSON (schema in the README) and the
//! monitoring-plugins line.

use std::fmt::Write as _;
use std::io::IsTerminal;
use std::time::Duration;

use downwatch_probe::{Check, Layer, ProbeResult, Status, Target};
use serde_json::{Value, json};

/// Colour only on a terminal, and never when NO_COLOR is set.
pub fn use_color() -> bool {
    std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none()
}

fn ms(d: Duration) -> f64 {
    (d.as_secs_f64() * 1e6).round() / 1e3
}

fn layers_of(target: &Target) -> &'static [Layer] {
    match target {
        Target::Http(url) if url.scheme() == "https" => {
            &[Layer::Dns, Layer::Tcp, Layer::Tls, Layer::Http]
        }
        Target::Http(_) => &[Layer::Dns, Layer::Tcp, Layer::Http],
        Target::Tcp { .. } => &[Layer::Dns, Layer::Tcp],
        Target::Tls { .. } => &[Layer::Dns, Layer::Tcp, Layer::Tls],
        Target::Dns { .. } => &[Layer::Dns],
    }
}

fn layer_label(layer: Layer) -> &'static str {
    match layer {
        Layer::Dns => "DNS",
        Layer::Tcp => "TCP",
        Layer::Tls => "TLS",
        Layer::Http => "HTTP",
        Layer::Setup => "setup",
    }
}

fn status_word(status: Status) -> &'static str {
    match status {
        Status::Up => "UP",
        Status::Degraded => "DEGRADED",
        Status::Down => "DOWN",
    }
}

/// The verdict in words: "TLS: certificate expired 12 days ago", or what worked.
fn summary(check: &Check, result: &ProbeResult) -> String {
    if let Some(f) = &result.failure {
        return format!("{}: {}", layer_label(f.cause.layer()), f.message);
    }
    match &check.target {
        Target::Http(_) => result.http.as_ref().map_or_else(
            || "up".to_owned(),
            |http| {
                let status = http.status.map_or(String::new(), |s| s.to_string());
                format!("{} {status}", http.version.as_deref().unwrap_or("HTTP"))
            },
        ),
        Target::Tls { .. } => match result.tls.as_ref().and_then(|t| t.days_left) {
            Some(days) => format!("certificate valid {days} more days"),
            None => "handshake completed".to_owned(),
        },
        Target::Tcp { .. } => match result.address {
            Some(addr) => format!("connected to {addr}"),
            None => "connected".to_owned(),
        },
        Target::Dns { .. } => {
            let dns = result.dns.as_ref();
            let answers = dns.map(|d| d.answers.as_slice()).unwrap_or_default();
            if !answers.is_empty() {
                return answer_list(answers, 3);
            }
            // Up without an answer: the expected response code came (e.g. NXDOMAIN). Every
            // result says what worked.
            let rcode = dns.and_then(|d| d.rcode.as_deref()).unwrap_or("the reply");
            match dns.and_then(|d| d.server.as_deref()) {
                Some(server) => format!("{rcode} from {server}, as expected"),
                None => format!("{rcode}, as expected"),
            }
        }
    }
}

/// At most `max` answers, each cut to 60 characters, then "and N more": a TXT record set can
/// be kilobytes long, a terminal line cannot. (`--json` has them all.)
fn answer_list(answers: &[String], max: usize) -> String {
    const WIDTH: usize = 60;
    let shown: Vec<String> = answers
        .iter()
        .take(max)
        .map(|a| {
            if a.chars().count() > WIDTH {
                format!("{}…", a.chars().take(WIDTH).collect::<String>())
            } else {
                a.clone()
            }
        })
        .collect();
    let more = answers.len().saturating_sub(shown.len());
    let more = if more > 0 {
        format!(" and {more} more")
    } else {
        String::new()
    };
    format!("{}{more}", shown.join(", "))
}

/// One header line, then a line per layer with its time and outcome.
pub fn human(check: &Check, result: &ProbeResult, color: bool) -> String {
    let word = status_word(result.status);
    let word = if color {
        let code = match result.status {
            Status::Up => "32",
            Status::Degraded => "33",
            Status::Down => "31",
        };
        format!("\x1b[1;{code}m{word}\x1b[0m")
    } else {
        word.to_owned()
    };
    let mut out = format!("{word}  {} — {}\n", check.target, summary(check, result));
    let failed = result.layer();
    let phase_of = |layer: Layer| match layer {
        Layer::Dns => result.phases.dns,
        Layer::Tcp => result.phases.connect,
        Layer::Tls => result.phases.tls,
        Layer::Http => result.phases.ttfb,
        // Never among a target's layers: nothing was sent.
        Layer::Setup => None,
    };
    // The number column is as wide as the longest time shown (at least `999.9`), so a phase of
    // 4,001.9 ms (or 86,400,000.0 ms, the longest deadline) never glues to its label.
    let width = layers_of(&check.target)
        .iter()
        .filter_map(|&layer| phase_of(layer))
        .chain([result.phases.total])
        .map(|t| format!("{:.1}", ms(t)).len())
        .fold(5, usize::max);
    let column = |t: Option<Duration>| match t {
        Some(t) => format!("{:>width$.1} ms", ms(t)),
        None => format!("{:>width$}   ", "-"),
    };
    for &layer in layers_of(&check.target) {
        let time = column(phase_of(layer));
        let detail = match failed {
            Some(f) if f == layer => {
                let failure = result
                    .failure
                    .as_ref()
                    .map(|f| (f.message.as_str(), f.cause.code()));
                let (message, code) = failure.unwrap_or(("", ""));
                let mark = if result.status == Status::Degraded {
                    "warning"
                } else {
                    "FAILED"
                };
                format!("{mark}: {message} [{code}]")
            }
            Some(f) if f < layer && result.status == Status::Down => "not reached".to_owned(),
            _ => layer_detail(layer, check, result),
        };
        let _ = writeln!(out, "  {:<5} {time}  {detail}", layer_label(layer));
    }
    let _ = write!(
        out,
        "  {:<5} {}",
        "total",
        column(Some(result.phases.total))
    );
    out
}

fn layer_detail(layer: Layer, check: &Check, result: &ProbeResult) -> String {
    match layer {
        Layer::Dns => match &result.dns {
            None => "address given, no lookup".to_owned(),
            Some(dns) => {
                let answers = if dns.answers.is_empty() {
                    "no answer".to_owned()
                } else {
                    answer_list(&dns.answers, 4)
                };
                let via = if dns.over_tcp { " over TCP" } else { "" };
                match (&dns.rcode, &dns.server) {
                    (Some(rcode), Some(server)) => {
                        format!("{answers} ({rcode} from {server}{via})")
                    }
                    (None, Some(server)) => format!("{answers} (from {server})"),
                    _ => answers,
                }
            }
        },
        Layer::Tcp => match result.address {
            Some(addr) => format!("connected to {addr}"),
            None => "connected".to_owned(),
        },
        Layer::Tls => match &result.tls {
            None => String::new(),
            Some(tls) => {
                let mut parts = vec![tls.version.clone().unwrap_or_else(|| "TLS".into())];
                if let Some(alpn) = &tls.alpn {
                    parts.push(alpn.clone());
                }
                if let (Some(days), Some(until)) = (tls.days_left, &tls.not_after) {
                    parts.push(format!(
                        "certificate valid {days} more days (until {until})"
                    ));
                }
                if matches!(check.target, Target::Tls { .. }) || check.cert_warn_days.is_some() {
                    if let Some(issuer) = &tls.issuer {
                        parts.push(format!("issued by {issuer}"));
                    }
                }
                parts.join(", ")
            }
        },
        Layer::Http => match &result.http {
            None => String::new(),
            Some(http) => {
                let encoded = http.content_encoding.as_ref().map_or(String::new(), |c| {
                    format!(" ({c}, {} on the wire)", http.wire_bytes)
                });
                let mut text = format!(
                    "{} {}, {} body bytes{encoded}{}",
                    http.version.as_deref().unwrap_or("HTTP"),
                    http.status.map_or(String::new(), |s| s.to_string()),
                    http.body_bytes,
                    if http.body_truncated {
                        " (stopped at the body cap)"
                    } else {
                        ""
                    }
                );
                if http.redirects > 0 {
                    let _ = write!(
                        text,
                        ", {} redirect(s) to {}",
                        http.redirects,
                        http.final_url.as_deref().unwrap_or("?")
                    );
                }
                text
            }
        },
        Layer::Setup => String::new(),
    }
}

/// The JSON document (schema in the README).
pub fn json(check: &Check, result: &ProbeResult) -> String {
    let phase = |d: Option<Duration>| d.map_or(Value::Null, |d| json!(ms(d)));
    let doc = json!({
        // A target a script can pass back to `downwatch check` (the record type is in `dns`).
        "target": match &check.target {
            Target::Dns { name, .. } => format!("dns://{name}"),
            other => other.to_string(),
        },
        "status": result.status,
        "layer": result.layer(),
        "cause": result.cause(),
        "message": result.failure.as_ref().map_or_else(|| summary(check, result), |f| f.message.clone()),
        "phases_ms": {
            "dns": phase(result.phases.dns),
            "connect": phase(result.phases.connect),
            "tls": phase(result.phases.tls),
            "ttfb": phase(result.phases.ttfb),
            "total": ms(result.phases.total),
        },
        "address": result.address.map(|a| a.to_string()),
        "http": result.http.as_ref().map(|h| json!({
            "status": h.status,
            "version": h.version,
            "redirects": h.redirects,
            "body_bytes": h.body_bytes,
            "wire_bytes": h.wire_bytes,
            "content_encoding": h.content_encoding,
            "body_truncated": h.body_truncated,
            "final_url": h.final_url,
        })),
        "tls": result.tls.as_ref().map(|t| json!({
            "version": t.version,
            "alpn": t.alpn,
            "subject": t.subject,
            "issuer": t.issuer,
            "names": t.names,
            "not_after": t.not_after,
            "days_left": t.days_left,
        })),
        "dns": result.dns.as_ref().map(|d| json!({
            "type": match &check.target {
                Target::Dns { kind, .. } => Some(kind.as_str()),
                _ => None,
            },
            "rcode": d.rcode,
            "server": d.server,
            "over_tcp": d.over_tcp,
            "answers": d.answers,
        })),
    });
    doc.to_string()
}

/// `HTTP CRITICAL - TLS: certificate expired ... | DNS=0.3ms;;; CONNECT=...`, then the
/// layered text as the plugin's long output.
pub fn nagios(check: &Check, result: &ProbeResult) -> String {
    let service = match check.target {
        Target::Http(_) => "HTTP",
        Target::Tcp { .. } => "TCP",
        Target::Tls { .. } => "TLS",
        Target::Dns { .. } => "DNS",
    };
    let state = match result.status {
        Status::Up => "OK",
        Status::Degraded => "WARNING",
        Status::Down => "CRITICAL",
    };
    let phases = [
        ("DNS", result.phases.dns),
        ("CONNECT", result.phases.connect),
        ("TLS", result.phases.tls),
        ("TTFB", result.phases.ttfb),
        ("TOTAL", Some(result.phases.total)),
    ];
    let perf: Vec<String> = phases
        .iter()
        .filter_map(|(label, d)| d.map(|d| format!("{label}={:.3}ms;;;", ms(d))))
        .collect();
    // `|` separates performance data: it must not appear in the text part.
    let text = summary(check, result).replace('|', "/");
    format!(
        "{service} {state} - {text} | {}\n{}",
        perf.join(" "),
        human(check, result, false)
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use downwatch_probe::{Cause, Failure, Phases, RecordKind};

    fn lines(dns_ms: u64, total_ms: u64) -> Vec<String> {
        let check = Check::new(Target::parse("http://shop.test/", RecordKind::A).expect("target"));
        let result = ProbeResult {
            status: Status::Down,
            failure: Some(Failure::new(Cause::DnsTimeout, "no reply".to_owned())),
            phases: Phases {
                dns: Some(Duration::from_millis(dns_ms)),
                total: Duration::from_millis(total_ms),
                ..Phases::default()
            },
            address: None,
            dns: None,
            tls: None,
            http: None,
        };
        human(&check, &result, false)
            .lines()
            .skip(1)
            .map(str::to_owned)
            .collect()
    }

    /// Every number (or the dash of a phase not reached) ends in the same column, and it is a
    /// word of its own, never glued to the label.
    fn assert_columns(lines: &[String]) {
        let end = |l: &String| {
            l.find(" ms")
                .unwrap_or_else(|| l.find('-').map_or(0, |i| i + 1))
        };
        let first = lines.iter().map(end).next().expect("a line");
        for line in lines {
            assert_eq!(end(line), first, "column moved in {lines:#?}");
            let time = line.split_whitespace().nth(1).unwrap_or_default();
            assert!(time == "-" || time.parse::<f64>().is_ok(), "{line:?}");
        }
    }

    #[test]
    fn short_times_keep_the_usual_layout() {
        let lines = lines(1, 2);
        assert_eq!(lines[0], "  DNS     1.0 ms  FAILED: no reply [dns_timeout]");
        assert_eq!(lines[1], "  TCP       -     not reached");
        assert_eq!(lines[3], "  total   2.0 ms");
        assert_columns(&lines);
    }

    #[test]
    fn long_times_never_glue_to_the_label() {
        for (dns, total) in [(4_001, 4_002), (86_400_000, 86_400_000), (999, 12_345)] {
            let lines = lines(dns, total);
            assert!(lines.iter().all(|l| !l.contains("total4")), "{lines:#?}");
            assert_columns(&lines);
        }
        let lines = lines(4_001, 4_002);
        assert_eq!(lines[3], "  total 4002.0 ms");
    }
}

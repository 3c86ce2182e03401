//! The three outputs of `downwatch check`: layered text, JSON (schema in the README) and the
//! monitoring-plugins line.

use std::fmt::Write as _;
use std::io::IsTerminal;
use std::time::Duration;

use downwatch_probe::{Check, Layer, ProbeResult, Status, Target};
use downwatch_text::{Catalog, Message, Value, english};
use serde_json::json;

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

/// `Message` shorthand for the CLI's own texts.
fn say(id: &'static str) -> Message {
    Message::new(id)
}

/// The verdict in words: "TLS: certificate expired 12 days ago", or what worked.
fn summary(check: &Check, result: &ProbeResult, cat: &Catalog) -> String {
    if let Some(f) = &result.failure {
        return format!("{}: {}", layer_label(f.cause.layer()), f.text.render(cat));
    }
    let text = match &check.target {
        Target::Http(_) => match result.http.as_ref() {
            None => return "up".to_owned(),
            Some(http) => say("check-up-http")
                .arg(
                    "version",
                    Value::code(http.version.as_deref().unwrap_or("HTTP")),
                )
                .arg(
                    "status",
                    Value::Code(http.status.map_or(String::new(), |s| s.to_string())),
                ),
        },
        Target::Tls { .. } => match result.tls.as_ref().and_then(|t| t.days_left) {
            Some(days) => say("check-cert-valid").arg("days", Value::Count(days)),
            None => say("check-handshake-done"),
        },
        Target::Tcp { .. } => connected(result),
        Target::Dns { .. } => {
            let dns = result.dns.as_ref();
            let answers = dns.map(|d| d.answers.as_slice()).unwrap_or_default();
            if !answers.is_empty() {
                return answer_list(answers, 3, cat);
            }
            // Up without an answer: the expected response code came (e.g. NXDOMAIN). Every
            // result says what worked.
            let rcode = dns.and_then(|d| d.rcode.as_deref()).unwrap_or("the reply");
            match dns.and_then(|d| d.server.as_deref()) {
                Some(server) => say("check-dns-expected").arg("server", Value::address(server)),
                None => say("check-dns-expected-here"),
            }
            .arg("rcode", Value::code(rcode))
        }
    };
    text.render(cat)
}

/// "connected to ADDR", or "connected".
fn connected(result: &ProbeResult) -> Message {
    match result.address {
        Some(addr) => say("check-connected-to").arg("addr", Value::address(addr)),
        None => say("check-connected"),
    }
}

/// At most `max` answers, each cut to 60 characters, then "and N more": a TXT record set can
/// be kilobytes long, a terminal line cannot. (`--json` has them all.)
fn answer_list(answers: &[String], max: usize, cat: &Catalog) -> String {
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
    let list = Value::Address(shown.join(", "));
    if more > 0 {
        say("check-and-more")
            .arg("list", list)
            .arg("more", Value::count(more))
            .render(cat)
    } else {
        say("verbatim").arg("text", list).render(cat)
    }
}

/// One header line, then a line per layer with its time and outcome, in `cat`'s language.
pub fn human(check: &Check, result: &ProbeResult, color: bool, cat: &Catalog) -> String {
    let word = cat.text(status_id(result.status), &[]);
    let word = if color {
        let code = match result.status {
            Status::Up => "32",
            Status::Degraded => "33",
            Status::Down => "31",
        };
        format!("\x1b[1;{code}m{word}\x1b[0m")
    } else {
        word
    };
    let head = say("check-head")
        .arg("word", Value::Text(word))
        .arg("target", Value::address(&check.target))
        .arg("summary", Value::Text(summary(check, result, cat)))
        .render(cat);
    let mut out = format!("{head}\n");
    let failed = result.layer();
    let phase_of = |layer: Layer| match layer {
        Layer::Dns => result.phases.dns,
        Layer::Tcp => result.phases.connect,
        Layer::Tls => result.phases.tls,
        Layer::Http => result.phases.ttfb,
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
    let unit = cat.text("check-ms", &[]);
    let blank = " ".repeat(unit.chars().count() + 1);
    let column = |t: Option<Duration>| match t {
        Some(t) => format!("{:>width$.1} {unit}", ms(t)),
        None => format!("{:>width$}{blank}", "-"),
    };
    for &layer in layers_of(&check.target) {
        let time = column(phase_of(layer));
        let detail = match (failed, result.failure.as_ref()) {
            (Some(f), Some(failure)) if f == layer => {
                let mark = if result.status == Status::Degraded {
                    "check-warning"
                } else {
                    "check-failed"
                };
                say("check-failure")
                    .arg("mark", Value::Text(cat.text(mark, &[])))
                    .arg("message", Value::Text(failure.text.render(cat)))
                    .arg("code", Value::code(failure.cause.code()))
                    .render(cat)
            }
            (Some(f), _) if f < layer && result.status == Status::Down => {
                cat.text("check-not-reached", &[])
            }
            _ => layer_detail(layer, check, result, cat),
        };
        let _ = writeln!(out, "  {:<5} {time}  {detail}", layer_label(layer));
    }
    let total = cat.text("check-total", &[]);
    let _ = write!(out, "  {total:<5} {}", column(Some(result.phases.total)));
    out
}

fn status_id(status: Status) -> &'static str {
    match status {
        Status::Up => "check-up",
        Status::Degraded => "check-degraded",
        Status::Down => "check-down",
    }
}

/// "A, B" in the catalog's language.
fn join(parts: Vec<String>, cat: &Catalog) -> String {
    parts
        .into_iter()
        .reduce(|first, second| {
            say("check-join")
                .arg("first", Value::Text(first))
                .arg("second", Value::Text(second))
                .render(cat)
        })
        .unwrap_or_default()
}

fn layer_detail(layer: Layer, check: &Check, result: &ProbeResult, cat: &Catalog) -> String {
    match layer {
        Layer::Dns => match &result.dns {
            None => cat.text("check-no-lookup", &[]),
            Some(dns) => {
                let answers = if dns.answers.is_empty() {
                    cat.text("check-no-answer", &[])
                } else {
                    answer_list(&dns.answers, 4, cat)
                };
                let id = if dns.over_tcp {
                    "check-dns-detail-tcp"
                } else {
                    "check-dns-detail"
                };
                let text = match (&dns.rcode, &dns.server) {
                    (Some(rcode), Some(server)) => say(id)
                        .arg("rcode", Value::code(rcode))
                        .arg("server", Value::address(server)),
                    (None, Some(server)) => {
                        say("check-dns-from").arg("server", Value::address(server))
                    }
                    _ => return answers,
                };
                text.arg("answers", Value::Text(answers)).render(cat)
            }
        },
        Layer::Tcp => connected(result).render(cat),
        Layer::Tls => match &result.tls {
            None => String::new(),
            Some(tls) => {
                let mut parts = vec![tls.version.clone().unwrap_or_else(|| "TLS".into())];
                if let Some(alpn) = &tls.alpn {
                    parts.push(alpn.clone());
                }
                if let (Some(days), Some(until)) = (tls.days_left, &tls.not_after) {
                    let text = say("check-cert-until")
                        .arg("days", Value::Count(days))
                        .arg("until", Value::code(until));
                    parts.push(text.render(cat));
                }
                if matches!(check.target, Target::Tls { .. }) || check.cert_warn_days.is_some() {
                    if let Some(issuer) = &tls.issuer {
                        let text = say("check-issued-by").arg("issuer", Value::name(issuer));
                        parts.push(text.render(cat));
                    }
                }
                join(parts, cat)
            }
        },
        Layer::Http => match &result.http {
            None => String::new(),
            Some(http) => {
                let mut line = say("check-http-line")
                    .arg(
                        "version",
                        Value::code(http.version.as_deref().unwrap_or("HTTP")),
                    )
                    .arg(
                        "status",
                        Value::Code(http.status.map_or(String::new(), |s| s.to_string())),
                    )
                    .arg("bytes", Value::count(http.body_bytes))
                    .render(cat);
                if let Some(coding) = &http.content_encoding {
                    line = say("check-http-encoded")
                        .arg("line", Value::Text(line))
                        .arg("coding", Value::code(coding))
                        .arg("wire", Value::count(http.wire_bytes))
                        .render(cat);
                }
                if http.body_truncated {
                    line = say("check-http-capped")
                        .arg("line", Value::Text(line))
                        .render(cat);
                }
                if http.redirects > 0 {
                    let redirects = say("check-redirects")
                        .arg("count", Value::count(http.redirects))
                        .arg(
                            "url",
                            Value::address(http.final_url.as_deref().unwrap_or("?")),
                        )
                        .render(cat);
                    line = join(vec![line, redirects], cat);
                }
                line
            }
        },
        Layer::Setup => String::new(),
    }
}

/// The JSON document (schema in the README).
pub fn json(check: &Check, result: &ProbeResult) -> String {
    let phase = |d: Option<Duration>| d.map_or(serde_json::Value::Null, |d| json!(ms(d)));
    let doc = json!({
        // A target a script can pass back to `downwatch check` (the record type is in `dns`).
        "target": match &check.target {
            Target::Dns { name, .. } => format!("dns://{name}"),
            other => other.to_string(),
        },
        "status": result.status,
        "layer": result.layer(),
        "cause": result.cause(),
        "message": result.failure.as_ref().map_or_else(|| summary(check, result, english()), |f| f.message.clone()),
        // The message as data: its catalog id and typed arguments (null when up).
        "message_id": result.failure.as_ref().map(|f| &f.text.id),
        "message_args": result.failure.as_ref().map(|f| &f.text.args),
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
    let text = summary(check, result, english()).replace('|', "/");
    format!(
        "{service} {state} - {text} | {}\n{}",
        perf.join(" "),
        human(check, result, false, english())
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
        human(&check, &result, false, english())
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

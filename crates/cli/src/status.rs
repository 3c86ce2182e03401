//! `downwatch status [--json]`: every watch's state: since when, the last check's latency,
//! uptime over 24 h, open incidents. Live from the resident's snapshot through the local API
//! when one answers on the socket ([`crate::status_live`]), else as the history last saw it,
//! from the store in the data directory (the resident writes it); uptime is always the
//! store's. Nothing is created or changed. Exit codes as
//! `check`: 0 every watch up, 1 one degraded, 2 one down, 3 unknown (no history, an
//! unreadable file, no watch checked yet).

use std::io::{IsTerminal, Write as _};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::{Duration, SystemTime};

use clap::Args;
use downwatch_probe::Status;
use downwatch_store::{Reader, StoreError, StoredIncident, WatchNow, unix_ms};
use downwatch_text::{Catalog, Lang, Message, Value};
use serde_json::json;

use crate::EXIT_UNKNOWN;
use crate::history::{self, HistoryError, rfc3339};
use crate::status_live;

/// `downwatch status` arguments.
#[derive(Debug, Args)]
pub struct StatusArgs {
    /// Print one JSON object instead of text (times RFC 3339 in UTC, latencies in ms).
    #[arg(long)]
    pub json: bool,
    /// The data directory the resident writes its history to (default: the OS data
    /// directory's downwatch/, as `run`).
    #[arg(long, value_name = "DIR")]
    pub data_dir: Option<PathBuf>,
    /// The resident's API socket asked first (default: as `run`'s `--socket`).
    #[arg(long, value_name = "PATH")]
    pub socket: Option<PathBuf>,
}

/// Where the states came from (`"source"` in `--json`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Source {
    /// The running resident's snapshot.
    Resident,
    /// The store, as the history last saw it.
    History,
}

impl Source {
    fn as_str(self) -> &'static str {
        match self {
            Source::Resident => "resident",
            Source::History => "history",
        }
    }
}

/// One watch's line of the report.
struct Row {
    now: WatchNow,
    uptime_24h: Option<f64>,
}

/// Runs `downwatch status`.
pub fn run(args: &StatusArgs) -> ExitCode {
    let now = SystemTime::now();
    let catalog = Catalog::new(Lang::system());
    let socket = args
        .socket
        .clone()
        .unwrap_or_else(downwatch_api::path::socket_path);
    let live = match status_live::snapshot(&socket) {
        Ok(snapshot) => Some(snapshot),
        Err(error) => {
            if !error.no_resident() {
                eprintln!("downwatch: {error}; showing the history");
            }
            None
        }
    };
    let source = if live.is_some() {
        Source::Resident
    } else {
        Source::History
    };
    let rows = history::data_dir(args.data_dir.as_deref()).and_then(|dir| match live {
        Some(snapshot) => Ok((live_rows(snapshot, &dir, now), dir)),
        None => {
            let reader = history::open(&dir)?;
            Ok((read(&reader, now)?, dir))
        }
    });
    let (rows, dir) = match rows {
        Ok(found) => found,
        Err(HistoryError::Store(StoreError::Missing { path })) => {
            let dir = path.parent().unwrap_or(&path);
            eprintln!("downwatch: {}", missing(dir, &catalog));
            return ExitCode::from(EXIT_UNKNOWN);
        }
        Err(error) => {
            eprintln!("downwatch: {error}");
            return ExitCode::from(EXIT_UNKNOWN);
        }
    };
    let text = if args.json {
        json_report(&rows, source)
    } else if rows.is_empty() {
        Message::new("status-nothing-yet")
            .arg("dir", Value::address(dir.display()))
            .render(&catalog)
    } else {
        let text = human(&rows, now, &catalog);
        // As `check`: a terminal gets the text without the isolation marks (it lays out
        // each line itself), a pipe or a file keeps them.
        if std::io::stdout().is_terminal() {
            text.replace(['\u{2066}', '\u{2068}', '\u{2069}'], "")
        } else {
            text
        }
    };
    // A closed pipe (`downwatch status | head -1`) is not an error worth a panic.
    let _ = writeln!(std::io::stdout().lock(), "{text}");
    ExitCode::from(exit_code(&rows))
}

/// "No history in DIR yet", in the reader's language.
fn missing(dir: &Path, catalog: &Catalog) -> String {
    Message::new("status-no-history")
        .arg("dir", Value::address(dir.display()))
        .render(catalog)
}

fn read(reader: &Reader, now: SystemTime) -> Result<Vec<Row>, HistoryError> {
    let mut rows = Vec::new();
    for w in reader.current()? {
        let uptime_24h = uptime_24h(reader, &w.watch, now)?;
        rows.push(Row { now: w, uptime_24h });
    }
    Ok(rows)
}

fn uptime_24h(reader: &Reader, watch: &str, now: SystemTime) -> Result<Option<f64>, StoreError> {
    let day = now.checked_sub(Duration::from_secs(86_400)).unwrap_or(now);
    Ok(reader.uptime(watch, day, now)?.availability())
}

/// The resident's states, with uptime from the store when it can be read (a resident
/// without history yet, or a busy file, still shows its live states).
fn live_rows(snapshot: downwatch_api::model::Snapshot, dir: &Path, now: SystemTime) -> Vec<Row> {
    let reader = history::open(dir).ok();
    status_live::watches(snapshot)
        .into_iter()
        .map(|w| Row {
            uptime_24h: reader
                .as_ref()
                .and_then(|r| uptime_24h(r, &w.watch, now).ok().flatten()),
            now: w,
        })
        .collect()
}

/// 0 every watch up, 1 the worst is degraded, 2 one is down, 3 nothing to tell.
fn exit_code(rows: &[Row]) -> u8 {
    rows.iter()
        .map(|r| match r.now.latest.status {
            Status::Up => 0,
            Status::Degraded => 1,
            Status::Down => 2,
        })
        .max()
        .unwrap_or(EXIT_UNKNOWN)
}

fn ms(d: Duration) -> f64 {
    (d.as_secs_f64() * 1e6).round() / 1e3
}

/// A local time for people: `2026-11-30 08:05` in the system's time zone.
fn local(t: SystemTime) -> String {
    match jiff::Timestamp::from_millisecond(unix_ms(t)) {
        Ok(ts) => ts
            .to_zoned_datetime(jiff::tz::TimeZone::system())
            .strftime("%Y-%m-%d %H:%M")
            .to_string(),
        Err(_) => rfc3339(t),
    }
}

fn state_id(status: Status) -> &'static str {
    match status {
        Status::Up => "check-up",
        Status::Degraded => "check-degraded",
        Status::Down => "check-down",
    }
}

/// Per watch: a head line (name, state, since when), then the last check and uptime, then
/// one line per open incident.
fn human(rows: &[Row], now: SystemTime, cat: &Catalog) -> String {
    let width = rows
        .iter()
        .map(|r| r.now.watch.chars().count())
        .max()
        .unwrap_or(0);
    let mut out = Vec::new();
    for Row { now: w, uptime_24h } in rows {
        let ago = now.duration_since(w.since).unwrap_or_default();
        // Whole minutes once past one ("12 min", not "12 min 7 s"); seconds before that,
        // so a state that just changed does not read "0 s".
        let secs = ago.as_secs();
        let ago = Duration::from_secs(if secs < 60 { secs } else { secs / 60 * 60 });
        let head = if w.since_exact {
            "status-head"
        } else {
            "status-head-at-least"
        };
        let name = format!("{:<width$}", w.watch);
        out.push(
            Message::new(head)
                .arg("watch", Value::Name(name))
                .arg(
                    "word",
                    Value::Text(cat.text(state_id(w.latest.status), &[])),
                )
                .arg("since", Value::code(local(w.since)))
                .arg("ago", Value::Text(cat.duration(ago)))
                .render(cat),
        );
        let uptime = match uptime_24h {
            Some(a) => Message::new("status-uptime").arg("percent", Value::code(percent(*a))),
            None => Message::new("status-uptime-none"),
        };
        let last = Message::new("status-last")
            .arg("when", Value::code(local(w.latest.at)))
            .arg(
                "latency",
                Value::code(format!("{:.1}", ms(w.latest.phases.total))),
            );
        // The separator is the language's own (Arabic writes "؛").
        out.push(
            Message::new("status-line")
                .arg("last", Value::Text(last.render(cat)))
                .arg("uptime", Value::Text(uptime.render(cat)))
                .render(cat),
        );
        if let Some(line) = reason(w, cat) {
            out.push(format!("  {line}"));
        }
        for i in &w.open_incidents {
            out.push(format!("  {}", incident_line(i, cat)));
        }
    }
    out.join("\n")
}

/// Why the latest check was not up: "TCP: The server refused the connection".
fn reason(w: &WatchNow, cat: &Catalog) -> Option<String> {
    let (layer, cause) = (w.latest.layer?, w.latest.cause?);
    let id = format!("cause-{}", cause.code());
    cat.has(&id).then(|| {
        Message::new("status-reason")
            .arg(
                "layer",
                Value::Text(cat.text(&format!("layer-{}", layer.as_str()), &[])),
            )
            .arg("cause", Value::Text(cat.text(&id, &[])))
            .render(cat)
    })
}

/// `99.95 %`: two decimals, never rounded up to 100 % while any time was down.
fn percent(a: f64) -> String {
    let p = (a * 10_000.0).floor() / 100.0;
    format!("{p:.2} %")
}

fn incident_line(i: &StoredIncident, cat: &Catalog) -> String {
    let kind = cat.text(&format!("state-{}", i.kind.as_str()), &[]);
    let msg = Message::new("status-incident")
        .arg("since", Value::code(local(i.start)))
        .arg("kind", Value::Text(kind));
    let cause = i
        .cause
        .map(|c| format!("cause-{}", c.code()))
        .filter(|id| cat.has(id));
    match cause {
        Some(id) => Message::new("status-incident-cause")
            .arg("incident", Value::Text(msg.render(cat)))
            .arg("cause", Value::Text(cat.text(&id, &[])))
            .render(cat),
        None => msg.render(cat),
    }
}

/// `{"source": "resident"|"history", "watches": [...]}` on one line.
fn json_report(rows: &[Row], source: Source) -> String {
    let watches: Vec<_> = rows
        .iter()
        .map(|Row { now: w, uptime_24h }| {
            let c = &w.latest;
            json!({
                "watch": w.watch,
                "status": c.status,
                "judged": c.judged,
                "since": rfc3339(w.since),
                "since_exact": w.since_exact,
                "last_check": rfc3339(c.at),
                "last_total_ms": ms(c.phases.total),
                "layer": c.layer,
                "cause": c.cause,
                "message_id": c.message.as_ref().map(|m| &m.id),
                "message_args": c.message.as_ref().map(|m| &m.args),
                "uptime_24h": uptime_24h,
                "open_incidents": w.open_incidents.iter().map(|i| json!({
                    "id": i.id,
                    "kind": i.kind.as_str(),
                    "start": rfc3339(i.start),
                    "layer": i.layer,
                    "cause": i.cause,
                })).collect::<Vec<_>>(),
            })
        })
        .collect();
    json!({ "source": source.as_str(), "watches": watches }).to_string()
}

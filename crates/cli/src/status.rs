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
use downwatch_api::model::{Pause, Snapshot, State, Verdict};
use downwatch_probe::Status;
use downwatch_store::{Reader, StoreError, StoredIncident, WatchNow, unix_ms};
use downwatch_text::{Catalog, Lang, Message, Value};
use serde_json::json;

use crate::EXIT_UNKNOWN;
use crate::history::{self, HistoryError, rfc3339};
use crate::status_live::{self, Judged};

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
    /// Its judged state and pause: only a running resident knows them.
    judged: Option<Judged>,
}

/// What a running resident tells beyond its watches: is it me or them, and the global
/// pause. `None` when the report comes from the history.
#[derive(Clone, Copy, Debug)]
struct Resident {
    verdict: Verdict,
    paused: Option<Pause>,
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
    let resident = live.as_ref().map(|s| Resident {
        verdict: s.verdict,
        paused: s.paused,
    });
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
        json_report(&rows, source, resident)
    } else if rows.is_empty() {
        Message::new("status-nothing-yet")
            .arg("dir", Value::address(dir.display()))
            .render(&catalog)
    } else {
        let text = human(&rows, resident, now, &catalog);
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
        rows.push(Row {
            now: w,
            uptime_24h,
            judged: None,
        });
    }
    Ok(rows)
}

fn uptime_24h(reader: &Reader, watch: &str, now: SystemTime) -> Result<Option<f64>, StoreError> {
    let day = now.checked_sub(Duration::from_secs(86_400)).unwrap_or(now);
    Ok(reader.uptime(watch, day, now)?.availability())
}

/// The resident's states, with uptime from the store when it can be read (a resident
/// without history yet, or a busy file, still shows its live states).
fn live_rows(snapshot: Snapshot, dir: &Path, now: SystemTime) -> Vec<Row> {
    let reader = history::open(dir).ok();
    status_live::watches(snapshot)
        .into_iter()
        .map(|(w, judged)| Row {
            uptime_24h: reader
                .as_ref()
                .and_then(|r| uptime_24h(r, &w.watch, now).ok().flatten()),
            now: w,
            judged: Some(judged),
        })
        .collect()
}

/// 0 every watch up, 1 the worst is degraded (or unstable), 2 one is down, 3 nothing to
/// tell. From the resident, by the judged state (one failed check is not yet "down"; a
/// paused watch tells nothing); from the history, by the latest check.
fn exit_code(rows: &[Row]) -> u8 {
    rows.iter()
        .filter_map(|r| {
            let by_check = match r.now.latest.status {
                Status::Up => 0,
                Status::Degraded => 1,
                Status::Down => 2,
            };
            match r.judged.map(|j| j.state) {
                None | Some(State::Unknown) => Some(by_check),
                Some(State::Up) => Some(0),
                Some(State::Degraded | State::Unstable) => Some(1),
                Some(State::Down) => Some(2),
                Some(State::Paused) => None,
            }
        })
        .max()
        .unwrap_or(EXIT_UNKNOWN)
}

/// The word for a judged state: the catalog's `state-*`.
fn state_word(state: State) -> &'static str {
    match state {
        State::Unknown => "state-unknown",
        State::Up => "state-up",
        State::Degraded => "state-degraded",
        State::Down => "state-down",
        State::Unstable => "state-unstable",
        State::Paused => "state-paused",
    }
}

fn state_code(state: State) -> &'static str {
    match state {
        State::Unknown => "unknown",
        State::Up => "up",
        State::Degraded => "degraded",
        State::Down => "down",
        State::Unstable => "unstable",
        State::Paused => "paused",
    }
}

fn verdict_code(verdict: Verdict) -> &'static str {
    match verdict {
        Verdict::Online => "online",
        Verdict::Offline => "offline",
        Verdict::CaptivePortal => "captive_portal",
        Verdict::LocalDnsBroken => "local_dns_broken",
    }
}

/// The lines a resident puts above the watches: a verdict other than online (its title
/// and what it means), and the global pause.
fn resident_lines(r: Resident, now: SystemTime, cat: &Catalog) -> Vec<String> {
    let mut out = Vec::new();
    let verdict = match r.verdict {
        Verdict::Online => None,
        Verdict::Offline => Some(("offline-title", "offline-body")),
        Verdict::CaptivePortal => Some(("portal-title", "portal-body")),
        Verdict::LocalDnsBroken => Some(("local-dns-title", "local-dns-body")),
    };
    if let Some((title, body)) = verdict {
        out.push(cat.text(title, &[]));
        out.push(format!("  {}", cat.text(body, &[])));
    }
    if let Some(pause) = r.paused {
        out.push(pause_text(
            pause,
            "tray-summary-paused",
            "tray-summary-paused-for",
            now,
            cat,
        ));
    }
    out
}

/// "Paused until resumed" or "Paused, 12 min left" with the given message ids.
fn pause_text(
    pause: Pause,
    forever: &str,
    left: &'static str,
    now: SystemTime,
    cat: &Catalog,
) -> String {
    match pause.until_ms {
        None => cat.text(forever, &[]),
        Some(until) => {
            let rest = downwatch_store::from_unix_ms(until)
                .duration_since(now)
                .unwrap_or_default();
            let rest = Duration::from_secs(rest.as_secs().div_ceil(60) * 60);
            Message::new(left)
                .arg("duration", Value::Text(cat.duration(rest)))
                .render(cat)
        }
    }
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
fn human(rows: &[Row], resident: Option<Resident>, now: SystemTime, cat: &Catalog) -> String {
    let width = rows
        .iter()
        .map(|r| r.now.watch.chars().count())
        .max()
        .unwrap_or(0);
    let mut out = resident.map_or_else(Vec::new, |r| resident_lines(r, now, cat));
    for Row {
        now: w,
        uptime_24h,
        judged,
    } in rows
    {
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
        // The resident's judged state when it has one, else the last check's verdict.
        let word = match judged.map(|j| j.state) {
            Some(state) if state != State::Unknown => cat.text(state_word(state), &[]),
            _ => cat.text(state_id(w.latest.status), &[]),
        };
        out.push(
            Message::new(head)
                .arg("watch", Value::Name(name))
                .arg("word", Value::Text(word))
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
        if let Some(pause) = judged.and_then(|j| j.paused) {
            let text = pause_text(pause, "status-paused", "status-paused-for", now, cat);
            out.push(format!("  {text}"));
        }
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

/// `{"source": "resident"|"history", "verdict", "paused", "watches": [...]}` on one line;
/// `verdict`, `paused`, and each watch's `state` and `paused` are `null` from the history
/// (only a running resident knows them). A pause is `{"until": RFC 3339 | null}`.
fn json_report(rows: &[Row], source: Source, resident: Option<Resident>) -> String {
    let pause = |p: Pause| json!({ "until": p.until_ms.map(|ms| rfc3339(downwatch_store::from_unix_ms(ms))) });
    let watches: Vec<_> = rows
        .iter()
        .map(
            |Row {
                 now: w,
                 uptime_24h,
                 judged,
             }| {
                let c = &w.latest;
                json!({
                    "watch": w.watch,
                    "state": judged.map(|j| state_code(j.state)),
                    "paused": judged.and_then(|j| j.paused).map(pause),
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
            },
        )
        .collect();
    json!({
        "source": source.as_str(),
        "verdict": resident.map(|r| verdict_code(r.verdict)),
        "paused": resident.and_then(|r| r.paused).map(pause),
        "watches": watches,
    })
    .to_string()
}

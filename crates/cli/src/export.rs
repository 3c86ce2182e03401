//! `downwatch export`: the history as CSV (RFC 4180, with a header row) or JSON Lines (one
//! object per line, the same fields), streamed: rows are read page by page on the store's
//! keyset indexes and written as they come, so a year of checks is never held in memory.
//! Times are RFC 3339 in UTC; phase timings in ms (µs precision); a message's arguments and
//! a notification's watches are JSON (inside one CSV field). Checks come watch by watch
//! (by name), each oldest first; incidents by start, notifications by time.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use clap::{Args, ValueEnum};
use downwatch_store::{Order, Reader, StoredCheck, StoredIncident, StoredNotification};
use serde_json::{Value, json};

use crate::EXIT_UNKNOWN;
use crate::history::{self, HistoryError, rfc3339};

/// Rows read per page.
const PAGE: u32 = 1_000;

/// The output format.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// CSV (RFC 4180): a header row, then one row per record.
    Csv,
    /// JSON Lines: one JSON object per line.
    Json,
}

/// What to export.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum What {
    /// Raw checks (kept for the retention window, 7 days by default).
    Checks,
    /// Incidents (kept for good); those overlapping the range.
    Incidents,
    /// Notifications sent (kept for good).
    Notifications,
}

/// `--since`/`--until`: an instant, or a duration before now.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TimeArg {
    /// An RFC 3339 time.
    At(SystemTime),
    /// This long before now.
    Ago(Duration),
}

/// A `--since`/`--until` value that is neither form.
#[derive(Debug, thiserror::Error)]
#[error(
    "`{0}` is neither an RFC 3339 time (2026-11-30T08:00:00Z) nor a duration ago (7d, 36h, 90min)"
)]
pub struct BadTime(String);

impl TimeArg {
    /// Parses `2026-11-30T08:00:00Z` (any offset) or `7d`, `36h`, `1h 30m` (humantime).
    pub fn parse(text: &str) -> Result<TimeArg, BadTime> {
        if let Ok(ts) = text.parse::<jiff::Timestamp>() {
            let ms = ts.as_millisecond();
            let abs = Duration::from_millis(ms.unsigned_abs());
            return Ok(TimeArg::At(if ms >= 0 {
                UNIX_EPOCH + abs
            } else {
                UNIX_EPOCH - abs
            }));
        }
        humantime::parse_duration(text)
            .map(TimeArg::Ago)
            .map_err(|_| BadTime(text.to_owned()))
    }

    fn resolve(self, now: SystemTime, flag: &'static str) -> Result<SystemTime, ExportError> {
        match self {
            TimeArg::At(t) => Ok(t),
            TimeArg::Ago(d) => now
                .checked_sub(d)
                .filter(|t| *t >= UNIX_EPOCH)
                .ok_or(ExportError::TooFarBack { flag }),
        }
    }
}

/// `downwatch export` arguments.
#[derive(Debug, Args)]
pub struct ExportArgs {
    /// csv (RFC 4180 with a header row) or json (JSON Lines: one object per line).
    #[arg(long, value_enum)]
    pub format: Format,
    /// Start of the range: RFC 3339 (2026-11-30T08:00:00Z) or a duration ago (7d, 36h).
    /// Default: the oldest record.
    #[arg(long, value_name = "TIME", value_parser = TimeArg::parse)]
    pub since: Option<TimeArg>,
    /// End of the range (excluded), same forms. Default: now.
    #[arg(long, value_name = "TIME", value_parser = TimeArg::parse)]
    pub until: Option<TimeArg>,
    /// Only this watch (its exact name).
    #[arg(long, value_name = "NAME")]
    pub watch: Option<String>,
    /// What to export.
    #[arg(long, value_enum, default_value = "checks")]
    pub what: What,
    /// Write to this file (created or replaced) instead of standard output.
    #[arg(long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// The data directory the resident writes its history to (default: the OS data
    /// directory's downwatch/, as `run`).
    #[arg(long, value_name = "DIR")]
    pub data_dir: Option<PathBuf>,
}

/// Why an export stopped (exit 3, one line on standard error).
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    /// The history could not be opened or read.
    #[error(transparent)]
    History(#[from] HistoryError),
    /// `--watch` names no watch of the history.
    #[error("no watch named {name:?} in the history (its watches: {known})")]
    UnknownWatch {
        /// The name given.
        name: String,
        /// The names there are, each quoted, comma-separated.
        known: String,
    },
    /// The range is empty the wrong way round.
    #[error("--since ({since}) is after --until ({until})")]
    Backwards {
        /// `--since`, RFC 3339.
        since: String,
        /// `--until`, RFC 3339.
        until: String,
    },
    /// A duration ago that reaches before 1970.
    #[error("{flag} reaches back before 1970")]
    TooFarBack {
        /// The flag.
        flag: &'static str,
    },
    /// The output file could not be created.
    #[error("cannot create {path}: {source}")]
    Create {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// Writing failed (a full disk, a closed pipe).
    #[error("cannot write the export: {0}")]
    Write(#[from] std::io::Error),
    /// The CSV writer failed (it wraps the I/O error).
    #[error("cannot write the export: {0}")]
    Csv(#[from] csv::Error),
}

impl From<downwatch_store::StoreError> for ExportError {
    fn from(e: downwatch_store::StoreError) -> Self {
        ExportError::History(HistoryError::Store(e))
    }
}

/// Runs `downwatch export`.
pub fn run(args: &ExportArgs) -> ExitCode {
    match export(args, SystemTime::now()) {
        Ok(()) => ExitCode::SUCCESS,
        // `downwatch export ... | head` closed the pipe: what was asked for was written.
        Err(ExportError::Write(e)) if e.kind() == std::io::ErrorKind::BrokenPipe => {
            ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("downwatch: {error}");
            ExitCode::from(EXIT_UNKNOWN)
        }
    }
}

fn export(args: &ExportArgs, now: SystemTime) -> Result<(), ExportError> {
    let since = match args.since {
        Some(t) => t.resolve(now, "--since")?,
        None => UNIX_EPOCH,
    };
    let until = match args.until {
        Some(t) => t.resolve(now, "--until")?,
        None => now,
    };
    if since > until {
        return Err(ExportError::Backwards {
            since: rfc3339(since),
            until: rfc3339(until),
        });
    }
    let reader = history::open(&history::data_dir(args.data_dir.as_deref())?)?;
    let watches = reader.watches()?;
    if let Some(name) = &args.watch {
        if !watches.contains(name) {
            return Err(ExportError::UnknownWatch {
                name: name.clone(),
                // Quoted and escaped: a name may hold commas or line breaks.
                known: watches
                    .iter()
                    .map(|w| format!("{w:?}"))
                    .collect::<Vec<_>>()
                    .join(", "),
            });
        }
    }
    // Opened only once the arguments are known good: a bad call leaves no empty file.
    let sink: Box<dyn Write> = match &args.output {
        Some(path) => Box::new(File::create(path).map_err(|source| ExportError::Create {
            path: path.clone(),
            source,
        })?),
        None => Box::new(std::io::stdout().lock()),
    };
    let mut out = Out::new(args.format, BufWriter::new(sink));
    let watch = args.watch.as_deref();
    match args.what {
        What::Checks => {
            out.header(&CHECK_COLUMNS)?;
            let names = match watch {
                Some(w) => vec![w.to_owned()],
                None => watches,
            };
            for name in &names {
                checks(&reader, name, since, until, &mut out)?;
            }
        }
        What::Incidents => {
            out.header(&INCIDENT_COLUMNS)?;
            let mut after = None;
            loop {
                let page =
                    reader.incidents_page(since, until, watch, Order::OldestFirst, after, PAGE)?;
                let Some((last, _)) = page.last() else { break };
                after = Some(*last);
                for (_, i) in &page {
                    out.row(&INCIDENT_COLUMNS, incident_fields(i))?;
                }
            }
        }
        What::Notifications => {
            out.header(&NOTIFICATION_COLUMNS)?;
            let mut after = None;
            loop {
                let page = reader.notifications_page(since, until, watch, after, PAGE)?;
                let Some(last) = page.last() else { break };
                after = Some(last.cursor());
                for n in &page {
                    out.row(&NOTIFICATION_COLUMNS, notification_fields(n))?;
                }
            }
        }
    }
    out.finish()
}

fn checks(
    reader: &Reader,
    watch: &str,
    since: SystemTime,
    until: SystemTime,
    out: &mut Out,
) -> Result<(), ExportError> {
    let mut after = None;
    loop {
        let page = reader.checks_between(watch, since, until, after, PAGE)?;
        let Some(last) = page.last() else {
            return Ok(());
        };
        after = Some(last.cursor());
        for c in &page {
            out.row(&CHECK_COLUMNS, check_fields(watch, c))?;
        }
    }
}

/// The columns of a check row.
pub const CHECK_COLUMNS: [&str; 15] = [
    "watch",
    "at",
    "status",
    "judged",
    "layer",
    "cause",
    "message_id",
    "message_args",
    "address",
    "http_status",
    "dns_ms",
    "connect_ms",
    "tls_ms",
    "ttfb_ms",
    "total_ms",
];

/// The columns of an incident row.
pub const INCIDENT_COLUMNS: [&str; 8] = [
    "id",
    "watch",
    "group_incident",
    "kind",
    "layer",
    "cause",
    "start",
    "end",
];

/// The columns of a notification row.
pub const NOTIFICATION_COLUMNS: [&str; 5] =
    ["at", "incident", "watches", "message_id", "message_args"];

fn ms(d: Option<Duration>) -> Value {
    d.map_or(Value::Null, |d| {
        json!((d.as_secs_f64() * 1e6).round() / 1e3)
    })
}

fn check_fields(watch: &str, c: &StoredCheck) -> [Value; 15] {
    [
        json!(watch),
        json!(rfc3339(c.at)),
        json!(c.status),
        json!(c.judged),
        json!(c.layer),
        json!(c.cause.map(|c| c.code())),
        json!(c.message.as_ref().map(|m| &m.id)),
        json!(c.message.as_ref().map(|m| &m.args)),
        json!(c.address),
        json!(c.http_status),
        ms(c.phases.dns),
        ms(c.phases.connect),
        ms(c.phases.tls),
        ms(c.phases.ttfb),
        ms(Some(c.phases.total)),
    ]
}

fn incident_fields(i: &StoredIncident) -> [Value; 8] {
    [
        json!(i.id),
        json!(i.watch),
        json!(i.group_incident),
        json!(i.kind.as_str()),
        json!(i.layer),
        json!(i.cause.map(|c| c.code())),
        json!(rfc3339(i.start)),
        json!(i.end.map(rfc3339)),
    ]
}

fn notification_fields(n: &StoredNotification) -> [Value; 5] {
    [
        json!(rfc3339(n.at)),
        json!(n.incident),
        json!(n.watches),
        json!(n.message.id),
        json!(n.message.args),
    ]
}

/// The writer of one format.
enum Out {
    Csv(Box<csv::Writer<BufWriter<Box<dyn Write>>>>),
    Json(BufWriter<Box<dyn Write>>),
}

impl Out {
    fn new(format: Format, sink: BufWriter<Box<dyn Write>>) -> Out {
        match format {
            // The csv crate quotes any field holding a comma, a quote or a line break, and
            // doubles quotes (RFC 4180); lines end in CRLF as the RFC says.
            Format::Csv => Out::Csv(Box::new(
                csv::WriterBuilder::new()
                    .terminator(csv::Terminator::CRLF)
                    .from_writer(sink),
            )),
            Format::Json => Out::Json(sink),
        }
    }

    fn header(&mut self, columns: &[&str]) -> Result<(), ExportError> {
        if let Out::Csv(w) = self {
            w.write_record(columns)?;
        }
        Ok(())
    }

    /// One row: in CSV, text as is, null as an empty field, anything else as JSON; in JSON
    /// Lines, an object of `columns`.
    fn row<const N: usize>(
        &mut self,
        columns: &[&str; N],
        fields: [Value; N],
    ) -> Result<(), ExportError> {
        match self {
            Out::Csv(w) => {
                let cells = fields.iter().map(|v| match v {
                    Value::Null => String::new(),
                    Value::String(s) => s.clone(),
                    other => other.to_string(),
                });
                w.write_record(cells)?;
            }
            Out::Json(w) => {
                let object: serde_json::Map<String, Value> = columns
                    .iter()
                    .map(|c| (*c).to_owned())
                    .zip(fields)
                    .collect();
                serde_json::to_writer(&mut *w, &object).map_err(std::io::Error::from)?;
                w.write_all(b"\n")?;
            }
        }
        Ok(())
    }

    fn finish(self) -> Result<(), ExportError> {
        match self {
            Out::Csv(mut w) => w.flush()?,
            Out::Json(mut w) => w.flush()?,
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_are_rfc3339_or_a_duration_ago() {
        let at = TimeArg::parse("2026-11-30T08:00:00Z").unwrap();
        assert_eq!(
            at,
            TimeArg::At(UNIX_EPOCH + Duration::from_secs(1_795_996_800 + 8 * 3600))
        );
        let offset = TimeArg::parse("2026-11-30T10:00:00+02:00").unwrap();
        assert_eq!(offset, at);
        assert_eq!(
            TimeArg::parse("7d").unwrap(),
            TimeArg::Ago(Duration::from_secs(7 * 86_400))
        );
        assert_eq!(
            TimeArg::parse("1h 30m").unwrap(),
            TimeArg::Ago(Duration::from_secs(5400))
        );
        for bad in ["yesterday", "2026-11-30", "7", ""] {
            let e = TimeArg::parse(bad).unwrap_err().to_string();
            assert!(e.contains("RFC 3339"), "{bad}: {e}");
        }
        let now = UNIX_EPOCH + Duration::from_secs(100);
        assert!(matches!(
            TimeArg::Ago(Duration::from_secs(200)).resolve(now, "--since"),
            Err(ExportError::TooFarBack { flag: "--since" })
        ));
    }
}

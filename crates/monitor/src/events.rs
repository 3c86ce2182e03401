//! Everything the monitor does, as events handed to a [`Sink`] (the `--events` JSON-lines
//! writer), to live subscribers and to queues (the history store's keeper reads one). The
//! monitor never knows who reads them.

use std::io::Write;
use std::time::{Duration, SystemTime};

use std::sync::Arc;

use downwatch_config::ConfigError;
use downwatch_probe::ProbeResult;
use serde_json::{Map, Value, json};

use crate::deliver::DeliveryFailure;
use crate::detector::Change;
use crate::incidents::Incident;
use crate::messages::Rendered;
use crate::notice::Notice;
use crate::state::Verdict;

/// One thing that happened. Owned, so the same value goes to the JSON-lines writer, to live
/// subscribers and to queued consumers (see [`Stamped`]).
#[derive(Clone, Debug)]
pub enum Event {
    /// A check completed. `judged: false` when it was not fed to the detector (offline,
    /// captive portal, settling after a sleep, paused): "unknown, you are offline".
    Check {
        /// Watch name.
        watch: String,
        /// Its group.
        group: Option<String>,
        /// The result.
        result: Arc<ProbeResult>,
        /// Whether it counted.
        judged: bool,
        /// Why it did not count, when it did not.
        verdict: Verdict,
        /// How late it started against its schedule.
        late: Duration,
        /// When it started (wall clock).
        at: SystemTime,
        /// How long it speaks for: the watch's interval in force (backed off while down).
        interval: Duration,
    },
    /// The connectivity verdict changed.
    Verdict {
        /// Before.
        from: Verdict,
        /// Now.
        to: Verdict,
    },
    /// A watch changed state.
    State {
        /// Watch name.
        watch: String,
        /// Its group.
        group: Option<String>,
        /// The change.
        change: Change,
    },
    /// An incident opened.
    IncidentOpened(Incident),
    /// An incident got worse or learnt its cause.
    IncidentUpdated(Incident),
    /// An incident closed.
    IncidentClosed(Incident),
    /// A notification was released (title and body as delivered).
    Notification {
        /// The notice.
        notice: Notice,
        /// Its text.
        rendered: Rendered,
    },
    /// A delivery failed (no notification daemon, hook exited non-zero...).
    DeliveryFailed(Arc<DeliveryFailure>),
    /// The clocks disagree: the machine slept (or the clock was set), or the network
    /// changed; judgement waits for the network to settle.
    Settling {
        /// Why.
        why: Settle,
        /// The wall-clock gap, for sleeps.
        gap: Option<Duration>,
    },
    /// A new configuration is running.
    ConfigReloaded {
        /// Number of watches.
        watches: usize,
    },
    /// An edit of the configuration was rejected; the last good one keeps running.
    ConfigRejected {
        /// Why: a [`ConfigError`] (with file, line and column when the text is invalid) or
        /// a probe setting that cannot be set up (an unreadable CA file).
        error: Arc<Rejected>,
    },
    /// Monitoring was paused (every watch, or one).
    Paused {
        /// The watch, or `None` for all of them (and the connectivity controls).
        watch: Option<String>,
        /// When it resumes by itself; `None`: until resumed.
        until: Option<SystemTime>,
    },
    /// Monitoring resumed (every watch, or one).
    Resumed {
        /// The watch, or `None` for all of them.
        watch: Option<String>,
    },
    /// What happened to the history store (reported by its keeper, see
    /// [`crate::resident::ResidentHandle::reporter`]).
    History(HistoryNote),
}

impl Event {
    /// Whether this event must be durably kept before it is told anywhere: an incident
    /// opened, updated or closed, and a notification. With a keeper attached
    /// ([`crate::resident::Options::keeper`]) the loop waits until the keeper has committed
    /// such an event (and every one before it) before writing it to its sink and before a
    /// notification leaves the process.
    pub fn must_be_kept(&self) -> bool {
        matches!(
            self,
            Event::IncidentOpened(_)
                | Event::IncidentUpdated(_)
                | Event::IncidentClosed(_)
                | Event::Notification { .. }
        )
    }
}

/// Why judgement waits for the network to settle.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Settle {
    /// logind said the machine is about to suspend.
    GoingToSleep,
    /// logind said the machine resumed.
    WokeUp,
    /// The wall clock ran ahead of the monotonic one: the machine slept (or the clock was
    /// set); the event carries the gap.
    ClockGap,
    /// The routing tables changed.
    NetworkChanged,
}

impl Settle {
    /// The words the events file carries (`summary`).
    pub fn as_str(self) -> &'static str {
        match self {
            Settle::GoingToSleep => "the computer is going to sleep",
            Settle::WokeUp => "the computer woke up",
            Settle::ClockGap => "the computer slept or its clock changed",
            Settle::NetworkChanged => "the network changed",
        }
    }
}

/// What the history store's keeper reports to the loop, which records it as an event (and
/// tells the user of a damaged history with a notification). The monitor knows no store: a
/// note is data (paths, SQLite's words, the error as it is).
#[derive(Clone, Debug)]
pub enum HistoryNote {
    /// The history file could not be read; it was moved aside and a fresh one started.
    /// Monitoring goes on; the user is notified.
    MovedAside {
        /// Where the history was.
        from: std::path::PathBuf,
        /// Where the damaged file is kept now.
        to: std::path::PathBuf,
        /// SQLite's words for what was wrong.
        reason: String,
    },
    /// Writing failed (a full disk, an I/O error); told once. Monitoring and notifications
    /// go on, records wait in a bounded buffer, and what overflows it is recorded as a
    /// "not recorded" span when writing works again.
    WriteFailed {
        /// Why.
        error: Arc<dyn std::error::Error + Send + Sync>,
    },
    /// Writing works again after a failure.
    WritingResumed,
    /// The history could not be opened at all (a permission problem, a newer schema):
    /// monitoring goes on without it.
    Unavailable {
        /// Why.
        error: Arc<dyn std::error::Error + Send + Sync>,
    },
}

/// An event and when it happened, as live subscribers and queued consumers receive it.
#[derive(Clone, Debug)]
pub struct Stamped {
    /// When it happened (wall clock).
    pub at: SystemTime,
    /// What happened.
    pub event: Event,
}

/// Why a new configuration was not applied.
#[derive(Debug, thiserror::Error)]
pub enum Rejected {
    /// The file is unreadable or invalid (file, line, column, message).
    #[error(transparent)]
    Config(#[from] ConfigError),
    /// A probe setting cannot be set up (an unreadable or invalid CA file).
    #[error(transparent)]
    Probe(#[from] downwatch_probe::Error),
}

/// Receives every event, in order.
pub trait Sink: Send {
    /// Records one event that happened at `at`.
    fn record(&mut self, at: SystemTime, event: &Event);
}

/// Discards everything.
#[derive(Debug, Default)]
pub struct NullSink;

impl Sink for NullSink {
    fn record(&mut self, _: SystemTime, _: &Event) {}
}

/// Writes one JSON object per line (schema in the README).
pub struct JsonLines<W: Write + Send> {
    out: W,
}

impl<W: Write + Send> JsonLines<W> {
    /// Writes to `out` (a file, or stdout).
    pub fn new(out: W) -> Self {
        JsonLines { out }
    }
}

impl<W: Write + Send> Sink for JsonLines<W> {
    fn record(&mut self, at: SystemTime, event: &Event) {
        let line = to_json(at, event);
        // An events file that cannot be written must not stop monitoring.
        if writeln!(self.out, "{line}")
            .and_then(|()| self.out.flush())
            .is_err()
        {
            tracing::warn!("cannot write the events file");
        }
    }
}

fn ms(d: Duration) -> f64 {
    (d.as_secs_f64() * 1e6).round() / 1e3
}

/// The JSON object of one event: `ts`, `event`, and the fields that apply.
pub fn to_json(at: SystemTime, event: &Event) -> Value {
    let ts = chrono::DateTime::<chrono::Utc>::from(at)
        .to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
    let mut o = Map::new();
    o.insert("ts".into(), json!(ts));
    // The documented fields are always present (null when they do not apply), so a
    // script can read any line the same way.
    for key in [
        "event", "watch", "group", "from", "to", "layer", "cause", "summary", "body",
    ] {
        o.insert(key.into(), Value::Null);
    }
    let mut put = |k: &str, v: Value| {
        o.insert(k.into(), v);
    };
    match event {
        Event::Check {
            watch,
            group,
            result,
            judged,
            verdict,
            late,
            ..
        } => {
            put("event", json!("check"));
            put("watch", json!(watch));
            put("group", json!(group));
            put("status", json!(result.status));
            put("layer", json!(result.layer()));
            put("cause", json!(result.cause()));
            put(
                "summary",
                json!(result.failure.as_ref().map(|f| f.message.clone())),
            );
            // The message as data (id and arguments), for the store and scripts that
            // render it in another language.
            put(
                "message_id",
                json!(result.failure.as_ref().map(|f| &f.text.id)),
            );
            put(
                "message_args",
                json!(result.failure.as_ref().map(|f| &f.text.args)),
            );
            put("total_ms", json!(ms(result.phases.total)));
            put("late_ms", json!(ms(*late)));
            put("judged", json!(judged));
            if !judged {
                put("verdict", json!(verdict));
            }
        }
        Event::Verdict { from, to } => {
            put("event", json!("verdict"));
            put("from", json!(from));
            put("to", json!(to));
        }
        Event::State {
            watch,
            group,
            change,
        } => {
            put("event", json!("state"));
            put("watch", json!(watch));
            put("group", json!(group));
            put("from", json!(change.from));
            let reason = change.to.reason();
            put("to", json!(change.state()));
            put("layer", json!(reason.map(|r| r.layer)));
            put("cause", json!(reason.map(|r| r.cause)));
            put("summary", json!(reason.map(|r| r.detail.english())));
            put("message_id", json!(reason.map(|r| &r.detail.id)));
            put("message_args", json!(reason.map(|r| &r.detail.args)));
            put("silent", json!(change.silent));
        }
        Event::IncidentOpened(i) | Event::IncidentUpdated(i) | Event::IncidentClosed(i) => {
            let name = match event {
                Event::IncidentOpened(_) => "incident_opened",
                Event::IncidentUpdated(_) => "incident_updated",
                _ => "incident_closed",
            };
            put("event", json!(name));
            put("watch", json!(i.watch));
            put("group", json!(i.group));
            put("incident", json!(i.id));
            put("group_incident", json!(i.group_incident));
            put("kind", json!(i.kind));
            put("layer", json!(i.layer));
            put("cause", json!(i.cause));
            put("summary", json!(i.detail));
            put("start", json!(crate::walltime::unix_millis(i.start)));
            if let Some(end) = i.end {
                put("end", json!(crate::walltime::unix_millis(end)));
                put(
                    "duration_s",
                    json!(end.duration_since(i.start).unwrap_or_default().as_secs()),
                );
            }
        }
        Event::Notification { notice, rendered } => {
            put("event", json!("notification"));
            if let Ok(Value::Object(fields)) = serde_json::to_value(notice) {
                // The documented top-level fields, filled from the notice's own shape.
                if let Some(Value::Array(watches)) = fields.get("watches") {
                    let names: Vec<&str> = watches.iter().filter_map(Value::as_str).collect();
                    put("watch", json!(names.join(", ")));
                }
                if let Some(reason) = fields.get("reason") {
                    put("layer", reason["layer"].clone());
                    put("cause", reason["cause"].clone());
                }
                for (k, v) in fields {
                    if k != "at" {
                        put(&k, v);
                    }
                }
            }
            put("summary", json!(rendered.title));
            put("body", json!(rendered.body));
        }
        Event::DeliveryFailed(failure) => {
            put("event", json!("delivery_failed"));
            put("channel", json!(failure.channel.as_str()));
            put("summary", json!(failure.error.to_string()));
        }
        Event::Settling { why, gap } => {
            put("event", json!("settling"));
            put("summary", json!(why.as_str()));
            put("gap_s", json!(gap.map(|g| g.as_secs())));
        }
        Event::ConfigReloaded { watches } => {
            put("event", json!("config_reloaded"));
            put("watches", json!(watches));
        }
        Event::ConfigRejected { error } => {
            put("event", json!("config_rejected"));
            put("summary", json!(error.to_string()));
            if let Rejected::Config(ConfigError::Invalid {
                path,
                line,
                column,
                message,
            }) = error.as_ref()
            {
                put("file", json!(path.display().to_string()));
                put("line", json!(line));
                put("column", json!(column));
                put("message", json!(message));
            }
        }
        Event::Paused { watch, until } => {
            put("event", json!("paused"));
            put("watch", json!(watch));
            put("until", json!(until.map(crate::walltime::unix_millis)));
        }
        Event::Resumed { watch } => {
            put("event", json!("resumed"));
            put("watch", json!(watch));
        }
        Event::History(note) => match note {
            HistoryNote::MovedAside { from, to, reason } => {
                put("event", json!("history_moved_aside"));
                put("summary", json!(reason));
                put("file", json!(from.display().to_string()));
                put("kept_as", json!(to.display().to_string()));
            }
            HistoryNote::WriteFailed { error } => {
                put("event", json!("history_write_failed"));
                put("summary", json!(error.to_string()));
            }
            HistoryNote::WritingResumed => put("event", json!("history_resumed")),
            HistoryNote::Unavailable { error } => {
                put("event", json!("history_unavailable"));
                put("summary", json!(error.to_string()));
            }
        },
    }
    Value::Object(o)
}

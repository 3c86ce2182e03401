//! Everything the monitor does, as events handed to a [`Sink`]: the `--events` JSON-lines
//! writer is one sink, the history store (next) is another. The monitor never knows which.

use std::io::Write;
use std::time::{Duration, SystemTime};

use downwatch_probe::ProbeResult;
use serde_json::{Map, Value, json};

use crate::detector::Change;
use crate::incidents::Incident;
use crate::notice::Notice;
use crate::state::Verdict;

/// One thing that happened.
#[derive(Debug)]
pub enum Event<'a> {
    /// A check completed. `judged: false` when it was not fed to the detector (offline,
    /// captive portal, settling after a sleep): "unknown, you are offline".
    Check {
        /// Watch name.
        watch: &'a str,
        /// Its group.
        group: Option<&'a str>,
        /// The result.
        result: &'a ProbeResult,
        /// Whether it counted.
        judged: bool,
        /// Why it did not count, when it did not.
        verdict: Verdict,
        /// How late it started against its schedule.
        late: Duration,
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
        watch: &'a str,
        /// Its group.
        group: Option<&'a str>,
        /// The change.
        change: &'a Change,
    },
    /// An incident opened.
    IncidentOpened(&'a Incident),
    /// An incident got worse or learnt its cause.
    IncidentUpdated(&'a Incident),
    /// An incident closed.
    IncidentClosed(&'a Incident),
    /// A notification was released (title and body as delivered).
    Notification {
        /// The notice.
        notice: &'a Notice,
        /// Its title.
        title: &'a str,
        /// Its body.
        body: &'a str,
    },
    /// A delivery failed (no notification daemon, hook exited non-zero...).
    DeliveryFailed {
        /// Which delivery.
        channel: &'a str,
        /// Why.
        error: &'a str,
    },
    /// The clocks disagree: the machine slept (or the clock was set), or the network
    /// changed; judgement waits for the network to settle.
    Settling {
        /// Why.
        why: &'a str,
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
        /// The error, with file, line and column.
        error: &'a str,
    },
}

/// Receives every event, in order.
pub trait Sink: Send {
    /// Records one event that happened at `at`.
    fn record(&mut self, at: SystemTime, event: &Event<'_>);
}

/// Discards everything.
#[derive(Debug, Default)]
pub struct NullSink;

impl Sink for NullSink {
    fn record(&mut self, _: SystemTime, _: &Event<'_>) {}
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
    fn record(&mut self, at: SystemTime, event: &Event<'_>) {
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
pub fn to_json(at: SystemTime, event: &Event<'_>) -> Value {
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
            put("summary", json!(reason.map(|r| r.detail.clone())));
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
        Event::Notification {
            notice,
            title,
            body,
        } => {
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
            put("summary", json!(title));
            put("body", json!(body));
        }
        Event::DeliveryFailed { channel, error } => {
            put("event", json!("delivery_failed"));
            put("channel", json!(channel));
            put("summary", json!(error));
        }
        Event::Settling { why, gap } => {
            put("event", json!("settling"));
            put("summary", json!(why));
            put("gap_s", json!(gap.map(|g| g.as_secs())));
        }
        Event::ConfigReloaded { watches } => {
            put("event", json!("config_reloaded"));
            put("watches", json!(watches));
        }
        Event::ConfigRejected { error } => {
            put("event", json!("config_rejected"));
            put("summary", json!(error));
        }
    }
    Value::Object(o)
}

//! The resident's events as the history store's records: checks, incidents, notifications,
//! and the coverage spans the events imply (offline verdicts, sleeps). Pure: times come from
//! the events (and, at the end, from the caller).

use std::time::SystemTime;

use downwatch_monitor::events::{Event, Settle, Stamped};
use downwatch_monitor::incidents::{Incident, IncidentKind as MonitorKind};
use downwatch_monitor::notice::Notice;
use downwatch_monitor::state::Verdict;
use downwatch_probe::ProbeResult;
use downwatch_store::{
    CheckRecord, CoverageKind, CoverageSpan, Failure, IncidentKind, IncidentRecord, MessageRef,
    NotificationRecord, Record,
};
use downwatch_text::Message;

/// Turns events into records, remembering the spans that are still open (offline, asleep).
#[derive(Debug, Default)]
pub struct Translator {
    /// Since when the verdict is not online.
    offline_since: Option<SystemTime>,
    /// Since when logind said the machine is going to sleep.
    asleep_since: Option<SystemTime>,
}

impl Translator {
    /// The records of one event, appended to `out`.
    pub fn records(&mut self, stamped: &Stamped, out: &mut Vec<Record>) {
        let at = stamped.at;
        match &stamped.event {
            Event::Check {
                watch,
                result,
                judged,
                at: started,
                interval,
                ..
            } => out.push(Record::Check(check(
                watch, result, *judged, *started, *interval,
            ))),
            Event::IncidentOpened(i) | Event::IncidentUpdated(i) | Event::IncidentClosed(i) => {
                out.push(Record::Incident(incident(i)));
            }
            Event::Notification { notice, .. } => {
                out.push(Record::Notification(notification(notice)));
            }
            Event::Verdict { to, .. } => match (to, self.offline_since) {
                (Verdict::Online, Some(start)) => {
                    self.offline_since = None;
                    out.push(span(CoverageKind::Offline, start, at));
                }
                (Verdict::Online, None) | (_, Some(_)) => {}
                (_, None) => self.offline_since = Some(at),
            },
            Event::Settling { why, gap } => match why {
                Settle::GoingToSleep => self.asleep_since = Some(at),
                Settle::WokeUp => {
                    if let Some(start) = self.asleep_since.take() {
                        out.push(span(CoverageKind::Asleep, start, at));
                    }
                }
                // The loop saw the wall clock leap ahead of the monotonic one: the gap was
                // a sleep it was not told about (or a clock change), observed by no check.
                Settle::ClockGap => {
                    if let Some(start) = gap.and_then(|g| at.checked_sub(g)) {
                        out.push(span(CoverageKind::Asleep, start, at));
                    }
                }
                Settle::NetworkChanged => {}
            },
            _ => {}
        }
    }

    /// The records that close what is still open at a clean shutdown at `now`, and the
    /// "alive" mark from which the next start counts the time not running.
    pub fn finish(&mut self, now: SystemTime, out: &mut Vec<Record>) {
        if let Some(start) = self.offline_since.take() {
            out.push(span(CoverageKind::Offline, start, now));
        }
        if let Some(start) = self.asleep_since.take() {
            out.push(span(CoverageKind::Asleep, start, now));
        }
        out.push(Record::Alive(now));
    }
}

fn span(kind: CoverageKind, start: SystemTime, end: SystemTime) -> Record {
    Record::Coverage(CoverageSpan { kind, start, end })
}

/// A message as the store keeps it: its id and its arguments as JSON.
pub fn message_ref(message: &Message) -> MessageRef {
    let args = match serde_json::to_value(&message.args) {
        Ok(serde_json::Value::Object(map)) => map,
        _ => serde_json::Map::new(),
    };
    MessageRef {
        id: message.id.to_string(),
        args,
    }
}

fn check(
    watch: &str,
    result: &ProbeResult,
    judged: bool,
    at: SystemTime,
    interval: std::time::Duration,
) -> CheckRecord {
    CheckRecord {
        watch: watch.to_owned(),
        at,
        interval,
        status: result.status,
        judged,
        // Arguments only for failures, to stay small: an up check has no message.
        failure: result.failure.as_ref().map(|f| Failure {
            layer: f.cause.layer(),
            cause: f.cause,
            message: message_ref(&f.text),
        }),
        phases: result.phases,
        address: result.address,
        http_status: result.http.as_ref().and_then(|h| h.status),
    }
}

/// An incident as it stands (the row is keyed by its id, so each write replaces the last).
pub fn incident(i: &Incident) -> IncidentRecord {
    let failure = match (i.layer, i.cause) {
        (Some(layer), Some(cause)) => Some(Failure {
            layer,
            cause,
            message: match (&i.message, &i.detail) {
                (Some(message), _) => message_ref(message),
                (None, Some(detail)) => message_ref(&Message::verbatim(detail.clone())),
                (None, None) => message_ref(&Message::new(format!("cause-{}", cause.code()))),
            },
        }),
        _ => None,
    };
    IncidentRecord {
        id: i.id.0.clone(),
        watch: i.watch.clone(),
        group_incident: i.group_incident.as_ref().map(|g| g.0.clone()),
        kind: match i.kind {
            MonitorKind::Down => IncidentKind::Down,
            MonitorKind::Degraded => IncidentKind::Degraded,
            MonitorKind::Unstable => IncidentKind::Unstable,
        },
        start: i.start,
        end: i.end,
        failure,
    }
}

/// A notification as data: its kind as the message id (`down`, `recovered`...) and its
/// fields (those of the hook payload: group, watches, reason with its message as data,
/// durations in seconds) as the arguments, so the window renders it in the reader's
/// language with the same catalog.
fn notification(notice: &Notice) -> NotificationRecord {
    let mut fields = match serde_json::to_value(notice) {
        Ok(serde_json::Value::Object(map)) => map,
        _ => serde_json::Map::new(),
    };
    let kind = match fields.remove("kind") {
        Some(serde_json::Value::String(kind)) => kind,
        _ => "unknown".to_owned(),
    };
    fields.remove("at");
    fields.remove("incident");
    let watches = match (fields.get("watches"), fields.get("watch")) {
        (Some(serde_json::Value::Array(names)), _) => names
            .iter()
            .filter_map(|n| n.as_str().map(str::to_owned))
            .collect(),
        (_, Some(serde_json::Value::String(name))) => vec![name.clone()],
        _ => Vec::new(),
    };
    NotificationRecord {
        at: notice.at,
        incident: notice.incident.as_ref().map(|i| i.0.clone()),
        watches,
        message: MessageRef {
            id: kind,
            args: fields,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    fn at(secs: u64) -> SystemTime {
        SystemTime::UNIX_EPOCH + Duration::from_secs(1_800_000_000 + secs)
    }

    fn stamped(secs: u64, event: Event) -> Stamped {
        Stamped {
            at: at(secs),
            event,
        }
    }

    #[test]
    fn offline_and_sleep_become_coverage_spans_closed_at_the_end() {
        let mut t = Translator::default();
        let mut out = Vec::new();
        let verdict = |from, to| Event::Verdict { from, to };
        t.records(
            &stamped(10, verdict(Verdict::Online, Verdict::Offline)),
            &mut out,
        );
        t.records(
            &stamped(20, verdict(Verdict::Offline, Verdict::CaptivePortal)),
            &mut out,
        );
        t.records(
            &stamped(40, verdict(Verdict::CaptivePortal, Verdict::Online)),
            &mut out,
        );
        let settle = |why, gap| Event::Settling { why, gap };
        t.records(
            &stamped(100, settle(Settle::ClockGap, Some(Duration::from_secs(30)))),
            &mut out,
        );
        t.records(
            &stamped(200, settle(Settle::NetworkChanged, None)),
            &mut out,
        );
        t.records(&stamped(300, settle(Settle::GoingToSleep, None)), &mut out);
        t.records(
            &stamped(500, verdict(Verdict::Online, Verdict::Offline)),
            &mut out,
        );
        t.finish(at(600), &mut out);
        let expected = vec![
            span(CoverageKind::Offline, at(10), at(40)),
            span(CoverageKind::Asleep, at(70), at(100)),
            span(CoverageKind::Offline, at(500), at(600)),
            span(CoverageKind::Asleep, at(300), at(600)),
            Record::Alive(at(600)),
        ];
        assert_eq!(out, expected);
    }

    #[test]
    fn a_failed_check_keeps_its_message_as_data_and_an_up_check_none() {
        let failed = ProbeResult::setup_failure("no trust store");
        let record = check("Mail", &failed, true, at(1), Duration::from_secs(30));
        let failure = record.failure.expect("a failure");
        assert_eq!(failure.cause.code(), "setup_failed");
        assert_eq!(failure.message.id, "setup-failed");
        assert_eq!(
            failure.message.args.get("detail"),
            Some(&serde_json::json!({"text": "no trust store"}))
        );
        assert_eq!(record.at, at(1));
        assert_eq!(record.interval, Duration::from_secs(30));
    }
}

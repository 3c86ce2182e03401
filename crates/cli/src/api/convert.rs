//! The resident's and the store's types into the API's plain ones (times as Unix
//! milliseconds, codes as their stable names): the one place that knows both sides.

use std::time::{Duration, SystemTime};

use downwatch_api::model;
use downwatch_monitor::snapshot::{LastCheck, Pause, Snapshot, WatchSnapshot};
use downwatch_monitor::{Verdict, WatchState};
use downwatch_probe::{Phases, Status};
use downwatch_store as store;

/// Unix milliseconds (negative before 1970).
pub fn ms(t: SystemTime) -> i64 {
    store::unix_ms(t)
}

/// The time of Unix milliseconds `ms`.
pub fn time(ms: i64) -> SystemTime {
    store::from_unix_ms(ms)
}

/// The store's cursor of the API's `after`.
pub fn row_cursor(c: model::Cursor) -> store::RowCursor {
    store::RowCursor {
        at_ms: c.at_ms,
        id: c.id,
    }
}

/// The `next` of a page of `len` rows asked with `limit`, ending at `last`: `None` when the
/// page was not full (it was the last).
pub fn next(len: usize, limit: u32, last: Option<store::RowCursor>) -> Option<model::Cursor> {
    last.filter(|_| len == limit as usize)
        .map(|c| model::Cursor {
            at_ms: c.at_ms,
            id: c.id,
        })
}

fn millis(d: Duration) -> f64 {
    (d.as_secs_f64() * 1e6).round() / 1e3
}

fn status(s: Status) -> model::Status {
    match s {
        Status::Up => model::Status::Up,
        Status::Degraded => model::Status::Degraded,
        Status::Down => model::Status::Down,
    }
}

/// The verdict.
pub fn verdict(v: Verdict) -> model::Verdict {
    match v {
        Verdict::Online => model::Verdict::Online,
        Verdict::Offline => model::Verdict::Offline,
        Verdict::CaptivePortal => model::Verdict::CaptivePortal,
        Verdict::LocalDnsBroken => model::Verdict::LocalDnsBroken,
    }
}

fn state(s: WatchState) -> model::State {
    match s {
        WatchState::Unknown => model::State::Unknown,
        WatchState::Up => model::State::Up,
        WatchState::Degraded => model::State::Degraded,
        WatchState::Down => model::State::Down,
        WatchState::Unstable => model::State::Unstable,
        WatchState::Paused => model::State::Paused,
    }
}

/// Phase timings in ms.
pub fn phases(p: &Phases) -> model::Phases {
    model::Phases {
        dns_ms: p.dns.map(millis),
        connect_ms: p.connect.map(millis),
        tls_ms: p.tls.map(millis),
        ttfb_ms: p.ttfb.map(millis),
        total_ms: millis(p.total),
    }
}

fn pause(p: Pause) -> model::Pause {
    model::Pause {
        until_ms: p.until.map(ms),
    }
}

fn last(c: &LastCheck) -> model::LastCheck {
    model::LastCheck {
        at_ms: ms(c.at),
        status: status(c.status),
        layer: c.layer.map(|l| l.as_str().to_owned()),
        cause: c.cause.map(|c| c.code().to_owned()),
        message: c.message.clone(),
        phases: phases(&c.phases),
        judged: c.judged,
    }
}

fn incident(i: &downwatch_monitor::incidents::Incident) -> model::Incident {
    model::Incident {
        id: i.id.0.clone(),
        watch: i.watch.clone(),
        group_incident: i.group_incident.as_ref().map(|g| g.0.clone()),
        kind: serde_plain(&i.kind),
        layer: i.layer.map(|l| l.as_str().to_owned()),
        cause: i.cause.map(|c| c.code().to_owned()),
        start_ms: ms(i.start),
        end_ms: i.end.map(ms),
    }
}

/// A unit enum's serde name (`down`), which is its stable code.
fn serde_plain<T: serde::Serialize>(value: &T) -> String {
    match serde_json::to_value(value) {
        Ok(serde_json::Value::String(s)) => s,
        _ => String::new(),
    }
}

fn watch(w: &WatchSnapshot) -> model::Watch {
    model::Watch {
        name: w.name.clone(),
        group: w.group.clone(),
        state: state(w.state),
        since_ms: w.since.map(ms),
        last: w.last.as_ref().map(last),
        incident: w.incident.as_ref().map(incident),
        paused: w.paused.map(pause),
        muted: w.muted,
    }
}

/// The whole snapshot.
pub fn snapshot(s: &Snapshot) -> model::Snapshot {
    model::Snapshot {
        watches: s.watches.iter().map(|w| watch(w)).collect(),
        verdict: verdict(s.verdict),
        paused: s.paused.map(pause),
        taken_ms: ms(s.taken),
    }
}

/// A stored check.
pub fn check(c: &store::StoredCheck) -> model::Check {
    model::Check {
        id: c.id,
        at_ms: ms(c.at),
        status: status(c.status),
        judged: c.judged,
        layer: c.layer.map(|l| l.as_str().to_owned()),
        cause: c.cause.map(|c| c.code().to_owned()),
        message: c.message.as_ref().map(|m| model::StoredMessage {
            id: m.id.clone(),
            args: m.args.clone(),
        }),
        address: c.address.clone(),
        http_status: c.http_status,
        phases: phases(&c.phases),
    }
}

/// A stored incident.
pub fn stored_incident(i: &store::StoredIncident) -> model::Incident {
    model::Incident {
        id: i.id.clone(),
        watch: i.watch.clone(),
        group_incident: i.group_incident.clone(),
        kind: i.kind.as_str().to_owned(),
        layer: i.layer.map(|l| l.as_str().to_owned()),
        cause: i.cause.map(|c| c.code().to_owned()),
        start_ms: ms(i.start),
        end_ms: i.end.map(ms),
    }
}

/// Uptime over a window.
pub fn uptime(u: &store::Uptime) -> model::Uptime {
    let ms = |d: Duration| i64::try_from(d.as_millis()).unwrap_or(i64::MAX);
    model::Uptime {
        up_ms: ms(u.up),
        degraded_ms: ms(u.degraded),
        down_ms: ms(u.down),
        window_ms: ms(u.window),
        availability: u.availability(),
    }
}

/// The store's period length.
pub fn span(s: model::Span) -> store::Span {
    match s {
        model::Span::Hour => store::Span::Hour,
        model::Span::Day => store::Span::Day,
    }
}

/// The store's phase of the API's.
pub fn store_phase(p: model::Phase) -> store::Phase {
    match p {
        model::Phase::Dns => store::Phase::Dns,
        model::Phase::Connect => store::Phase::Connect,
        model::Phase::Tls => store::Phase::Tls,
        model::Phase::Ttfb => store::Phase::Ttfb,
        model::Phase::Total => store::Phase::Total,
    }
}

fn latency(p: store::Phase, l: &store::Latency) -> model::Latency {
    model::Latency {
        phase: phase(p),
        count: l.count,
        min_us: l.min_us,
        mean_us: l.mean_us,
        max_us: l.max_us,
        p95_us: l.p95_us,
    }
}

/// What the history last saw of a watch.
pub fn now(n: &store::WatchNow) -> model::StoredNow {
    model::StoredNow {
        watch: n.watch.clone(),
        latest: check(&n.latest),
        since_ms: ms(n.since),
        since_exact: n.since_exact,
        open_incidents: n.open_incidents.iter().map(stored_incident).collect(),
    }
}

/// A latency series of `p`.
pub fn series(p: store::Phase, s: &store::LatencySeries) -> downwatch_api::Answer {
    downwatch_api::Answer::LatencySeries {
        source: match s.source {
            store::SeriesSource::Raw => model::SeriesSource::Raw,
            store::SeriesSource::Hours => model::SeriesSource::Hours,
            store::SeriesSource::Days => model::SeriesSource::Days,
        },
        bucket_ms: i64::try_from(s.bucket.as_millis()).unwrap_or(i64::MAX),
        points: s
            .points
            .iter()
            .map(|pt| model::LatencyPoint {
                start_ms: ms(pt.start),
                end_ms: ms(pt.end),
                latency: latency(p, &pt.latency),
            })
            .collect(),
    }
}

/// A local day.
pub fn day(d: &store::DayAvailability) -> model::Day {
    model::Day {
        date: d.date.to_string(),
        start_ms: ms(d.start),
        end_ms: ms(d.end),
        uptime: uptime(&d.uptime),
        state: match d.state {
            store::DayState::Up => model::DayState::Up,
            store::DayState::Degraded => model::DayState::Degraded,
            store::DayState::Down => model::DayState::Down,
            store::DayState::NotMonitored => model::DayState::NotMonitored,
        },
    }
}

fn phase(p: store::Phase) -> model::Phase {
    match p {
        store::Phase::Dns => model::Phase::Dns,
        store::Phase::Connect => model::Phase::Connect,
        store::Phase::Tls => model::Phase::Tls,
        store::Phase::Ttfb => model::Phase::Ttfb,
        store::Phase::Total => model::Phase::Total,
    }
}

/// A rollup row starting at `start_ms`.
pub fn rollup(start_ms: i64, r: &store::Rollup) -> model::RollupRow {
    model::RollupRow {
        start_ms,
        up_ms: r.up_ms,
        degraded_ms: r.degraded_ms,
        down_ms: r.down_ms,
        unjudged_ms: r.unjudged_ms,
        checks_up: r.checks.up,
        checks_degraded: r.checks.degraded,
        checks_down: r.checks.down,
        checks_unjudged: r.checks.unjudged,
        latency: store::PHASES
            .iter()
            .filter_map(|p| r.latency(*p).map(|l| latency(*p, &l)))
            .collect(),
    }
}

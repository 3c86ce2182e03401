//! `downwatch status`'s live path: the running resident's snapshot through the local API,
//! turned into the store's shapes so one renderer serves both paths. What a snapshot lacks
//! (uptime over 24 h) is still read from the store by the caller.

use std::path::Path;
use std::time::Duration;

use downwatch_api::model::{self, Snapshot};
use downwatch_api::{Answer, Call, Client, ClientError};
use downwatch_probe::{Cause, Layer, Phases, Status};
use downwatch_store::{
    IncidentKind, MessageRef, StoredCheck, StoredIncident, WatchNow, from_unix_ms,
};

/// How long a resident may take to answer before the store is used instead: generous for a
/// loaded machine, short enough that a hung resident does not hang `status`.
pub const ANSWER_TIMEOUT: Duration = Duration::from_secs(5);

/// Why no live snapshot was had.
#[derive(Debug, thiserror::Error)]
pub enum LiveError {
    /// No resident listens there (no socket, connection refused) or the talk failed.
    #[error(transparent)]
    Client(#[from] ClientError),
    /// The resident did not answer within [`ANSWER_TIMEOUT`].
    #[error("the resident did not answer within {ANSWER_TIMEOUT:?}")]
    Timeout,
    /// It answered something else than a snapshot.
    #[error("the resident answered something else than a snapshot")]
    Unexpected,
    /// The async runtime could not start.
    #[error("cannot start the async runtime: {0}")]
    Runtime(std::io::Error),
}

impl LiveError {
    /// Whether this only means no resident runs (the ordinary case, not worth a word).
    pub fn no_resident(&self) -> bool {
        matches!(self, LiveError::Client(ClientError::Connect { .. }))
    }
}

/// Asks the resident at `socket` for its snapshot.
pub fn snapshot(socket: &Path) -> Result<Snapshot, LiveError> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(LiveError::Runtime)?;
    runtime.block_on(async {
        let ask = async {
            let mut client = Client::connect(socket).await?;
            client.call(Call::Snapshot).await
        };
        match tokio::time::timeout(ANSWER_TIMEOUT, ask).await {
            Err(_) => Err(LiveError::Timeout),
            Ok(Err(e)) => Err(e.into()),
            Ok(Ok(Answer::Snapshot(s))) => Ok(s),
            Ok(Ok(_)) => Err(LiveError::Unexpected),
        }
    })
}

/// What only the running resident knows of a watch: its judged state (confirmed, not
/// just the last check's verdict) and its own pause.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Judged {
    /// The judged state.
    pub state: model::State,
    /// Its own pause, if any (the global one is the snapshot's).
    pub paused: Option<model::Pause>,
}

/// The snapshot's watches that have been checked, in the store's shape with their judged
/// state, by name (as the store path lists them). The resident's `since` is exact: it saw
/// the change.
pub fn watches(snapshot: Snapshot) -> Vec<(WatchNow, Judged)> {
    let mut out: Vec<(WatchNow, Judged)> = snapshot
        .watches
        .into_iter()
        .filter_map(|w| {
            let last = w.last?;
            let at = from_unix_ms(last.at_ms);
            let judged = Judged {
                state: w.state,
                paused: w.paused,
            };
            let now = WatchNow {
                since: w.since_ms.map_or(at, from_unix_ms),
                since_exact: true,
                open_incidents: w.incident.and_then(incident).into_iter().collect(),
                latest: check(last),
                watch: w.name,
            };
            Some((now, judged))
        })
        .collect();
    out.sort_by(|a, b| a.0.watch.cmp(&b.0.watch));
    out
}

fn status(s: model::Status) -> Status {
    match s {
        model::Status::Up => Status::Up,
        model::Status::Degraded => Status::Degraded,
        model::Status::Down => Status::Down,
    }
}

/// A layer's code; `None` for one this build does not know (as the store reads them).
fn layer(code: Option<&str>) -> Option<Layer> {
    [
        Layer::Dns,
        Layer::Tcp,
        Layer::Tls,
        Layer::Http,
        Layer::Setup,
    ]
    .into_iter()
    .find(|l| Some(l.as_str()) == code)
}

fn cause(code: Option<&str>) -> Option<Cause> {
    Cause::ALL.iter().copied().find(|c| Some(c.code()) == code)
}

fn duration(ms: f64) -> Duration {
    Duration::try_from_secs_f64(ms / 1e3).unwrap_or_default()
}

fn check(c: model::LastCheck) -> StoredCheck {
    // The arguments as the store keeps them: the catalog value's own JSON.
    let message = c.message.map(|m| MessageRef {
        id: m.id.into_owned(),
        args: match serde_json::to_value(&m.args) {
            Ok(serde_json::Value::Object(args)) => args,
            _ => serde_json::Map::new(),
        },
    });
    StoredCheck {
        id: 0,
        at: from_unix_ms(c.at_ms),
        status: status(c.status),
        judged: c.judged,
        layer: layer(c.layer.as_deref()),
        cause: cause(c.cause.as_deref()),
        message,
        address: None,
        http_status: None,
        phases: Phases {
            dns: c.phases.dns_ms.map(duration),
            connect: c.phases.connect_ms.map(duration),
            tls: c.phases.tls_ms.map(duration),
            ttfb: c.phases.ttfb_ms.map(duration),
            total: duration(c.phases.total_ms),
        },
    }
}

fn incident(i: model::Incident) -> Option<StoredIncident> {
    let kind = match i.kind.as_str() {
        "down" => IncidentKind::Down,
        "degraded" => IncidentKind::Degraded,
        "unstable" => IncidentKind::Unstable,
        _ => return None,
    };
    Some(StoredIncident {
        kind,
        layer: layer(i.layer.as_deref()),
        cause: cause(i.cause.as_deref()),
        start: from_unix_ms(i.start_ms),
        end: i.end_ms.map(from_unix_ms),
        id: i.id,
        watch: i.watch,
        group_incident: i.group_incident,
    })
}

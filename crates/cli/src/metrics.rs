//! The opt-in Prometheus endpoint (`[api] metrics = "127.0.0.1:9464"`): `GET /metrics` in
//! the OpenMetrics text format (the `prometheus-client` crate encodes it), for a team that
//! moves its watches to Prometheus and Alertmanager. Gauges come from the resident's
//! snapshot at scrape time; counters and the certificate expiry from its live events,
//! tallied by a task of their own (lossy like every subscriber: a tally more than 1,024
//! events behind skips them rather than stall the resident).

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, PoisonError};

use bytes::Bytes;
use downwatch_monitor::events::Event;
use downwatch_monitor::resident::Remote;
use downwatch_monitor::snapshot::Snapshot;
use downwatch_monitor::{Verdict, WatchState};
use http_body_util::Full;
use hyper::{Request, Response, StatusCode};
use prometheus_client::encoding::text::encode;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::registry::Registry;
use tokio::net::TcpListener;
use tokio::sync::broadcast::error::RecvError;
use tokio::task::JoinHandle;

/// The OpenMetrics text format's content type (what Prometheus asks for).
const OPENMETRICS: &str = "application/openmetrics-text; version=1.0.0; charset=utf-8";
/// The older Prometheus text format's (for `curl`, `promtool check metrics` and other
/// clients that do not ask for OpenMetrics).
const TEXT_004: &str = "text/plain; version=0.0.4; charset=utf-8";

type Labels = Vec<(String, String)>;
type FloatGauge = Gauge<f64, std::sync::atomic::AtomicU64>;

/// What the events taught: checks by watch, status and cause, and each watch's certificate
/// expiry (Unix seconds) from its last check that saw one.
#[derive(Debug, Default)]
struct Tally {
    checks: BTreeMap<(String, &'static str, &'static str), u64>,
    expiry: BTreeMap<String, i64>,
}

/// The endpoint: the tally of events (from the first time it serves) and the listener, if
/// any. Dropping it stops both.
#[derive(Debug)]
pub struct Metrics {
    remote: Remote,
    tally: Arc<Mutex<Tally>>,
    counting: Option<JoinHandle<()>>,
    serving: Option<(SocketAddr, JoinHandle<()>)>,
}

impl Metrics {
    /// An endpoint that serves nothing yet.
    pub fn new(remote: Remote) -> Metrics {
        Metrics {
            remote,
            tally: Arc::default(),
            counting: None,
            serving: None,
        }
    }

    /// The address it serves on, if any.
    pub fn address(&self) -> Option<SocketAddr> {
        self.serving.as_ref().map(|(addr, _)| *addr)
    }

    /// Serves on `addr` (`None`: stops serving), leaving a listener on the same address as
    /// it is. A warning in the log when `addr` is not a loopback address (the metrics name
    /// the user's services).
    ///
    /// # Errors
    /// The address cannot be bound; nothing is served then.
    pub async fn serve_on(&mut self, addr: Option<SocketAddr>) -> std::io::Result<()> {
        if self.address() == addr {
            return Ok(());
        }
        if let Some((_, task)) = self.serving.take() {
            task.abort();
            // Its listener closes once the aborted task is dropped: wait for that, so
            // binding the same port again (another address of it) does not race it.
            let _ = task.await;
        }
        let Some(addr) = addr else {
            return Ok(());
        };
        if !addr.ip().is_loopback() {
            tracing::warn!(
                "metrics: serving on {addr}, which is not a loopback address: other machines can read which services you watch"
            );
        }
        let listener = TcpListener::bind(addr).await?;
        if self.counting.is_none() {
            let counting = tokio::spawn(count(self.remote.clone(), self.tally.clone()));
            self.counting = Some(counting);
        }
        let serving = tokio::spawn(serve(listener, self.remote.clone(), self.tally.clone()));
        self.serving = Some((addr, serving));
        Ok(())
    }
}

impl Drop for Metrics {
    fn drop(&mut self) {
        self.counting.iter().for_each(JoinHandle::abort);
        self.serving.iter().for_each(|(_, task)| task.abort());
    }
}

/// Keeps `metrics` on the `[api] metrics` address of the configuration file at `path`,
/// read again each time the resident reloads it (a file it rejects changes nothing). Runs
/// until the resident's events end; a listener that cannot bind is a warning in the log.
pub async fn follow(mut metrics: Metrics, path: std::path::PathBuf) {
    let mut events = metrics.remote.subscribe();
    loop {
        match events.recv().await {
            Ok(stamped) if matches!(stamped.event, Event::ConfigReloaded { .. }) => {}
            Ok(_) | Err(RecvError::Lagged(_)) => continue,
            Err(RecvError::Closed) => return,
        }
        let wanted = match downwatch_config::load(&path) {
            Ok(config) => config.api.metrics,
            Err(error) => {
                tracing::warn!("metrics: {error}");
                continue;
            }
        };
        let was = metrics.address();
        if was == wanted {
            continue;
        }
        match metrics.serve_on(wanted).await {
            Ok(()) => match wanted {
                Some(addr) => tracing::info!("metrics: serving on {addr}"),
                None => tracing::info!("metrics: no longer served"),
            },
            Err(error) => {
                let addr = wanted.map(|a| a.to_string()).unwrap_or_default();
                tracing::warn!("metrics: cannot serve on {addr}: {error}");
            }
        }
    }
}

async fn count(remote: Remote, tally: Arc<Mutex<Tally>>) {
    let mut events = remote.subscribe();
    loop {
        let stamped = match events.recv().await {
            Ok(stamped) => stamped,
            Err(RecvError::Lagged(_)) => continue,
            Err(RecvError::Closed) => return,
        };
        if let Event::Check { watch, result, .. } = &stamped.event {
            let mut tally = tally.lock().unwrap_or_else(PoisonError::into_inner);
            let cause = result.cause().map_or("", |c| c.code());
            *tally
                .checks
                .entry((watch.clone(), result.status.as_str(), cause))
                .or_default() += 1;
            let expiry = result
                .tls
                .as_ref()
                .and_then(|t| t.not_after.as_deref())
                .and_then(|t| chrono::DateTime::parse_from_rfc3339(t).ok());
            if let Some(expiry) = expiry {
                tally.expiry.insert(watch.clone(), expiry.timestamp());
            }
        }
    }
}

async fn serve(listener: TcpListener, remote: Remote, tally: Arc<Mutex<Tally>>) {
    loop {
        let Ok((stream, _)) = listener.accept().await else {
            continue;
        };
        let (remote, tally) = (remote.clone(), tally.clone());
        let service = hyper::service::service_fn(move |request: Request<hyper::body::Incoming>| {
            let response = if request.uri().path() == "/metrics" {
                let text = {
                    let tally = tally.lock().unwrap_or_else(PoisonError::into_inner);
                    render(&remote.snapshot(), &tally)
                };
                let openmetrics = request
                    .headers()
                    .get_all(hyper::header::ACCEPT)
                    .iter()
                    .filter_map(|v| v.to_str().ok())
                    .any(|v| v.contains("application/openmetrics-text"));
                let (kind, text) = if openmetrics {
                    (OPENMETRICS, text)
                } else {
                    (TEXT_004, text_004(&text))
                };
                Response::builder()
                    .header(hyper::header::CONTENT_TYPE, kind)
                    .body(Full::new(Bytes::from(text)))
            } else {
                Response::builder()
                    .status(StatusCode::NOT_FOUND)
                    .body(Full::new(Bytes::from_static(b"see /metrics\n")))
            };
            async move { response }
        });
        tokio::spawn(async move {
            let io = hyper_util::rt::TokioIo::new(stream);
            let _ = hyper::server::conn::http1::Builder::new()
                .serve_connection(io, service)
                .await;
        });
    }
}

/// OpenMetrics text as the Prometheus text format 0.0.4: a counter's family is named
/// without `_total` in OpenMetrics and with it in 0.0.4 (where `# HELP` and `# TYPE` name
/// the samples), and there is no `# EOF`. The samples themselves read the same.
fn text_004(openmetrics: &str) -> String {
    let counters: Vec<&str> = openmetrics
        .lines()
        .filter_map(|l| l.strip_prefix("# TYPE ")?.strip_suffix(" counter"))
        .collect();
    let mut out = String::with_capacity(openmetrics.len());
    for line in openmetrics.lines() {
        if line == "# EOF" {
            continue;
        }
        let renamed = ["# HELP ", "# TYPE "].iter().find_map(|prefix| {
            let rest = line.strip_prefix(prefix)?;
            let (name, tail) = rest.split_once(' ')?;
            counters
                .contains(&name)
                .then(|| format!("{prefix}{name}_total {tail}"))
        });
        out.push_str(renamed.as_deref().unwrap_or(line));
        out.push('\n');
    }
    out
}

fn labels(pairs: &[(&str, &str)]) -> Labels {
    pairs
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect()
}

/// The exposition of `snapshot` and `tally`.
fn render(snapshot: &Snapshot, tally: &Tally) -> String {
    let mut registry = Registry::with_prefix("downwatch");
    let up = Family::<Labels, Gauge>::default();
    let state = Family::<Labels, Gauge>::default();
    let phase = Family::<Labels, FloatGauge>::default();
    let last = Family::<Labels, FloatGauge>::default();
    let expiry = Family::<Labels, Gauge>::default();
    let checks = Family::<Labels, Counter>::default();
    let verdict = Family::<Labels, Gauge>::default();
    let paused = Gauge::<i64>::default();
    for w in &snapshot.watches {
        let name = w.name.as_str();
        let judged_up = match w.state {
            WatchState::Up | WatchState::Degraded => Some(1),
            WatchState::Down | WatchState::Unstable => Some(0),
            WatchState::Unknown | WatchState::Paused => None,
        };
        if let Some(v) = judged_up {
            up.get_or_create(&labels(&[("watch", name)])).set(v);
        }
        for s in [
            WatchState::Unknown,
            WatchState::Up,
            WatchState::Degraded,
            WatchState::Down,
            WatchState::Unstable,
            WatchState::Paused,
        ] {
            state
                .get_or_create(&labels(&[("watch", name), ("state", s.as_str())]))
                .set(i64::from(w.state == s));
        }
        if let Some(check) = &w.last {
            let p = &check.phases;
            for (key, d) in [
                ("dns", p.dns),
                ("connect", p.connect),
                ("tls", p.tls),
                ("ttfb", p.ttfb),
                ("total", Some(p.total)),
            ] {
                if let Some(d) = d {
                    phase
                        .get_or_create(&labels(&[("watch", name), ("phase", key)]))
                        .set(d.as_secs_f64());
                }
            }
            let at = check
                .at
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap_or_default();
            last.get_or_create(&labels(&[("watch", name)]))
                .set(at.as_secs_f64());
        }
        if let Some(t) = tally.expiry.get(name) {
            expiry.get_or_create(&labels(&[("watch", name)])).set(*t);
        }
    }
    for ((watch, status, cause), n) in &tally.checks {
        checks
            .get_or_create(&labels(&[
                ("watch", watch),
                ("status", status),
                ("cause", cause),
            ]))
            .inc_by(*n);
    }
    for v in [
        Verdict::Online,
        Verdict::Offline,
        Verdict::CaptivePortal,
        Verdict::LocalDnsBroken,
    ] {
        verdict
            .get_or_create(&labels(&[("verdict", v.as_str())]))
            .set(i64::from(snapshot.verdict == v));
    }
    paused.set(i64::from(snapshot.paused.is_some()));
    registry.register(
        "watch_up",
        "1 when the watch is judged up or degraded, 0 when down or unstable (absent before its first judgement and while paused)",
        up,
    );
    registry.register(
        "watch_state",
        "The watch's judged state (1 for the current one)",
        state,
    );
    registry.register(
        "check_phase_seconds",
        "Time spent in each phase of the watch's last check (a phase never reached is absent)",
        phase,
    );
    registry.register(
        "check_timestamp_seconds",
        "When the watch's last check started (Unix time)",
        last,
    );
    registry.register(
        "certificate_expiry_timestamp_seconds",
        "When the certificate the watch's last TLS handshake saw expires (Unix time)",
        expiry,
    );
    registry.register(
        "checks",
        "Checks completed since the resident started, by status and cause (empty when up)",
        checks,
    );
    registry.register(
        "connectivity",
        "Is it me: the connectivity verdict (1 for the current one)",
        verdict,
    );
    registry.register("paused", "1 while every watch is paused", paused);
    let mut text = String::new();
    // Writing into a String cannot fail.
    let _ = encode(&mut text, &registry);
    text
}

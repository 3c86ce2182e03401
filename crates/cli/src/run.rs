//! `downwatch run`: the resident. Loads (or creates) the config, then runs the monitor with
//! the real probes, notifications, reloads, logind signals and the events file until
//! SIGINT or SIGTERM.

use std::fs::OpenOptions;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

use downwatch_config::{self as config, Config};
use downwatch_monitor::announce::Announce;
use downwatch_monitor::clock::SystemClock;
use downwatch_monitor::events::{JsonLines, NullSink, Sink};
use downwatch_monitor::probes::Probers;
use downwatch_monitor::runner::{self, Deps, Inputs, ProbeExec};
use downwatch_monitor::system;
use tokio::sync::{mpsc, watch};

use crate::EXIT_UNKNOWN;
use crate::args::RunArgs;

/// Runs the resident; returns only at shutdown (0) or on a start-up error (3).
pub fn run(args: &RunArgs) -> ExitCode {
    init_logging();
    match start(args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("downwatch: {message}");
            ExitCode::from(EXIT_UNKNOWN)
        }
    }
}

fn init_logging() {
    let filter = tracing_subscriber::EnvFilter::try_from_env("DOWNWATCH_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .try_init();
}

fn start(args: &RunArgs) -> Result<(), String> {
    let (path, config) = load_config(args.config.as_deref())?;
    let data_dir = match &args.data_dir {
        Some(dir) => dir.clone(),
        None => dirs::data_dir()
            .map(|d| d.join("downwatch"))
            .ok_or("no data directory: pass --data-dir")?,
    };
    std::fs::create_dir_all(&data_dir)
        .map_err(|e| format!("cannot create {}: {e}", data_dir.display()))?;
    let sink = open_events(args.events.as_deref())?;
    if !args.headless {
        eprintln!(
            "downwatch: the tray icon is not built yet; running headless (notifications only)"
        );
    }
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| format!("cannot start the async runtime: {e}"))?;
    runtime.block_on(serve(path, config, data_dir, sink))
}

/// The explicit file must exist; the default one is created on first run.
fn load_config(explicit: Option<&Path>) -> Result<(PathBuf, Config), String> {
    match explicit {
        Some(path) => Ok((
            path.to_owned(),
            config::load(path).map_err(|e| e.to_string())?,
        )),
        None => {
            let path =
                config::default_path().ok_or("no configuration directory: pass --config FILE")?;
            let (config, created) = config::load_or_create(&path).map_err(|e| e.to_string())?;
            if created {
                eprintln!(
                    "downwatch: wrote a default configuration to {}; edit it to choose what to watch",
                    path.display()
                );
            }
            Ok((path, config))
        }
    }
}

fn open_events(target: Option<&Path>) -> Result<Box<dyn Sink>, String> {
    Ok(match target {
        None => Box::new(NullSink),
        Some(p) if p == Path::new("-") => Box::new(JsonLines::new(std::io::stdout())),
        Some(p) => {
            let file = OpenOptions::new()
                .create(true)
                .append(true)
                .open(p)
                .map_err(|e| format!("cannot open the events file {}: {e}", p.display()))?;
            Box::new(JsonLines::new(std::io::LineWriter::new(file))) as Box<dyn Sink>
        }
    })
}

async fn serve(
    path: PathBuf,
    config: Config,
    data_dir: PathBuf,
    sink: Box<dyn Sink>,
) -> Result<(), String> {
    let probers = Arc::new(Probers::new());
    probers.prepare(&runner::all_settings(&config))?;
    let (config_rx, mut error_rx, _reload) =
        config::reload_on_edit(path, config.clone()).map_err(|e| e.to_string())?;
    let (errors_tx, errors_rx) = mpsc::unbounded_channel();
    tokio::spawn(async move {
        while let Some(error) = error_rx.recv().await {
            tracing::warn!("configuration not reloaded: {error}");
            if errors_tx.send(error.to_string()).is_err() {
                break;
            }
        }
    });
    let (power_tx, power_rx) = mpsc::unbounded_channel();
    tokio::spawn(system::watch_power(power_tx));
    let (clicks_tx, mut clicks_rx) = mpsc::unbounded_channel::<downwatch_monitor::IncidentId>();
    tokio::spawn(async move {
        // The history window comes with the desktop issue; until then, say what was asked.
        while let Some(incident) = clicks_rx.recv().await {
            let _ = writeln!(
                std::io::stderr(),
                "downwatch: details asked for incident {}",
                incident.0
            );
        }
    });
    let (shutdown_tx, shutdown_rx) = watch::channel(false);
    tokio::spawn(async move {
        wait_for_signal().await;
        let _ = shutdown_tx.send(true);
    });
    let announcer = Arc::new(Announce::new(&config.notifications, clicks_tx));
    let deps = Deps {
        clock: Arc::new(SystemClock),
        exec: probers,
        sink,
        announcer,
        data_dir: Some(data_dir),
        network_fingerprint: Some(Box::new(|| system::network_fingerprint().unwrap_or(0))),
    };
    let inputs = Inputs {
        config: config_rx,
        config_errors: errors_rx,
        power: power_rx,
        shutdown: shutdown_rx,
    };
    runner::run(Arc::new(config), deps, inputs).await;
    Ok(())
}

#[cfg(not(unix))]
async fn wait_for_signal() {
    let _ = tokio::signal::ctrl_c().await;
}

#[cfg(unix)]
async fn wait_for_signal() {
    use tokio::signal::unix::{SignalKind, signal};
    let Ok(mut term) = signal(SignalKind::terminate()) else {
        let _ = tokio::signal::ctrl_c().await;
        return;
    };
    tokio::select! {
        _ = term.recv() => {}
        _ = tokio::signal::ctrl_c() => {}
    }
}

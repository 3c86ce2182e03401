//! `downwatch run`: a thin caller of the resident (`downwatch_monitor::resident`): reads
//! the arguments, opens the events file, claims the API's socket (one resident per user),
//! opens the history (`crate::recorder`), starts the resident, its API server and its
//! desktop side (the tray, `crate::desktop`), and waits for SIGINT, SIGTERM or the tray's
//! Quit to shut them down.

use std::fs::OpenOptions;
use std::path::Path;
use std::process::ExitCode;
use std::time::SystemTime;

use downwatch_monitor::events::{JsonLines, NullSink, Sink};
use downwatch_monitor::resident::{Options, Resident, StartError, default_data_dir};

use crate::EXIT_UNKNOWN;
use crate::api;
use crate::args::RunArgs;
use crate::recorder::History;

/// Runs the resident; returns only at shutdown (0) or on a start-up error (3).
pub fn run(args: &RunArgs) -> ExitCode {
    crate::arena::one_arena();
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
    let sink = open_events(args.events.as_deref())?;
    let mut options = Options::default();
    let data_dir = args
        .data_dir
        .clone()
        .or_else(default_data_dir)
        .ok_or_else(|| StartError::NoDataDir.to_string())?;
    options.data_dir = Some(data_dir.clone());
    options.sink = sink;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| format!("cannot start the async runtime: {e}"))?;
    runtime.block_on(async {
        let (clicks, clicked) = tokio::sync::mpsc::unbounded_channel();
        options.clicks = Some(clicks);
        // Claimed before anything starts: a second resident says who runs and leaves
        // without probing or notifying anything.
        let socket = args
            .socket
            .clone()
            .unwrap_or_else(downwatch_api::path::socket_path);
        let claim = api::claim(&socket).await.map_err(|e| e.to_string())?;
        if claim.took_over {
            tracing::info!("api: replaced a stale socket at {}", socket.display());
        }
        // Only the resident that holds the socket opens the history (the import of
        // `incidents.json` waits for its commit: off the runtime's thread).
        let mut recorder =
            tokio::task::spawn_blocking(move || History::open(&data_dir, SystemTime::now()))
                .await
                .map_err(|e| format!("cannot open the history: {e}"))?;
        recorder.prepare(&mut options);
        let resident =
            Resident::start(args.config.as_deref(), options).map_err(|e| e.to_string())?;
        let server = api::Server::start(
            claim,
            resident.remote(),
            history(args.data_dir.clone()),
            downwatch_tray::window::Opener::new(&socket),
            api::MAX_CLIENTS,
        );
        let keeping = recorder.attach(resident.reporter());
        let metrics = start_metrics(&resident).await?;
        let metrics = tokio::spawn(crate::metrics::follow(
            metrics,
            resident.config_path().to_owned(),
        ));
        if resident.created_config() {
            eprintln!(
                "downwatch: wrote a default configuration to {}; edit it to choose what to watch",
                resident.config_path().display()
            );
        }
        tokio::select! {
            () = wait_for_signal() => {}
            () = crate::desktop::run(&resident, &socket, args.headless, clicked) => {}
        }
        server.stop().await;
        metrics.abort();
        resident.shutdown().await;
        keeping.finish().await;
        Ok(())
    })
}

/// The Prometheus endpoint, serving when `[api] metrics` asks for it at start; it follows
/// the file's later edits ([`crate::metrics::follow`]). An address that cannot be bound at
/// start stops the start (the user asked for it and is told at once).
async fn start_metrics(
    resident: &downwatch_monitor::resident::ResidentHandle,
) -> Result<crate::metrics::Metrics, String> {
    let config = downwatch_config::load(resident.config_path()).map_err(|e| e.to_string())?;
    let mut metrics = crate::metrics::Metrics::new(resident.remote());
    if let Some(addr) = config.api.metrics {
        metrics
            .serve_on(Some(addr))
            .await
            .map_err(|e| format!("cannot serve metrics on {addr}: {e}"))?;
    }
    Ok(metrics)
}

/// Opens readers of the history file in the data directory (the resident's default when
/// none is given), read-only: the seam until the resident hands out its store's readers.
fn history(data_dir: Option<std::path::PathBuf>) -> api::OpenReader {
    // Without any data directory the resident refuses to start before this is used.
    let file = data_dir
        .or_else(|| dirs::data_dir().map(|d| d.join("downwatch")))
        .unwrap_or_default()
        .join(downwatch_store::FILE_NAME);
    std::sync::Arc::new(move || downwatch_store::Reader::open(&file))
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

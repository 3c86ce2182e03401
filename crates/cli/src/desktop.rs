//! The resident's desktop side, beside the monitor: the tray (unless `--headless`) and the
//! history window that a notification's Details opens (the same path as `downwatch open`).

use std::path::Path;

use downwatch_monitor::IncidentId;
use downwatch_monitor::resident::ResidentHandle;
use downwatch_text::Catalog;
use downwatch_tray::window::At;
use downwatch_tray::{Options, Tray};
use tokio::sync::mpsc;

/// Runs the tray of `resident` (none when `headless`) and opens the history at each
/// incident received on `clicks`; returns when the tray's Quit is clicked, else never.
/// The window opened reads the resident at `socket`.
pub async fn run(
    resident: &ResidentHandle,
    socket: &Path,
    headless: bool,
    mut clicks: mpsc::UnboundedReceiver<IncidentId>,
) {
    let options = Options::for_config(resident.config_path(), socket);
    let catalog = Catalog::new(options.lang);
    let window = options.window.clone();
    tokio::spawn(async move {
        while let Some(incident) = clicks.recv().await {
            downwatch_tray::open(&window, At::Incident(incident), &catalog);
        }
    });
    if headless {
        return std::future::pending().await;
    }
    match Tray::start(resident, options).await {
        Ok(tray) => tray.run(resident).await,
        Err(error) => {
            eprintln!("downwatch: no tray icon ({error}); monitoring and notifications go on");
            std::future::pending().await
        }
    }
}

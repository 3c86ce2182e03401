//! Downwatch's history window: a Tauri v2 app in its own process, started on demand (by the
//! resident, `downwatch open` or the desktop's launcher) and gone when its window closes, so
//! all of WebKit's memory goes back. It reads everything through the resident's local API
//! (`downwatch-api`); the UI is `ui/` (TypeScript, built into `ui/dist`).
//!
//! - [`bridge`]: the commands the web view may call (`api`, `start_at`) and the state they
//!   share (one API connection, kept and reconnected).
//! - [`resident`]: the subscription to the resident's events, forwarded as the `resident`
//!   event, reconnected with a backoff when the resident goes away.
//! - [`launch`]: starting the resident when the window is opened with none running.
//! - [`render`]: how the web view draws (on the CPU, without accelerated compositing).
//!
//! The bridge's types ([`At`], [`WindowEvent`], `BridgeError`) live in `downwatch-api`, so
//! their TypeScript is generated with the API's (`ui/src/generated/`).
//!
//! Started as `downwatch-window [--watch NAME | --incident ID] [--socket PATH]`. A second
//! start while one runs (Tauri's single-instance plugin, over D-Bus) focuses the open window
//! and sends it the `navigate` event with the new place, then exits.

pub mod bridge;
pub mod launch;
pub mod render;
pub mod resident;

use std::process::ExitCode;

use downwatch_api::{At, WindowArgs};
use tauri::{AppHandle, Emitter, Manager, Runtime};

/// The window's label in tauri.conf.json and capabilities/main.json.
pub const MAIN_WINDOW: &str = "main";

/// The event a second start sends, with the [`At`] it asked for.
pub const NAVIGATE_EVENT: &str = "navigate";

/// Builds and runs the app until its window closes.
pub fn run() -> ExitCode {
    let args = WindowArgs::parse(std::env::args_os().skip(1));
    let socket = args
        .socket
        .clone()
        .unwrap_or_else(downwatch_api::path::socket_path);
    let result = tauri::Builder::default()
        // First, so a second start is forwarded before anything else is set up.
        .plugin(tauri_plugin_single_instance::init(|app, argv, _cwd| {
            let args = WindowArgs::parse(argv.into_iter().skip(1));
            navigate(app, args.at);
        }))
        .plugin(tauri_plugin_window_state::Builder::default().build())
        .manage(bridge::Bridge::new(socket.clone(), args.at))
        .invoke_handler(tauri::generate_handler![bridge::api, bridge::start_at])
        .setup(move |app| {
            if let Some(window) = app.get_webview_window(MAIN_WINDOW) {
                render::without_compositing(&window);
            }
            launch::start_resident_if_absent(&socket);
            tauri::async_runtime::spawn(resident::follow(app.handle().clone(), socket.clone()));
            Ok(())
        })
        .run(tauri::generate_context!());
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("downwatch-window: {error}");
            ExitCode::FAILURE
        }
    }
}

/// Shows and focuses the window and tells the web view to go to `at`.
fn navigate<R: Runtime>(app: &AppHandle<R>, at: At) {
    if let Some(window) = app.get_webview_window(MAIN_WINDOW) {
        // Each may fail on a window manager that refuses; the navigation still happens.
        let _ = window.unminimize();
        let _ = window.show();
        let _ = window.set_focus();
    }
    if let Err(error) = app.emit(NAVIGATE_EVENT, at) {
        eprintln!("downwatch-window: cannot send {NAVIGATE_EVENT}: {error}");
    }
}

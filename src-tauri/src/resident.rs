//! The `resident` event: the subscription to the resident's live events, forwarded to the
//! web view as [`WindowEvent`]s (see [`downwatch_api::follow`] for the reconnection).

use std::path::PathBuf;

use downwatch_api::WindowEvent;
use downwatch_api::follow::{Backoff, follow as follow_socket};
use tauri::{AppHandle, Emitter, Runtime};

/// The event's name.
pub const RESIDENT_EVENT: &str = "resident";

/// Follows the resident at `socket` for the app's whole life, emitting each
/// [`WindowEvent`] to the web view.
pub async fn follow<R: Runtime>(app: AppHandle<R>, socket: PathBuf) {
    follow_socket(&socket, Backoff::window(), |event: WindowEvent| {
        if let Err(error) = app.emit(RESIDENT_EVENT, &event) {
            // The web view is gone (the app is ending): nothing to follow for.
            eprintln!("downwatch-window: cannot send {RESIDENT_EVENT}: {error}");
            return false;
        }
        true
    })
    .await;
}

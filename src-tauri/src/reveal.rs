//! When the window shows. It is created hidden (`"visible": false` in tauri.conf.json) and
//! shown once the page has painted its first view (the `painted` command), so opening it
//! never flashes an empty white page, and the moment it maps is the moment it has something
//! to show. A page that has not said so [`SHOW_ANYWAY_AFTER`] after it loaded (its script
//! failed, or the resident is not answering and the view still says "Loading") is shown all
//! the same. The wait counts from the page's load, not the process's start, so a slow start
//! of WebKit (a cold page cache, a loaded machine) does not show an empty window.

use std::time::Duration;

use tauri::{AppHandle, Manager, Runtime, WebviewWindow};

use crate::MAIN_WINDOW;

/// How long after its page loaded the window may stay hidden waiting for the first view
/// (which comes a few hundred milliseconds after the load on the reference machine, about a
/// second at a load average of 7: docs/benchmarks.md).
pub const SHOW_ANYWAY_AFTER: Duration = Duration::from_secs(5);

/// Shows, unminimizes and focuses `window`. Each step may be refused (a window manager's
/// focus-stealing prevention); the others still happen.
pub fn show<R: Runtime>(window: &WebviewWindow<R>) {
    let _ = window.unminimize();
    let _ = window.show();
    let _ = window.set_focus();
}

/// The `painted` command: the page has painted its first view; the window shows. Later
/// calls change nothing a user sees (the window is already shown).
#[tauri::command]
pub fn painted<R: Runtime>(window: WebviewWindow<R>) {
    show(&window);
}

/// Shows the main window [`SHOW_ANYWAY_AFTER`] from now if the page has not asked for it by
/// then; started when the page has loaded.
pub async fn show_anyway<R: Runtime>(app: AppHandle<R>) {
    tokio::time::sleep(SHOW_ANYWAY_AFTER).await;
    let Some(window) = app.get_webview_window(MAIN_WINDOW) else {
        return;
    };
    if matches!(window.is_visible(), Ok(false)) {
        eprintln!(
            "downwatch-window: no first view {} s after the page loaded; showing the window anyway",
            SHOW_ANYWAY_AFTER.as_secs()
        );
        show(&window);
    }
}

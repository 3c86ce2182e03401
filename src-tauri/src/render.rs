//! How the web view draws: on the CPU, without accelerated compositing.
//!
//! WebKitGTK composites a page's layers with OpenGL by default
//! (`WebKitSettings:hardware-acceleration-policy`). The history window is a document of tables
//! and small charts: it gains nothing from the GPU, and where there is none (a virtual
//! machine, a remote desktop, Xvfb) Mesa's software rasteriser `llvmpipe` does that work on
//! the CPU, slowly. Measured on the reference 2-core machine (docs/benchmarks.md, issue 13):
//! drawing without compositing brought the first painted view from a median of about 1.2 s to
//! about 1.0 s and the web process's PSS from about 230 MiB to about 135 MiB.

use tauri::{Runtime, WebviewWindow};

/// Sets `window`'s web view to never use accelerated compositing
/// (`WEBKIT_HARDWARE_ACCELERATION_POLICY_NEVER`). It runs on the main thread just after the
/// view was created, while WebKit's web process is still starting (measured: the same
/// first-paint time and web process PSS as `WEBKIT_DISABLE_COMPOSITING_MODE=1` set before
/// the start). A failure is printed: the window still works, drawn the default way.
pub fn without_compositing<R: Runtime>(window: &WebviewWindow<R>) {
    #[cfg(target_os = "linux")]
    let result = window.with_webview(|webview| {
        use webkit2gtk::{HardwareAccelerationPolicy, SettingsExt, WebViewExt};
        if let Some(settings) = WebViewExt::settings(&webview.inner()) {
            settings.set_hardware_acceleration_policy(HardwareAccelerationPolicy::Never);
        }
    });
    #[cfg(not(target_os = "linux"))]
    let result: tauri::Result<()> = Ok(());
    if let Err(error) = result {
        eprintln!("downwatch-window: cannot set how the view draws: {error}");
    }
}

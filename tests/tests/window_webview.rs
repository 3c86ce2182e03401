//! The history window end to end: the real app (`downwatch-window`) in its real WebView,
//! launched and driven by WebKitWebDriver (`downwatch_e2e::webview`), reading a real
//! resident on the test bed through the local API. Every wait is on the DOM: the UI marks
//! each watch `[data-watch=NAME][data-state=STATE]`, the connection
//! `[data-connection=connected|disconnected]` and the view `[data-view=overview|watch|...]`.

use std::process::Command;

use downwatch_e2e::bin;
use downwatch_e2e::resident::{Scene, Timings, poll};
use downwatch_e2e::webview::{PATIENCE, WebView, descendants, webview_available, window_program};
use serde_json::json;

/// What a hostile server puts in a redirect's `Location`: markup that would set
/// `window.__xss` if it ever became an element.
const HOSTILE: &str = "http://<img src=x onerror=window.__xss=1>/";

/// The window's `[data-watch=NAME]` has `data-state` = `state`.
fn wait_state(view: &WebView, watch: &str, state: &str) {
    view.wait_attr(
        &format!("[data-watch={}]", json!(watch)),
        "data-state",
        state,
    );
}

/// The overview lists the resident's watches with their states; a fault on the test bed
/// shows live, in the same page (no reload); the page runs under the CSP (an inline script
/// is refused); a second start (`downwatch open --watch`, through the resident, over the
/// single-instance plugin) focuses the same window at that watch, whose failure message, a
/// server's markup, shows as text and runs nothing.
#[test]
fn the_window_shows_the_watches_live_and_a_second_start_navigates_it() {
    let Some(s) = Scene::start("window_live") else {
        return;
    };
    if !webview_available("window_live") {
        return;
    }
    let hostile_target = format!(
        "/location?to={}",
        HOSTILE
            .replace('<', "%3C")
            .replace('>', "%3E")
            .replace(' ', "%20")
    );
    let config = s.config(
        &Timings::default(),
        &[
            s.https("Web", "https_valid", "/"),
            s.https("Api", "https_h1", "/"),
            s.http("Hostile", &hostile_target),
        ],
    );
    // The resident starts the window of a second start: from this PATH, on this display.
    let window_dir = window_program().parent().unwrap().display().to_string();
    let path = format!("{window_dir}:/usr/local/bin:/usr/bin:/bin");
    let dw = s.run_with_env(&config, &[("PATH", &path), ("DISPLAY", &s.desktop.display)]);
    dw.wait_up(&["Web", "Api"], 60);
    let socket = dw.socket.display().to_string();

    let view = WebView::open(&s, &["--socket", &socket]);
    view.wait_attr("main[data-view]", "data-view", "overview");
    view.wait_attr("[data-connection]", "data-connection", "connected");
    wait_state(&view, "Web", "up");
    wait_state(&view, "Api", "up");
    wait_state(&view, "Hostile", "down");
    // A mark on this document: gone if the page were loaded again.
    view.js("window.__same_page = 42; return null;");

    s.ns.drop_port("tcp", s.bed.port("https_h1"), "", "reject with tcp reset");
    wait_state(&view, "Api", "down");
    wait_state(&view, "Web", "up");
    assert_eq!(view.js("return window.__same_page ?? null;"), json!(42));

    // The CSP (`script-src 'self'`) refuses an inline script; the report says which rule.
    let refused = view.js(
        "window.__violations = [];\
         document.addEventListener('securitypolicyviolation', e => window.__violations.push(e.violatedDirective));\
         const s = document.createElement('script'); s.textContent = 'window.__inline = 1';\
         document.head.appendChild(s);\
         return window.__inline === undefined;",
    );
    assert_eq!(refused, json!(true), "an inline script ran");
    let violations = view.wait(
        "the CSP's violation report",
        "return window.__violations.length ? window.__violations : null;",
    );
    assert!(
        violations.to_string().contains("script-src"),
        "{violations}"
    );

    let before = view.processes();
    let open = Command::new(bin("downwatch"))
        .args(["open", "--watch", "Hostile", "--socket", &socket])
        .env("LC_ALL", "C")
        .output()
        .unwrap();
    assert_eq!(
        open.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&open.stderr)
    );
    view.wait_attr("main[data-view]", "data-view", "watch");
    wait_state(&view, "Hostile", "down");
    let shown = view.wait(
        "the hostile Location shown as text",
        &format!(
            "return document.body.innerText.includes({}) || null;",
            json!("onerror=window.__xss=1")
        ),
    );
    assert_eq!(shown, json!(true));
    let inert = view.js(
        "return {xss: window.__xss === undefined, img: document.querySelector('img[onerror]') === null};",
    );
    assert_eq!(
        inert,
        json!({"xss": true, "img": true}),
        "{}",
        view.context()
    );
    assert_eq!(view.js("return window.__same_page ?? null;"), json!(42));

    // The second start handed over and exited, reaped by the resident; the first window
    // is the one shown.
    let resident = dw.pid().unwrap();
    poll(
        "the second window process gone",
        PATIENCE,
        || {
            let windows: Vec<u32> = descendants(resident)
                .into_iter()
                .filter(|pid| comm(*pid).starts_with("downwatch-wind"))
                .collect();
            windows.is_empty().then_some(())
        },
        || dw.context(),
    );
    assert_eq!(
        view.processes().first(),
        before.first(),
        "the window changed"
    );
    dw.assert_running();
}

/// The resident killed: the window says so; a resident back on the socket: it says so
/// and shows the watches again, without a reload.
#[test]
fn the_window_tells_when_the_resident_goes_and_comes_back() {
    let Some(s) = Scene::start("window_reconnect") else {
        return;
    };
    if !webview_available("window_reconnect") {
        return;
    }
    let config = s.config(&Timings::default(), &[s.https("Web", "https_valid", "/")]);
    let mut dw = s.run(&config);
    dw.wait_up(&["Web"], 60);
    let socket = dw.socket.clone();
    let view = WebView::open(&s, &["--socket", &socket.display().to_string()]);
    view.wait_attr("[data-connection]", "data-connection", "connected");
    wait_state(&view, "Web", "up");
    view.js("window.__same_page = 7; return null;");

    dw.crash();
    view.wait_attr("[data-connection]", "data-connection", "disconnected");

    let back = s.run_on_socket(&config, &socket);
    view.wait_attr("[data-connection]", "data-connection", "connected");
    back.wait_up(&["Web"], 60);
    wait_state(&view, "Web", "up");
    assert_eq!(view.js("return window.__same_page ?? null;"), json!(7));
}

/// A process's name (`/proc/PID/comm`, at most 15 bytes).
fn comm(pid: u32) -> String {
    std::fs::read_to_string(format!("/proc/{pid}/comm"))
        .map(|c| c.trim().to_owned())
        .unwrap_or_default()
}

/// Opened (from the launcher, say) with no resident running, the window starts one:
/// `downwatch run` found on its `PATH`, on the window's socket, reading the configuration
/// at its default place; the window then shows that resident's watches, and the resident
/// is the window's child (detached in its own process group, killed with the window here).
#[test]
fn with_no_resident_the_window_starts_one() {
    let Some(s) = Scene::start("window_launch") else {
        return;
    };
    if !webview_available("window_launch") {
        return;
    }
    let config = s.config(&Timings::default(), &[s.https("Web", "https_valid", "/")]);
    let dir = tempfile::tempdir().unwrap();
    let socket = dir.path().join("api.sock");
    let socket_arg = socket.display().to_string();
    let bin_dir = bin("downwatch").parent().unwrap().display().to_string();
    let view = WebView::open_with(&s, &["--socket", &socket_arg], |home| {
        let config_dir = home.join("config").join("downwatch");
        std::fs::create_dir_all(&config_dir).unwrap();
        std::fs::write(config_dir.join("config.toml"), &config).unwrap();
        vec![("PATH", format!("{bin_dir}:/usr/bin:/bin"))]
    });
    // The row exists only once a resident answered the window's snapshot.
    view.wait(
        "Web's row from the resident the window started",
        "return document.querySelector('[data-watch=\"Web\"]') !== null;",
    );
    let resident = poll(
        "a `downwatch run` under the window",
        PATIENCE,
        || {
            view.processes().into_iter().find(|pid| {
                let cmdline = std::fs::read(format!("/proc/{pid}/cmdline")).unwrap_or_default();
                let args: Vec<&[u8]> = cmdline.split(|b| *b == 0).collect();
                args.first().is_some_and(|a| a.ends_with(b"/downwatch"))
                    && args.get(1) == Some(&&b"run"[..])
            })
        },
        || view.context(),
    );
    let cmdline = std::fs::read_to_string(format!("/proc/{resident}/cmdline")).unwrap();
    assert!(cmdline.contains(&socket_arg), "{cmdline:?}");
    assert!(
        socket.exists(),
        "the resident listens on the window's socket"
    );
}

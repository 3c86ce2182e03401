//! The history window end to end: the real app (`downwatch-window`) in its real WebView,
//! launched and driven by WebKitWebDriver (`downwatch_e2e::webview`), reading a real
//! resident on the test bed through the local API. Every wait is on the DOM: the UI marks
//! each watch `[data-watch=NAME][data-state=STATE]`, the connection
//! `[data-connection=connected|disconnected]` and the view `[data-view=overview|watch|...]`.

use std::process::Command;

use downwatch_e2e::api::Conn;
use downwatch_e2e::bin;
use downwatch_e2e::history::now_ms;
use downwatch_e2e::resident::{Resident, Scene, Timings, poll};
use downwatch_e2e::webview::{
    PATIENCE, WebView, alive, comm, descendants, webview_available, window_program,
};
use downwatch_e2e::x11::{Rect, X11};
use nix::sys::signal::{Signal, kill};
use nix::unistd::Pid;
use serde_json::json;

/// What a hostile server puts in a redirect's `Location`: markup that would set
/// `window.__xss` if it ever became an element.
const HOSTILE: &str = "http://<img src=x onerror=window.__xss=1>/";

/// A scene for test `name` when the window can be driven here (else the test is skipped,
/// or fails under `DOWNWATCH_REQUIRE_WINDOW=1`).
fn scene(name: &str) -> Option<Scene> {
    let scene = Scene::start(name)?;
    webview_available(name).then_some(scene)
}

/// The window's `[data-watch=NAME]` has `data-state` = `state`.
fn wait_state(view: &WebView, watch: &str, state: &str) {
    view.wait_attr(
        &format!("[data-watch={}]", json!(watch)),
        "data-state",
        state,
    );
}

/// The overview lists the resident's watches with their states; a fault on the test bed
/// shows live, in the same page (no reload), then as an incident in the timeline and in the
/// watch's availability bar for today; the page runs under the CSP (an inline script
/// is refused); a second start (`downwatch open --watch`, through the resident, over the
/// single-instance plugin) focuses the same window at that watch, whose failure message, a
/// server's markup, shows as text and runs nothing.
#[test]
fn the_window_shows_the_watches_live_and_a_second_start_navigates_it() {
    let Some(s) = scene("window_live") else {
        return;
    };
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

    // The outage in the incidents timeline, and in the watch's availability bar for today
    // (each read once the history holds it: the views load when shown).
    wait_incident_stored(&dw.socket, "Api");
    view.js("location.hash = '#/incidents'; return null;");
    view.wait_attr("main[data-view]", "data-view", "incidents");
    view.wait(
        "Api's incident in the timeline",
        "return [...document.querySelectorAll('a[data-incident]')].some(a => a.textContent.includes('Api'));",
    );
    view.js("location.hash = '#/watch/Api'; return null;");
    view.wait_attr("main[data-view]", "data-view", "watch");
    let today = view.wait(
        "today's availability bar showing the outage",
        "const d = [...document.querySelectorAll('li.day')].pop();\
         return d && ['down', 'degraded'].includes(d.dataset.dayState) ? d.dataset.dayState : null;",
    );
    assert!(
        today == json!("down") || today == json!("degraded"),
        "{today}"
    );
    view.js("location.hash = '#/'; return null;");
    view.wait_attr("main[data-view]", "data-view", "overview");
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
    let Some(s) = scene("window_reconnect") else {
        return;
    };
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

/// Opened (from the launcher, say) with no resident running, the window starts one:
/// `downwatch run` found on its `PATH`, on the window's socket, reading the configuration
/// at its default place; the window then shows that resident's watches, and the resident
/// is the window's child (detached in its own process group, killed with the window here).
#[test]
fn with_no_resident_the_window_starts_one() {
    let Some(s) = scene("window_launch") else {
        return;
    };
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

/// Closed with its close button (what a window manager sends: `WM_DELETE_WINDOW`), the
/// window's process and WebKit's end, the resident runs on; the window's size and position,
/// changed by the user, come back at the next start (`tauri-plugin-window-state`, under its
/// `XDG_CONFIG_HOME`).
#[test]
fn closed_it_ends_with_webkit_and_comes_back_where_it_was() {
    let Some(s) = scene("window_close") else {
        return;
    };
    let dw = web_resident(&s);
    let socket = dw.socket.display().to_string();
    let args = ["--socket", socket.as_str()];
    let x = X11::connect(&s.desktop.display);

    let view = WebView::open(&s, &args);
    wait_state(&view, "Web", "up");
    let window = view.x11_window(&x);
    let started = x.rect(window);
    let moved = Rect {
        x: 40,
        y: 30,
        width: 900,
        height: 600,
    };
    assert_ne!(
        started, moved,
        "the test must move the window somewhere new"
    );
    x.set_rect(window, moved);
    // The page has the new size once the app has handled the resize.
    view.wait(
        "the page resized to 900x600",
        "return window.innerWidth === 900 && window.innerHeight === 600;",
    );
    let window_pid = view.window_pid();
    let webkit: Vec<u32> = view.processes().into_iter().skip(1).collect();
    assert!(
        webkit
            .iter()
            .any(|pid| comm(*pid).starts_with("WebKitWebProces")),
        "no WebKit web process under the window: {:?}",
        webkit.iter().map(|p| comm(*p)).collect::<Vec<_>>()
    );

    let home = view.close_as_user(&x);
    assert!(!alive(window_pid));
    assert!(webkit.iter().all(|pid| !alive(*pid)));
    dw.assert_running();
    let rounds_after = dw.events().len();
    dw.wait_rounds("Web", 1, 30);
    assert!(dw.events().len() > rounds_after);
    let remembered = home
        .path()
        .join("config/org.downwatch.window/.window-state.json");
    assert!(remembered.is_file(), "{} not written", remembered.display());

    let view = WebView::open_in(&s.desktop, &args, home, &[]);
    wait_state(&view, "Web", "up");
    let window = view.x11_window(&x);
    poll(
        "the window back at 40,30 with 900x600",
        PATIENCE,
        || (x.rect(window) == moved).then_some(()),
        || format!("the window is at {:?}", x.rect(window)),
    );
}

/// The window killed mid-use (SIGKILL: nothing of it runs any cleanup): the resident runs
/// on and keeps checking, and a new window shows everything, the checks of before the kill
/// included.
#[test]
fn killed_mid_use_it_loses_nothing() {
    let Some(s) = scene("window_kill") else {
        return;
    };
    let dw = web_resident(&s);
    let socket = dw.socket.display().to_string();
    let args = ["--socket", socket.as_str(), "--watch", "Web"];

    let view = WebView::open(&s, &args);
    view.wait_attr("main[data-view]", "data-view", "watch");
    wait_state(&view, "Web", "up");
    let window_pid = view.window_pid();
    let checks_before = checks_of(&dw.events(), "Web");
    // The log's first page holds 50 (ui/src/views/watch.ts): all of these fit on it.
    assert!(
        checks_before < 40,
        "{checks_before} checks: more than a page"
    );
    kill(Pid::from_raw(window_pid as i32), Signal::SIGKILL).unwrap();
    poll(
        "the killed window gone",
        PATIENCE,
        || (!alive(window_pid)).then_some(()),
        || dw.context(),
    );
    drop(view);

    dw.wait_rounds("Web", 2, 60);
    dw.assert_running();
    let view = WebView::open(&s, &args);
    view.wait_attr("main[data-view]", "data-view", "watch");
    wait_state(&view, "Web", "up");
    // The watch page's check log lists the resident's checks, newest first: at least as
    // many as were made before the kill.
    let shown = view.wait(
        "the check log with the checks from before the kill",
        &format!(
            "const n = document.querySelectorAll('tr.check').length; return n >= {checks_before} ? n : null;"
        ),
    );
    assert!(shown.as_u64().unwrap() >= checks_before as u64);
}

/// Waits until the resident's history, read through its API, holds an incident of `watch`
/// from the last hour: a view loaded after this shows it.
fn wait_incident_stored(socket: &std::path::Path, watch: &str) {
    let mut api = Conn::wait_for(socket, 30);
    poll(
        &format!("{watch}'s incident in the history"),
        PATIENCE,
        || {
            let now = now_ms();
            let answer = api
                .ok(json!({"call": "incidents", "from_ms": now - 3_600_000, "until_ms": now + 1, "watch": watch, "limit": 1}));
            answer["incidents"]
                .as_array()?
                .iter()
                .any(|i| i["watch"] == watch)
                .then_some(())
        },
        String::new,
    );
}

/// A resident with one watch, `Web` (the test bed's HTTPS server), once it is up.
fn web_resident(s: &Scene) -> Resident {
    let config = s.config(&Timings::default(), &[s.https("Web", "https_valid", "/")]);
    let dw = s.run(&config);
    dw.wait_up(&["Web"], 60);
    dw
}

/// How many checks of `watch` the resident reported.
fn checks_of(events: &[serde_json::Value], watch: &str) -> usize {
    events
        .iter()
        .filter(|e| e["event"] == "check" && e["watch"] == watch)
        .count()
}

/// Every piece of text a user meets in the page: text nodes and the `title`, `aria-label`
/// and `placeholder` attributes, one per line.
const PAGE_TEXT: &str = "const out = [];\
    const walk = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);\
    while (walk.nextNode()) out.push(walk.currentNode.nodeValue);\
    for (const e of document.body.querySelectorAll('[title],[aria-label],[placeholder]'))\
      for (const a of ['title', 'aria-label', 'placeholder']) if (e.hasAttribute(a)) out.push(e.getAttribute(a));\
    out.push(document.title);\
    return out.join('\\n');";

/// The Latin words of `text` that are not data: a run between U+2066 (LRI) and U+2069
/// (PDI) is an address, a code or a number the UI isolated; `data` are the watches' names;
/// all-capital words are the protocols' own names (TLS, DNS, NXDOMAIN...); "Downwatch" is
/// the product's name and "English" the other language's own name in the switch.
fn english_left(text: &str, data: &[&str]) -> Vec<String> {
    let mut plain = String::new();
    let mut depth = 0usize;
    for c in text.chars() {
        match c {
            '\u{2066}'..='\u{2068}' => depth += 1,
            '\u{2069}' => depth = depth.saturating_sub(1),
            c if depth == 0 => plain.push(c),
            _ => {}
        }
    }
    for name in data {
        plain = plain.replace(name, " ");
    }
    plain
        .split(|c: char| !(c.is_ascii_alphabetic() || c == '-'))
        .map(|w| w.trim_matches('-'))
        .filter(|w| w.chars().filter(char::is_ascii_alphabetic).count() >= 2)
        .filter(|w| !w.chars().all(|c| c.is_ascii_uppercase() || c == '-'))
        .filter(|w| !["Downwatch", "English", "Content-Length", "Ctrl"].contains(w))
        .map(str::to_owned)
        .collect()
}

/// Switched to Arabic in the window, every view is right to left and has no English left
/// (data apart: the watches' names and the isolated addresses and numbers); switched back,
/// it is English and left to right again.
#[test]
fn in_arabic_every_view_is_right_to_left_with_no_english_left() {
    let Some(s) = scene("window_arabic") else {
        return;
    };
    let config = s.config(
        &Timings::default(),
        &[
            s.https("Web", "https_valid", "/"),
            s.https("Api", "https_h1", "/"),
        ],
    );
    let dw = s.run(&config);
    dw.wait_up(&["Web", "Api"], 60);
    s.ns.drop_port("tcp", s.bed.port("https_h1"), "", "reject with tcp reset");
    dw.wait_for("Api down", 60, |ev| {
        ev.iter()
            .any(|e| e["event"] == "state" && e["watch"] == "Api" && e["to"] == "down")
            .then_some(())
    });
    wait_incident_stored(&dw.socket, "Api");
    let socket = dw.socket.display().to_string();
    let view = WebView::open(&s, &["--socket", &socket]);
    wait_state(&view, "Api", "down");
    view.js("const l = document.getElementById('lang'); l.value = 'ar';\
         l.dispatchEvent(new Event('change')); return null;");
    view.wait(
        "the page in Arabic, right to left",
        "return document.documentElement.dir === 'rtl' && document.documentElement.lang === 'ar';",
    );
    // Each view, once every part that loads on its own is there (rows, sparklines, the
    // day bars, the incidents, the check log): their text is checked too.
    for (hash, view_name, ready) in [
        (
            "#/",
            "overview",
            &["[data-watch=\"Api\"][data-state=down]", "main svg"][..],
        ),
        (
            "#/watch/Api",
            "watch",
            &["tr.check", "li.day", "[data-incident]"][..],
        ),
        ("#/incidents", "incidents", &["[data-incident]"][..]),
    ] {
        view.js(&format!("location.hash = {}; return null;", json!(hash)));
        view.wait_attr("main[data-view]", "data-view", view_name);
        view.wait(
            &format!("{view_name} filled: {ready:?}"),
            &format!(
                "return {}.every(s => document.querySelector(s) !== null);",
                json!(ready)
            ),
        );
        let text = view.js(PAGE_TEXT);
        let text = text.as_str().unwrap();
        assert_eq!(
            view.js("return document.documentElement.dir;"),
            json!("rtl")
        );
        let left = english_left(text, &["Web", "Api"]);
        assert!(
            left.is_empty(),
            "{view_name}: English left: {left:?}\n{text}"
        );
        assert!(
            text.chars().any(|c| ('\u{0600}'..='\u{06FF}').contains(&c)),
            "{view_name}: no Arabic at all\n{text}"
        );
    }
    view.js("const l = document.getElementById('lang'); l.value = 'en';\
         l.dispatchEvent(new Event('change')); return null;");
    view.wait(
        "the page back in English, left to right",
        "return document.documentElement.dir === 'ltr' && document.documentElement.lang === 'en';",
    );
    // Arabic's own name stays in the language switch.
    let text = view.js(PAGE_TEXT).as_str().unwrap().replace("العربية", "");
    assert!(
        !text.chars().any(|c| ('\u{0600}'..='\u{06FF}').contains(&c)),
        "Arabic left in English: {text}"
    );
}

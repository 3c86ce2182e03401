//! The history window (`downwatch-window`, built from `src-tauri/`) in its real WebView,
//! driven over WebDriver: Debian's `WebKitWebDriver` (webkit2gtk-driver) started with
//! `TAURI_WEBVIEW_AUTOMATION=true` launches the app binary itself (capability
//! `webkitgtk:browserOptions`), on the scene's X display and session bus, with a `HOME` of
//! its own. The tests speak WebDriver through `fantoccini` and wait on the DOM (polled
//! with a generous deadline), never on time.
//!
//! Talking to WebKitWebDriver directly: through `tauri-driver` about one session in five
//! failed to start here.
//!
//! Everything started is killed and reaped on drop. WebKit's helper processes outlive a
//! killed parent for a moment and would be reparented to PID 1, which does not reap in a
//! container: the test process makes itself a child subreaper, so they come back to it,
//! and reaps them.

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::{Client, ClientBuilder};
use hyper_util::client::legacy::connect::HttpConnector;
use nix::sys::signal::{Signal, kill};
use nix::sys::wait::{WaitPidFlag, waitpid};
use nix::unistd::Pid;
use serde_json::{Value, json};

use crate::resident::{Desktop, Scene, poll};
use crate::x11::{Window, X11};

/// How long the DOM may take to show what a test waits for (a safety net: the waits end on
/// what they see, and a loaded 2-core machine builds and runs other tests meanwhile).
pub const PATIENCE: Duration = Duration::from_secs(60);

/// The window's program: `DOWNWATCH_WINDOW` when set, else `src-tauri`'s debug build.
pub fn window_program() -> PathBuf {
    match std::env::var_os("DOWNWATCH_WINDOW") {
        Some(path) => PathBuf::from(path),
        None => {
            Path::new(env!("CARGO_MANIFEST_DIR")).join("../src-tauri/target/debug/downwatch-window")
        }
    }
}

/// True when the window can be driven here (the window built, `WebKitWebDriver`
/// installed); otherwise prints `SKIPPED` and why. With `DOWNWATCH_REQUIRE_WINDOW=1` (set
/// by the project's test command) a skip is a failure.
pub fn webview_available(test: &str) -> bool {
    let program = window_program();
    let missing = if !program.is_file() {
        Some(format!(
            "{} is not built (scripts/test.sh builds it: cargo build --manifest-path src-tauri/Cargo.toml)",
            program.display()
        ))
    } else if Command::new("WebKitWebDriver")
        .arg("--version")
        .output()
        .is_err()
    {
        Some("WebKitWebDriver is not installed (webkit2gtk-driver)".to_owned())
    } else {
        None
    };
    match missing {
        None => true,
        Some(why) => {
            assert!(
                std::env::var("DOWNWATCH_REQUIRE_WINDOW").as_deref() != Ok("1"),
                "{test}: DOWNWATCH_REQUIRE_WINDOW=1 but {why}"
            );
            eprintln!("SKIPPED {test}: {why}");
            false
        }
    }
}

/// One window, launched by WebDriver, and the session driving it.
pub struct WebView {
    client: Option<Client>,
    runtime: tokio::runtime::Runtime,
    driver: Option<Child>,
    /// Every process seen under the driver (the window, WebKit's helpers), to reap.
    seen: std::cell::RefCell<Vec<u32>>,
    /// The window's `HOME`; taken by [`WebView::close_as_user`] for the next start.
    home: Option<tempfile::TempDir>,
}

impl WebView {
    /// Starts WebKitWebDriver and a session whose browser is the window, started with
    /// `args` (`--socket PATH`, `--watch NAME`...). Returns once the session exists, which
    /// is once the window's WebView is up.
    pub fn open(scene: &Scene, args: &[&str]) -> WebView {
        WebView::open_with(scene, args, |_| Vec::new())
    }

    /// As [`WebView::open`], with `prepare` called first on the window's `HOME` (its
    /// `XDG_CONFIG_HOME` is `HOME/config`): it may write files there and returns
    /// environment variables to set for the driver and the window (`PATH`, say).
    pub fn open_with(
        scene: &Scene,
        args: &[&str],
        prepare: impl FnOnce(&Path) -> Vec<(&'static str, String)>,
    ) -> WebView {
        let home = tempfile::tempdir().expect("temp dir");
        let env = prepare(home.path());
        WebView::open_in(&scene.desktop, args, home, &env)
    }

    /// As [`WebView::open`], on `desktop`'s display and bus, with `home` as the window's
    /// `HOME` (one a closed window left, with what it remembered) and `env` set for the
    /// driver and the window.
    pub fn open_in(
        desktop: &Desktop,
        args: &[&str],
        home: tempfile::TempDir,
        env: &[(&'static str, String)],
    ) -> WebView {
        nix::sys::prctl::set_child_subreaper(true).expect("become a child subreaper");
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("a runtime for the WebDriver client");
        let (driver, port) = start_driver(desktop, home.path(), env);
        let mut view = WebView {
            client: None,
            runtime,
            driver: Some(driver),
            seen: std::cell::RefCell::new(Vec::new()),
            home: Some(home),
        };
        let mut caps = serde_json::Map::new();
        caps.insert(
            "webkitgtk:browserOptions".into(),
            json!({"binary": window_program(), "args": args}),
        );
        let url = format!("http://127.0.0.1:{port}");
        let connect = async {
            ClientBuilder::new(HttpConnector::new())
                .capabilities(caps)
                .connect(&url)
                .await
        };
        let client = match view
            .runtime
            .block_on(async { tokio::time::timeout(PATIENCE, connect).await })
        {
            Ok(Ok(client)) => client,
            Ok(Err(e)) => panic!("WebDriver session: {e}"),
            Err(_) => panic!("no WebDriver session within {PATIENCE:?}"),
        };
        view.client = Some(client);
        view.note_processes();
        view
    }

    fn client(&self) -> &Client {
        self.client.as_ref().expect("a session until dropped")
    }

    /// Runs `script` (a function body: `return ...`) in the page; its value.
    pub fn js(&self, script: &str) -> Value {
        self.runtime
            .block_on(self.client().execute(script, Vec::new()))
            .unwrap_or_else(|e| panic!("script {script:?}: {e}"))
    }

    /// Polls `script` until it returns something else than `null`, `false` or `undefined`;
    /// returns that. Fails after [`PATIENCE`] with `what` and the page's text. A script
    /// that fails (the page is loading) counts as not yet.
    pub fn wait(&self, what: &str, script: &str) -> Value {
        poll(
            what,
            PATIENCE,
            || {
                let value = self
                    .runtime
                    .block_on(self.client().execute(script, Vec::new()))
                    .ok()?;
                (!matches!(value, Value::Null | Value::Bool(false))).then_some(value)
            },
            || self.context(),
        )
    }

    /// Waits until the element `selector` has `attr` = `value` (a `data-*` attribute, say).
    pub fn wait_attr(&self, selector: &str, attr: &str, value: &str) {
        let script = format!(
            "const e = document.querySelector({}); return e !== null && e.getAttribute({}) === {};",
            json!(selector),
            json!(attr),
            json!(value)
        );
        self.wait(&format!("{selector} with {attr}={value:?}"), &script);
    }

    /// The page's view and text, for failure messages.
    pub fn context(&self) -> String {
        let page = self
            .runtime
            .block_on(self.client().execute(
                "return (document.querySelector('[data-view]')?.outerHTML ?? '').slice(0, 400) + '\\n' + document.body.innerText.slice(0, 3000);",
                Vec::new(),
            ))
            .map(|v| v.as_str().unwrap_or_default().to_owned())
            .unwrap_or_else(|e| format!("(page unreadable: {e})"));
        format!("--- window page ---\n{page}")
    }

    /// A PNG of the window.
    pub fn screenshot(&self) -> Vec<u8> {
        self.runtime
            .block_on(self.client().screenshot())
            .expect("screenshot")
    }

    /// The pids of the processes under the driver now: the window first, then WebKit's.
    pub fn processes(&self) -> Vec<u32> {
        let driver = self.driver.as_ref().map(Child::id).unwrap_or_default();
        descendants(driver)
    }

    fn note_processes(&self) {
        let mut seen = self.seen.borrow_mut();
        for pid in self.processes() {
            if !seen.contains(&pid) {
                seen.push(pid);
            }
        }
    }

    /// The window's process (the driver's child).
    pub fn window_pid(&self) -> u32 {
        *self.processes().first().expect("the window's process")
    }

    /// The window's mapped X11 top-level, once it has one.
    pub fn x11_window(&self, x: &X11) -> Window {
        let pid = self.window_pid();
        poll(
            "the window's X11 top-level",
            PATIENCE,
            || x.windows_of(pid).first().copied(),
            || self.context(),
        )
    }

    /// Closes the window as its title bar's close button would ([`X11::close`]), then
    /// waits until its process and every WebKit process under it have ended. Returns its
    /// `HOME`, with what the window wrote there, for [`WebView::open_in`].
    pub fn close_as_user(mut self, x: &X11) -> tempfile::TempDir {
        let window = self.x11_window(x);
        self.note_processes();
        let tree = self.processes();
        x.close(window);
        poll(
            "the window's process and WebKit's ended",
            PATIENCE,
            || tree.iter().all(|pid| !alive(*pid)).then_some(()),
            || {
                let left: Vec<String> = tree
                    .iter()
                    .filter(|pid| alive(**pid))
                    .map(|pid| format!("{pid} ({})", comm(*pid)))
                    .collect();
                format!("still running: {left:?}")
            },
        );
        // The session's browser is gone: drop it without a round trip to the driver.
        drop(self.client.take());
        self.home.take().expect("the home until closed")
    }

    /// The `HOME` the window runs with (its remembered size and position live under it).
    pub fn home(&self) -> &Path {
        self.home.as_ref().expect("the home until closed").path()
    }
}

impl Drop for WebView {
    fn drop(&mut self) {
        self.note_processes();
        if let Some(client) = self.client.take() {
            // Ends the session (the driver closes the window); bounded, it is cleanup.
            let _ = self.runtime.block_on(async {
                tokio::time::timeout(Duration::from_secs(10), client.close()).await
            });
        }
        self.note_processes();
        let mut pids = self.seen.borrow().clone();
        if let Some(mut driver) = self.driver.take() {
            pids.push(driver.id());
            for pid in &pids {
                let _ = kill(Pid::from_raw(*pid as i32), Signal::SIGKILL);
            }
            let _ = driver.wait();
        }
        reap(&pids);
    }
}

/// Starts WebKitWebDriver on a free loopback port; retries another port when the one picked
/// was taken meanwhile (the driver then exits).
fn start_driver(desktop: &Desktop, home: &Path, env: &[(&str, String)]) -> (Child, u16) {
    let runtime_dir = home.join("run");
    std::fs::create_dir_all(&runtime_dir).expect("runtime dir");
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&runtime_dir, std::fs::Permissions::from_mode(0o700))
        .expect("runtime dir mode");
    for _ in 0..5 {
        let port = TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("a free port")
            .port();
        let mut driver = Command::new("WebKitWebDriver")
            .arg(format!("--port={port}"))
            .args(["--host=127.0.0.1"])
            .env("TAURI_WEBVIEW_AUTOMATION", "true")
            .env("DISPLAY", &desktop.display)
            .env("DBUS_SESSION_BUS_ADDRESS", &desktop.bus.address)
            .env("HOME", home)
            .env("XDG_CONFIG_HOME", home.join("config"))
            .env("XDG_DATA_HOME", home.join("data"))
            .env("XDG_CACHE_HOME", home.join("cache"))
            .env("XDG_RUNTIME_DIR", &runtime_dir)
            .env("LANG", "C.UTF-8")
            // No accessibility bus: GTK would have the session bus start at-spi's launcher and
            // its own dbus-daemon, which outlive the test's bus as orphans.
            .env("NO_AT_BRIDGE", "1")
            .env_remove("LC_ALL")
            .envs(env.iter().map(|(k, v)| (k, v)))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start WebKitWebDriver");
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
                return (driver, port);
            }
            if driver.try_wait().ok().flatten().is_some() || Instant::now() > deadline {
                let _ = driver.kill();
                let _ = driver.wait();
                break;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }
    panic!("WebKitWebDriver did not listen on any of 5 ports");
}

/// Every process below `root`, parents before children.
pub fn descendants(root: u32) -> Vec<u32> {
    let mut parents: Vec<(u32, u32)> = Vec::new();
    if let Ok(entries) = std::fs::read_dir("/proc") {
        for entry in entries.flatten() {
            let Ok(pid) = entry.file_name().to_string_lossy().parse::<u32>() else {
                continue;
            };
            if let Some(ppid) = parent_of(pid) {
                parents.push((pid, ppid));
            }
        }
    }
    let mut found = vec![root];
    let mut i = 0;
    while i < found.len() {
        let parent = found[i];
        found.extend(
            parents
                .iter()
                .filter(|(_, p)| *p == parent)
                .map(|(c, _)| *c),
        );
        i += 1;
    }
    found.remove(0);
    found
}

/// The parent of `pid`, from `/proc/PID/stat` (its fourth field, after the name in
/// parentheses, which may hold spaces).
pub fn parent_of(pid: u32) -> Option<u32> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    let after = &stat[stat.rfind(')')? + 2..];
    after.split_whitespace().nth(1)?.parse().ok()
}

/// Waits until none of `pids` exists, reaping those that became this process's children.
fn reap(pids: &[u32]) {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let left: Vec<u32> = pids
            .iter()
            .copied()
            .filter(|pid| Path::new(&format!("/proc/{pid}")).exists())
            .collect();
        if left.is_empty() || Instant::now() > deadline {
            if !left.is_empty() {
                eprintln!("webview: processes left behind: {left:?}");
            }
            return;
        }
        for pid in &left {
            let _ = waitpid(Pid::from_raw(*pid as i32), Some(WaitPidFlag::WNOHANG));
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// True while `pid` runs: it exists and is not a zombie (`/proc/PID/stat`'s state `Z`).
pub fn alive(pid: u32) -> bool {
    let Ok(stat) = std::fs::read_to_string(format!("/proc/{pid}/stat")) else {
        return false;
    };
    stat.rfind(')')
        .and_then(|i| stat[i + 1..].split_whitespace().next())
        .is_some_and(|state| state != "Z" && state != "X")
}

/// A process's name (`/proc/PID/comm`, at most 15 bytes); empty once it is gone.
pub fn comm(pid: u32) -> String {
    std::fs::read_to_string(format!("/proc/{pid}/comm"))
        .map(|c| c.trim().to_owned())
        .unwrap_or_default()
}

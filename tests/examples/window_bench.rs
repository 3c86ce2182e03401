//! The history window's cost (issue 13), on the year of history `history_year` wrote for 50
//! watches (`cargo run --release -p downwatch-store --example history_year -- DIR 300 50`):
//!
//! 1. **Time to the first painted view**, cold (the OS page cache dropped first, as root)
//!    then warm: from asking WebKitWebDriver for a session (it starts the window program,
//!    as the resident does on "Open history") until the overview shows all 50 watches,
//!    each with its state, polled in the page every few milliseconds. The driver's own
//!    start is outside the figure, its session setup inside it: an upper bound. Beside it,
//!    the page's start marks (`ui/src/marks.ts`), ms after its navigation started.
//! 2. **The window's process tree's PSS** while open (the window, WebKit's web and network
//!    processes), from `/proc/PID/smaps_rollup`.
//! 3. **Time from "Open history" to the first painted view, without WebDriver**, for
//!    OPENS windows opened through `downwatch open` (the resident starts the window,
//!    detached, and reaps it, as on the tray's "Open history"), the first cold (page cache
//!    dropped), the others warm: from starting `downwatch open` until the middle band of
//!    the window's X11 top-level (where the overview's rows are) holds more than its
//!    background colour (`GetImage` after each drawing X reports through its DAMAGE
//!    extension); the time it mapped (empty) beside it. WebKit draws nothing until the
//!    page is "visually non-empty", which for this page is the overview with its rows;
//!    with SHOTS_DIR the first two are captured (ImageMagick's `import`) at that moment,
//!    to look at what the first painted view holds.
//! 4. **The resident's PSS before and after those OPENS windows**, each closed as a user
//!    does (`WM_DELETE_WINDOW`) 3 s after it mapped; before them, as a control, its PSS
//!    every 10 s over 60 s (or `IDLE_S`) with no window open; after them, which of its
//!    mappings changed.
//! 5. **The incidents timeline, range by range** (24 h, 7 d, 30 d, 90 d), in a warm window:
//!    from the click on a range until the view has drawn it (`data-shown-range`), on the
//!    page's clock, with how many incidents it drew; with SHOTS_DIR the last (90 days) is
//!    captured as `timeline-90d.png`.
//!
//! Everything runs on a private Xvfb display and session bus; the resident's 50 watches
//! are loopback ports nothing listens on, its connectivity controls a listener of this
//! process: nothing leaves the machine. The data directory is copied first, so the year
//! stays as written.
//!
//! ```text
//! DOWNWATCH_WINDOW=src-tauri/target/release/downwatch-window \
//!   cargo run --release -p downwatch-e2e --example window_bench -- \
//!   target/release/downwatch DATA_DIR [OPENS [SHOTS_DIR]]
//! ```

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use downwatch_e2e::resident::{Desktop, poll};
use downwatch_e2e::webview::{WebView, alive, comm, descendants, window_program};
use downwatch_e2e::x11::X11;

const WATCHES: u32 = 50;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let usage = "usage: window_bench DOWNWATCH DATA_DIR [OPENS [SHOTS_DIR]]";
    let downwatch = PathBuf::from(args.next().ok_or(usage)?);
    let data = PathBuf::from(args.next().ok_or(usage)?);
    let opens: usize = args.next().map_or(Ok(10), |s| s.parse())?;
    let shots = args.next().map(PathBuf::from);
    let window = window_program();
    if !window.is_file() {
        return Err(format!("{} is not built (DOWNWATCH_WINDOW)", window.display()).into());
    }
    nix::sys::prctl::set_child_subreaper(true)?;

    let scratch = tempfile::tempdir()?;
    let data_copy = scratch.path().join("data");
    std::fs::create_dir(&data_copy)?;
    for file in ["history.sqlite3", "history.sqlite3-wal"] {
        if data.join(file).exists() {
            std::fs::copy(data.join(file), data_copy.join(file))?;
        }
    }
    let control = TcpListener::bind("127.0.0.1:0")?;
    let control_port = control.local_addr()?.port();
    std::thread::spawn(move || for _ in control.incoming() {});
    let closed_port = TcpListener::bind("127.0.0.1:0")?.local_addr()?.port();
    let config = scratch.path().join("config.toml");
    std::fs::write(&config, config_text(control_port, closed_port))?;
    let socket = scratch.path().join("api.sock");
    let socket_arg = socket.display().to_string();

    let desktop = Desktop::start();
    let x = X11::connect(&desktop.display);
    let window_dir = window.parent().ok_or("the window's directory")?;
    let path = format!("{}:/usr/local/bin:/usr/bin:/bin", window_dir.display());
    let home = scratch.path().join("home");
    std::fs::create_dir(&home)?;
    let log = std::fs::File::create(scratch.path().join("resident.log"))?;
    let resident = Stopped(
        Command::new(&downwatch)
            .args(["run", "--headless", "--config"])
            .arg(&config)
            .arg("--data-dir")
            .arg(&data_copy)
            .args(["--socket", &socket_arg])
            .env("PATH", &path)
            .env("HOME", &home)
            .env("DISPLAY", &desktop.display)
            .env("DBUS_SESSION_BUS_ADDRESS", &desktop.bus.address)
            .stdin(Stdio::null())
            .stdout(log.try_clone()?)
            .stderr(log)
            .spawn()?,
    );
    let resident_pid = resident.0.id();
    poll(
        "the resident's socket",
        Duration::from_secs(60),
        || std::os::unix::net::UnixStream::connect(&socket).ok(),
        || read(&scratch.path().join("resident.log")),
    );
    println!("load average at start: {}", load());

    // 1 and 2: through WebDriver, cold then warm.
    let mut window_home = tempfile::tempdir()?;
    for (run, cold) in [("cold", true), ("warm", false), ("warm", false)] {
        let dropped = cold && drop_page_cache();
        let asked_epoch_ms = epoch_ms();
        let asked = Instant::now();
        let view = WebView::open_in(&desktop, &["--socket", &socket_arg], window_home, &[]);
        let session = asked.elapsed();
        // The page's own clock when it first has the rows: `performance.now()`, ms since
        // its navigation started (`performance.timeOrigin`, ms since the epoch).
        let rows_at = view.wait(
            "the overview with every watch's state",
            &format!(
                "return document.querySelectorAll('[data-watch][data-state]').length >= {WATCHES} ? performance.now() : null;"
            ),
        );
        let shown = asked.elapsed();
        let timing = view.js(
            "const n = performance.getEntriesByType('navigation')[0];\
             const marks = performance.getEntriesByType('mark')\
               .map((m) => m.name + ' +' + Math.round(m.startTime)).join(', ');\
             return {origin: performance.timeOrigin, dcl: n.domContentLoadedEventEnd, load: n.loadEventEnd, marks};",
        );
        let origin = timing["origin"].as_f64().unwrap_or(0.0) - asked_epoch_ms;
        // A moment for what loads after the rows (uptimes, sparklines) before the PSS.
        std::thread::sleep(Duration::from_secs(3));
        let tree = view.processes();
        let each: Vec<String> = tree
            .iter()
            .map(|pid| format!("{} {:.1}", comm(*pid), pss_kib(*pid) as f64 / 1024.0))
            .collect();
        let pss: u64 = tree.iter().map(|pid| pss_kib(*pid)).sum();
        println!(
            "{run}{}: session {:.0} ms, first painted view {:.0} ms (navigation start +{:.0} ms, \
             DOMContentLoaded +{:.0} ms, rows +{:.0} ms after navigation start; marks: {}); \
             window tree PSS {:.1} MiB ({}); load {}",
            if cold && !dropped {
                " (page cache NOT dropped: not root)"
            } else {
                ""
            },
            session.as_secs_f64() * 1e3,
            shown.as_secs_f64() * 1e3,
            origin,
            timing["dcl"].as_f64().unwrap_or(0.0),
            rows_at.as_f64().unwrap_or(0.0),
            timing["marks"].as_str().unwrap_or(""),
            pss as f64 / 1024.0,
            each.join(", "),
            load()
        );
        window_home = view.close_as_user(&x);
    }

    // 5: the incidents timeline, range by range, in a warm window: from the click on a
    // range until the view has drawn it (`data-shown-range`), on the page's own clock. It
    // reads its range's pages of 1,000 and draws every incident as a bar and a list item.
    let view = WebView::open_in(&desktop, &["--socket", &socket_arg], window_home, &[]);
    view.wait(
        "the overview",
        "return document.querySelector('[data-watch][data-state]') ? true : null;",
    );
    view.js("window.__asked = performance.now(); location.hash = '#/incidents'; return null;");
    for (key, ms) in [
        ("", 86_400_000_u64),
        ("range-7d", 7 * 86_400_000),
        ("range-30d", 30 * 86_400_000),
        ("range-90d", 90 * 86_400_000),
    ] {
        if !key.is_empty() {
            view.js(&format!(
                "window.__asked = performance.now(); \
                 document.querySelector('[data-key=\"{key}\"]').click(); return null;"
            ));
        }
        let drawn = view.wait(
            &format!("the timeline over {ms} ms"),
            &format!(
                "const v = document.querySelector('.incidents-view');\
                 return v && v.dataset.shownRange === '{ms}' ? \
                   {{ms: performance.now() - window.__asked, \
                    bars: document.querySelectorAll('svg rect.bar').length}} : null;"
            ),
        );
        println!(
            "timeline {}: drawn {:.0} ms after asked, {} incidents; load {}",
            if key.is_empty() { "24 h (opened)" } else { key },
            drawn["ms"].as_f64().unwrap_or(0.0),
            drawn["bars"],
            load()
        );
    }
    if let Some(dir) = &shots {
        std::fs::write(dir.join("timeline-90d.png"), view.screenshot())?;
    }
    drop(view.close_as_user(&x));

    // The control for 4: the resident's PSS with no window, every 10 s for IDLE_S seconds
    // (default 60; longer lets what fills with time alone, such as the writer's page
    // cache, fill before the opens).
    let idle_s: u64 = std::env::var("IDLE_S").map_or(Ok(60), |s| s.parse())?;
    let mut idle = vec![pss_kib(resident_pid)];
    for _ in 0..idle_s.div_ceil(10) {
        std::thread::sleep(Duration::from_secs(10));
        idle.push(pss_kib(resident_pid));
    }
    println!(
        "resident PSS with no window, every 10 s over {idle_s} s: {} MiB",
        idle.iter()
            .map(|k| format!("{:.2}", *k as f64 / 1024.0))
            .collect::<Vec<_>>()
            .join(" ")
    );

    // 3 and 4: OPENS opens through `downwatch open`, timed to the map; the resident's PSS.
    let before = pss_kib(resident_pid);
    let before_by_mapping = pss_by_mapping(resident_pid);
    let mut after_each = Vec::new();
    let mut first_views = Vec::new();
    for n in 0..opens {
        let dropped = n == 0 && drop_page_cache();
        let asked = Instant::now();
        let status = Command::new(&downwatch)
            .args(["open", "--socket", &socket_arg])
            .status()?;
        if !status.success() {
            return Err(format!("downwatch open: {status}").into());
        }
        let (window_pid, mapped) = until_mapped(&x, resident_pid).ok_or_else(|| {
            format!(
                "no window mapped within 60 s: {}",
                read(&scratch.path().join("resident.log"))
            )
        })?;
        let map = asked.elapsed();
        // Painted: the middle band of the window (where the overview's rows are) holds more
        // than the background colour. Read only when X reports a drawing into the window,
        // to take next to no CPU from the window being timed.
        if !x.wait_painted(mapped, 0.35, 0.65, Instant::now() + Duration::from_secs(60)) {
            return Err("the window was not painted within 60 s".into());
        }
        let first_view = asked.elapsed();
        if let Some(dir) = shots.as_ref().filter(|_| n < 2) {
            std::fs::create_dir_all(dir)?;
            let file = dir.join(format!(
                "first-view-{}.png",
                if n == 0 { "cold" } else { "warm" }
            ));
            Command::new("import")
                .args(["-display", &desktop.display, "-window"])
                .arg(mapped.to_string())
                .arg(&file)
                .status()?;
        }
        first_views.push(format!(
            "{:.0} (mapped {:.0}){}",
            first_view.as_secs_f64() * 1e3,
            map.as_secs_f64() * 1e3,
            match (n, dropped) {
                (0, true) => " (cold)",
                (0, false) => " (page cache NOT dropped: not root)",
                _ => "",
            }
        ));
        let tree = descendants(window_pid);
        std::thread::sleep(Duration::from_secs(3));
        x.close(mapped);
        poll(
            "the window and WebKit ended",
            Duration::from_secs(60),
            || (!alive(window_pid) && tree.iter().all(|pid| !alive(*pid))).then_some(()),
            String::new,
        );
        for pid in tree {
            let _ = nix::sys::wait::waitpid(
                nix::unistd::Pid::from_raw(pid as i32),
                Some(nix::sys::wait::WaitPidFlag::WNOHANG),
            );
        }
        after_each.push(pss_kib(resident_pid));
    }
    let mib = |kib: u64| format!("{:.2}", kib as f64 / 1024.0);
    println!(
        "\"Open history\" (downwatch open) to the window's first view painted, ms: {}; load {}",
        first_views.join(", "),
        load()
    );
    println!(
        "resident PSS: {} MiB before, after each of {opens} opens and closes: {} MiB; load {}",
        mib(before),
        after_each
            .iter()
            .map(|k| mib(*k))
            .collect::<Vec<_>>()
            .join(" "),
        load()
    );
    let after_by_mapping = pss_by_mapping(resident_pid);
    let changed: Vec<String> = before_by_mapping
        .keys()
        .chain(after_by_mapping.keys())
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .filter_map(|name| {
            let (was, is) = (
                before_by_mapping.get(name).copied().unwrap_or(0),
                after_by_mapping.get(name).copied().unwrap_or(0),
            );
            (was != is).then(|| format!("{name} {was} -> {is}"))
        })
        .collect();
    println!(
        "resident PSS by mapping that changed over the opens, KiB: {}",
        if changed.is_empty() {
            "none".to_string()
        } else {
            changed.join(", ")
        }
    );
    drop(resident);
    Ok(())
}

/// `pid`'s PSS in KiB by mapping (`/proc/PID/smaps`): a file's mappings under its name,
/// `[heap]`, `[stack]` and the like under theirs, anonymous mappings by their size.
fn pss_by_mapping(pid: u32) -> std::collections::BTreeMap<String, u64> {
    let mut by = std::collections::BTreeMap::new();
    let text = std::fs::read_to_string(format!("/proc/{pid}/smaps")).unwrap_or_default();
    let mut name = String::new();
    for line in text.lines() {
        let mut fields = line.split_whitespace();
        let first = fields.next().unwrap_or("");
        if first.contains('-') && !first.ends_with(':') {
            // A mapping's header: range, perms, offset, device, inode, [path].
            let size_kib = first
                .split_once('-')
                .and_then(|(a, b)| {
                    Some(
                        (u64::from_str_radix(b, 16).ok()? - u64::from_str_radix(a, 16).ok()?)
                            / 1024,
                    )
                })
                .unwrap_or(0);
            // Anonymous mappings by their size: a thread's stack is its own mapping.
            name = fields.nth(4).map_or(format!("anon {size_kib} KiB"), |p| {
                p.rsplit('/').next().unwrap_or(p).to_string()
            });
        } else if first == "Pss:" {
            let kib: u64 = fields.next().and_then(|v| v.parse().ok()).unwrap_or(0);
            *by.entry(name.clone()).or_insert(0) += kib;
        }
    }
    by
}

/// The window the resident started and its mapped top-level, polled every 5 ms for
/// at most 60 s.
fn until_mapped(x: &X11, resident: u32) -> Option<(u32, x11rb::protocol::xproto::Window)> {
    let deadline = Instant::now() + Duration::from_secs(60);
    while Instant::now() < deadline {
        let window = descendants(resident)
            .into_iter()
            .find(|pid| comm(*pid).starts_with("downwatch-wind") && alive(*pid));
        if let Some(pid) = window
            && let Some(mapped) = x.windows_of(pid).first()
        {
            return Some((pid, *mapped));
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    None
}

/// The resident, stopped (SIGTERM, then waited for) when dropped.
struct Stopped(Child);

impl Drop for Stopped {
    fn drop(&mut self) {
        let _ = nix::sys::signal::kill(
            nix::unistd::Pid::from_raw(self.0.id() as i32),
            nix::sys::signal::Signal::SIGTERM,
        );
        let _ = self.0.wait();
    }
}

fn config_text(control_port: u16, closed_port: u16) -> String {
    let mut text = format!(
        "# window_bench: the 50 watches of history_year, on loopback\n\
         [notifications]\ndesktop = false\n\n\
         [[connectivity.control]]\nname = \"control A\"\ntarget = \"tcp://127.0.0.1:{control_port}\"\n\n\
         [[connectivity.control]]\nname = \"control B\"\ntarget = \"tcp://127.0.0.1:{control_port}\"\n"
    );
    for w in 0..WATCHES {
        text.push_str(&format!(
            "\n[[watch]]\nname = \"watch {w:02}\"\ntarget = \"tcp://127.0.0.1:{closed_port}\"\n"
        ));
    }
    text
}

/// Now, in ms since the Unix epoch.
fn epoch_ms() -> f64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs_f64() * 1e3)
        .unwrap_or(0.0)
}

/// `Pss:` of `/proc/PID/smaps_rollup`, KiB; 0 once the process is gone.
fn pss_kib(pid: u32) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/smaps_rollup"))
        .ok()
        .and_then(|text| {
            text.lines()
                .find(|l| l.starts_with("Pss:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|v| v.parse().ok())
        })
        .unwrap_or(0)
}

/// Drops the OS page cache (as root); false when it cannot.
fn drop_page_cache() -> bool {
    Command::new("sync").status().is_ok_and(|s| s.success())
        && std::fs::write("/proc/sys/vm/drop_caches", "3\n").is_ok()
}

fn load() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|l| l.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_default()
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_default()
}

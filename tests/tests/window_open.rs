//! `downwatch open` starts the history window (a stand-in for it, see
//! `downwatch_e2e::window`): through the resident when one answers on the socket (the
//! resident is its parent and reaps it), by itself when none does; exit 0 once started,
//! 3 with a sentence saying where it looked when there is no window program.

use std::path::Path;
use std::process::{Command, Output};

use downwatch_e2e::bin;
use downwatch_e2e::resident::{Scene, Timings};
use downwatch_e2e::window::{StandIn, wait_reaped};
use nix::sys::wait::waitpid;
use nix::unistd::Pid;

/// `downwatch open ARGS --socket SOCKET` with `PATH` set to `path`.
fn open(args: &[&str], socket: &Path, path: &str) -> Output {
    Command::new(bin("downwatch"))
        .arg("open")
        .args(args)
        .arg("--socket")
        .arg(socket)
        .env("PATH", path)
        .env("LC_ALL", "C")
        .output()
        .expect("run downwatch open")
}

#[test]
fn without_a_resident_open_starts_the_window_itself_or_says_it_is_missing() {
    let dir = tempfile::tempdir().unwrap();
    let socket = dir.path().join("nobody.sock");

    let missing = open(&["--watch", "Web"], &socket, "/usr/bin:/bin");
    let stderr = String::from_utf8_lossy(&missing.stderr);
    assert_eq!(missing.status.code(), Some(3), "{stderr}");
    let beside = bin("downwatch").parent().unwrap().display().to_string();
    assert!(
        stderr.contains("Cannot show the history of Web")
            && stderr.contains(&format!("neither next to Downwatch ({beside})")),
        "{stderr}"
    );

    // The stand-in outlives `downwatch open` at times: it is reparented then, to this
    // process (a subreaper), which reaps it below rather than leave a zombie to PID 1.
    nix::sys::prctl::set_child_subreaper(true).unwrap();
    let window = StandIn::new();
    let started = open(&["--incident", "i-9"], &socket, &window.path_env());
    assert_eq!(
        started.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&started.stderr)
    );
    let shown = window.wait_started(1, String::new);
    let socket = socket.display().to_string();
    assert_eq!(shown.args, ["--incident", "i-9", "--socket", &socket]);
    // Ours (reparented) or already reaped by `downwatch open`'s thread: either way gone.
    let _ = waitpid(Pid::from_raw(shown.pid as i32), None);
    wait_reaped(shown.pid, String::new);
}

#[test]
fn with_a_resident_open_asks_it_and_the_resident_starts_and_reaps_the_window() {
    let Some(s) = Scene::start("window_open_resident") else {
        return;
    };
    let window = StandIn::new();
    let config = s.config(&Timings::default(), &[s.https("Web", "https_valid", "/")]);
    let dw = s.run_with_env(&config, &[("PATH", &window.path_env())]);
    dw.wait_up(&["Web"], 30);

    // This command's PATH has no window: only the resident can have started it.
    let asked = open(&["--watch", "Web"], &dw.socket, "/usr/bin:/bin");
    assert_eq!(
        asked.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&asked.stderr)
    );
    let shown = window.wait_started(1, || dw.context());
    let socket = dw.socket.display().to_string();
    assert_eq!(shown.args, ["--watch", "Web", "--socket", &socket]);
    assert_eq!(Some(shown.ppid), dw.pid(), "{shown:?}");
    wait_reaped(shown.pid, || dw.context());
    dw.assert_running();
}

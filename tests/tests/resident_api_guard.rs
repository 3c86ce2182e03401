//! The local API under abuse, through the real binary: broken lines are answered and the
//! connection lives on; a client that never reads is dropped while others are served; at
//! most 32 clients; one resident per socket (a second one is refused and names the first's
//! pid, a crashed one's socket is taken over); the directory and socket modes; and a client
//! of another uid refused by the resident's `SO_PEERCRED` check itself. Root and the scenes
//! of `tests/src/resident.rs`.

#![allow(clippy::unwrap_used)] // test helpers outside #[test] functions

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use downwatch_e2e::api::Conn;
use downwatch_e2e::resident::{Scene, Timings, poll};
use serde_json::json;

/// The server's `MAX_CLIENTS`.
const MAX_CLIENTS: usize = 32;
/// The protocol's `MAX_LINE`.
const MAX_LINE: usize = 64 * 1024;

fn start(test: &str) -> Option<(Scene, String)> {
    let s = Scene::start(test)?;
    let web = s.http("Web", "/");
    let config = s.config(&Timings::default(), &[web]);
    Some((s, config))
}

fn mode(path: &Path) -> u32 {
    std::fs::symlink_metadata(path)
        .unwrap()
        .permissions()
        .mode()
        & 0o777
}

/// Malformed, oversized, unknown and wrong-version lines each get their error, and the
/// same connection answers a good request afterwards.
#[test]
fn bad_lines_are_answered_and_the_connection_survives() {
    let Some((s, config)) = start("api_bad_lines") else {
        return;
    };
    let dw = s.run(&config);
    let mut c = Conn::wait_for(&dw.socket, 20);
    let refused = |c: &mut Conn, line: &[u8]| {
        c.send_raw(line).unwrap();
        c.line().expect("an answer")
    };
    let e = refused(&mut c, b"{\"v\":1,\"id\":1,\"call\":\n");
    assert_eq!(e["error"]["code"], "malformed", "{e}");
    assert!(e["id"].is_null(), "{e}");
    let mut long = vec![b'x'; MAX_LINE + 100];
    long.push(b'\n');
    let e = refused(&mut c, &long);
    assert_eq!(e["error"]["code"], "too_long", "{e}");
    let e = refused(&mut c, b"{\"v\":1,\"id\":7,\"call\":\"reboot\"}\n");
    assert_eq!(e["error"]["code"], "unknown_call", "{e}");
    assert_eq!(e["id"], 7, "{e}");
    let e = refused(&mut c, b"{\"v\":99,\"id\":8,\"call\":\"snapshot\"}\n");
    assert_eq!(e["error"]["code"], "wrong_version", "{e}");
    let e = refused(
        &mut c,
        b"{\"v\":1,\"id\":9,\"call\":\"checks\",\"watch\":1}\n",
    );
    assert_eq!(e["error"]["code"], "invalid_request", "{e}");
    // A line just under the limit is read whole (and refused for what it is, not its size).
    let mut padded = b"{\"v\":1,\"id\":10,\"call\":\"snapshot\",\"pad\":\"".to_vec();
    padded.resize(MAX_LINE - 2, b'y');
    padded.extend_from_slice(b"\"}\n");
    let e = refused(&mut c, &padded);
    assert_eq!(e["error"]["code"], "invalid_request", "{e}");
    let snap = c.ok(json!({"call": "snapshot"}));
    assert_eq!(snap["answer"], "snapshot", "{snap}");
    dw.assert_running();
}

/// A client that asks and never reads fills its bounded outbox and is dropped (its writes
/// fail); meanwhile another client is answered, and the resident keeps monitoring.
#[test]
fn a_client_that_never_reads_is_dropped_and_others_are_served() {
    let Some((s, config)) = start("api_slow_client") else {
        return;
    };
    // A 32 KiB comment makes each `read_config` answer big: the socket's buffers hold only
    // a few, the rest queue in the outbox.
    let padded = format!("{}\n{config}", "# padding\n".repeat(3300));
    let dw = s.run(&padded);
    let mut other = Conn::wait_for(&dw.socket, 20);
    let mut slow = Conn::connect(&dw.socket);
    let request = b"{\"v\":1,\"id\":1,\"call\":\"read_config\"}\n";
    let mut dropped_after = None;
    for i in 0..20_000 {
        if slow.send_raw(request).is_err() {
            dropped_after = Some(i);
            break;
        }
        if i % 500 == 0 {
            // Never stalled by the slow one.
            assert_eq!(other.ok(json!({"call": "snapshot"}))["answer"], "snapshot");
        }
    }
    let Some(dropped_after) = dropped_after else {
        panic!(
            "a client that never read was never dropped\n{}",
            dw.context()
        );
    };
    assert!(
        dropped_after > 256,
        "dropped after {dropped_after} requests"
    );
    assert_eq!(other.ok(json!({"call": "snapshot"}))["answer"], "snapshot");
    dw.wait_rounds("Web", 1, 20);
    let stderr = std::fs::read_to_string(&dw.stderr_path).unwrap();
    assert!(
        stderr.contains("dropped a client that does not read"),
        "{stderr}"
    );
}

/// 32 clients are served; the 33rd is told `too_many_clients` and closed; once one leaves,
/// a new one is served.
#[test]
fn at_most_32_clients_at_once() {
    let Some((s, config)) = start("api_max_clients") else {
        return;
    };
    let dw = s.run(&config);
    let mut clients = vec![Conn::wait_for(&dw.socket, 20)];
    while clients.len() < MAX_CLIENTS {
        let mut c = Conn::connect(&dw.socket);
        assert_eq!(c.ok(json!({"call": "snapshot"}))["answer"], "snapshot");
        clients.push(c);
    }
    let mut extra = Conn::connect(&dw.socket);
    let refusal = extra.line().expect("a refusal line");
    assert_eq!(refusal["error"]["code"], "too_many_clients", "{refusal}");
    assert!(extra.line().is_none(), "the refused client is closed");
    drop(clients.pop());
    poll(
        "a slot freed by a client that left",
        Duration::from_secs(20),
        || {
            let mut c = Conn::connect(&dw.socket);
            let id = c.send(json!({"call": "snapshot"}));
            let line = c.line()?;
            (line["id"] == json!(id)).then_some(())
        },
        || dw.context(),
    );
}

/// The socket's directory is created 0700 and the socket is 0600; a second resident on the
/// same socket exits 3 naming the first one's pid, and the first goes on; a resident
/// killed with SIGKILL leaves its socket behind, and the next one takes it over.
#[test]
fn one_resident_per_socket_and_a_stale_socket_is_taken_over() {
    let Some((s, config)) = start("api_one_resident") else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let socket = dir.path().join("run").join("api.sock");
    let mut first = s.run_on_socket(&config, &socket);
    Conn::wait_for(&socket, 20);
    assert_eq!(mode(socket.parent().unwrap()), 0o700);
    assert_eq!(mode(&socket), 0o600);

    let mut second = s.run_on_socket(&config, &socket);
    assert_eq!(second.wait_exit(20), Some(3), "{}", second.context());
    let stderr = std::fs::read_to_string(&second.stderr_path).unwrap();
    let pid = first.pid().unwrap();
    assert!(
        stderr.contains(&format!("a resident is already running (pid {pid}, socket")),
        "{stderr}"
    );
    let mut c = Conn::connect(&socket);
    assert_eq!(c.ok(json!({"call": "snapshot"}))["answer"], "snapshot");
    drop(c);

    first.crash();
    assert!(socket.exists(), "a killed resident leaves its socket");
    let third = s.run_on_socket(&config, &socket);
    let mut c = Conn::wait_for(&socket, 20);
    poll(
        "the new resident's snapshot",
        Duration::from_secs(20),
        || (c.ok(json!({"call": "snapshot"}))["watches"][0]["name"] == "Web").then_some(()),
        || third.context(),
    );
    third.wait_for("the take-over logged", 10, |_| {
        std::fs::read_to_string(&third.stderr_path)
            .unwrap()
            .contains("replaced a stale socket")
            .then_some(())
    });
    assert_eq!(mode(&socket), 0o600);
}

/// With the directory and the socket opened to everyone, a client running as uid 65534 can
/// connect, and is refused by the resident's peer-credential check (`forbidden`, then
/// closed), which logs the uid. The client is this test executable run again as that uid
/// (`peer_client` below).
#[test]
fn another_uid_is_refused_by_the_peer_check() {
    let Some((s, config)) = start("api_peer_uid") else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let socket = dir.path().join("run").join("api.sock");
    let dw = s.run_on_socket(&config, &socket);
    Conn::wait_for(&socket, 20);
    for open in [dir.path(), socket.parent().unwrap()] {
        std::fs::set_permissions(open, std::fs::Permissions::from_mode(0o777)).unwrap();
    }
    std::fs::set_permissions(&socket, std::fs::Permissions::from_mode(0o666)).unwrap();
    // setpriv (util-linux) drops every group too, which `Command::uid` alone would not.
    let out = Command::new("setpriv")
        .args(["--reuid=65534", "--regid=65534", "--clear-groups", "--"])
        .arg(std::env::current_exe().unwrap())
        .args(["--exact", "peer_client", "--ignored", "--nocapture"])
        .env("DOWNWATCH_PEER_SOCKET", &socket)
        .output()
        .unwrap();
    let said = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.status.success(), "{said}\n{}", dw.context());
    assert!(said.contains("PEER REFUSED"), "{said}");
    dw.wait_for("the refusal logged", 10, |_| {
        std::fs::read_to_string(&dw.stderr_path)
            .unwrap()
            .contains("refused a client of uid 65534")
            .then_some(())
    });
    // The resident's own user is still served.
    assert_eq!(
        Conn::connect(&socket).ok(json!({"call": "snapshot"}))["answer"],
        "snapshot"
    );
}

/// The other uid's side of [`another_uid_is_refused_by_the_peer_check`]: connects (the
/// file modes allow it), asks, and must get `forbidden` and the end of the connection.
#[test]
#[ignore = "run as uid 65534 by another_uid_is_refused_by_the_peer_check"]
fn peer_client() {
    let socket = PathBuf::from(std::env::var_os("DOWNWATCH_PEER_SOCKET").unwrap());
    assert_ne!(
        nix::unistd::getuid().as_raw(),
        0,
        "must run as another user"
    );
    let mut c = Conn::connect(&socket);
    // The refusal may already be there; the request may then fail to be written.
    let _ = c.send_raw(b"{\"v\":1,\"id\":1,\"call\":\"snapshot\"}\n");
    let line = c.line().expect("a refusal line");
    assert_eq!(line["error"]["code"], "forbidden", "{line}");
    assert!(line.get("ok").is_none());
    assert!(c.line().is_none(), "closed after the refusal");
    println!("PEER REFUSED");
}

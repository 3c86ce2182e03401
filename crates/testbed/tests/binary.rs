//! The `downwatch-testbed` binary: one JSON line describing the bed, and exit when stdin closes.

// Helpers outside #[test] functions are test code too; clippy.toml only exempts the latter.
#![allow(clippy::unwrap_used)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

#[test]
fn prints_where_everything_is_and_stops_when_stdin_closes() {
    let dir = std::env::temp_dir().join(format!("downwatch-testbed-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_downwatch-testbed"))
        .args(["--bind", "127.0.0.1", "--dir"])
        .arg(&dir)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let bed: serde_json::Value = serde_json::from_str(&line).unwrap();

    let ca = std::fs::read_to_string(bed["ca"].as_str().unwrap()).unwrap();
    assert!(ca.starts_with("-----BEGIN CERTIFICATE-----"));
    for key in [
        "dns",
        "https_valid",
        "https_h1",
        "https_expired",
        "garbage",
        "silent",
    ] {
        assert!(
            bed[key].as_str().unwrap().starts_with("127.0.0.1:"),
            "{key}: {bed}"
        );
    }

    let mut http = TcpStream::connect(bed["http"].as_str().unwrap()).unwrap();
    http.write_all(b"GET /method HTTP/1.0\r\nHost: ok.test\r\n\r\n")
        .unwrap();
    let mut reply = String::new();
    http.read_to_string(&mut reply).unwrap();
    assert!(
        reply.starts_with("HTTP/1.0 200") && reply.ends_with("GET"),
        "{reply}"
    );

    drop(child.stdin.take());
    let deadline = Instant::now() + Duration::from_secs(10);
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        assert!(
            Instant::now() < deadline,
            "still running after stdin closed"
        );
        std::thread::sleep(Duration::from_millis(20));
    };
    assert!(status.success());
    let _ = std::fs::remove_dir_all(&dir);
}

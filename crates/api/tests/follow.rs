//! `follow` against a stand-in resident on a real Unix socket: events are passed on, the
//! loss of the resident is told, and it is followed again once it is back.

use std::path::Path;
use std::time::Duration;

use downwatch_api::WindowEvent;
use downwatch_api::follow::{Backoff, follow};
use serde_json::json;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::UnixListener;
use tokio::sync::mpsc;
use tokio::time::timeout;

/// A safety net only: every wait below ends on an event.
const PATIENCE: Duration = Duration::from_secs(30);

/// Accepts one client, answers its subscription and sends `events`; returns the
/// connection's writer so the caller decides when it ends.
async fn serve_one(
    listener: &UnixListener,
    events: &[serde_json::Value],
) -> tokio::net::UnixStream {
    let (stream, _) = listener.accept().await.expect("accept");
    let mut reader = BufReader::new(stream);
    let mut line = String::new();
    reader.read_line(&mut line).await.expect("request");
    let request: serde_json::Value = serde_json::from_str(&line).expect("json");
    assert_eq!(request["call"], "subscribe", "{line}");
    let id = request["id"].clone();
    let mut stream = reader.into_inner();
    let mut out = json!({"v": 1, "id": id, "ok": {"answer": "subscribed"}}).to_string() + "\n";
    for event in events {
        out += &(json!({"v": 1, "id": id, "event": event}).to_string() + "\n");
    }
    out += &(json!({"v": 1, "id": id, "missed": 4}).to_string() + "\n");
    stream.write_all(out.as_bytes()).await.expect("write");
    stream
}

async fn next(rx: &mut mpsc::UnboundedReceiver<WindowEvent>) -> WindowEvent {
    timeout(PATIENCE, rx.recv())
        .await
        .expect("in time")
        .expect("an event")
}

fn bind(path: &Path) -> UnixListener {
    let _ = std::fs::remove_file(path);
    UnixListener::bind(path).expect("bind")
}

#[tokio::test]
async fn events_pass_and_a_lost_resident_is_told_and_followed_again() {
    let dir = tempfile::tempdir().expect("tempdir");
    let socket = dir.path().join("api.sock");
    let (tx, mut rx) = mpsc::unbounded_channel();
    let follower_socket = socket.clone();
    let follower = tokio::spawn(async move {
        let backoff = Backoff::new(Duration::from_millis(10), Duration::from_millis(50));
        follow(&follower_socket, backoff, |event| tx.send(event).is_ok()).await;
    });

    // No resident yet: told once, however many attempts fail.
    assert_eq!(next(&mut rx).await, WindowEvent::Disconnected);

    let listener = bind(&socket);
    let event = json!({"event": "state", "watch": "A", "state": "down"});
    let stream = serve_one(&listener, std::slice::from_ref(&event)).await;
    assert_eq!(next(&mut rx).await, WindowEvent::Connected);
    assert_eq!(next(&mut rx).await, WindowEvent::Event { event });
    assert_eq!(next(&mut rx).await, WindowEvent::Missed { count: 4 });

    // The resident goes away: its socket is gone, the connection ends.
    drop(listener);
    std::fs::remove_file(&socket).expect("remove");
    drop(stream);
    assert_eq!(next(&mut rx).await, WindowEvent::Disconnected);

    // It comes back: followed again, without a second `disconnected` in between.
    let listener = bind(&socket);
    let _stream = serve_one(&listener, &[]).await;
    assert_eq!(next(&mut rx).await, WindowEvent::Connected);
    assert_eq!(next(&mut rx).await, WindowEvent::Missed { count: 4 });

    // Nobody listens any more: the follower ends.
    drop(rx);
    drop(listener);
    std::fs::remove_file(&socket).expect("remove");
    drop(_stream);
    timeout(PATIENCE, follower)
        .await
        .expect("ends")
        .expect("no panic");
}

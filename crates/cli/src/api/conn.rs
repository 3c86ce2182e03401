//! One client's connection: lines in (at most [`MAX_LINE`] bytes each), answers and events
//! out through a bounded outbox drained by a writer task of its own. Nothing here ever waits
//! on the client: when the outbox is full (the client stopped reading) the client is
//! dropped, so a stuck client never stalls the resident or the other clients.

use std::sync::Arc;

use downwatch_api::{Answer, ApiError, Body, Call, ErrorCode, MAX_LINE, Request, Response};
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::UnixStream;
use tokio::net::unix::{OwnedReadHalf, OwnedWriteHalf};
use tokio::sync::{broadcast, mpsc, watch};

use super::calls::Calls;

/// Lines waiting for a client at most. A client that reads keeps it near empty (the
/// socket's own buffer takes hundreds of lines); one that stops reading fills it and is
/// dropped.
pub const OUTBOX: usize = 256;

/// The sending side of a client's outbox: pushing never waits; a full outbox drops the
/// client.
#[derive(Clone)]
struct Outbox {
    tx: mpsc::Sender<String>,
    drop_client: watch::Sender<bool>,
}

impl Outbox {
    fn push(&self, response: &Response) {
        if self.tx.try_send(response.to_line()).is_err() && !*self.drop_client.borrow() {
            tracing::warn!("api: dropped a client that does not read what it asked for");
            let _ = self.drop_client.send(true);
        }
    }
}

/// Serves one accepted client until it leaves, is too slow, or the resident stops.
pub async fn serve(stream: UnixStream, calls: Arc<Calls>) {
    let (read, write) = stream.into_split();
    let (tx, rx) = mpsc::channel(OUTBOX);
    let (drop_client, mut dropped) = watch::channel(false);
    let outbox = Outbox { tx, drop_client };
    let writer = tokio::spawn(write_lines(write, rx));
    let mut reader = BufReader::new(read);
    let mut subscription: Option<tokio::task::JoinHandle<()>> = None;
    let mut line = Vec::new();
    loop {
        let read = tokio::select! {
            read = read_line(&mut reader, &mut line) => read,
            _ = dropped.changed() => break,
        };
        let request = match read {
            Ok(Line::Eof) | Err(_) => break,
            Ok(Line::TooLong) => Err((
                None,
                ApiError::new(
                    ErrorCode::TooLong,
                    format!("a request line is at most {MAX_LINE} bytes"),
                ),
            )),
            Ok(Line::Full) => Request::parse(&line),
        };
        let request = match request {
            Ok(request) => request,
            Err((id, error)) => {
                outbox.push(&Response::new(id, Body::Error(error)));
                continue;
            }
        };
        let id = Some(request.id);
        if request.call == Call::Subscribe {
            // Subscribed before answering, the answer queued before the first event.
            let events = calls.subscribe();
            outbox.push(&Response::new(id, Body::Ok(Answer::Subscribed)));
            if let Some(old) =
                subscription.replace(tokio::spawn(forward(events, request.id, outbox.clone())))
            {
                old.abort();
            }
            continue;
        }
        let body = tokio::select! {
            result = calls.answer(request.call) => match result {
                Ok(answer) => Body::Ok(answer),
                Err(error) => Body::Error(error),
            },
            _ = dropped.changed() => break,
        };
        outbox.push(&Response::new(id, body));
    }
    if let Some(subscription) = subscription {
        subscription.abort();
    }
    writer.abort();
}

/// Forwards live events to the outbox, as the events file writes them.
async fn forward(
    mut events: broadcast::Receiver<Arc<downwatch_monitor::events::Stamped>>,
    id: u64,
    outbox: Outbox,
) {
    loop {
        let body = match events.recv().await {
            Ok(stamped) => Body::Event(downwatch_monitor::events::to_json(
                stamped.at,
                &stamped.event,
            )),
            Err(broadcast::error::RecvError::Lagged(missed)) => Body::Missed(missed),
            Err(broadcast::error::RecvError::Closed) => return,
        };
        outbox.push(&Response::new(Some(id), body));
    }
}

async fn write_lines(mut write: OwnedWriteHalf, mut rx: mpsc::Receiver<String>) {
    while let Some(line) = rx.recv().await {
        if write.write_all(line.as_bytes()).await.is_err() {
            return;
        }
    }
}

/// What one read gave.
enum Line {
    /// A line (in the buffer, without its newline).
    Full,
    /// A line longer than [`MAX_LINE`], skipped up to its newline.
    TooLong,
    /// The client closed its side.
    Eof,
}

/// Reads one line into `line`, reading at most [`MAX_LINE`] + 1 bytes of it into memory.
async fn read_line(
    reader: &mut BufReader<OwnedReadHalf>,
    line: &mut Vec<u8>,
) -> std::io::Result<Line> {
    line.clear();
    let read = (&mut *reader)
        .take(MAX_LINE as u64 + 1)
        .read_until(b'\n', line)
        .await?;
    if read == 0 {
        return Ok(Line::Eof);
    }
    if line.last() == Some(&b'\n') {
        line.pop();
        return Ok(Line::Full);
    }
    if line.len() <= MAX_LINE {
        // The client closed without a final newline: still a line.
        return Ok(Line::Full);
    }
    line.clear();
    loop {
        let buffer = reader.fill_buf().await?;
        if buffer.is_empty() {
            return Ok(Line::TooLong);
        }
        if let Some(end) = buffer.iter().position(|b| *b == b'\n') {
            reader.consume(end + 1);
            return Ok(Line::TooLong);
        }
        let n = buffer.len();
        reader.consume(n);
    }
}

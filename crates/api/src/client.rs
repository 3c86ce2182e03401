//! A small client: connect, send requests, read answers and subscription lines. Used by
//! `downwatch status` and the tests; the window will use it from its Tauri process.

use std::path::{Path, PathBuf};

use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::UnixStream;
use tokio::net::unix::{OwnedReadHalf, OwnedWriteHalf};

use crate::call::{Answer, Call};
use crate::error::ApiError;
use crate::wire::{Body, Request, Response};

/// The longest line the client reads from the resident (a snapshot of thousands of
/// watches, a config file): far above any real answer, a bound against a broken peer.
pub const MAX_ANSWER: usize = 64 * 1024 * 1024;

/// Why a call failed.
#[derive(Debug, thiserror::Error)]
pub enum ClientError {
    /// Nothing listens there (no resident runs) or it cannot be reached.
    #[error("cannot connect to {}: {source}", path.display())]
    Connect {
        /// The socket.
        path: PathBuf,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// Reading or writing failed.
    #[error("talking to the resident: {0}")]
    Io(#[from] std::io::Error),
    /// The resident closed the connection.
    #[error("the resident closed the connection")]
    Closed,
    /// A line from the resident is not a response (or longer than [`MAX_ANSWER`]).
    #[error("the resident's answer cannot be read: {0}")]
    Decode(String),
    /// The resident refused the request.
    #[error("the resident refused: {0}")]
    Refused(ApiError),
}

/// One connection to the resident.
#[derive(Debug)]
pub struct Client {
    reader: BufReader<OwnedReadHalf>,
    writer: OwnedWriteHalf,
    next_id: u64,
}

impl Client {
    /// Connects to the socket at `path`.
    pub async fn connect(path: &Path) -> Result<Client, ClientError> {
        let stream = UnixStream::connect(path)
            .await
            .map_err(|source| ClientError::Connect {
                path: path.to_path_buf(),
                source,
            })?;
        let (read, writer) = stream.into_split();
        Ok(Client {
            reader: BufReader::new(read),
            writer,
            next_id: 1,
        })
    }

    /// Sends `call` and waits for its answer; subscription lines arriving meanwhile are
    /// skipped (use [`Client::send`] and [`Client::receive`] to read them).
    pub async fn call(&mut self, call: Call) -> Result<Answer, ClientError> {
        let id = self.send(call).await?;
        loop {
            let response = self.receive().await?;
            if response.id != Some(id) && response.id.is_some() {
                continue;
            }
            match response.body {
                Body::Ok(answer) => return Ok(answer),
                Body::Error(error) => return Err(ClientError::Refused(error)),
                Body::Event(_) | Body::Missed(_) => {}
            }
        }
    }

    /// Sends `call` without waiting; returns its id.
    pub async fn send(&mut self, call: Call) -> Result<u64, ClientError> {
        let id = self.next_id;
        self.next_id += 1;
        let mut line = Request { id, call }.to_line();
        line.push('\n');
        self.send_raw(line.as_bytes()).await?;
        Ok(id)
    }

    /// Writes bytes as they are (tests send broken lines this way).
    pub async fn send_raw(&mut self, bytes: &[u8]) -> Result<(), ClientError> {
        self.writer.write_all(bytes).await?;
        Ok(())
    }

    /// The next line from the resident.
    pub async fn receive(&mut self) -> Result<Response, ClientError> {
        let mut line = Vec::new();
        let read = (&mut self.reader)
            .take(MAX_ANSWER as u64 + 1)
            .read_until(b'\n', &mut line)
            .await?;
        if read == 0 {
            return Err(ClientError::Closed);
        }
        if line.last() != Some(&b'\n') {
            return Err(if line.len() > MAX_ANSWER {
                ClientError::Decode(format!("a line longer than {MAX_ANSWER} bytes"))
            } else {
                ClientError::Closed
            });
        }
        serde_json::from_slice(&line).map_err(|e| ClientError::Decode(e.to_string()))
    }
}

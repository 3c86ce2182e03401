//! An HTTP/1.1 server that writes responses byte for byte, for what a well-behaved server
//! library will not produce: a body shorter than its `Content-Length`, head lines a strict
//! parser refuses but browsers read.

use std::io;
use std::net::{IpAddr, SocketAddr};
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::tasks::Owner;
use crate::tcp::{accept_each, drain};

/// What `/short-body` sends before closing: 99 bytes holding `Status: OK`, of the 5000 its
/// `Content-Length` announces.
pub const SHORT_BODY: &str = "<html><body><h1>Status: OK</h1><p>the rest of this page never arrives, the server closes first.</p>";

/// Serves, by request path, one fixed response per connection, then closes:
/// - `/short-body`: `Content-Length: 5000`, [`SHORT_BODY`] (99 bytes), close.
/// - `/cut-chunked`: a chunked body whose first chunk is [`SHORT_BODY`], then a close
///   instead of the last (empty) chunk.
/// - `/lenient-head`: a 200 whose head has a space before a colon, a folded line, a line
///   without a colon and bytes above 0x7F in a value — all in fields the probe never reads —
///   and the body `Status: OK`.
/// - anything else: 404.
pub struct RawServer {
    addr: SocketAddr,
    _owner: Owner,
}

fn response(path: &str) -> Vec<u8> {
    match path {
        "/short-body" => {
            let mut out =
                b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 5000\r\n\r\n"
                    .to_vec();
            out.extend_from_slice(SHORT_BODY.as_bytes());
            out
        }
        "/cut-chunked" => {
            let mut out =
                b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nTransfer-Encoding: chunked\r\n\r\n"
                    .to_vec();
            out.extend_from_slice(format!("{:x}\r\n{SHORT_BODY}\r\n", SHORT_BODY.len()).as_bytes());
            out
        }
        "/lenient-head" => {
            let mut out = b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nX-Spaced : yes\r\nX-Folded: first\r\n  second\r\nthis line has no colon\r\nX-Latin: caf\xe9\r\n".to_vec();
            out.extend_from_slice(b"Content-Length: 10\r\nConnection: close\r\n\r\nStatus: OK");
            out
        }
        _ => {
            b"HTTP/1.1 404 Not Found\r\nContent-Length: 10\r\nConnection: close\r\n\r\nnot found\n"
                .to_vec()
        }
    }
}

impl RawServer {
    /// Starts the server on `bind`, on an ephemeral port.
    pub async fn start(bind: IpAddr) -> io::Result<Self> {
        let (addr, owner) = accept_each(bind, |mut stream| async move {
            let mut head = Vec::new();
            let mut buf = [0u8; 4096];
            let read = tokio::time::timeout(Duration::from_secs(10), async {
                while !head.windows(4).any(|w| w == b"\r\n\r\n") && head.len() < 64 * 1024 {
                    match stream.read(&mut buf).await {
                        Ok(0) | Err(_) => return false,
                        Ok(n) => head.extend_from_slice(&buf[..n]),
                    }
                }
                true
            })
            .await;
            if read != Ok(true) {
                return;
            }
            let text = String::from_utf8_lossy(&head);
            let path = text.split_whitespace().nth(1).unwrap_or("/");
            if stream.write_all(&response(path)).await.is_ok() && stream.shutdown().await.is_ok() {
                drain(&mut stream, Duration::from_secs(5)).await;
            }
        })
        .await?;
        Ok(RawServer {
            addr,
            _owner: owner,
        })
    }

    /// The address the server listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }
}

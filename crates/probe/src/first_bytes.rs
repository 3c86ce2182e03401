//! A stream that remembers the first bytes the server sent, so a failure can say what the
//! server spoke instead of what a library could not parse: plain HTTP on a TLS port, a TLS
//! record on a plain HTTP port, the version of an old TLS server's hello.

use std::io;
use std::pin::Pin;
use std::sync::{Arc, Mutex, PoisonError};
use std::task::{Context, Poll};

use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};

/// How many of the server's first bytes are kept: a TLS ServerHello's version is at offset
/// 9-10 (RFC 5246 §7.4.1.3, after the 5-byte record header and the 4-byte handshake header).
const KEPT: usize = 16;

/// The first bytes read, shared with the probe while the stream is owned by TLS or hyper.
#[derive(Clone, Debug, Default)]
pub(crate) struct Head(Arc<Mutex<Vec<u8>>>);

impl Head {
    /// What was read so far (at most [`KEPT`] bytes).
    pub(crate) fn bytes(&self) -> Vec<u8> {
        self.0
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// What the server spoke, when its first bytes say it: `Some("HTTP")`, `Some("TLS")`,
    /// `Some("SSH")`.
    pub(crate) fn protocol(&self) -> Option<&'static str> {
        let head = self.bytes();
        if head.starts_with(b"HTTP/") {
            Some("HTTP")
        } else if head.starts_with(b"SSH-") {
            Some("SSH")
        } else if head.len() >= 3 && matches!(head[0], 0x15 | 0x16) && head[1] == 3 {
            // A TLS record (alert or handshake) of any version 3.x.
            Some("TLS")
        } else {
            None
        }
    }

    /// The version a TLS server chose in its ServerHello, as people name it (`TLS 1.0`), if
    /// the first record was one.
    pub(crate) fn server_hello_version(&self) -> Option<&'static str> {
        let head = self.bytes();
        // Record type 22 (handshake), then handshake type 2 (ServerHello).
        if head.len() < 11 || head[0] != 0x16 || head[5] != 0x02 {
            return None;
        }
        Some(match (head[9], head[10]) {
            (2, _) => "SSL 2.0",
            (3, 0) => "SSL 3.0",
            (3, 1) => "TLS 1.0",
            (3, 2) => "TLS 1.1",
            (3, 3) => "TLS 1.2",
            (3, 4) => "TLS 1.3",
            _ => return None,
        })
    }
}

/// Wraps a stream and copies the first [`KEPT`] bytes read into a [`Head`].
#[derive(Debug)]
pub(crate) struct Recorded<S> {
    inner: S,
    head: Head,
    full: bool,
}

impl<S> Recorded<S> {
    /// Wraps `inner`; the returned [`Head`] fills as the server's first bytes arrive.
    pub(crate) fn new(inner: S) -> (Self, Head) {
        let head = Head::default();
        let stream = Recorded {
            inner,
            head: head.clone(),
            full: false,
        };
        (stream, head)
    }
}

impl<S: AsyncRead + Unpin> AsyncRead for Recorded<S> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let before = buf.filled().len();
        let polled = Pin::new(&mut self.inner).poll_read(cx, buf);
        if !self.full && buf.filled().len() > before {
            let mut head = self.head.0.lock().unwrap_or_else(PoisonError::into_inner);
            let room = KEPT - head.len();
            let new = &buf.filled()[before..];
            head.extend_from_slice(&new[..new.len().min(room)]);
            let full = head.len() == KEPT;
            drop(head);
            self.full = full;
        }
        polled
    }
}

impl<S: AsyncWrite + Unpin> AsyncWrite for Recorded<S> {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.inner).poll_write(cx, buf)
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.inner).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::io::AsyncReadExt;

    #[tokio::test]
    async fn keeps_only_the_first_bytes_and_names_what_they_are() {
        let (stream, head) = Recorded::new(&b"HTTP/1.1 400 Bad Request\r\n\r\n"[..]);
        let mut stream = stream;
        let mut all = Vec::new();
        stream.read_to_end(&mut all).await.unwrap();
        assert_eq!(head.bytes(), b"HTTP/1.1 400 Bad".to_vec());
        assert_eq!(head.protocol(), Some("HTTP"));
        assert_eq!(head.server_hello_version(), None);
    }

    #[tokio::test]
    async fn reads_the_version_of_a_server_hello() {
        // Record: handshake, TLS 1.0, length; handshake: ServerHello, length; version 3.1.
        let hello = [0x16, 3, 1, 0, 0x2a, 2, 0, 0, 0x26, 3, 1, 0xaa, 0xbb];
        let (mut stream, head) = Recorded::new(&hello[..]);
        let mut all = Vec::new();
        stream.read_to_end(&mut all).await.unwrap();
        assert_eq!(head.protocol(), Some("TLS"));
        assert_eq!(head.server_hello_version(), Some("TLS 1.0"));
    }
}

//! The body as the user means it: the bytes of the response after its `Content-Encoding`
//! (RFC 9110 §8.4) is undone, as a browser shows them. Decoding is pulled, a buffer at a time,
//! so a decompression bomb costs no more than the body cap in memory and in CPU.

use std::io;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::task::{Context, Poll, ready};

use async_compression::tokio::bufread::{BrotliDecoder, DeflateDecoder, GzipDecoder, ZlibDecoder};
use bytes::{Buf, Bytes};
use hyper::HeaderMap;
use hyper::body::{Body, Incoming};
use hyper::header::CONTENT_ENCODING;
use tokio::io::{AsyncBufRead, AsyncBufReadExt, AsyncRead, BufReader, ReadBuf};

use crate::outcome::{Cause, Failure};
use crate::said::{MessageId, say};

/// What the probe asks for in `Accept-Encoding`: what browsers ask for, less `zstd`.
pub(crate) const ACCEPT_ENCODING: &str = "gzip, deflate, br";

/// How many codings may be stacked on one body (curl's limit too).
const MAX_STACK: usize = 5;

/// A content coding the probe can undo.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Coding {
    /// `gzip` or `x-gzip` (RFC 1952), several members allowed.
    Gzip,
    /// `deflate`: zlib (RFC 1950) as the standard says, or raw deflate (RFC 1951) as some
    /// servers send it and every browser accepts.
    Deflate,
    /// `br` (RFC 7932).
    Brotli,
}

impl Coding {
    fn name(self) -> &'static str {
        match self {
            Coding::Gzip => "gzip",
            Coding::Deflate => "deflate",
            Coding::Brotli => "br",
        }
    }
}

/// The codings of a response, in the order the server applied them (`identity` and empty
/// entries dropped). An unknown coding, or more than five, is a failure that names it.
pub(crate) fn codings(headers: &HeaderMap) -> Result<Vec<Coding>, Failure> {
    let mut found = Vec::new();
    for value in headers.get_all(CONTENT_ENCODING) {
        let text = String::from_utf8_lossy(value.as_bytes());
        for item in text.split(',') {
            let item = item.trim().to_ascii_lowercase();
            let coding = match item.as_str() {
                "" | "identity" => continue,
                "gzip" | "x-gzip" => Coding::Gzip,
                "deflate" => Coding::Deflate,
                "br" => Coding::Brotli,
                other => {
                    let text = say(MessageId::HttpEncodingUnknown)
                        .arg("coding", downwatch_text::Value::code(other));
                    return Err(Failure::new(Cause::HttpContentEncoding, text));
                }
            };
            found.push(coding);
        }
    }
    if found.len() > MAX_STACK {
        let text = say(MessageId::HttpEncodingStacked)
            .arg("count", downwatch_text::Value::count(found.len()))
            .arg("codings", downwatch_text::Value::Code(describe(&found)))
            .arg("max", downwatch_text::Value::count(MAX_STACK));
        return Err(Failure::new(Cause::HttpContentEncoding, text));
    }
    Ok(found)
}

/// `gzip, br`.
pub(crate) fn describe(codings: &[Coding]) -> String {
    codings
        .iter()
        .map(|c| c.name())
        .collect::<Vec<_>>()
        .join(", ")
}

/// A failure of the wire itself (as opposed to the decoding), carried through the decoders
/// inside an `io::Error` so the caller can tell the two apart.
#[derive(Debug, thiserror::Error)]
#[error("{text}")]
pub(crate) struct WireError {
    /// What hyper said, its causes included.
    pub(crate) text: String,
    /// The connection ended before the body's framing said it would (Content-Length not
    /// reached, or no last chunk).
    pub(crate) cut_short: bool,
}

/// The response body as a buffered reader of its bytes on the wire (after any chunked
/// transfer coding), counting them.
pub(crate) struct WireBody {
    body: Incoming,
    chunk: Bytes,
    read: Arc<AtomicU64>,
}

impl WireBody {
    /// Wraps `body`; `read` counts the bytes received.
    pub(crate) fn new(body: Incoming, read: Arc<AtomicU64>) -> Self {
        WireBody {
            body,
            chunk: Bytes::new(),
            read,
        }
    }
}

impl AsyncRead for WireBody {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let available = ready!(self.as_mut().poll_fill_buf(cx))?;
        let n = available.len().min(buf.remaining());
        buf.put_slice(&available[..n]);
        self.consume(n);
        Poll::Ready(Ok(()))
    }
}

impl AsyncBufRead for WireBody {
    fn poll_fill_buf(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<&[u8]>> {
        let this = self.get_mut();
        while this.chunk.is_empty() {
            match ready!(Pin::new(&mut this.body).poll_frame(cx)) {
                None => break,
                Some(Err(e)) => {
                    let cut_short = std::error::Error::source(&e)
                        .and_then(|s| s.downcast_ref::<io::Error>())
                        .is_some_and(|io| io.kind() == io::ErrorKind::UnexpectedEof);
                    return Poll::Ready(Err(io::Error::other(WireError {
                        text: crate::limits::describe_hyper_error(&e),
                        cut_short,
                    })));
                }
                Some(Ok(frame)) => {
                    if let Ok(data) = frame.into_data() {
                        this.read.fetch_add(data.len() as u64, Ordering::Relaxed);
                        this.chunk = data;
                    }
                }
            }
        }
        Poll::Ready(Ok(&this.chunk[..]))
    }

    fn consume(mut self: Pin<&mut Self>, amt: usize) {
        self.chunk.advance(amt);
    }
}

/// A reader the decoders can stack on.
pub(crate) type Reader = Pin<Box<dyn AsyncBufRead + Send>>;

/// Stacks the decoders for `codings` on `wire`, the last-applied coding undone first. Peeks
/// at the first bytes of a `deflate` body to tell zlib from raw deflate, so it reads (and
/// the caller bounds it by the deadline).
pub(crate) async fn decoder(wire: Reader, codings: &[Coding]) -> io::Result<Reader> {
    let mut reader = wire;
    for coding in codings.iter().rev() {
        reader = match coding {
            Coding::Gzip => Box::pin(BufReader::new(GzipMembers::new(reader))),
            Coding::Brotli => Box::pin(BufReader::new(BrotliDecoder::new(reader))),
            Coding::Deflate => {
                let head = reader.fill_buf().await?;
                if head.is_empty() || is_zlib_header(head) {
                    Box::pin(BufReader::new(ZlibDecoder::new(reader)))
                } else {
                    Box::pin(BufReader::new(DeflateDecoder::new(reader)))
                }
            }
        };
    }
    Ok(reader)
}

/// How many bytes after the last gzip member are read (and ignored) to reach the end of the
/// body; beyond this the body is left unread, as its decoded part is all there is.
const MAX_TRAILING: usize = 64 * 1024;

/// A gzip body of one or more members (RFC 1952 §2.2), decoded member after member. Bytes
/// after a member that do not start another one (the `1f 8b` magic) are padding some servers
/// send: they are read to the end of the body (so a broken transfer is still seen) and
/// ignored, as Chromium and curl ignore them, instead of failing as a corrupt header.
struct GzipMembers {
    state: Members,
}

enum Members {
    /// Decoding a member.
    Member(GzipDecoder<Reader>),
    /// A member ended: what follows decides.
    Between(Reader),
    /// Reading what follows the last member, to the end of the body; `usize` counts it.
    Trailing(Reader, usize),
    /// Nothing more to give.
    Done,
}

impl GzipMembers {
    fn new(wire: Reader) -> Self {
        GzipMembers {
            state: Members::Member(GzipDecoder::new(wire)),
        }
    }
}

impl AsyncRead for GzipMembers {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let state = &mut self.get_mut().state;
        loop {
            match state {
                Members::Member(member) => {
                    let before = buf.filled().len();
                    ready!(Pin::new(&mut *member).poll_read(cx, buf))?;
                    if buf.filled().len() > before || buf.remaining() == 0 {
                        return Poll::Ready(Ok(()));
                    }
                    // The member's trailer was read; its decoder consumed nothing after it.
                    let Members::Member(member) = std::mem::replace(state, Members::Done) else {
                        unreachable!("matched above")
                    };
                    *state = Members::Between(member.into_inner());
                }
                Members::Between(wire) => {
                    let head = ready!(wire.as_mut().poll_fill_buf(cx))?;
                    let next = match head {
                        [] => None,
                        [0x1f] | [0x1f, 0x8b, ..] => Some(true),
                        _ => Some(false),
                    };
                    let Members::Between(wire) = std::mem::replace(state, Members::Done) else {
                        unreachable!("matched above")
                    };
                    *state = match next {
                        None => Members::Done,
                        Some(true) => Members::Member(GzipDecoder::new(wire)),
                        Some(false) => Members::Trailing(wire, 0),
                    };
                }
                Members::Trailing(wire, seen) => {
                    let n = ready!(wire.as_mut().poll_fill_buf(cx))?.len();
                    if n == 0 || *seen >= MAX_TRAILING {
                        *state = Members::Done;
                    } else {
                        wire.as_mut().consume(n);
                        *seen += n;
                    }
                }
                Members::Done => return Poll::Ready(Ok(())),
            }
        }
    }
}

/// RFC 1950 §2.2: method 8 with a window of at most 32 KiB, and a header checksum.
fn is_zlib_header(head: &[u8]) -> bool {
    let cmf = head[0];
    let method_ok = cmf & 0x0f == 8 && cmf >> 4 <= 7;
    match head.get(1) {
        Some(&flg) => method_ok && (u16::from(cmf) << 8 | u16::from(flg)) % 31 == 0,
        None => method_ok,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use hyper::header::HeaderValue;

    fn headers(values: &[&str]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for v in values {
            map.append(
                CONTENT_ENCODING,
                HeaderValue::from_str(v).unwrap_or_else(|_| HeaderValue::from_static("?")),
            );
        }
        map
    }

    #[test]
    fn codings_are_read_in_order_across_fields() {
        assert_eq!(
            codings(&headers(&["gzip, identity", "BR"])),
            Ok(vec![Coding::Gzip, Coding::Brotli])
        );
        assert_eq!(codings(&headers(&["x-gzip"])), Ok(vec![Coding::Gzip]));
        assert_eq!(codings(&headers(&[])), Ok(vec![]));
        let unknown = codings(&headers(&["zstd"])).unwrap_err();
        assert_eq!(unknown.cause, Cause::HttpContentEncoding);
        assert!(unknown.message.contains("`zstd`"), "{}", unknown.message);
        let deep = codings(&headers(&["gzip, gzip, gzip, gzip, gzip, gzip"])).unwrap_err();
        assert!(deep.message.contains("6 times"), "{}", deep.message);
    }

    #[test]
    fn zlib_is_told_from_raw_deflate() {
        assert!(is_zlib_header(&[0x78, 0x9c]));
        assert!(is_zlib_header(&[0x78, 0x01]));
        assert!(!is_zlib_header(&[0xcb, 0x48]));
    }
}

//! TLS servers that cannot agree with a modern client, written byte for byte (rustls, which
//! the other servers use, speaks only TLS 1.2 and 1.3): one that only speaks an outdated
//! version and answers with its hello, and one that ends every handshake with an alert.

use std::io;
use std::net::{IpAddr, SocketAddr};
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use crate::tasks::Owner;
use crate::tcp::{accept_each, drain};

/// What an [`OldTlsServer`] answers to a client's hello.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OldTls {
    /// A ServerHello choosing this version (`(3, 1)` is TLS 1.0, `(3, 2)` TLS 1.1), as an
    /// OpenSSL server limited to that version does when a newer client connects.
    Hello(u8, u8),
    /// A fatal alert with this description code (RFC 8446 §6: 70 is `protocol_version`,
    /// 40 `handshake_failure`, 112 `unrecognized_name`), as servers that refuse what the
    /// client offered do.
    Alert(u8),
}

/// A server that reads the client's hello, answers it as [`OldTls`] says, and closes.
pub struct OldTlsServer {
    addr: SocketAddr,
    _owner: Owner,
}

impl OldTlsServer {
    /// Starts the server on `bind`, on an ephemeral port.
    pub async fn start(bind: IpAddr, answer: OldTls) -> io::Result<Self> {
        let (addr, owner) = accept_each(bind, move |mut stream| async move {
            if read_record(&mut stream).await.is_err() {
                return;
            }
            let reply = match answer {
                OldTls::Hello(major, minor) => server_hello(major, minor),
                OldTls::Alert(description) => vec![0x15, major(), 1, 0, 2, 2, description],
            };
            if stream.write_all(&reply).await.is_ok() && stream.shutdown().await.is_ok() {
                // Closing with unread bytes would send a reset that can overtake the reply.
                drain(&mut stream, Duration::from_secs(5)).await;
            }
        })
        .await?;
        Ok(OldTlsServer {
            addr,
            _owner: owner,
        })
    }

    /// The address the server listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }
}

/// The record layer's major version, 3 for every SSL 3.0 / TLS record.
fn major() -> u8 {
    3
}

/// Reads one whole TLS record (the client's hello).
async fn read_record(stream: &mut TcpStream) -> io::Result<()> {
    let mut header = [0u8; 5];
    stream.read_exact(&mut header).await?;
    let length = usize::from(u16::from_be_bytes([header[3], header[4]]));
    let mut body = vec![0u8; length];
    stream.read_exact(&mut body).await?;
    Ok(())
}

/// A ServerHello record (RFC 5246 §7.4.1.3) choosing `major.minor`, the cipher suite
/// TLS_RSA_WITH_AES_128_CBC_SHA, no compression and no extensions, as a TLS 1.0 server sends.
fn server_hello(major: u8, minor: u8) -> Vec<u8> {
    let mut body = vec![major, minor];
    body.extend_from_slice(&[0x5a; 32]); // server random
    body.push(0); // no session id
    body.extend_from_slice(&[0x00, 0x2f]); // cipher suite
    body.push(0); // null compression
    let mut handshake = vec![2, 0, 0, u8::try_from(body.len()).unwrap_or(u8::MAX)];
    handshake.extend_from_slice(&body);
    let mut record = vec![0x16, major, minor, 0];
    record.push(u8::try_from(handshake.len()).unwrap_or(u8::MAX));
    record.extend_from_slice(&handshake);
    record
}

//! The TCP layer: connecting to one of the resolved addresses.

use std::io::ErrorKind;
use std::net::{IpAddr, SocketAddr};

use tokio::net::TcpStream;
use tokio::time::{Instant, timeout_at};

use crate::outcome::{Cause, Failure};

/// Connects to the addresses in order, moving on after an error; the last error (or the
/// deadline) decides the failure. Returns the stream and the address it reached.
pub(crate) async fn connect(
    addrs: &[IpAddr],
    port: u16,
    deadline: Instant,
) -> Result<(TcpStream, SocketAddr), (Failure, Option<SocketAddr>)> {
    let mut last = None;
    for ip in addrs {
        let addr = SocketAddr::new(*ip, port);
        match timeout_at(deadline, TcpStream::connect(addr)).await {
            Ok(Ok(stream)) => {
                // Probes are small request/response exchanges: do not wait to coalesce.
                let _ = stream.set_nodelay(true);
                return Ok((stream, addr));
            }
            Ok(Err(e)) => last = Some((io_failure(&e, addr), Some(addr))),
            Err(_) => {
                let failure = Failure::new(
                    Cause::TcpTimeout,
                    format!("no answer from {addr} (connection timed out)"),
                );
                return Err((failure, Some(addr)));
            }
        }
    }
    Err(last.unwrap_or_else(|| {
        (
            Failure::new(Cause::TcpError, "no address to connect to"),
            None,
        )
    }))
}

fn io_failure(error: &std::io::Error, addr: SocketAddr) -> Failure {
    let unreachable = matches!(
        error.kind(),
        ErrorKind::HostUnreachable | ErrorKind::NetworkUnreachable
    ) || matches!(error.raw_os_error(), Some(code) if code == EHOSTUNREACH || code == ENETUNREACH);
    if error.kind() == ErrorKind::ConnectionRefused {
        Failure::new(Cause::TcpRefused, format!("connection refused by {addr}"))
    } else if unreachable {
        Failure::new(
            Cause::TcpUnreachable,
            format!("{addr} is unreachable ({error})"),
        )
    } else if error.kind() == ErrorKind::TimedOut {
        Failure::new(
            Cause::TcpTimeout,
            format!("no answer from {addr} (connection timed out)"),
        )
    } else {
        Failure::new(
            Cause::TcpError,
            format!("cannot connect to {addr}: {error}"),
        )
    }
}

// Linux errno values; other systems map these through ErrorKind above.
const EHOSTUNREACH: i32 = 113;
const ENETUNREACH: i32 = 101;

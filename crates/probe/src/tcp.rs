//! The TCP layer: connecting to one of the resolved addresses.
//!
//! Addresses are raced as in Happy Eyeballs (RFC 8305), simplified: the first attempt starts at
//! once, each next one 250 ms later or as soon as the previous one failed, and the first
//! connection made wins (the others are dropped). So a black-holed first address costs
//! 250 ms, not the whole deadline. The order is the resolver's: IPv4 first, then IPv6.

use std::io::ErrorKind;
use std::net::{IpAddr, SocketAddr};
use std::time::Duration;

use tokio::net::TcpStream;
use tokio::task::JoinSet;
use tokio::time::{Instant, sleep_until, timeout_at};

use crate::outcome::{Cause, Failure};

/// Delay before the next address is tried while the previous attempt is still pending.
const ATTEMPT_DELAY: Duration = Duration::from_millis(250);

/// Connects to one of `addrs` on `port`; returns the stream and the address it reached, or
/// the failure (the most telling attempt's error, or a timeout naming the first address) with the
/// address it concerns.
pub(crate) async fn connect(
    addrs: &[IpAddr],
    port: u16,
    deadline: Instant,
) -> Result<(TcpStream, SocketAddr), (Failure, Option<SocketAddr>)> {
    let targets: Vec<SocketAddr> = addrs.iter().map(|ip| SocketAddr::new(*ip, port)).collect();
    let Some(first) = targets.first().copied() else {
        return Err((
            Failure::new(Cause::TcpError, "no address to connect to"),
            None,
        ));
    };
    match timeout_at(deadline, race(&targets)).await {
        Ok(Ok((stream, addr))) => {
            // Probes are small request/response exchanges: do not wait to coalesce.
            let _ = stream.set_nodelay(true);
            Ok((stream, addr))
        }
        Ok(Err((error, addr))) => Err((io_failure(&error, addr), Some(addr))),
        Err(_) => {
            let failure = Failure::new(
                Cause::TcpTimeout,
                format!("no answer from {first} (connection timed out)"),
            );
            Err((failure, Some(first)))
        }
    }
}

/// Races the attempts; when every attempt failed, the most telling error and its address.
async fn race(
    targets: &[SocketAddr],
) -> Result<(TcpStream, SocketAddr), (std::io::Error, SocketAddr)> {
    let mut pending: JoinSet<(SocketAddr, std::io::Result<TcpStream>)> = JoinSet::new();
    let mut next = 0;
    let mut last_error = None;
    loop {
        if next < targets.len() && pending.is_empty() {
            let addr = targets[next];
            next += 1;
            pending.spawn(async move { (addr, TcpStream::connect(addr).await) });
        }
        let more = next < targets.len();
        let stagger = sleep_until(Instant::now() + ATTEMPT_DELAY);
        tokio::select! {
            joined = pending.join_next() => match joined {
                Some(Ok((addr, Ok(stream)))) => return Ok((stream, addr)),
                // Keep the most telling error: a refusal says more about the service than
                // "network unreachable" on a host without an IPv6 route.
                Some(Ok((addr, Err(error))))
                    if last_error.as_ref().is_none_or(|(e, _)| rank(&error) >= rank(e)) =>
                {
                    last_error = Some((error, addr));
                }
                Some(Ok((_, Err(_)))) => {}
                // A connect task cannot panic; if it were cancelled, the others go on.
                Some(Err(_)) => {}
                None if !more => break,
                None => {}
            },
            () = stagger, if more => {
                let addr = targets[next];
                next += 1;
                pending.spawn(async move { (addr, TcpStream::connect(addr).await) });
            }
        }
        if pending.is_empty() && next >= targets.len() {
            break;
        }
    }
    Err(last_error.unwrap_or_else(|| {
        (
            std::io::Error::other("no connection attempt completed"),
            targets[0],
        )
    }))
}

/// How much an error says about the service itself (higher: more).
fn rank(error: &std::io::Error) -> u8 {
    match error.kind() {
        ErrorKind::ConnectionRefused => 3,
        ErrorKind::TimedOut => 2,
        ErrorKind::HostUnreachable | ErrorKind::NetworkUnreachable => 0,
        _ => 1,
    }
}

fn io_failure(error: &std::io::Error, addr: SocketAddr) -> Failure {
    let errno = error.raw_os_error();
    let network = error.kind() == ErrorKind::NetworkUnreachable || errno == Some(ENETUNREACH);
    let host = error.kind() == ErrorKind::HostUnreachable || errno == Some(EHOSTUNREACH);
    if error.kind() == ErrorKind::ConnectionRefused {
        Failure::new(Cause::TcpRefused, format!("connection refused by {addr}"))
    } else if network {
        Failure::new(
            Cause::TcpUnreachable,
            format!("{addr} is unreachable: this computer has no route to its network"),
        )
    } else if host {
        Failure::new(
            Cause::TcpUnreachable,
            format!("{addr} is unreachable: the network says there is no route to that host"),
        )
    } else if error.kind() == ErrorKind::TimedOut {
        Failure::new(
            Cause::TcpTimeout,
            format!("no answer from {addr} (connection timed out)"),
        )
    } else if error.kind() == ErrorKind::PermissionDenied {
        // EPERM/EACCES on connect: a firewall rule of this machine, not the service.
        Failure::new(
            Cause::TcpError,
            format!("the connection to {addr} was blocked on this computer (a firewall rule)"),
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

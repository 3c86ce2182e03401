//! The TCP layer: racing connection attempts to a host's addresses as they become known.
//!
//! Happy Eyeballs v2 (RFC 8305): addresses are tried in turn, the families interleaved (§4,
//! one address of each family in turn, IPv4 first: see docs/architecture.md), the next
//! attempt starting 250 ms after the previous one (§5's recommended Connection Attempt
//! Delay) or as soon as it fails, the first connection made winning (the others are
//! dropped). Addresses can be added while the race runs, as DNS answers arrive (§3). So a
//! black-holed first address costs 250 ms, not the whole deadline.

use std::collections::VecDeque;
use std::io::ErrorKind;
use std::net::{IpAddr, SocketAddr};
use std::time::Duration;

use tokio::net::TcpStream;
use tokio::task::JoinSet;
use tokio::time::{Instant, sleep_until};

use downwatch_text::Value;

use crate::outcome::{Cause, Failure};
use crate::said::{MessageId, say};

/// Delay before the next address is tried while the previous attempt is still pending
/// (RFC 8305 §5: 250 ms recommended).
pub(crate) const ATTEMPT_DELAY: Duration = Duration::from_millis(250);

/// What a [`Race`] reports when it stops running.
pub(crate) enum Raced {
    /// A connection was made, to this address.
    Connected(TcpStream, SocketAddr),
    /// Every address known so far was tried and failed.
    Exhausted,
}

/// Connection attempts to one port, fed with addresses as they are learnt.
pub(crate) struct Race {
    port: u16,
    v4: VecDeque<IpAddr>,
    v6: VecDeque<IpAddr>,
    /// The family of the last attempt started, to interleave (RFC 8305 §4).
    last_v6: Option<bool>,
    attempts: JoinSet<(SocketAddr, std::io::Result<TcpStream>)>,
    /// Attempts started and not finished, oldest first.
    in_flight: Vec<SocketAddr>,
    /// When the next attempt may start while one is still pending.
    next_at: Instant,
    /// When the first attempt started.
    started_at: Option<Instant>,
    /// The most telling error so far, with its address.
    error: Option<(std::io::Error, SocketAddr)>,
}

impl Race {
    /// A race with no address yet.
    pub(crate) fn new(port: u16) -> Race {
        Race {
            port,
            v4: VecDeque::new(),
            v6: VecDeque::new(),
            last_v6: None,
            attempts: JoinSet::new(),
            in_flight: Vec::new(),
            next_at: Instant::now(),
            started_at: None,
            error: None,
        }
    }

    /// Adds addresses to try, after those of their family already waiting.
    pub(crate) fn add(&mut self, addrs: &[IpAddr]) {
        for ip in addrs {
            match ip {
                IpAddr::V4(_) => self.v4.push_back(*ip),
                IpAddr::V6(_) => self.v6.push_back(*ip),
            }
        }
    }

    /// When the first attempt started, if one did.
    pub(crate) fn started_at(&self) -> Option<Instant> {
        self.started_at
    }

    /// Whether attempts are running.
    pub(crate) fn in_flight(&self) -> bool {
        !self.in_flight.is_empty()
    }

    /// Whether there is something to run: attempts in flight or addresses waiting.
    pub(crate) fn runnable(&self) -> bool {
        self.in_flight() || !self.v4.is_empty() || !self.v6.is_empty()
    }

    /// Runs attempts until one connects or every known address has failed. Cancel-safe:
    /// dropped (when a DNS answer arrives), it keeps its attempts and can be called again.
    pub(crate) async fn run(&mut self) -> Raced {
        loop {
            if self.in_flight.is_empty() && !self.start_next() {
                return Raced::Exhausted;
            }
            let waiting = !self.v4.is_empty() || !self.v6.is_empty();
            tokio::select! {
                joined = self.attempts.join_next() => match joined {
                    Some(Ok((addr, outcome))) => {
                        self.in_flight.retain(|a| *a != addr);
                        match outcome {
                            Ok(stream) => {
                                // Probes are small request/response exchanges: no coalescing.
                                let _ = stream.set_nodelay(true);
                                return Raced::Connected(stream, addr);
                            }
                            // Keep the most telling error: a refusal says more about the
                            // service than "network unreachable" on a host without IPv6.
                            Err(error) => {
                                if self.error.as_ref().is_none_or(|(e, _)| rank(&error) >= rank(e)) {
                                    self.error = Some((error, addr));
                                }
                                // The next address at once, not after the delay (§5).
                                self.start_next();
                            }
                        }
                    }
                    // A connect task cannot panic; were one cancelled, the others go on.
                    Some(Err(_)) | None => self.in_flight.clear(),
                },
                () = sleep_until(self.next_at), if waiting => {
                    self.start_next();
                }
            }
        }
    }

    /// Starts an attempt to the next address, the family other than the last one's first.
    fn start_next(&mut self) -> bool {
        let v6 = match (self.v4.is_empty(), self.v6.is_empty()) {
            (true, true) => return false,
            (false, true) => false,
            (true, false) => true,
            (false, false) => self.last_v6 == Some(false),
        };
        let queue = if v6 { &mut self.v6 } else { &mut self.v4 };
        let Some(ip) = queue.pop_front() else {
            return false;
        };
        let addr = SocketAddr::new(ip, self.port);
        self.last_v6 = Some(v6);
        self.in_flight.push(addr);
        let now = Instant::now();
        self.started_at.get_or_insert(now);
        self.next_at = now + ATTEMPT_DELAY;
        self.attempts
            .spawn(async move { (addr, TcpStream::connect(addr).await) });
        true
    }

    /// The failure once every address failed: the most telling error, with its address.
    pub(crate) fn failure(&self) -> (Failure, Option<SocketAddr>) {
        match &self.error {
            Some((error, addr)) => (io_failure(error, *addr), Some(*addr)),
            None => (
                Failure::new(Cause::TcpError, say(MessageId::TcpNoAddress)),
                None,
            ),
        }
    }

    /// The failure when the deadline came with attempts in flight: a timeout naming the
    /// oldest of them.
    pub(crate) fn timeout(&self) -> (Failure, Option<SocketAddr>) {
        match self.in_flight.first() {
            Some(addr) => (
                Failure::new(
                    Cause::TcpTimeout,
                    say(MessageId::TcpTimeout).arg("addr", Value::address(addr)),
                ),
                Some(*addr),
            ),
            None => self.failure(),
        }
    }
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
    let (cause, id) = io_cause(error);
    let mut text = say(id).arg("addr", Value::address(addr));
    if id == MessageId::TcpError {
        text = text.arg("error", Value::text(error));
    }
    Failure::new(cause, text)
}

fn io_cause(error: &std::io::Error) -> (Cause, MessageId) {
    let errno = error.raw_os_error();
    let network = error.kind() == ErrorKind::NetworkUnreachable || errno == Some(ENETUNREACH);
    let host = error.kind() == ErrorKind::HostUnreachable || errno == Some(EHOSTUNREACH);
    if error.kind() == ErrorKind::ConnectionRefused {
        (Cause::TcpRefused, MessageId::TcpRefused)
    } else if network {
        (Cause::TcpUnreachable, MessageId::TcpNoRouteNetwork)
    } else if host {
        (Cause::TcpUnreachable, MessageId::TcpNoRouteHost)
    } else if error.kind() == ErrorKind::TimedOut {
        (Cause::TcpTimeout, MessageId::TcpTimeout)
    } else if error.kind() == ErrorKind::PermissionDenied {
        // EPERM/EACCES on connect: a firewall rule of this machine, not the service.
        (Cause::TcpError, MessageId::TcpBlocked)
    } else {
        (Cause::TcpError, MessageId::TcpError)
    }
}

// Linux errno values; other systems map these through ErrorKind above.
const EHOSTUNREACH: i32 = 113;
const ENETUNREACH: i32 = 101;

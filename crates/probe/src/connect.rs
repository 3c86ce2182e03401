//! The connect step every network probe shares: resolve a host and connect to it, as Happy
//! Eyeballs v2 (RFC 8305) does, recording the DNS and TCP phases.
//!
//! A and AAAA are asked in parallel (§3); connecting starts as soon as a usable answer
//! arrives, without waiting for the other one: at once on an IPv4 answer (our preferred
//! family), 50 ms after an IPv6 answer if IPv4's has not come by then (§3's Resolution
//! Delay, mirrored for our preference). Addresses that arrive later join the race
//! ([`crate::tcp::Race`]). A resolver that never answers one family (home routers that drop
//! AAAA queries) so costs nothing while the other family works.
//!
//! What is reported, when one family is still unanswered at the end of the step (the
//! connection made, or every attempt failed and the deadline came):
//! - `phases.dns` is the time until the first connection attempt started (the DNS the probe
//!   waited for), `phases.connect` the time from then to the end of the step; without any
//!   address, `dns` is the whole wait and `connect` is absent;
//! - `dns.rcode` is `NOERROR` and `dns.server` the server of the first answer that held an
//!   address; `dns.answers` are the addresses received by the end of the step, IPv4 first.
//!   A query still unanswered then is abandoned: it is not waited for, and its absence is
//!   not a failure.
//!
//! When the deadline comes, the cause belongs to the phase it came in: before any address,
//! a DNS cause (`dns_timeout`, or the definite code of the family that answered); with an
//! attempt in flight, `tcp_timeout`; with every attempt already failed and more DNS
//! awaited, that failure (`tcp_refused`, ...).

use std::net::{IpAddr, SocketAddr};
use std::time::Duration;

use hickory_proto::rr::RecordType;
use tokio::net::TcpStream;
use tokio::time::{Instant, sleep_until};

use crate::dns;
use crate::host::Host;
use crate::outcome::{Failure, Phases, ProbeResult};
use crate::resolver::{self, QueryError, Reply, Resolver};
use crate::tcp::{Race, Raced};

/// How long an IPv6 answer waits for the IPv4 one before connecting (RFC 8305 §3's
/// recommended Resolution Delay).
pub(crate) const RESOLUTION_DELAY: Duration = Duration::from_millis(50);

/// The DNS and TCP layers of every network probe: resolves `host`, connects to `port`, and
/// records into `phases` (dns, connect) and `result` (DNS details, the address used). An IP
/// address needs no lookup and keeps the DNS details already in `result` (an earlier hop's).
pub(crate) async fn open(
    resolver: &Resolver,
    host: &Host,
    port: u16,
    deadline: Instant,
    phases: &mut Phases,
    result: &mut ProbeResult,
) -> Result<(TcpStream, SocketAddr), Failure> {
    let started = Instant::now();
    let mut race = Race::new(port);
    let name = match host {
        Host::Ip(ip) => {
            race.add(&[*ip]);
            let outcome = connect_known(&mut race, deadline).await;
            return finish(outcome, started, phases, result);
        }
        Host::Name(name) => name,
    };
    if let Some((addrs, info)) = dns::hosts_file(resolver, name) {
        race.add(&addrs);
        phases.dns = Some(started.elapsed());
        result.dns = Some(info);
        let connecting = Instant::now();
        let outcome = connect_known(&mut race, deadline).await;
        return finish(outcome, connecting, phases, result);
    }

    let servers = resolver::nameservers(resolver);
    let v4_query = resolver::lookup(&servers, name.ascii(), RecordType::A, deadline);
    let v6_query = resolver::lookup(&servers, name.ascii(), RecordType::AAAA, deadline);
    tokio::pin!(v4_query, v6_query);
    let mut v4: Option<Result<Reply, QueryError>> = None;
    let mut v6: Option<Result<Reply, QueryError>> = None;
    // Addresses received, by family, and the first answer that held one.
    let (mut v4_addrs, mut v6_addrs) = (Vec::new(), Vec::new());
    let mut first_useful: Option<(SocketAddr, bool)> = None;
    // Set when IPv6 addresses came first: connecting waits until then for IPv4's.
    let mut hold_until: Option<Instant> = None;

    let outcome = loop {
        let held = hold_until.is_some_and(|until| Instant::now() < until);
        let started_racing = race.started_at().is_some();
        let may_race = race.runnable() && (started_racing || !held);
        tokio::select! {
            reply = &mut v4_query, if v4.is_none() => {
                if let Ok(reply) = &reply {
                    let addrs = dns::addresses(reply);
                    race.add(&addrs);
                    v4_addrs.extend(addrs);
                }
                hold_until = None;
                v4 = Some(reply);
            }
            reply = &mut v6_query, if v6.is_none() => {
                if let Ok(reply) = &reply {
                    let addrs = dns::addresses(reply);
                    if !addrs.is_empty() && v4.is_none() && !started_racing {
                        hold_until = Some(Instant::now() + RESOLUTION_DELAY);
                    }
                    race.add(&addrs);
                    v6_addrs.extend(addrs);
                }
                v6 = Some(reply);
            }
            () = sleep_until(hold_until.unwrap_or(deadline)), if held => {
                hold_until = None;
            }
            raced = race.run(), if may_race => {
                match raced {
                    Raced::Connected(stream, addr) => break Ok((stream, addr)),
                    Raced::Exhausted if v4.is_some() && v6.is_some() => break Err(race.failure()),
                    Raced::Exhausted => {}
                }
            }
            // Enabled whenever attempts may run: a race started in this very turn is
            // bounded too. DNS queries end by the deadline on their own.
            () = sleep_until(deadline), if race.runnable() => break Err(race.timeout()),
        }
        for reply in [&v4, &v6].into_iter().flatten().flatten() {
            if first_useful.is_none() && !dns::addresses(reply).is_empty() {
                first_useful = Some((reply.server, reply.over_tcp));
            }
        }
        if let (Some(a), Some(aaaa)) = (&v4, &v6) {
            if v4_addrs.is_empty() && v6_addrs.is_empty() {
                let (failure, info) = dns::no_address(name, a, aaaa);
                phases.dns = Some(started.elapsed());
                result.dns = Some(info);
                return Err(failure);
            }
            if !race.runnable() {
                break Err(race.failure());
            }
        }
    };
    let addrs: Vec<IpAddr> = v4_addrs.into_iter().chain(v6_addrs).collect();
    if let Some((server, over_tcp)) = first_useful {
        result.dns = Some(dns::found(server, over_tcp, &addrs));
    }
    let connecting = race.started_at().unwrap_or_else(Instant::now);
    phases.dns = Some(connecting.duration_since(started));
    finish(outcome, connecting, phases, result)
}

/// Races addresses already known (an IP literal, the hosts file) until the deadline.
async fn connect_known(
    race: &mut Race,
    deadline: Instant,
) -> Result<(TcpStream, SocketAddr), (Failure, Option<SocketAddr>)> {
    tokio::select! {
        raced = race.run() => match raced {
            Raced::Connected(stream, addr) => Ok((stream, addr)),
            Raced::Exhausted => Err(race.failure()),
        },
        () = sleep_until(deadline) => Err(race.timeout()),
    }
}

/// Records the connect phase (from `connecting`) and the address, and passes the outcome on.
fn finish(
    outcome: Result<(TcpStream, SocketAddr), (Failure, Option<SocketAddr>)>,
    connecting: Instant,
    phases: &mut Phases,
    result: &mut ProbeResult,
) -> Result<(TcpStream, SocketAddr), Failure> {
    phases.connect = Some(connecting.elapsed());
    match outcome {
        Ok((stream, addr)) => {
            result.address = Some(addr);
            Ok((stream, addr))
        }
        Err((failure, addr)) => {
            result.address = addr;
            Err(failure)
        }
    }
}

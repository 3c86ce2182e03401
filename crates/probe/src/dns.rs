//! The DNS layer: resolving a host for the other probes, and the DNS probe kind.

use std::net::IpAddr;

use hickory_proto::op::ResponseCode;
use hickory_proto::rr::{RData, RecordType};
use tokio::time::Instant;

use crate::host::HostName;
use crate::outcome::{Cause, DnsInfo, Failure, ProbeResult};
use crate::resolver::{self, QueryError, Reply, Resolver};
use crate::target::RecordKind;

/// What a DNS probe expects.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DnsExpect {
    /// Expected response code name (`NOERROR` when `None`).
    pub rcode: Option<String>,
    /// A text that at least one answer must contain (case-insensitive).
    pub answer: Option<String>,
}

/// The addresses of `name` in `/etc/hosts`, with the DNS details to report, when the
/// system's resolver is used and the file has any (it is read first, as glibc does).
pub(crate) fn hosts_file(resolver: &Resolver, name: &HostName) -> Option<(Vec<IpAddr>, DnsInfo)> {
    if *resolver != Resolver::System {
        return None;
    }
    let hosts = std::fs::read_to_string("/etc/hosts").unwrap_or_default();
    let mut addrs = resolver::hosts_lookup(&hosts, name.ascii());
    if addrs.is_empty() {
        return None;
    }
    addrs.sort_by_key(IpAddr::is_ipv6);
    let info = DnsInfo {
        rcode: None,
        server: Some("/etc/hosts".into()),
        over_tcp: false,
        answers: addrs.iter().map(ToString::to_string).collect(),
    };
    Some((addrs, info))
}

/// The addresses (A and AAAA records) of a reply's answer section.
pub(crate) fn addresses(reply: &Reply) -> Vec<IpAddr> {
    reply
        .message
        .answers
        .iter()
        .filter_map(|r| match &r.data {
            RData::A(a) => Some(IpAddr::V4(a.0)),
            RData::AAAA(a) => Some(IpAddr::V6(a.0)),
            _ => None,
        })
        .collect()
}

/// What the DNS layer reports once addresses were found: `NOERROR`, the server of the first
/// answer that held an address (and whether it came over TCP), and `addrs`, the addresses
/// received so far.
pub(crate) fn found(server: std::net::SocketAddr, over_tcp: bool, addrs: &[IpAddr]) -> DnsInfo {
    DnsInfo {
        rcode: Some("NOERROR".into()),
        server: Some(server.to_string()),
        over_tcp,
        answers: addrs.iter().map(ToString::to_string).collect(),
    }
}

/// The failure when neither the A nor the AAAA query gave an address: a definite error code
/// (NXDOMAIN, SERVFAIL...) wins over a timeout, and A's verdict over AAAA's.
pub(crate) fn no_address(
    name: &HostName,
    v4: &Result<Reply, QueryError>,
    v6: &Result<Reply, QueryError>,
) -> (Failure, DnsInfo) {
    let failed_rcode = [v4, v6].into_iter().find_map(|r| match r {
        Ok(reply) if reply.message.metadata.response_code != ResponseCode::NoError => Some(reply),
        _ => None,
    });
    let outcome = match (failed_rcode, v4, v6) {
        (Some(reply), _, _) => Ok(reply),
        (None, Ok(reply), Ok(_)) => Ok(reply),
        (None, Err(e), _) | (None, _, Err(e)) => Err(e),
    };
    match outcome {
        Ok(reply) => (rcode_failure(reply, name, "A or AAAA"), reply_info(reply)),
        Err(e) => query_failure(e),
    }
}

/// Runs a DNS probe into `result`.
pub(crate) async fn probe(
    name: &HostName,
    kind: RecordKind,
    expect: &DnsExpect,
    resolver: &Resolver,
    deadline: Instant,
    result: &mut ProbeResult,
) {
    let servers = resolver::nameservers(resolver);
    let reply = match resolver::lookup(&servers, name.ascii(), record_type(kind), deadline).await {
        Ok(reply) => reply,
        Err(e) => {
            let (failure, info) = query_failure(&e);
            result.dns = Some(info);
            result.fail(failure);
            return;
        }
    };
    result.address = Some(reply.server);
    let info = reply_info(&reply);
    let rcode = info.rcode.clone().unwrap_or_default();
    let wanted = expect.rcode.clone().unwrap_or_else(|| "NOERROR".into());
    let answers = info.answers.clone();
    result.dns = Some(info);
    if !rcode.eq_ignore_ascii_case(&wanted) {
        let failure = if wanted == "NOERROR" {
            rcode_failure(&reply, name, kind.as_str())
        } else {
            Failure::new(
                Cause::DnsUnexpectedRcode,
                format!("{rcode} from {} instead of {wanted}", reply.server),
            )
        };
        result.fail(failure);
        return;
    }
    if wanted == "NOERROR" && answers.is_empty() {
        result.fail(rcode_failure(&reply, name, kind.as_str()));
        return;
    }
    if let Some(needle) = &expect.answer {
        let needle = needle.to_ascii_lowercase();
        if !answers
            .iter()
            .any(|a| a.to_ascii_lowercase().contains(&needle))
        {
            let got = if answers.is_empty() {
                "nothing".into()
            } else {
                answers.join(", ")
            };
            result.fail(Failure::new(
                Cause::DnsAnswerMismatch,
                format!("no answer contains \"{needle}\" (got {got})"),
            ));
        }
    }
}

fn record_type(kind: RecordKind) -> RecordType {
    match kind {
        RecordKind::A => RecordType::A,
        RecordKind::Aaaa => RecordType::AAAA,
        RecordKind::Cname => RecordType::CNAME,
        RecordKind::Mx => RecordType::MX,
        RecordKind::Txt => RecordType::TXT,
        RecordKind::Ns => RecordType::NS,
    }
}

fn reply_info(reply: &Reply) -> DnsInfo {
    DnsInfo {
        rcode: Some(resolver::rcode_name(reply.message.metadata.response_code)),
        server: Some(reply.server.to_string()),
        over_tcp: reply.over_tcp,
        answers: reply
            .message
            .answers
            .iter()
            .map(|r| answer_text(&r.data))
            .collect(),
    }
}

/// One answer as text: addresses and names plainly, TXT strings joined, MX as `pref host`.
fn answer_text(data: &RData) -> String {
    match data {
        RData::TXT(txt) => txt
            .txt_data
            .iter()
            .map(|s| String::from_utf8_lossy(s).into_owned())
            .collect::<Vec<_>>()
            .join(""),
        other => other.to_string(),
    }
}

/// The failure for a reply whose code is not NOERROR, or NOERROR with no answer.
fn rcode_failure(reply: &Reply, name: &HostName, asked: &str) -> Failure {
    let server = reply.server;
    match reply.message.metadata.response_code {
        ResponseCode::NXDomain => Failure::new(
            Cause::DnsNxdomain,
            format!("NXDOMAIN from {server}: {name} does not exist"),
        ),
        ResponseCode::ServFail => {
            Failure::new(Cause::DnsServfail, format!("SERVFAIL from {server}"))
        }
        ResponseCode::Refused => Failure::new(Cause::DnsRefused, format!("REFUSED by {server}")),
        ResponseCode::NoError => Failure::new(
            Cause::DnsNoRecords,
            format!("{name} has no {asked} record (answer from {server})"),
        ),
        other => Failure::new(
            Cause::DnsUnexpectedRcode,
            format!("{} from {server}", resolver::rcode_name(other)),
        ),
    }
}

fn query_failure(error: &QueryError) -> (Failure, DnsInfo) {
    let (server, failure) = match error {
        QueryError::Timeout {
            server,
            wrong_ids: true,
        } => (
            server,
            Failure::new(
                Cause::DnsProtocol,
                format!("{server} answered only with replies to another query (wrong id)"),
            ),
        ),
        QueryError::Timeout {
            server,
            wrong_ids: false,
        } => (
            server,
            Failure::new(Cause::DnsTimeout, format!("no answer from {server}")),
        ),
        QueryError::Protocol { server, detail } => (
            server,
            Failure::new(Cause::DnsProtocol, format!("{detail} from {server}")),
        ),
        QueryError::Io { server, source }
            if source.kind() == std::io::ErrorKind::ConnectionRefused =>
        {
            (
                server,
                Failure::new(
                    Cause::DnsTimeout,
                    format!("no DNS server answers on {server} (port unreachable)"),
                ),
            )
        }
        QueryError::Io { server, source } => (
            server,
            Failure::new(
                Cause::DnsTimeout,
                format!("cannot reach {server}: {source}"),
            ),
        ),
    };
    let info = DnsInfo {
        server: Some(server.to_string()),
        ..DnsInfo::default()
    };
    (failure, info)
}

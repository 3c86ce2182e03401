//! The DNS layer: resolving a host for the other probes, and the DNS probe kind.

use std::net::IpAddr;

use hickory_proto::op::ResponseCode;
use hickory_proto::rr::{RData, RecordType};
use tokio::time::Instant;

use downwatch_text::Value;

use crate::host::HostName;
use crate::outcome::{Cause, DnsInfo, Failure, ProbeResult};
use crate::resolver::{self, Problem, QueryError, Reply, Resolver};
use crate::said::{MessageId, say};
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
        Ok(reply) => (rcode_failure(reply, name, None), reply_info(reply)),
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
            rcode_failure(&reply, name, Some(kind.as_str()))
        } else {
            Failure::new(
                Cause::DnsUnexpectedRcode,
                say(MessageId::DnsRcodeInstead)
                    .arg("rcode", Value::code(&rcode))
                    .arg("server", Value::address(reply.server))
                    .arg("wanted", Value::code(&wanted)),
            )
        };
        result.fail(failure);
        return;
    }
    if wanted == "NOERROR" && answers.is_empty() {
        result.fail(rcode_failure(&reply, name, Some(kind.as_str())));
        return;
    }
    if let Some(needle) = &expect.answer {
        let needle = needle.to_ascii_lowercase();
        if !answers
            .iter()
            .any(|a| a.to_ascii_lowercase().contains(&needle))
        {
            let text = if answers.is_empty() {
                say(MessageId::DnsAnswerNone)
            } else {
                say(MessageId::DnsAnswerMismatch).arg("got", Value::Address(answers.join(", ")))
            };
            let text = text.arg("needle", Value::Text(needle));
            result.fail(Failure::new(Cause::DnsAnswerMismatch, text));
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

/// The failure for a reply whose code is not NOERROR, or NOERROR with no answer of the type
/// `asked` (`None`: a host lookup, A or AAAA).
fn rcode_failure(reply: &Reply, name: &HostName, asked: Option<&str>) -> Failure {
    let code = reply.message.metadata.response_code;
    let (cause, id) = match (code, asked) {
        (ResponseCode::NXDomain, _) => (Cause::DnsNxdomain, MessageId::DnsNxdomain),
        (ResponseCode::ServFail, _) => (Cause::DnsServfail, MessageId::DnsServfail),
        (ResponseCode::Refused, _) => (Cause::DnsRefused, MessageId::DnsRefused),
        (ResponseCode::NoError, Some(_)) => (Cause::DnsNoRecords, MessageId::DnsNoRecords),
        (ResponseCode::NoError, None) => (Cause::DnsNoRecords, MessageId::DnsNoAddress),
        _ => (Cause::DnsUnexpectedRcode, MessageId::DnsRcode),
    };
    let mut text = say(id).arg("server", Value::address(reply.server));
    match id {
        MessageId::DnsNxdomain | MessageId::DnsNoAddress => {
            text = text.arg("name", Value::name(name));
        }
        MessageId::DnsNoRecords => {
            text = text
                .arg("name", Value::name(name))
                .arg("type", Value::code(asked.unwrap_or_default()));
        }
        MessageId::DnsRcode => text = text.arg("rcode", Value::code(resolver::rcode_name(code))),
        _ => {}
    }
    Failure::new(cause, text)
}

fn query_failure(error: &QueryError) -> (Failure, DnsInfo) {
    let (server, cause, text) = match error {
        QueryError::Timeout { server, wrong_ids } => {
            let id = if *wrong_ids {
                MessageId::DnsWrongId
            } else {
                MessageId::DnsTimeout
            };
            let cause = if *wrong_ids {
                Cause::DnsProtocol
            } else {
                Cause::DnsTimeout
            };
            (server, cause, say(id))
        }
        QueryError::Protocol { server, problem } => {
            let text = match problem {
                Problem::BadName(detail) | Problem::Encode(detail) => {
                    say(MessageId::DnsBadQuery).arg("detail", Value::text(detail))
                }
                Problem::Malformed { bytes, over_tcp } => {
                    let id = if *over_tcp {
                        MessageId::DnsMalformedTcp
                    } else {
                        MessageId::DnsMalformed
                    };
                    say(id).arg("bytes", Value::count(*bytes))
                }
                Problem::TcpWrongId => say(MessageId::DnsTcpWrongId),
            };
            (server, Cause::DnsProtocol, text)
        }
        QueryError::Io { server, source }
            if source.kind() == std::io::ErrorKind::ConnectionRefused =>
        {
            (
                server,
                Cause::DnsTimeout,
                say(MessageId::DnsPortUnreachable),
            )
        }
        QueryError::Io { server, source } => (
            server,
            Cause::DnsTimeout,
            say(MessageId::DnsUnreachable).arg("error", Value::text(source)),
        ),
    };
    let failure = Failure::new(cause, text.arg("server", Value::address(server)));
    let info = DnsInfo {
        server: Some(server.to_string()),
        ..DnsInfo::default()
    };
    (failure, info)
}

//! The "is it me" verdict from control results.

#![allow(clippy::unwrap_used)] // helpers outside #[test] functions

use std::time::Duration;

use downwatch_monitor::Verdict;
use downwatch_monitor::connectivity::{ControlResult, verdict};
use downwatch_probe::{Cause, Failure, HttpInfo, Phases, ProbeResult, RecordKind, Status, Target};

fn result(cause: Option<Cause>, http_answered: bool) -> ProbeResult {
    ProbeResult {
        status: if cause.is_some() {
            Status::Down
        } else {
            Status::Up
        },
        failure: cause.map(|c| Failure::new(c, c.code())),
        phases: Phases {
            total: Duration::from_millis(5),
            ..Phases::default()
        },
        address: None,
        dns: None,
        tls: None,
        http: http_answered.then(HttpInfo::default),
    }
}

fn control(target: &str, cause: Option<Cause>, http_answered: bool) -> ControlResult {
    let target = Target::parse(target, RecordKind::A).unwrap();
    ControlResult::new("c", &target, result(cause, http_answered))
}

#[test]
fn verdicts() {
    let name = "http://detect.test/success.txt";
    let ip = "tcp://192.0.2.1:443";
    let cases = [
        (
            "all fine",
            vec![control(name, None, true), control(ip, None, false)],
            Verdict::Online,
        ),
        (
            "one control down is still online",
            vec![
                control(name, Some(Cause::TcpTimeout), false),
                control(ip, None, false),
            ],
            Verdict::Online,
        ),
        (
            "nothing answers",
            vec![
                control(name, Some(Cause::DnsTimeout), false),
                control(ip, Some(Cause::TcpTimeout), false),
            ],
            Verdict::Offline,
        ),
        (
            "unreachable network",
            vec![
                control(name, Some(Cause::TcpUnreachable), false),
                control(ip, Some(Cause::TcpUnreachable), false),
            ],
            Verdict::Offline,
        ),
        (
            "a sign-in page answers",
            vec![
                control(name, Some(Cause::HttpKeyword), true),
                control(ip, None, false),
            ],
            Verdict::CaptivePortal,
        ),
        (
            "portal redirects",
            vec![
                control(name, Some(Cause::HttpStatus), true),
                control(ip, Some(Cause::TcpTimeout), false),
            ],
            Verdict::CaptivePortal,
        ),
        (
            "names fail, addresses work",
            vec![
                control(name, Some(Cause::DnsServfail), false),
                control(ip, None, false),
            ],
            Verdict::LocalDnsBroken,
        ),
        (
            "names fail and so do addresses",
            vec![
                control(name, Some(Cause::DnsTimeout), false),
                control(ip, Some(Cause::TcpTimeout), false),
            ],
            Verdict::Offline,
        ),
        ("no controls configured", vec![], Verdict::Online),
    ];
    for (what, controls, expected) in cases {
        assert_eq!(verdict(&controls), expected, "{what}");
    }
}

//! Prints every kind of notification in every language, as the desktop would show them:
//! `cargo run -p downwatch-monitor --example notices`.

use std::time::{Duration, SystemTime};

use downwatch_monitor::messages::{Lang, Messages};
use downwatch_monitor::{IncidentId, Notice, NoticeKind, OfflineVerdict, Reason};
use downwatch_probe::Cause;

fn main() {
    let reason = Reason {
        layer: Cause::DnsServfail.layer(),
        cause: Cause::DnsServfail,
        detail: "SERVFAIL from 127.0.0.53:53".into(),
    };
    let meta = Some("Meta".to_owned());
    let kinds = vec![
        NoticeKind::Down {
            group: None,
            watches: vec!["WhatsApp Web".into()],
            reason: reason.clone(),
        },
        NoticeKind::Down {
            group: meta.clone(),
            watches: vec!["WhatsApp Web".into(), "Facebook".into(), "Instagram".into()],
            reason,
        },
        NoticeKind::Recovered {
            group: None,
            watches: vec!["Gmail".into()],
            after: Duration::from_secs(754),
        },
        NoticeKind::Degraded {
            group: None,
            watches: vec!["YouTube".into()],
            reason: Reason {
                layer: Cause::TooSlow.layer(),
                cause: Cause::TooSlow,
                detail: "took 4.20 s, above the 3 s limit".into(),
            },
        },
        NoticeKind::Unstable {
            watch: "Discord".into(),
            failures: 5,
            checks: 10,
        },
        NoticeKind::Steady {
            watch: "Discord".into(),
            after: Duration::from_secs(1260),
        },
        NoticeKind::CertExpiring {
            watch: "My API".into(),
            days_left: 3,
        },
        NoticeKind::Offline {
            verdict: OfflineVerdict::Offline,
        },
        NoticeKind::Offline {
            verdict: OfflineVerdict::CaptivePortal,
        },
        NoticeKind::Offline {
            verdict: OfflineVerdict::LocalDnsBroken,
        },
        NoticeKind::Online {
            after: Duration::from_secs(185),
        },
        NoticeKind::Summary {
            held: 12,
            down: vec!["Gmail".into()],
            recovered: vec!["YouTube".into()],
        },
    ];
    for lang in Lang::ALL {
        let messages = Messages::new(*lang);
        println!("==== {}", lang.code());
        for kind in &kinds {
            let notice = Notice {
                kind: kind.clone(),
                incident: Some(IncidentId("x".into())),
                at: SystemTime::now(),
            };
            let r = messages.render(&notice);
            println!("{}\n    {}\n", r.title, r.body.replace('\n', "\n    "));
        }
    }
}

//! The message catalog: every notice renders cleanly in every language, every id and cause
//! has a message in every language, and the main English texts are exact.
#![allow(clippy::unwrap_used)]

mod messages_support;

use std::time::Duration;

use downwatch_monitor::messages::{Lang, Messages};
use downwatch_monitor::{Notice, NoticeKind, OfflineVerdict, Reason, WatchState};
use downwatch_probe::{Cause, Layer};
use messages_support::{names, notice, servfail};

/// One notice of every kind and variant the renderer distinguishes.
fn every_notice() -> Vec<Notice> {
    let meta = Some("Meta".to_owned());
    let three = names(&["WhatsApp Web", "Facebook", "Instagram"]);
    let slow = Reason {
        layer: Layer::Http,
        cause: Cause::TooSlow,
        detail: "3.2 s > 2 s".into(),
    };
    let mut all = vec![
        NoticeKind::Down {
            group: None,
            watches: names(&["WhatsApp Web"]),
            reason: servfail(),
        },
        NoticeKind::Down {
            group: meta.clone(),
            watches: three.clone(),
            reason: servfail(),
        },
        NoticeKind::Down {
            group: meta.clone(),
            watches: vec![],
            reason: servfail(),
        },
        NoticeKind::Down {
            group: None,
            watches: vec![],
            reason: servfail(),
        },
        NoticeKind::Recovered {
            group: None,
            watches: names(&["WhatsApp Web"]),
            after: Duration::from_secs(720),
        },
        NoticeKind::Recovered {
            group: meta.clone(),
            watches: three.clone(),
            after: Duration::from_secs(7500),
        },
        NoticeKind::Degraded {
            group: None,
            watches: names(&["WhatsApp Web"]),
            reason: slow.clone(),
        },
        NoticeKind::Degraded {
            group: meta,
            watches: three,
            reason: slow,
        },
        NoticeKind::Degraded {
            group: None,
            watches: names(&["Gmail"]),
            reason: Reason {
                layer: Layer::Tls,
                cause: Cause::TlsExpiring,
                detail: "expires in 5 days".into(),
            },
        },
        NoticeKind::Unstable {
            watch: "WhatsApp Web".into(),
            failures: 5,
            checks: 10,
        },
        NoticeKind::Unstable {
            watch: "WhatsApp Web".into(),
            failures: 1,
            checks: 1,
        },
        NoticeKind::Steady {
            watch: "WhatsApp Web".into(),
            after: Duration::from_secs(1260),
        },
        NoticeKind::CertExpiring {
            watch: "Gmail".into(),
            days_left: 5,
        },
        NoticeKind::CertExpiring {
            watch: "Gmail".into(),
            days_left: 1,
        },
        NoticeKind::CertExpiring {
            watch: "Gmail".into(),
            days_left: 0,
        },
        NoticeKind::CertExpiring {
            watch: "Gmail".into(),
            days_left: -2,
        },
        NoticeKind::Online {
            after: Duration::from_secs(180),
        },
        NoticeKind::Summary {
            held: 12,
            down: names(&["A", "B"]),
            recovered: names(&["C"]),
        },
        NoticeKind::Summary {
            held: 1,
            down: names(&["A"]),
            recovered: vec![],
        },
        NoticeKind::Summary {
            held: 2,
            down: vec![],
            recovered: names(&["C"]),
        },
        NoticeKind::Summary {
            held: 3,
            down: vec![],
            recovered: vec![],
        },
    ];
    // An offline notice cannot say "online" any more (its verdict's type has no such value).
    for verdict in [
        OfflineVerdict::Offline,
        OfflineVerdict::CaptivePortal,
        OfflineVerdict::LocalDnsBroken,
    ] {
        all.push(NoticeKind::Offline { verdict });
    }
    for cause in Cause::ALL {
        let reason = Reason {
            layer: cause.layer(),
            cause: *cause,
            detail: "detail".into(),
        };
        all.push(NoticeKind::Down {
            group: None,
            watches: names(&["X"]),
            reason,
        });
    }
    all.into_iter().map(notice).collect()
}

#[test]
fn every_notice_renders_cleanly_in_every_language() {
    for lang in Lang::ALL {
        let messages = Messages::try_new(*lang).unwrap();
        for notice in every_notice() {
            let rendered = messages
                .try_render(&notice)
                .unwrap_or_else(|e| panic!("{lang:?} {notice:?}: {e}"));
            assert_eq!(rendered.lang, *lang);
            for text in [&rendered.title, &rendered.body] {
                assert!(!text.is_empty(), "{lang:?} {notice:?}");
                assert!(
                    !text.contains('{') && !text.contains("Unknown"),
                    "{lang:?}: {text}"
                );
            }
            assert!(
                !rendered.title.contains('\n'),
                "{lang:?}: title on one line: {}",
                rendered.title
            );
        }
    }
}

#[test]
fn every_message_id_exists_in_every_language() {
    let english = Messages::ids(Lang::En);
    assert!(english.len() > 60, "{english:?}");
    for lang in Lang::ALL {
        let messages = Messages::try_new(*lang).unwrap();
        for id in &english {
            assert!(messages.has(id), "{lang:?} lacks `{id}`");
        }
        let en = Messages::try_new(Lang::En).unwrap();
        for id in Messages::ids(*lang) {
            assert!(en.has(id), "`{id}` of {lang:?} is not in English");
        }
        assert_eq!(lang.langid().language.as_str(), lang.code());
    }
}

#[test]
fn every_cause_and_layer_has_a_phrase_in_every_language() {
    for lang in Lang::ALL {
        let messages = Messages::try_new(*lang).unwrap();
        for cause in Cause::ALL {
            let phrase = messages
                .format(&format!("cause-{}", cause.code()), &[])
                .unwrap();
            assert!(
                !phrase.is_empty() && phrase != cause.code(),
                "{lang:?} {cause:?}"
            );
        }
        for layer in [Layer::Dns, Layer::Tcp, Layer::Tls, Layer::Http] {
            for suffix in ["", "-long"] {
                messages
                    .format(&format!("layer-{}{suffix}", layer.as_str()), &[])
                    .unwrap();
            }
        }
        for state in [
            WatchState::Unknown,
            WatchState::Up,
            WatchState::Degraded,
            WatchState::Down,
            WatchState::Unstable,
            WatchState::Paused,
        ] {
            messages
                .format(&format!("state-{}", state.as_str()), &[])
                .unwrap();
        }
    }
}

fn en(kind: NoticeKind) -> (String, String) {
    let r = Messages::try_new(Lang::En)
        .unwrap()
        .try_render(&notice(kind))
        .unwrap();
    (r.title, r.body)
}

#[test]
fn english_texts() {
    let servfail_body =
        "The name server failed (SERVFAIL)\nDNS: SERVFAIL from 127.0.0.53:53".to_owned();
    assert_eq!(
        en(NoticeKind::Down {
            group: Some("Meta".into()),
            watches: names(&["WhatsApp Web"]),
            reason: servfail()
        }),
        ("WhatsApp Web is down".into(), servfail_body.clone())
    );
    assert_eq!(
        en(NoticeKind::Down {
            group: Some("Meta".into()),
            watches: names(&["WhatsApp Web", "Facebook", "Instagram"]),
            reason: servfail()
        }),
        (
            "Meta: WhatsApp Web, Facebook and Instagram are down".into(),
            servfail_body
        )
    );
    assert_eq!(
        en(NoticeKind::Recovered {
            group: None,
            watches: names(&["WhatsApp Web"]),
            after: Duration::from_secs(12 * 60)
        }),
        ("WhatsApp Web is back up".into(), "Down for 12 min".into())
    );
    let slow = Reason {
        layer: Layer::Http,
        cause: Cause::TooSlow,
        detail: "took 3.2 s, limit 2 s".into(),
    };
    assert_eq!(
        en(NoticeKind::Degraded {
            group: None,
            watches: names(&["WhatsApp Web"]),
            reason: slow
        }),
        (
            "WhatsApp Web is slow".into(),
            "Responses are slower than the limit\nHTTP: took 3.2 s, limit 2 s".into()
        )
    );
    let untrusted = Reason {
        layer: Layer::Tls,
        cause: Cause::TlsExpiring,
        detail: "d".into(),
    };
    assert_eq!(
        en(NoticeKind::Degraded {
            group: None,
            watches: names(&["A", "B"]),
            reason: untrusted
        })
        .0,
        "A and B are degraded"
    );
    assert_eq!(
        en(NoticeKind::Steady {
            watch: "WhatsApp Web".into(),
            after: Duration::from_secs(1260),
        }),
        (
            "WhatsApp Web is stable again".into(),
            "Unstable for 21 min".into()
        )
    );
    assert_eq!(
        en(NoticeKind::Unstable {
            watch: "WhatsApp Web".into(),
            failures: 5,
            checks: 10
        }),
        (
            "WhatsApp Web is unstable".into(),
            "5 of the last 10 checks failed".into()
        )
    );
    assert_eq!(
        en(NoticeKind::CertExpiring {
            watch: "Gmail".into(),
            days_left: 5
        })
        .0,
        "The certificate of Gmail expires in 5 days"
    );
    assert_eq!(
        en(NoticeKind::CertExpiring {
            watch: "Gmail".into(),
            days_left: 0
        })
        .0,
        "The certificate of Gmail expires today"
    );
    assert_eq!(
        en(NoticeKind::CertExpiring {
            watch: "Gmail".into(),
            days_left: -1
        })
        .0,
        "The certificate of Gmail has expired"
    );
    assert_eq!(
        en(NoticeKind::Offline {
            verdict: OfflineVerdict::Offline
        }),
        (
            "You are offline".into(),
            "Your own connection is down. Service alarms are held until it is back.".into()
        )
    );
    assert_eq!(
        en(NoticeKind::Offline {
            verdict: OfflineVerdict::CaptivePortal
        })
        .0,
        "This network wants you to sign in"
    );
    assert_eq!(
        en(NoticeKind::Offline {
            verdict: OfflineVerdict::LocalDnsBroken
        })
        .0,
        "Your DNS is not working"
    );
    assert_eq!(
        en(NoticeKind::Online {
            after: Duration::from_secs(180)
        }),
        (
            "Back online".into(),
            "Your connection is back after 3 min offline.".into()
        )
    );
    assert_eq!(
        en(NoticeKind::Summary {
            held: 12,
            down: names(&["A", "B"]),
            recovered: names(&["C"])
        }),
        (
            "12 changes held back".into(),
            "Down now: A and B. Back up: C.".into()
        )
    );
}

/// Issue 8: the technical line of a notice is the probe's message in the reader's language,
/// its address a left-to-right run; English keeps the probe's English words.
#[test]
fn the_technical_line_is_in_the_notices_language() {
    use downwatch_monitor::messages::{Message, Value};
    let failure = downwatch_probe::Failure::new(
        Cause::TcpRefused,
        Message::new("tcp-refused").arg("addr", Value::address("127.0.0.1:43687")),
    );
    let kind = NoticeKind::Down {
        group: None,
        watches: names(&["WhatsApp Web"]),
        reason: Reason::of(&failure),
    };
    let ar = Messages::try_new(Lang::Ar)
        .unwrap()
        .try_render(&notice(kind.clone()))
        .unwrap();
    let line = ar.body.lines().last().unwrap();
    assert!(
        line.contains("رفض \u{2068}\u{2066}127.0.0.1:43687\u{2069}\u{2069} الاتصال"),
        "{line:?}"
    );
    assert!(!line.contains("refused"), "{line:?}");
    let en = Messages::try_new(Lang::En)
        .unwrap()
        .try_render(&notice(kind))
        .unwrap();
    assert_eq!(
        en.body,
        "The server refused the connection\nTCP: connection refused by 127.0.0.1:43687"
    );
}

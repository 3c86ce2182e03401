//! The notification policy and the incident book, driven with explicit times.

#![allow(clippy::unwrap_used)] // helpers outside #[test] functions

use std::time::{Duration, SystemTime};

use downwatch_config::{Notifications, QuietHours};
use downwatch_monitor::detector::{Change, NewState};
use downwatch_monitor::incidents::{IncidentBook, IncidentEvent};
use downwatch_monitor::policy::{Input, Policy};
use downwatch_monitor::{NoticeKind, OfflineVerdict, Reason, Verdict, WatchState};
use downwatch_probe::Cause;
use tokio::time::Instant;

/// The defaults of an empty config file (one source of truth), with a small rate limit.
fn cfg() -> Notifications {
    let mut n = downwatch_config::parse("", std::path::Path::new("t.toml"))
        .unwrap()
        .notifications;
    n.rate_limit_count = 3;
    n
}

struct Clock {
    start: Instant,
    wall0: SystemTime,
}

impl Clock {
    fn new() -> Self {
        Clock {
            start: Instant::now(),
            wall0: SystemTime::UNIX_EPOCH + Duration::from_secs(1_800_000_000),
        }
    }
    fn at(&self, secs: u64) -> (Instant, SystemTime) {
        (
            self.start + Duration::from_secs(secs),
            self.wall0 + Duration::from_secs(secs),
        )
    }
}

fn change(from: WatchState, to: WatchState, wall: SystemTime, silent: bool) -> Change {
    let reason = Reason {
        layer: Cause::DnsServfail.layer(),
        cause: Cause::DnsServfail,
        detail: "SERVFAIL from 127.0.0.53:53".into(),
    };
    let to = match to {
        WatchState::Unknown => NewState::Unknown,
        WatchState::Up => NewState::Up(Some(reason)),
        WatchState::Degraded => NewState::Degraded(reason),
        WatchState::Down => NewState::Down(reason),
        WatchState::Unstable => NewState::Unstable(Some(reason)),
        WatchState::Paused => NewState::Paused,
    };
    Change {
        from,
        to,
        since: wall,
        bad_since: matches!(from, WatchState::Down).then(|| wall - Duration::from_secs(600)),
        silent,
        recent_failures: (5, 10),
    }
}

fn state(watch: &str, group: Option<&str>, c: Change) -> Input {
    Input::State {
        watch: watch.into(),
        group: group.map(Into::into),
        muted: false,
        change: c,
        incident: None,
    }
}

#[test]
fn a_group_failing_together_leaves_as_one_notification() {
    let clock = Clock::new();
    let mut p = Policy::new(cfg());
    for (i, w) in ["WhatsApp", "Facebook", "Instagram"]
        .into_iter()
        .enumerate()
    {
        let (now, wall) = clock.at(i as u64);
        p.push(
            state(
                w,
                Some("Meta"),
                change(WatchState::Up, WatchState::Down, wall, false),
            ),
            now,
            wall,
        );
    }
    let (now, wall) = clock.at(4);
    assert!(
        p.release(now, wall, 600).is_empty(),
        "still within the group wait"
    );
    assert_eq!(p.next_wake(), Some(clock.at(5).0));
    let (now, wall) = clock.at(5);
    let out = p.release(now, wall, 600);
    assert_eq!(out.len(), 1);
    match &out[0].kind {
        NoticeKind::Down {
            group,
            watches,
            reason,
        } => {
            assert_eq!(group.as_deref(), Some("Meta"));
            assert_eq!(watches, &["WhatsApp", "Facebook", "Instagram"]);
            assert_eq!(reason.cause, Cause::DnsServfail);
        }
        other => panic!("{other:?}"),
    }
    let (now, wall) = clock.at(100);
    p.push(
        state(
            "WhatsApp",
            Some("Meta"),
            change(WatchState::Down, WatchState::Up, wall, false),
        ),
        now,
        wall,
    );
    let out = p.release(clock.at(106).0, clock.at(106).1, 600);
    match &out[..] {
        [n] => assert!(
            matches!(&n.kind, NoticeKind::Recovered { after, .. } if *after == Duration::from_secs(600))
        ),
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_failure_healed_within_the_wait_sends_nothing() {
    let clock = Clock::new();
    let mut p = Policy::new(cfg());
    let (now, wall) = clock.at(0);
    p.push(
        state(
            "Gmail",
            None,
            change(WatchState::Up, WatchState::Down, wall, false),
        ),
        now,
        wall,
    );
    let (now, wall) = clock.at(3);
    p.push(
        state(
            "Gmail",
            None,
            change(WatchState::Down, WatchState::Up, wall, false),
        ),
        now,
        wall,
    );
    let (now, wall) = clock.at(60);
    assert!(p.release(now, wall, 600).is_empty());
}

#[test]
fn silent_and_muted_changes_are_not_notified() {
    let clock = Clock::new();
    let mut p = Policy::new(cfg());
    let (now, wall) = clock.at(0);
    p.push(
        state(
            "Gmail",
            None,
            change(WatchState::Unknown, WatchState::Down, wall, true),
        ),
        now,
        wall,
    );
    p.push(
        Input::State {
            watch: "YouTube".into(),
            group: None,
            muted: true,
            change: change(WatchState::Up, WatchState::Down, wall, false),
            incident: None,
        },
        now,
        wall,
    );
    assert!(p.release(clock.at(30).0, clock.at(30).1, 600).is_empty());
    // A baseline Down recovering later was never told: no "back up" either.
    p.push(
        state(
            "Gmail",
            None,
            change(WatchState::Down, WatchState::Up, wall, false),
        ),
        clock.at(40).0,
        clock.at(40).1,
    );
    assert!(p.release(clock.at(50).0, clock.at(50).1, 600).is_empty());
}

#[test]
fn rate_limit_holds_and_summarises() {
    let clock = Clock::new();
    let mut p = Policy::new(cfg());
    for (i, w) in ["A", "B", "C", "D", "E"].into_iter().enumerate() {
        let (now, wall) = clock.at(i as u64 * 10);
        p.push(
            state(
                w,
                None,
                change(WatchState::Up, WatchState::Down, wall, false),
            ),
            now,
            wall,
        );
        let (now, wall) = clock.at(i as u64 * 10 + 5);
        let out = p.release(now, wall, 600);
        assert_eq!(out.len(), usize::from(i < 3), "notice {i}");
    }
    let (now, wall) = clock.at(700);
    let out = p.release(now, wall, 600);
    match &out[..] {
        [n] => assert_eq!(
            n.kind,
            NoticeKind::Summary {
                held: 2,
                down: vec!["D".into(), "E".into()],
                recovered: vec![]
            }
        ),
        other => panic!("{other:?}"),
    }
}

#[test]
fn quiet_hours_hold_until_they_end() {
    let clock = Clock::new();
    let mut c = cfg();
    c.quiet_hours = Some(QuietHours {
        start: 22 * 60,
        end: 7 * 60,
    });
    let mut p = Policy::new(c);
    let (now, wall) = clock.at(0);
    p.push(
        state(
            "Gmail",
            None,
            change(WatchState::Up, WatchState::Down, wall, false),
        ),
        now,
        wall,
    );
    assert!(
        p.release(clock.at(10).0, clock.at(10).1, 23 * 60)
            .is_empty(),
        "23:00 is quiet"
    );
    assert!(
        p.release(clock.at(20).0, clock.at(20).1, 3 * 60).is_empty(),
        "03:00 is quiet"
    );
    let out = p.release(clock.at(30).0, clock.at(30).1, 7 * 60);
    assert!(
        matches!(&out[..], [n] if matches!(&n.kind, NoticeKind::Summary { held: 1, down, .. } if down == &["Gmail"])),
        "{out:?}"
    );
}

#[test]
fn offline_and_back_online_once_each() {
    let clock = Clock::new();
    let mut p = Policy::new(cfg());
    let (now, wall) = clock.at(0);
    p.push(
        Input::Verdict {
            from: Verdict::Online,
            to: Verdict::Offline,
            lasted: Duration::ZERO,
        },
        now,
        wall,
    );
    let out = p.release(clock.at(5).0, clock.at(5).1, 600);
    assert!(
        matches!(&out[..], [n] if n.kind == NoticeKind::Offline { verdict: OfflineVerdict::Offline })
    );
    p.push(
        Input::Verdict {
            from: Verdict::Offline,
            to: Verdict::Online,
            lasted: Duration::from_secs(180),
        },
        clock.at(200).0,
        clock.at(200).1,
    );
    let out = p.release(clock.at(205).0, clock.at(205).1, 600);
    assert!(
        matches!(&out[..], [n] if n.kind == NoticeKind::Online { after: Duration::from_secs(180) })
    );
    // A two-second dip sends nothing.
    p.push(
        Input::Verdict {
            from: Verdict::Online,
            to: Verdict::CaptivePortal,
            lasted: Duration::ZERO,
        },
        clock.at(300).0,
        clock.at(300).1,
    );
    p.push(
        Input::Verdict {
            from: Verdict::CaptivePortal,
            to: Verdict::Online,
            lasted: Duration::from_secs(2),
        },
        clock.at(302).0,
        clock.at(302).1,
    );
    assert!(p.release(clock.at(400).0, clock.at(400).1, 600).is_empty());
}

#[test]
fn certificate_warning_at_most_once_a_day() {
    let clock = Clock::new();
    let mut p = Policy::new(cfg());
    let cert = |days| Input::CertDays {
        watch: "Bank".into(),
        muted: false,
        days_left: days,
    };
    p.push(cert(20), clock.at(0).0, clock.at(0).1);
    assert!(
        p.release(clock.at(10).0, clock.at(10).1, 600).is_empty(),
        "20 days is fine"
    );
    p.push(cert(9), clock.at(20).0, clock.at(20).1);
    p.push(cert(9), clock.at(50).0, clock.at(50).1);
    assert_eq!(p.release(clock.at(60).0, clock.at(60).1, 600).len(), 1);
    p.push(cert(8), clock.at(3600).0, clock.at(3600).1);
    assert!(
        p.release(clock.at(3700).0, clock.at(3700).1, 600)
            .is_empty()
    );
    p.push(cert(8), clock.at(90_000).0, clock.at(90_000).1);
    assert_eq!(
        p.release(clock.at(90_010).0, clock.at(90_010).1, 600).len(),
        1,
        "a day later"
    );
}

#[test]
fn unstable_is_its_own_notice() {
    let clock = Clock::new();
    let mut p = Policy::new(cfg());
    let (now, wall) = clock.at(0);
    p.push(
        state(
            "Flaky",
            None,
            change(WatchState::Up, WatchState::Unstable, wall, false),
        ),
        now,
        wall,
    );
    p.push(
        state(
            "Other",
            None,
            change(WatchState::Up, WatchState::Unstable, wall, false),
        ),
        now,
        wall,
    );
    let out = p.release(clock.at(5).0, clock.at(5).1, 600);
    assert_eq!(out.len(), 2, "{out:?}");
    assert!(
        matches!(&out[0].kind, NoticeKind::Unstable { watch, failures: 5, checks: 10 } if watch == "Flaky")
    );
}

#[test]
fn incidents_open_back_dated_group_and_close() {
    let mut book = IncidentBook::new();
    let t0 = SystemTime::UNIX_EPOCH + Duration::from_secs(1_800_000_000);
    let mut down = change(WatchState::Up, WatchState::Down, t0, false);
    let window = Duration::from_secs(60);
    let Some(IncidentEvent::Opened(first)) =
        book.on_change("WhatsApp Web", Some("Meta"), &down, window)
    else {
        panic!()
    };
    assert_eq!((first.start, first.cause), (t0, Some(Cause::DnsServfail)));
    down.since = t0 + Duration::from_secs(20);
    let Some(IncidentEvent::Opened(second)) =
        book.on_change("Instagram", Some("Meta"), &down, window)
    else {
        panic!()
    };
    assert_eq!(
        second.group_incident,
        Some(first.id.clone()),
        "same group, within the window"
    );
    assert_eq!(
        book.open_for("WhatsApp Web").unwrap().group_incident,
        Some(first.id.clone())
    );
    down.since = t0 + Duration::from_secs(500);
    let Some(IncidentEvent::Opened(third)) =
        book.on_change("Facebook", Some("Meta"), &down, window)
    else {
        panic!()
    };
    assert_eq!(
        third.group_incident, None,
        "too late to be the same incident"
    );
    let up = change(
        WatchState::Down,
        WatchState::Up,
        t0 + Duration::from_secs(900),
        false,
    );
    let Some(IncidentEvent::Closed(closed)) =
        book.on_change("WhatsApp Web", Some("Meta"), &up, window)
    else {
        panic!()
    };
    assert_eq!(closed.duration(SystemTime::now()), Duration::from_secs(900));
    assert!(book.open_for("WhatsApp Web").is_none());
    let json = serde_json::to_string(&book).unwrap();
    let back: IncidentBook = serde_json::from_str(&json).unwrap();
    assert_eq!(back.open().count(), 2, "open incidents survive a restart");
}

#[test]
fn a_corrupt_incident_file_is_refused_not_half_read() {
    // Unknown layer or cause names must not load (the runner then moves the file aside).
    let corrupt = r#"{"open":{"Web":{"id":"web-1","watch":"Web","group":null,"group_incident":null,
        "kind":"down","start":1,"end":null,"layer":"banana","cause":"not_a_cause","detail":null}}}"#;
    assert!(serde_json::from_str::<IncidentBook>(corrupt).is_err());
    let fine = corrupt
        .replace("banana", "dns")
        .replace("not_a_cause", "dns_servfail");
    let book: IncidentBook = serde_json::from_str(&fine).unwrap();
    assert_eq!(
        book.open_for("Web").unwrap().cause,
        Some(Cause::DnsServfail)
    );
}

#[test]
fn a_grouped_notice_gives_the_most_common_cause() {
    let clock = Clock::new();
    let mut p = Policy::new(cfg());
    let (now, wall) = clock.at(0);
    let refused = Reason {
        layer: Cause::TcpRefused.layer(),
        cause: Cause::TcpRefused,
        detail: "refused".into(),
    };
    let mut first = change(WatchState::Up, WatchState::Down, wall, false);
    first.to = NewState::Down(refused);
    p.push(state("WhatsApp", Some("Meta"), first), now, wall);
    for w in ["Facebook", "Instagram"] {
        p.push(
            state(
                w,
                Some("Meta"),
                change(WatchState::Up, WatchState::Down, wall, false),
            ),
            now,
            wall,
        );
    }
    let out = p.release(clock.at(5).0, clock.at(5).1, 600);
    match &out[..] {
        [n] => assert!(
            matches!(&n.kind, NoticeKind::Down { reason, watches, .. } if reason.cause == Cause::DnsServfail && watches.len() == 3),
            "{n:?}"
        ),
        other => panic!("{other:?}"),
    }
}

/// One rule for the dominant cause (issue 9): a tie goes to the lower layer, whichever watch
/// failed first. The policy used to keep the earliest on a tie, so this notice said
/// `tcp_refused` when WhatsApp's failure arrived first and `dns_servfail` otherwise.
#[test]
fn a_tie_in_a_grouped_notice_does_not_depend_on_the_arrival_order() {
    let refused = Reason {
        layer: Cause::TcpRefused.layer(),
        cause: Cause::TcpRefused,
        detail: "refused".into(),
    };
    for refused_first in [true, false] {
        let clock = Clock::new();
        let mut p = Policy::new(cfg());
        let (now, wall) = clock.at(0);
        let mut tcp = change(WatchState::Up, WatchState::Down, wall, false);
        tcp.to = NewState::Down(refused.clone());
        let dns = change(WatchState::Up, WatchState::Down, wall, false);
        let arrivals = if refused_first {
            [("WhatsApp", tcp), ("Facebook", dns)]
        } else {
            [("Facebook", dns), ("WhatsApp", tcp)]
        };
        for (w, c) in arrivals {
            p.push(state(w, Some("Meta"), c), now, wall);
        }
        let out = p.release(clock.at(5).0, clock.at(5).1, 600);
        match &out[..] {
            [n] => assert!(
                matches!(&n.kind, NoticeKind::Down { reason, .. } if reason.cause == Cause::DnsServfail),
                "refused first: {refused_first}: {n:?}"
            ),
            other => panic!("{other:?}"),
        }
    }
}

/// A grouped notice and a summary list their watches in the configuration's order, whatever
/// order their changes arrived in (issue 6: "Meta: Instagram, WhatsApp and Facebook" one
/// run, "Meta: WhatsApp, Facebook and Instagram" the next).
#[test]
fn lists_follow_the_configuration_not_the_arrival_order() {
    let config_order = ["WhatsApp", "Facebook", "Instagram"];
    let arrivals = [
        ["Instagram", "WhatsApp", "Facebook"],
        ["Facebook", "Instagram", "WhatsApp"],
        ["Instagram", "Facebook", "WhatsApp"],
    ];
    for arrival in arrivals {
        let clock = Clock::new();
        let mut c = cfg();
        c.rate_limit_count = 1;
        let mut p = Policy::new(c);
        p.set_watch_order(config_order.map(String::from));
        for (i, w) in arrival.into_iter().enumerate() {
            let (now, wall) = clock.at(i as u64);
            let c = change(WatchState::Up, WatchState::Down, wall, false);
            p.push(state(w, Some("Meta"), c), now, wall);
        }
        let out = p.release(clock.at(10).0, clock.at(10).1, 600);
        match &out[..] {
            [n] => assert!(
                matches!(&n.kind, NoticeKind::Down { watches, .. } if watches == &config_order),
                "arrival {arrival:?}: {:?}",
                n.kind
            ),
            other => panic!("{other:?}"),
        }
        // Over the rate limit now: their recoveries are held and summarised, in order too.
        for (i, w) in arrival.into_iter().enumerate() {
            let (now, wall) = clock.at(20 + i as u64 * 10);
            let c = change(WatchState::Down, WatchState::Up, wall, false);
            p.push(state(w, None, c), now, wall);
            assert!(
                p.release(clock.at(26 + i as u64 * 10).0, wall, 600)
                    .is_empty()
            );
        }
        let out = p.release(clock.at(700).0, clock.at(700).1, 600);
        match &out[..] {
            [n] => assert!(
                matches!(&n.kind, NoticeKind::Summary { recovered, .. } if recovered == &config_order),
                "arrival {arrival:?}: {:?}",
                n.kind
            ),
            other => panic!("{other:?}"),
        }
    }
}

/// Issue 15, case 1: "X is down" was told; the watch then became unstable and healed before
/// that newer notice left. The user's last word must not stay "down": the down gets its
/// "back up" (the old policy dropped both the waiting notice and the memory of the down).
#[test]
fn a_told_down_always_ends_with_a_notice() {
    let clock = Clock::new();
    let mut p = Policy::new(cfg());
    let (now, wall) = clock.at(0);
    p.push(
        state(
            "Flap",
            None,
            change(WatchState::Up, WatchState::Down, wall, false),
        ),
        now,
        wall,
    );
    assert_eq!(p.release(clock.at(5).0, clock.at(5).1, 600).len(), 1);
    let (now, wall) = clock.at(100);
    p.push(
        state(
            "Flap",
            None,
            change(WatchState::Down, WatchState::Unstable, wall, false),
        ),
        now,
        wall,
    );
    let (now, wall) = clock.at(102);
    p.push(
        state(
            "Flap",
            None,
            change(WatchState::Unstable, WatchState::Up, wall, false),
        ),
        now,
        wall,
    );
    let out = p.release(clock.at(110).0, clock.at(110).1, 600);
    match &out[..] {
        [n] => assert!(
            matches!(&n.kind, NoticeKind::Recovered { watches, .. } if watches == &["Flap"]),
            "{n:?}"
        ),
        other => panic!("expected one 'back up': {other:?}"),
    }
    assert!(
        p.release(clock.at(1000).0, clock.at(1000).1, 600)
            .is_empty()
    );
}

/// Issue 15: what was told, warned, sent and held survives a restart (the memory goes
/// through its JSON form, as in `notifications.json`): the once-a-day certificate warning
/// is not repeated, a down told before gets its "back up" even at the silent first
/// judgement, a trouble never told gets nothing, the rate limit and held notices carry on.
#[test]
fn the_memory_of_what_was_told_survives_a_restart() {
    let clock = Clock::new();
    let mut c = cfg();
    c.rate_limit_count = 2;
    let mut p = Policy::new(c.clone());
    let cert = Input::CertDays {
        watch: "Bank".into(),
        muted: false,
        days_left: 3,
    };
    let (now, wall) = clock.at(0);
    p.push(cert.clone(), now, wall);
    let down = |w: &str, wall| {
        state(
            w,
            None,
            change(WatchState::Up, WatchState::Down, wall, false),
        )
    };
    p.push(down("Solo", wall), now, wall);
    let out = p.release(clock.at(5).0, clock.at(5).1, 600);
    assert_eq!(out.len(), 2, "{out:?}");
    // A third notice is over the limit: held for the summary.
    p.push(
        down("Other", clock.at(10).1),
        clock.at(10).0,
        clock.at(10).1,
    );
    assert!(p.release(clock.at(15).0, clock.at(15).1, 600).is_empty());
    assert!(p.take_changed());
    let saved = serde_json::to_string(p.memory()).unwrap();

    // The next process: a new monotonic clock, the wall clock goes on.
    let restarted = Clock {
        start: Instant::now() + Duration::from_secs(7),
        wall0: clock.wall0 + Duration::from_secs(60),
    };
    let mut p = Policy::new(c);
    p.restore(serde_json::from_str(&saved).unwrap());
    let (now, wall) = restarted.at(0);
    p.push(cert, now, wall);
    // First judgements after start-up: Solo came back while stopped, Quiet was never told.
    let back = |w: &str, wall| {
        state(
            w,
            None,
            change(WatchState::Unknown, WatchState::Up, wall, true),
        )
    };
    p.push(back("Solo", wall), now, wall);
    p.push(back("Quiet", wall), now, wall);
    assert!(
        p.release(restarted.at(10).0, restarted.at(10).1, 600)
            .is_empty(),
        "still rate-limited: the window began before the restart"
    );
    let out = p.release(restarted.at(600).0, restarted.at(600).1, 600);
    match &out[..] {
        [n] => assert_eq!(
            n.kind,
            NoticeKind::Summary {
                held: 2,
                down: vec!["Other".into()],
                recovered: vec!["Solo".into()],
            },
            "the held down and the owed back up; no second certificate warning"
        ),
        other => panic!("{other:?}"),
    }
}

/// Issue 15: "You are offline" told, then the resident restarts while offline; the
/// network returns after the restart: "Back online" is still said, with the whole spell.
#[test]
fn an_offline_spell_told_before_a_restart_gets_its_back_online() {
    let clock = Clock::new();
    let mut p = Policy::new(cfg());
    let (now, wall) = clock.at(0);
    let offline = Input::Verdict {
        from: Verdict::Online,
        to: Verdict::Offline,
        lasted: Duration::from_secs(3600),
    };
    p.push(offline, now, wall);
    assert_eq!(p.release(clock.at(5).0, clock.at(5).1, 600).len(), 1);
    let saved = serde_json::to_string(p.memory()).unwrap();

    let restarted = Clock {
        start: Instant::now(),
        wall0: clock.wall0 + Duration::from_secs(100),
    };
    let mut p = Policy::new(cfg());
    p.restore(serde_json::from_str(&saved).unwrap());
    // The first verdict after start-up is a baseline: online already, so it is owed now.
    p.baseline_verdict(Verdict::Online, restarted.at(0).0, restarted.at(0).1);
    let out = p.release(restarted.at(10).0, restarted.at(10).1, 600);
    match &out[..] {
        [n] => assert_eq!(
            n.kind,
            NoticeKind::Online {
                after: Duration::from_secs(100)
            }
        ),
        other => panic!("{other:?}"),
    }
    // Said once: a later baseline (another restart) owes nothing.
    p.baseline_verdict(Verdict::Online, restarted.at(20).0, restarted.at(20).1);
    assert!(
        p.release(restarted.at(30).0, restarted.at(30).1, 600)
            .is_empty()
    );
}

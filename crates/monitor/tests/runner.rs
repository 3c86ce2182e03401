//! The whole loop on a paused tokio clock, with probe results scripted at the I/O seam
//! (`ProbeExec`): outages, blips, offline, start-up while down, a suspend, groups, flapping.
//! Simulated time only: `sleep` here advances the paused clock instantly.

#![allow(clippy::unwrap_used)] // helpers outside #[test] functions

mod harness;

use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Duration;

use downwatch_config::Watch;
use downwatch_monitor::runner::PowerSignal;
use downwatch_monitor::{NoticeKind, OfflineVerdict};
use harness::*;
use tokio::time::sleep;

#[tokio::test(start_paused = true)]
async fn a_hard_outage_is_one_down_and_one_recovered_within_45_s() {
    let h = start(
        config(vec![watch_of(
            "Gmail",
            Some("Google"),
            "https://mail.test/",
        )]),
        World::default(),
    );
    sleep(Duration::from_secs(100)).await;
    assert!(h.notices().is_empty(), "no alarm while all is well");
    h.set_failing(&["mail.test"]);
    sleep(Duration::from_secs(120)).await;
    let notices = h.notices();
    assert_eq!(downs(&notices).len(), 1, "{notices:?}");
    let (at, _) = notices[0];
    let delay = at - Duration::from_secs(100);
    assert!(
        delay <= Duration::from_secs(45),
        "notified {delay:?} after the fault"
    );
    h.set_failing(&[]);
    sleep(Duration::from_secs(120)).await;
    let notices = h.notices();
    assert_eq!(notices.len(), 2, "{notices:?}");
    assert!(
        matches!(&notices[1].1, NoticeKind::Recovered { watches, .. } if watches == &["Gmail"])
    );
    let opened = h.events("incident_opened");
    let closed = h.events("incident_closed");
    assert_eq!((opened.len(), closed.len()), (1, 1));
    let sent = h.events("notification");
    assert_eq!(
        (sent[0]["watch"].as_str(), sent[0]["cause"].as_str()),
        (Some("Gmail"), Some("tcp_refused"))
    );
    assert_eq!(sent[0]["layer"], "tcp");
    assert_eq!(opened[0]["cause"], "tcp_refused");
}

#[tokio::test(start_paused = true)]
async fn a_single_lost_probe_is_never_notified() {
    let h = start(
        config(vec![watch_of("Gmail", None, "https://mail.test/")]),
        World::default(),
    );
    sleep(Duration::from_secs(60)).await;
    for _ in 0..5 {
        // Exactly one probe is lost, now and then.
        h.world
            .lock()
            .unwrap()
            .fail_next
            .insert("mail.test".into(), 1);
        sleep(Duration::from_secs(300)).await;
    }
    assert!(h.notices().is_empty(), "{:?}", h.notices());
    let checks = h.events("check");
    assert!(
        checks.iter().any(|c| c["status"] == "down"),
        "the failure was seen"
    );
}

#[tokio::test(start_paused = true)]
async fn offline_is_one_notice_and_no_watch_alarm() {
    let watches = vec![
        watch_of("Gmail", None, "https://mail.test/"),
        watch_of("YouTube", None, "https://video.test/"),
    ];
    let h = start(config(watches), World::default());
    sleep(Duration::from_secs(60)).await;
    h.set_failing(&["test", "192.0.2.1"]);
    sleep(Duration::from_secs(300)).await;
    let notices = h.notices();
    assert!(downs(&notices).is_empty(), "{notices:?}");
    assert_eq!(notices.len(), 1, "{notices:?}");
    assert_eq!(
        notices[0].1,
        NoticeKind::Offline {
            verdict: OfflineVerdict::Offline
        }
    );
    assert!(
        h.events("check")
            .iter()
            .any(|c| c["judged"] == false && c["verdict"] == "offline")
    );
    h.set_failing(&[]);
    sleep(Duration::from_secs(120)).await;
    let notices = h.notices();
    assert!(
        matches!(notices.last().unwrap().1, NoticeKind::Online { .. }),
        "{notices:?}"
    );
    assert!(downs(&notices).is_empty());
}

#[tokio::test(start_paused = true)]
async fn starting_while_down_sends_no_burst() {
    let watches = vec![
        watch_of("WhatsApp", Some("Meta"), "https://wa.test/"),
        watch_of("Facebook", Some("Meta"), "https://fb.test/"),
    ];
    let h = start(
        config(watches),
        World {
            failing: vec!["wa.test".into(), "fb.test".into()],
            ..World::default()
        },
    );
    sleep(Duration::from_secs(300)).await;
    assert!(h.notices().is_empty(), "{:?}", h.notices());
    let states = h.events("state");
    assert_eq!(states.len(), 2);
    assert!(
        states
            .iter()
            .all(|s| s["to"] == "down" && s["silent"] == true)
    );
}

#[tokio::test(start_paused = true)]
async fn a_group_failing_together_is_one_notification() {
    let watches = vec![
        watch_of("WhatsApp", Some("Meta"), "https://wa.test/"),
        watch_of("Facebook", Some("Meta"), "https://fb.test/"),
        watch_of("Instagram", Some("Meta"), "https://ig.test/"),
        watch_of("Gmail", Some("Google"), "https://mail.test/"),
    ];
    let h = start(config(watches), World::default());
    sleep(Duration::from_secs(60)).await;
    h.set_failing(&["wa.test", "fb.test", "ig.test"]);
    sleep(Duration::from_secs(120)).await;
    let notices = h.notices();
    let downs = downs(&notices);
    assert_eq!(downs.len(), 1, "{notices:?}");
    let named: usize = downs
        .iter()
        .map(|k| match k {
            NoticeKind::Down { watches, group, .. } => {
                assert_eq!(group.as_deref(), Some("Meta"));
                watches.len()
            }
            _ => 0,
        })
        .sum();
    assert_eq!(named, 3);
    let opened = h.events("incident_opened");
    let shared: std::collections::HashSet<String> = opened
        .iter()
        .map(|o| {
            o["group_incident"]
                .as_str()
                .map_or_else(|| o["incident"].as_str().unwrap().to_owned(), str::to_owned)
        })
        .collect();
    assert_eq!(shared.len(), 1, "one grouped incident: {opened:?}");
}

#[tokio::test(start_paused = true)]
async fn failing_every_other_check_is_one_unstable_notice() {
    let h = start(
        config(vec![watch_of("Flaky", None, "https://flaky.test/")]),
        World {
            alternating: vec!["flaky.test".into()],
            ..World::default()
        },
    );
    sleep(Duration::from_secs(1800)).await;
    let notices = h.notices();
    assert_eq!(notices.len(), 1, "{notices:?}");
    assert!(matches!(&notices[0].1, NoticeKind::Unstable { watch, .. } if watch == "Flaky"));
}

#[tokio::test(start_paused = true)]
async fn a_suspend_announced_by_logind_never_alarms() {
    let h = start(
        config(vec![watch_of("Gmail", None, "https://mail.test/")]),
        World::default(),
    );
    sleep(Duration::from_secs(60)).await;
    // logind says we are going to sleep; the network goes while suspended; the wall clock
    // leaps an hour; then we wake up and the network takes a moment to return.
    h.power.send(PowerSignal::Suspending).unwrap();
    h.set_failing(&["mail.test", "control-a.test", "192.0.2.1"]);
    sleep(Duration::from_secs(2)).await;
    h.clock.jump(Duration::from_secs(3600));
    h.power.send(PowerSignal::Resumed).unwrap();
    sleep(Duration::from_secs(10)).await;
    h.set_failing(&[]);
    sleep(Duration::from_secs(300)).await;
    assert!(h.notices().is_empty(), "{:?}", h.notices());
    let why: Vec<serde_json::Value> = h
        .events("settling")
        .iter()
        .map(|e| e["summary"].clone())
        .collect();
    assert_eq!(
        why,
        ["the computer is going to sleep", "the computer woke up"],
        "the clock gap of an announced suspend is the same event"
    );
}

/// A suspend logind never announced: only the clocks tell (the wall clock leaps two hours,
/// the monotonic one does not move). The service fails on both sides of it while the
/// controls work, for long enough that an awake monitor would confirm an outage (three
/// failed checks 5 s apart); the gap must make judgement wait `settle` instead.
#[tokio::test(start_paused = true)]
async fn a_suspend_seen_only_through_the_clock_never_alarms() {
    let h = start(
        config(vec![watch_of("Gmail", None, "https://mail.test/")]),
        World::default(),
    );
    sleep(Duration::from_secs(60)).await;
    h.set_failing(&["mail.test"]);
    h.wait_failed_checks(1).await;
    h.clock.jump(Duration::from_secs(7200));
    // 20 s of failures after wake-up (the Wi-Fi reconnecting): without the gap, the
    // retries 5 and 10 s after the first failure confirm "down".
    sleep(Duration::from_secs(20)).await;
    h.set_failing(&[]);
    sleep(Duration::from_secs(120)).await;

    assert!(h.notices().is_empty(), "{:?}", h.notices());
    assert!(
        h.events("state").iter().all(|s| s["to"] != "down"),
        "{:?}",
        h.events("state")
    );
    let settling = h.events("settling");
    assert_eq!(settling.len(), 1, "{settling:?}");
    assert_eq!(
        settling[0]["summary"], "the computer slept or its clock changed",
        "{settling:?}"
    );
    assert_eq!(settling[0]["gap_s"], 7200, "{settling:?}");
    h.assert_judgement_waited(&settling[0], Duration::from_secs(20));
}

/// A routing change (another Wi-Fi, a VPN coming up: the network fingerprint changes)
/// with the service failing meanwhile and the controls working: judgement waits for the
/// network to settle, and the failures around the change never make an outage.
#[tokio::test(start_paused = true)]
async fn a_routing_change_waits_for_the_network_to_settle() {
    let h = start(
        config(vec![watch_of("Gmail", None, "https://mail.test/")]),
        World::default(),
    );
    sleep(Duration::from_secs(60)).await;
    h.set_failing(&["mail.test"]);
    h.wait_failed_checks(1).await;
    h.net.store(2, Ordering::Relaxed);
    // Long enough for three failures in a row, had the change gone unnoticed.
    sleep(Duration::from_secs(20)).await;
    h.set_failing(&[]);
    sleep(Duration::from_secs(120)).await;

    assert!(h.notices().is_empty(), "{:?}", h.notices());
    assert!(
        h.events("state").iter().all(|s| s["to"] != "down"),
        "{:?}",
        h.events("state")
    );
    let settling = h.events("settling");
    assert_eq!(settling.len(), 1, "{settling:?}");
    assert_eq!(
        settling[0]["summary"], "the network changed",
        "{settling:?}"
    );
    assert_eq!(settling[0]["gap_s"], serde_json::Value::Null);
    h.assert_judgement_waited(&settling[0], Duration::from_secs(20));
}

#[tokio::test(start_paused = true)]
async fn starting_offline_is_silent_and_so_is_coming_online() {
    let h = start(
        config(vec![watch_of("Gmail", None, "https://mail.test/")]),
        World {
            failing: vec!["test".into(), "192.0.2.1".into()],
            ..World::default()
        },
    );
    sleep(Duration::from_secs(120)).await;
    h.set_failing(&[]);
    sleep(Duration::from_secs(120)).await;
    assert!(h.notices().is_empty(), "{:?}", h.notices());
    let verdicts = h.events("verdict");
    assert_eq!(verdicts.len(), 2, "{verdicts:?}");
    assert_eq!(
        (verdicts[0]["to"].as_str(), verdicts[1]["to"].as_str()),
        (Some("offline"), Some("online"))
    );
}

#[tokio::test(start_paused = true)]
async fn a_black_hole_is_notified_within_a_minute() {
    let h = start(
        config(vec![watch_of("Gmail", None, "https://mail.test/")]),
        World::default(),
    );
    sleep(Duration::from_secs(100)).await;
    {
        let mut world = h.world.lock().unwrap();
        world.failing = vec!["mail.test".into()];
        world.black_holes = vec!["mail.test".into()];
    }
    sleep(Duration::from_secs(120)).await;
    let notices = h.notices();
    assert_eq!(downs(&notices).len(), 1, "{notices:?}");
    let delay = notices[0].0 - Duration::from_secs(100);
    // At worst: 30 s to the next check, three 8 s timeouts retried back to back, 5 s wait.
    assert!(
        delay <= Duration::from_secs(60),
        "notified {delay:?} after the fault"
    );
    let down_at = h
        .events("state")
        .into_iter()
        .find(|s| s["to"] == "down")
        .unwrap()["ts"]
        .clone();
    let ts = |c: &serde_json::Value| c["ts"].as_str().unwrap().to_owned();
    let before: Vec<String> = h
        .events("check")
        .iter()
        .filter(|c| c["status"] == "down" && ts(c).as_str() <= down_at.as_str().unwrap())
        .map(ts)
        .collect();
    // Three timed-out checks confirm it, retried as soon as the previous one timed out
    // (8 s apart: start-to-start spacing of at least the retry interval).
    assert_eq!(before.len(), 3, "{before:?}");
    let at = |t: &String| chrono::DateTime::parse_from_rfc3339(t).unwrap();
    for pair in before.windows(2) {
        let gap = (at(&pair[1]) - at(&pair[0])).num_milliseconds();
        assert!(
            (7_900..=8_100).contains(&gap),
            "retried {gap} ms after the previous timeout ended: {before:?}"
        );
    }
}

#[tokio::test(start_paused = true)]
async fn open_incidents_survive_a_restart_and_a_corrupt_file_is_moved_aside() {
    let dir = tempfile::tempdir().unwrap();
    let cfg = || config(vec![watch_of("Gmail", None, "https://mail.test/")]);
    let h = start_in(cfg(), World::default(), Some(dir.path().to_owned()));
    sleep(Duration::from_secs(60)).await;
    h.set_failing(&["mail.test"]);
    sleep(Duration::from_secs(60)).await;
    let saved = std::fs::read_to_string(dir.path().join("incidents.json")).unwrap();
    assert!(saved.contains("tcp_refused"), "{saved}");
    drop(h);
    // A file the next start cannot read is kept beside, never silently dropped.
    std::fs::write(dir.path().join("incidents.json"), "{ not json").unwrap();
    let h = start_in(cfg(), World::default(), Some(dir.path().to_owned()));
    sleep(Duration::from_secs(1)).await;
    let kept = std::fs::read_to_string(dir.path().join("incidents.json.corrupt")).unwrap();
    assert_eq!(kept, "{ not json");
    drop(h);
}

#[tokio::test(start_paused = true)]
async fn failures_on_both_sides_of_a_suspend_do_not_add_up() {
    let h = start(
        config(vec![watch_of("Gmail", None, "https://mail.test/")]),
        World::default(),
    );
    sleep(Duration::from_secs(60)).await;
    // Two failures in a row while the controls work (one short of "down")...
    h.set_failing(&["mail.test"]);
    while h
        .events("check")
        .iter()
        .filter(|c| c["status"] == "down")
        .count()
        < 2
    {
        sleep(Duration::from_millis(100)).await;
    }
    // ...then the lid closes, an hour passes, the lid opens, and the service still fails
    // for a few seconds after wake-up (the Wi-Fi reconnecting) before it answers again.
    h.power.send(PowerSignal::Suspending).unwrap();
    sleep(Duration::from_secs(1)).await;
    h.clock.jump(Duration::from_secs(3600));
    h.power.send(PowerSignal::Resumed).unwrap();
    sleep(Duration::from_secs(10)).await;
    h.set_failing(&[]);
    sleep(Duration::from_secs(120)).await;
    assert!(h.notices().is_empty(), "{:?}", h.notices());
    assert!(
        h.events("state").iter().all(|s| s["to"] != "down"),
        "{:?}",
        h.events("state")
    );
}

/// A watch at the timings of issue 6's flapping scenario: checked every 2 s, retried after
/// 1 s, 1 s timeout, 3 failures to down, 2 successes to up.
fn fast_watch(name: &str, target: &str) -> Watch {
    let mut w = watch_of(name, None, target);
    w.check.timeout = Duration::from_secs(1);
    w.interval = Duration::from_secs(2);
    w.retry_interval = Duration::from_secs(1);
    w
}

/// Short names for notices, in order: "down", "back up", "unstable"...
fn said<T>(notices: &[(T, NoticeKind)]) -> Vec<&'static str> {
    notices
        .iter()
        .map(|(_, k)| match k {
            NoticeKind::Down { .. } => "down",
            NoticeKind::Recovered { .. } => "back up",
            NoticeKind::Unstable { .. } => "unstable",
            NoticeKind::Steady { .. } => "stable again",
            _ => "other",
        })
        .collect()
}

/// Black-holes `target` for 8 s, then lets it answer for 6 s, `cycles` times (issue 6).
async fn flap(h: &Harness, target: &str, cycles: usize) {
    for _ in 0..cycles {
        h.world.lock().unwrap().black_holes = vec![target.to_owned()];
        h.set_failing(&[target]);
        sleep(Duration::from_secs(8)).await;
        h.set_failing(&[]);
        sleep(Duration::from_secs(6)).await;
    }
}

/// Issue 6's sequence: a server black-holed for 8 s then healthy for 6 s, over and over.
/// Two outages are told as such, then "unstable" once, and nothing more however long the
/// flapping goes on; once steady, one notice. Before the fix, every cycle went
/// unstable -> down -> up -> down -> unstable and only the rate limit ended the stream.
#[tokio::test(start_paused = true)]
async fn flapping_is_one_unstable_notice_that_holds_until_steady() {
    let h = start(
        config(vec![fast_watch("Flap", "https://flap.test/")]),
        World::default(),
    );
    sleep(Duration::from_secs(10)).await;
    flap(&h, "flap.test", 12).await;
    assert_eq!(
        said(&h.notices()),
        ["down", "back up", "down", "unstable"],
        "{:?}",
        h.notices()
    );
    let states: Vec<String> = h
        .events("state")
        .iter()
        .map(|s| s["to"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(
        states.last().map(String::as_str),
        Some("unstable"),
        "{states:?}"
    );
    // Steady now: one notice when it has been steady for a while, then nothing.
    sleep(Duration::from_secs(40)).await;
    assert_eq!(
        said(&h.notices()),
        ["down", "back up", "down", "unstable", "stable again"],
        "{:?}",
        h.notices()
    );
    sleep(Duration::from_secs(600)).await;
    assert_eq!(h.notices().len(), 5, "{:?}", h.notices());
}

/// Issue 15, case 1: flapping until "unstable", 10 s later a hard 40 s outage (told:
/// "down"), then repaired for good. The "down" the user was told about ends with a notice:
/// "back up", with the incident of that down. Before the fix, the recovery was swallowed.
#[tokio::test(start_paused = true)]
async fn a_down_told_after_unstable_ends_with_back_up() {
    let mut cfg = config(vec![fast_watch("Flap", "https://flap.test/")]);
    // Six notices in two minutes: above the default rate limit, which would summarise the last.
    cfg.notifications.rate_limit_count = 10;
    let h = start(cfg, World::default());
    sleep(Duration::from_secs(10)).await;
    flap(&h, "flap.test", 4).await;
    assert_eq!(said(&h.notices()), ["down", "back up", "down", "unstable"]);
    sleep(Duration::from_secs(4)).await; // 10 s healthy in all
    h.set_failing(&["flap.test"]);
    sleep(Duration::from_secs(40)).await;
    assert_eq!(
        said(&h.notices()),
        ["down", "back up", "down", "unstable", "down"],
        "an outage well beyond the 8 s flaps is a down: {:?}",
        h.notices()
    );
    h.set_failing(&[]);
    sleep(Duration::from_secs(600)).await;
    let notices = h.rec.notices.lock().unwrap().clone();
    let kinds: Vec<_> = notices.iter().map(|(t, n)| (*t, n.kind.clone())).collect();
    assert_eq!(
        said(&kinds),
        ["down", "back up", "down", "unstable", "down", "back up"],
        "{kinds:?}"
    );
    let (last_down, back) = (&notices[4].1, &notices[5].1);
    assert!(last_down.incident.is_some());
    assert_eq!(back.incident, last_down.incident, "the same incident");
    match &back.kind {
        NoticeKind::Recovered { after, .. } => {
            assert!(*after >= Duration::from_secs(38), "down for {after:?}");
        }
        other => panic!("{other:?}"),
    }
}

/// Issue 14 item 3 and issue 15 case 3: a "down" told before a restart gets its "back up"
/// after it, with the same incident id and the whole duration, and no second "down";
/// whether the service comes back after the restart or while the resident was stopped.
/// A restored incident that was never told (down since start-up) gets no recovery notice.
#[tokio::test(start_paused = true)]
async fn a_down_told_before_a_restart_gets_its_back_up_after_it() {
    let dir = tempfile::tempdir().unwrap();
    let cfg = || {
        config(vec![
            watch_of("Solo", None, "https://solo.test/"),
            watch_of("Back", None, "https://back.test/"),
            watch_of("Quiet", None, "https://quiet.test/"),
        ])
    };
    let world = World {
        failing: vec!["quiet.test".into()],
        ..World::default()
    };
    let h = start_in(cfg(), world, Some(dir.path().to_owned()));
    sleep(Duration::from_secs(60)).await;
    h.set_failing(&["quiet.test", "solo.test", "back.test"]);
    sleep(Duration::from_secs(120)).await;
    let first = h.rec.notices.lock().unwrap().clone();
    assert_eq!(
        first.len(),
        2,
        "Solo and Back told down, Quiet never: {first:?}"
    );
    let told: Vec<_> = first.iter().map(|(_, n)| n.clone()).collect();
    let solo_down = told
        .iter()
        .find(|n| matches!(&n.kind, NoticeKind::Down { watches, .. } if watches == &["Solo"]))
        .unwrap()
        .clone();
    drop(h);
    sleep(Duration::from_secs(1)).await;

    // Back recovers while the resident is stopped; Solo and Quiet are still down.
    let h = start_at(
        cfg(),
        World {
            failing: vec!["quiet.test".into(), "solo.test".into()],
            ..World::default()
        },
        Some(dir.path().to_owned()),
        wall0() + Duration::from_secs(240),
    );
    sleep(Duration::from_secs(120)).await;
    h.set_failing(&[]);
    sleep(Duration::from_secs(300)).await;
    let after = h.rec.notices.lock().unwrap().clone();
    let said_after: Vec<_> = after.iter().map(|(t, n)| (*t, n.kind.clone())).collect();
    assert_eq!(said(&said_after), ["back up", "back up"], "{said_after:?}");
    let solo_back = after
        .iter()
        .map(|(_, n)| n)
        .find(|n| matches!(&n.kind, NoticeKind::Recovered { watches, .. } if watches == &["Solo"]))
        .unwrap();
    assert_eq!(solo_back.incident, solo_down.incident, "the same incident");
    match &solo_back.kind {
        // From the first failure before the restart (about 60 s in) to the recovery after
        // it (120 s into the second run, which began at 240 s): over 5 minutes.
        NoticeKind::Recovered { after, .. } => {
            assert!(*after >= Duration::from_secs(290), "down for {after:?}");
        }
        other => panic!("{other:?}"),
    }
    assert!(
        after.iter().all(|(_, n)| !matches!(&n.kind, NoticeKind::Recovered { watches, .. } if watches == &["Quiet"])),
        "never told down, never told back up"
    );
    let closed = h.events("incident_closed");
    assert!(
        closed.iter().any(|c| c["watch"] == "Quiet"),
        "Quiet's incident still closes: {closed:?}"
    );
}

/// Issue 15: a configuration reload keeps what was told. A down told before a reload (which
/// changes the watch's interval and adds another watch) still gets its "back up" after it,
/// with the same incident; no second "down".
#[tokio::test(start_paused = true)]
async fn a_down_told_before_a_reload_gets_its_back_up_after_it() {
    let cfg = config(vec![watch_of("Solo", None, "https://solo.test/")]);
    let h = start(cfg, World::default());
    sleep(Duration::from_secs(60)).await;
    h.set_failing(&["solo.test"]);
    sleep(Duration::from_secs(90)).await;
    assert_eq!(said(&h.notices()), ["down"], "{:?}", h.notices());
    let mut solo = watch_of("Solo", None, "https://solo.test/");
    solo.interval = Duration::from_secs(20);
    let reloaded = config(vec![watch_of("Other", None, "https://other.test/"), solo]);
    h._config.send(Arc::new(reloaded)).unwrap();
    sleep(Duration::from_secs(60)).await;
    assert_eq!(h.events("config_reloaded").len(), 1);
    h.set_failing(&[]);
    sleep(Duration::from_secs(120)).await;
    let notices = h.rec.notices.lock().unwrap().clone();
    let kinds: Vec<_> = notices.iter().map(|(t, n)| (*t, n.kind.clone())).collect();
    assert_eq!(said(&kinds), ["down", "back up"], "{kinds:?}");
    assert_eq!(
        notices[1].1.incident, notices[0].1.incident,
        "the same incident"
    );
}

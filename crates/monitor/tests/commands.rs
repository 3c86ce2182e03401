//! The resident's commands (check now, pause, resume), its snapshot and its shutdown, on the
//! paused tokio clock with scripted probe results (the harness of `runner.rs`).

#![allow(clippy::unwrap_used)] // helpers outside #[test] functions

mod harness;

use std::sync::Arc;
use std::time::Duration;

use downwatch_monitor::WatchState;
use downwatch_monitor::runner::{Command, CommandError, Scope};
use harness::*;
use tokio::sync::oneshot;
use tokio::time::sleep;

async fn ask(
    h: &Harness,
    command: impl FnOnce(oneshot::Sender<Result<(), CommandError>>) -> Command,
) -> Result<(), CommandError> {
    let (tx, rx) = oneshot::channel();
    h.commands.send(command(tx)).await.unwrap();
    rx.await.unwrap()
}

fn calls(h: &Harness, target: &str) -> u32 {
    let world = h.world.lock().unwrap();
    world
        .calls
        .iter()
        .filter(|(t, _)| t.contains(target))
        .map(|(_, n)| *n)
        .sum()
}

/// Seconds since the harness started of every check of a watch.
fn check_times(h: &Harness, watch: &str) -> Vec<f64> {
    let t0 = chrono::DateTime::<chrono::Utc>::from(wall0());
    h.events("check")
        .iter()
        .filter(|e| e["watch"] == watch)
        .map(|e| {
            let at = chrono::DateTime::parse_from_rfc3339(e["ts"].as_str().unwrap()).unwrap();
            (at.with_timezone(&chrono::Utc) - t0).num_milliseconds() as f64 / 1000.0
        })
        .collect()
}

#[tokio::test(start_paused = true)]
async fn a_paused_watch_is_not_probed_never_notifies_and_resuming_replays_nothing() {
    let h = start(
        config(vec![watch_of("Gmail", None, "https://mail.test/")]),
        World::default(),
    );
    sleep(Duration::from_secs(60)).await;
    ask(&h, |reply| Command::Pause {
        scope: Scope::All,
        duration: None,
        reply,
    })
    .await
    .unwrap();
    let (before, controls) = (calls(&h, "mail.test"), calls(&h, "control-a.test"));
    h.set_failing(&["mail.test"]);
    sleep(Duration::from_secs(600)).await;
    assert_eq!(
        calls(&h, "mail.test"),
        before,
        "a paused watch is not probed"
    );
    assert_eq!(
        calls(&h, "control-a.test"),
        controls,
        "nor are the controls"
    );
    assert!(h.notices().is_empty(), "{:?}", h.notices());
    sleep(Duration::from_secs(1)).await;
    let snap = h.receivers.snapshot.borrow().clone();
    assert!(snap.paused.is_some_and(|p| p.until.is_none()));
    assert_eq!(snap.watch("Gmail").unwrap().state, WatchState::Paused);

    // It healed while paused: nothing of the pause is replayed, no alarm, and it is up.
    h.set_failing(&[]);
    ask(&h, |reply| Command::Resume {
        scope: Scope::All,
        reply,
    })
    .await
    .unwrap();
    sleep(Duration::from_secs(120)).await;
    assert!(calls(&h, "mail.test") > before, "probed again");
    assert!(h.notices().is_empty(), "{:?}", h.notices());
    let snap = h.receivers.snapshot.borrow().clone();
    assert!(snap.paused.is_none());
    assert_eq!(snap.watch("Gmail").unwrap().state, WatchState::Up);
}

#[tokio::test(start_paused = true)]
async fn a_timed_pause_of_one_watch_ends_by_itself_and_spares_the_others() {
    let h = start(
        config(vec![
            watch_of("Gmail", None, "https://mail.test/"),
            watch_of("Web", None, "https://web.test/"),
        ]),
        World::default(),
    );
    sleep(Duration::from_secs(60)).await;
    let pause = |reply| Command::Pause {
        scope: Scope::Watch("Gmail".into()),
        duration: Some(Duration::from_secs(600)),
        reply,
    };
    ask(&h, pause).await.unwrap();
    let (gmail, web) = (calls(&h, "mail.test"), calls(&h, "web.test"));
    h.set_failing(&["mail.test"]);
    sleep(Duration::from_secs(590)).await;
    assert_eq!(calls(&h, "mail.test"), gmail);
    assert!(calls(&h, "web.test") >= web + 19, "the other watch goes on");
    assert!(h.notices().is_empty());
    // Still failing after the pause: judged afresh, confirmed like any outage.
    sleep(Duration::from_secs(120)).await;
    assert!(calls(&h, "mail.test") > gmail);
    assert_eq!(downs(&h.notices()).len(), 1, "{:?}", h.notices());
    let unknown = ask(&h, |reply| Command::Pause {
        scope: Scope::Watch("Nope".into()),
        duration: None,
        reply,
    });
    assert!(matches!(unknown.await, Err(CommandError::NoSuchWatch(n)) if n == "Nope"));
}

#[tokio::test(start_paused = true)]
async fn check_now_probes_at_once_coalesces_and_keeps_the_grid() {
    let h = start(
        config(vec![watch_of("Gmail", None, "https://mail.test/")]),
        World::default(),
    );
    sleep(Duration::from_secs(100)).await;
    let slots = check_times(&h, "Gmail");
    assert!(slots.len() >= 3, "{slots:?}");
    let phase = slots[0] % 30.0;
    // Between two slots: one probe for five requests sent together.
    let now = 100.0;
    let before = calls(&h, "mail.test");
    for _ in 0..5 {
        ask(&h, |reply| Command::CheckNow {
            scope: Scope::All,
            reply,
        })
        .await
        .unwrap();
    }
    sleep(Duration::from_secs(1)).await;
    assert_eq!(
        calls(&h, "mail.test"),
        before + 1,
        "repeated requests coalesce"
    );
    let extra = check_times(&h, "Gmail");
    assert!((extra.last().unwrap() - now).abs() < 0.5, "{extra:?}");
    // The schedule's grid is kept: the checks after it fall on the same phase.
    sleep(Duration::from_secs(95)).await;
    let after: Vec<f64> = check_times(&h, "Gmail")
        .into_iter()
        .filter(|t| *t > 101.0)
        .collect();
    assert_eq!(after.len(), 3, "{after:?}");
    for t in after {
        assert!(
            ((t % 30.0) - phase).abs() < 0.5,
            "{t} is off the grid of phase {phase}"
        );
    }
}

#[tokio::test(start_paused = true)]
async fn check_now_leaves_a_confirmation_alone() {
    let h = start(
        config(vec![watch_of("Gmail", None, "https://mail.test/")]),
        World::default(),
    );
    sleep(Duration::from_secs(60)).await;
    h.set_failing(&["mail.test"]);
    h.wait_failed_checks(1).await;
    let before = calls(&h, "mail.test");
    for _ in 0..3 {
        ask(&h, |reply| Command::CheckNow {
            scope: Scope::Watch("Gmail".into()),
            reply,
        })
        .await
        .unwrap();
        sleep(Duration::from_millis(500)).await;
    }
    assert_eq!(
        calls(&h, "mail.test"),
        before,
        "no extra retry while confirming"
    );
    h.wait_failed_checks(3).await;
    let failed: Vec<f64> = h
        .events("check")
        .iter()
        .zip(check_times(&h, "Gmail"))
        .filter(|(e, _)| e["status"] == "down")
        .map(|(_, t)| t)
        .collect();
    for pair in failed.windows(2) {
        assert!(
            ((pair[1] - pair[0]) - 5.0).abs() < 0.5,
            "retries 5 s apart: {failed:?}"
        );
    }
}

#[tokio::test(start_paused = true)]
async fn a_global_pause_survives_a_restart_with_its_end() {
    let dir = tempfile::tempdir().unwrap();
    let cfg = || config(vec![watch_of("Gmail", None, "https://mail.test/")]);
    let h = start_in(cfg(), World::default(), Some(dir.path().to_owned()));
    sleep(Duration::from_secs(60)).await;
    let pause = |reply| Command::Pause {
        scope: Scope::All,
        duration: Some(Duration::from_secs(3600)),
        reply,
    };
    ask(&h, pause).await.unwrap();
    drop(h);
    sleep(Duration::from_secs(1)).await;

    // Ten minutes later, a new process: still paused, until the same end.
    let world = World {
        failing: vec!["mail.test".into()],
        ..World::default()
    };
    let h = start_at(
        cfg(),
        world,
        Some(dir.path().to_owned()),
        wall0() + Duration::from_secs(660),
    );
    sleep(Duration::from_secs(1)).await;
    let end = h.receivers.snapshot.borrow().paused.and_then(|p| p.until);
    assert_eq!(end, Some(wall0() + Duration::from_secs(60 + 3600)));
    sleep(Duration::from_secs(2900)).await;
    assert_eq!(calls(&h, "mail.test"), 0, "not probed while paused");
    assert!(h.notices().is_empty());
    // The pause ends by itself at its end: probed again, and the outage is told.
    sleep(Duration::from_secs(300)).await;
    assert!(calls(&h, "mail.test") > 0);
    assert!(h.receivers.snapshot.borrow().paused.is_none());
}

/// A watch's own pause is kept too: after a restart that watch is still paused until the
/// same end (and says so in the snapshot) while the others are probed; resuming it is kept.
#[tokio::test(start_paused = true)]
async fn a_watch_pause_survives_a_restart_with_its_end() {
    let dir = tempfile::tempdir().unwrap();
    let cfg = || {
        config(vec![
            watch_of("Gmail", None, "https://mail.test/"),
            watch_of("Wiki", None, "https://wiki.test/"),
        ])
    };
    let h = start_in(cfg(), World::default(), Some(dir.path().to_owned()));
    sleep(Duration::from_secs(60)).await;
    let pause = |reply| Command::Pause {
        scope: Scope::Watch("Gmail".into()),
        duration: Some(Duration::from_secs(3600)),
        reply,
    };
    ask(&h, pause).await.unwrap();
    drop(h);
    sleep(Duration::from_secs(1)).await;

    let world = World {
        failing: vec!["mail.test".into()],
        ..World::default()
    };
    let restart = |world| {
        start_at(
            cfg(),
            world,
            Some(dir.path().to_owned()),
            wall0() + Duration::from_secs(660),
        )
    };
    let h = restart(world);
    sleep(Duration::from_secs(1)).await;
    {
        let snap = h.receivers.snapshot.borrow();
        assert!(snap.paused.is_none(), "only Gmail was paused");
        let gmail = snap.watches.iter().find(|w| w.name == "Gmail").unwrap();
        assert_eq!(gmail.state, WatchState::Paused);
        let end = gmail.paused.and_then(|p| p.until);
        assert_eq!(end, Some(wall0() + Duration::from_secs(60 + 3600)));
    }
    sleep(Duration::from_secs(600)).await;
    assert_eq!(calls(&h, "mail.test"), 0, "not probed while paused");
    assert!(calls(&h, "wiki.test") > 0, "the other watch is probed");
    assert!(h.notices().is_empty());

    // Resumed by hand, then restarted: not paused any more.
    ask(&h, |reply| Command::Resume {
        scope: Scope::Watch("Gmail".into()),
        reply,
    })
    .await
    .unwrap();
    drop(h);
    sleep(Duration::from_secs(1)).await;
    let h = restart(World::default());
    sleep(Duration::from_secs(1)).await;
    let snap = h.receivers.snapshot.borrow();
    let gmail = snap.watches.iter().find(|w| w.name == "Gmail").unwrap();
    assert_ne!(gmail.state, WatchState::Paused);
    assert!(gmail.paused.is_none());
}

#[tokio::test(start_paused = true)]
async fn a_notice_still_waiting_at_shutdown_is_delivered() {
    let h = start(
        config(vec![watch_of("Gmail", None, "https://mail.test/")]),
        World::default(),
    );
    sleep(Duration::from_secs(60)).await;
    h.set_failing(&["mail.test"]);
    while !h.events("state").iter().any(|e| e["to"] == "down") {
        sleep(Duration::from_millis(100)).await;
    }
    assert!(h.notices().is_empty(), "still in its group wait");
    h._shutdown.send(true).unwrap();
    // The loop ends at once; its last turn releases what waited (bounded, not a hang).
    for _ in 0..100 {
        if !h.events("notification").is_empty() {
            break;
        }
        sleep(Duration::from_millis(10)).await;
    }
    assert_eq!(downs(&h.notices()).len(), 1, "{:?}", h.notices());
}

#[tokio::test(start_paused = true)]
async fn a_snapshot_shares_the_watches_that_did_not_change() {
    let h = start(
        config(vec![
            watch_of("Gmail", None, "https://mail.test/"),
            watch_of("Web", None, "https://web.test/"),
        ]),
        World::default(),
    );
    sleep(Duration::from_secs(60)).await;
    let first = h.receivers.snapshot.borrow().clone();
    let gmail = first.watch("Gmail").unwrap();
    assert_eq!(gmail.state, WatchState::Up);
    assert!(
        gmail
            .last
            .as_ref()
            .is_some_and(|l| l.judged && l.phases.total > Duration::ZERO)
    );
    ask(&h, |reply| Command::Pause {
        scope: Scope::Watch("Web".into()),
        duration: None,
        reply,
    })
    .await
    .unwrap();
    sleep(Duration::from_secs(1)).await;
    let second = h.receivers.snapshot.borrow().clone();
    assert_eq!(second.watch("Web").unwrap().state, WatchState::Paused);
    assert!(
        Arc::ptr_eq(&first.watches[0], &second.watches[0]),
        "Gmail's part is shared"
    );
    assert!(!Arc::ptr_eq(&first.watches[1], &second.watches[1]));
}

#[tokio::test(start_paused = true)]
async fn pausing_leaves_an_open_incident_open_until_the_recovery() {
    let h = start(
        config(vec![watch_of("Gmail", None, "https://mail.test/")]),
        World::default(),
    );
    sleep(Duration::from_secs(60)).await;
    h.set_failing(&["mail.test"]);
    sleep(Duration::from_secs(60)).await;
    assert_eq!(downs(&h.notices()).len(), 1, "{:?}", h.notices());
    let pause = |reply| Command::Pause {
        scope: Scope::All,
        duration: None,
        reply,
    };
    ask(&h, pause).await.unwrap();
    h.set_failing(&[]);
    sleep(Duration::from_secs(600)).await;
    assert!(
        h.events("incident_closed").is_empty(),
        "still open while paused"
    );
    let snap = h.receivers.snapshot.borrow().clone();
    assert!(snap.watch("Gmail").unwrap().incident.is_some());
    assert_eq!(h.notices().len(), 1, "{:?}", h.notices());
    // Resumed, it is judged afresh: back up, the incident closes and the user hears so.
    ask(&h, |reply| Command::Resume {
        scope: Scope::All,
        reply,
    })
    .await
    .unwrap();
    sleep(Duration::from_secs(120)).await;
    assert_eq!(h.events("incident_closed").len(), 1);
    let notices = h.notices();
    assert!(
        matches!(
            notices.last(),
            Some((_, downwatch_monitor::NoticeKind::Recovered { .. }))
        ),
        "{notices:?}"
    );
}

/// A queue gets every event, in the sink's order, even when its reader is slow (the loop
/// waits for it); live subscribers get them as they happen.
#[tokio::test(start_paused = true)]
async fn a_slow_queue_reader_misses_no_event_and_live_subscribers_see_them() {
    let cfg = config(vec![
        watch_of("Gmail", None, "https://mail.test/"),
        watch_of("Web", None, "https://web.test/"),
    ]);
    let (h, queue) = start_queued(cfg, World::default(), None, wall0(), Some(2));
    let mut live = h.receivers.live.subscribe();
    let mut queue = queue.unwrap();
    let read = Arc::new(std::sync::Mutex::new(Vec::new()));
    let into = read.clone();
    tokio::spawn(async move {
        while let Some(e) = queue.recv().await {
            into.lock()
                .unwrap()
                .push(downwatch_monitor::events::to_json(e.at, &e.event));
            // Slower than the loop: the queue (2) fills and the loop waits for it.
            sleep(Duration::from_secs(2)).await;
        }
    });
    h.set_failing(&["web.test"]);
    sleep(Duration::from_secs(120)).await;
    let sink = h.rec.events.lock().unwrap().clone();
    let read = read.lock().unwrap().clone();
    assert!(
        read.len() >= 10,
        "{} read, {} in the sink",
        read.len(),
        sink.len()
    );
    assert!(
        sink.len() - read.len() <= 3,
        "at most the queue and one in hand behind"
    );
    assert_eq!(
        read[..],
        sink[..read.len()],
        "the same events in the same order"
    );
    let first = live.recv().await.unwrap();
    assert!(matches!(
        &first.event,
        downwatch_monitor::events::Event::Check { watch, .. } if watch == "Gmail" || watch == "Web"
    ));
}

#[tokio::test(start_paused = true)]
async fn a_rejected_edit_is_recorded_with_its_file_line_and_column() {
    let h = start(
        config(vec![watch_of("Gmail", None, "https://mail.test/")]),
        World::default(),
    );
    h._errors
        .send(downwatch_config::ConfigError::Invalid {
            path: "/home/u/.config/downwatch/downwatch.toml".into(),
            line: 12,
            column: 9,
            message: "unknown field `intervall`".into(),
        })
        .unwrap();
    sleep(Duration::from_secs(1)).await;
    let rejected = h.events("config_rejected");
    match &rejected[..] {
        [e] => {
            assert_eq!(e["line"], 12);
            assert_eq!(e["column"], 9);
            assert_eq!(e["file"], "/home/u/.config/downwatch/downwatch.toml");
            assert_eq!(e["message"], "unknown field `intervall`");
        }
        other => panic!("{other:?}"),
    }
}

/// Fifty results landing together are one snapshot update, not fifty: updates are gathered
/// and published at most every `PUBLISH_EVERY`.
#[tokio::test(start_paused = true)]
async fn a_burst_of_results_is_coalesced_into_few_snapshots() {
    let watches = (0..50)
        .map(|n| watch_of(&format!("w{n}"), None, &format!("https://w{n}.test/")))
        .collect();
    let h = start(config(watches), World::default());
    sleep(Duration::from_secs(40)).await;
    let mut rx = h.receivers.snapshot.clone();
    rx.mark_unchanged();
    let seen = Arc::new(std::sync::Mutex::new(Vec::new()));
    let into = seen.clone();
    tokio::spawn(async move {
        while rx.changed().await.is_ok() {
            let taken = rx.borrow_and_update().taken;
            into.lock().unwrap().push(taken);
        }
    });
    ask(&h, |reply| Command::CheckNow {
        scope: Scope::All,
        reply,
    })
    .await
    .unwrap();
    sleep(Duration::from_secs(2)).await;
    let checked = h.events("check").len();
    assert!(
        checked >= 100,
        "a round and the fifty checked now: {checked}"
    );
    let seen = seen.lock().unwrap().clone();
    assert!(
        (1..10).contains(&seen.len()),
        "{} snapshots for 50 results",
        seen.len()
    );
    for pair in seen.windows(2) {
        let gap = pair[1].duration_since(pair[0]).unwrap();
        assert!(gap >= downwatch_monitor::snapshot::PUBLISH_EVERY, "{gap:?}");
    }
}

/// The snapshot keeps a failure's message as data, so the tray and the window render it in
/// their user's language (issue 8 item 4), not as frozen English.
#[tokio::test(start_paused = true)]
async fn a_snapshot_keeps_the_last_failure_as_a_message_with_its_cause() {
    let h = start(
        config(vec![watch_of("Web", None, "https://web.test/")]),
        World {
            failing: vec!["web.test".into()],
            ..World::default()
        },
    );
    sleep(Duration::from_secs(60)).await;
    let snapshot = h.receivers.snapshot.borrow().clone();
    let last = snapshot.watch("Web").unwrap().last.clone().unwrap();
    assert_eq!(last.status, downwatch_probe::Status::Down);
    assert_eq!(last.cause, Some(downwatch_probe::Cause::TcpRefused));
    let message = last.message.expect("a failure carries its message");
    assert_eq!(message.english(), "tcp_refused (scripted)");
}

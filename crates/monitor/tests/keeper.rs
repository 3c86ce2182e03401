//! The kept queue (the history store's): an incident or a notification is told (written to
//! the sink, delivered) only once the keeper has committed it; a keeper that does not
//! answer holds the loop at most `KEEP_WAIT` per turn. Paused clock, scripted probes.

#![allow(clippy::unwrap_used)] // helpers outside #[test] functions

mod harness;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use downwatch_monitor::events::to_json;
use downwatch_monitor::keeper::{self, KEEP_WAIT, Next};
use harness::*;
use tokio::time::sleep;

/// What the sink and the announcer had seen each time the keeper was asked to commit,
/// and what the keeper had read by then.
#[derive(Default)]
struct Seen {
    /// Per commit: (kept events that were read, of which already in the sink, notices
    /// delivered by then).
    commits: Vec<(Vec<String>, usize, usize)>,
}

#[tokio::test(start_paused = true)]
async fn incidents_and_notices_are_told_only_once_committed() {
    let (kept, mut reader) = keeper::kept_queue(8);
    let h = start_kept(
        config(vec![watch_of("Gmail", None, "https://mail.test/")]),
        World::default(),
        kept,
    );
    let seen = Arc::new(Mutex::new(Seen::default()));
    let (rec, into) = (h.rec.clone(), seen.clone());
    tokio::spawn(async move {
        let mut buf = Vec::new();
        let mut unkept: Vec<String> = Vec::new();
        loop {
            match reader.next(&mut buf, 64).await {
                Next::Events => {
                    for e in buf.drain(..) {
                        if e.event.must_be_kept() {
                            unkept.push(to_json(e.at, &e.event)["event"].to_string());
                        }
                    }
                }
                Next::Commit => {
                    // The disk is slow: the loop must wait for this commit.
                    sleep(Duration::from_millis(300)).await;
                    let sink = rec.events.lock().unwrap().clone();
                    let told = sink
                        .iter()
                        .filter(|e| {
                            ["incident_opened", "incident_closed", "notification"]
                                .contains(&e["event"].as_str().unwrap_or(""))
                        })
                        .count();
                    let delivered = rec.notices.lock().unwrap().len();
                    let batch = std::mem::take(&mut unkept);
                    into.lock().unwrap().commits.push((batch, told, delivered));
                    reader.committed();
                }
                Next::Closed => return,
            }
        }
    });
    sleep(Duration::from_secs(60)).await;
    h.set_failing(&["mail.test"]);
    sleep(Duration::from_secs(120)).await;
    h.set_failing(&[]);
    sleep(Duration::from_secs(120)).await;

    let notices = h.notices();
    assert_eq!(notices.len(), 2, "down and back up: {notices:?}");
    let seen = seen.lock().unwrap();
    let kept: Vec<String> = seen.commits.iter().flat_map(|c| c.0.clone()).collect();
    assert_eq!(
        kept,
        [
            "\"incident_opened\"",
            "\"notification\"",
            "\"incident_closed\"",
            "\"notification\""
        ],
        "each kept event reached the keeper before a commit was asked"
    );
    // At each commit, nothing of what it holds was told yet: the sink had only the kept
    // events of earlier commits, and the notices delivered were those of earlier commits.
    let mut told_before = 0;
    let mut delivered_before = 0;
    for (batch, told, delivered) in &seen.commits {
        assert_eq!(*told, told_before, "told before its commit: {batch:?}");
        assert_eq!(*delivered, delivered_before, "delivered before its commit");
        told_before += batch.len();
        delivered_before += batch.iter().filter(|e| e.contains("notification")).count();
    }
}

#[tokio::test(start_paused = true)]
async fn a_keeper_that_never_commits_delays_a_turn_by_keep_wait_and_nothing_more() {
    let (kept, mut reader) = keeper::kept_queue(8);
    let h = start_kept(
        config(vec![watch_of("Gmail", None, "https://mail.test/")]),
        World::default(),
        kept,
    );
    tokio::spawn(async move {
        let mut buf = Vec::new();
        // Reads everything, never commits (a disk that hangs).
        while reader.next(&mut buf, 64).await != Next::Closed {
            buf.clear();
        }
    });
    sleep(Duration::from_secs(60)).await;
    h.set_failing(&["mail.test"]);
    sleep(Duration::from_secs(120)).await;
    let notices = h.notices();
    assert_eq!(downs(&notices).len(), 1, "monitoring and notices go on");
    let opened = h.events("incident_opened");
    assert_eq!(opened.len(), 1);
    // Within the usual 45 s, plus one wait for the incident's turn and one for the
    // notice's.
    let notice_at = notices[0].0;
    assert!(
        notice_at <= Duration::from_secs(60 + 45) + 2 * KEEP_WAIT,
        "the notice left at {notice_at:?}"
    );
}

//! Where the loop's snapshots and events go besides its sink: a `watch` channel of owned
//! [`Snapshot`]s (coalesced), a lossy broadcast of live events, and lossless bounded queues.

use std::sync::Arc;

use tokio::sync::{broadcast, mpsc, watch};
use tokio::time::Instant;

use super::core::Monitor;
use crate::events::{Event, Stamped};
use crate::snapshot::{PUBLISH_EVERY, Snapshot};
use crate::state::Verdict;

/// Live events a slow subscriber may miss before it is told it lagged (`broadcast`).
pub const LIVE_BACKLOG: usize = 1024;

/// The sending ends, owned by the loop.
#[derive(Debug)]
pub struct Outlets {
    snapshot: watch::Sender<Snapshot>,
    live: broadcast::Sender<Arc<Stamped>>,
    queues: Vec<mpsc::Sender<Arc<Stamped>>>,
}

/// The receiving ends: the latest snapshot, and the live events to subscribe to.
#[derive(Clone, Debug)]
pub struct Receivers {
    /// The latest snapshot (changes at most every [`PUBLISH_EVERY`]).
    pub snapshot: watch::Receiver<Snapshot>,
    /// Subscribe here for live events (lossy: a subscriber that falls more than
    /// [`LIVE_BACKLOG`] events behind is told how many it missed).
    pub live: broadcast::Sender<Arc<Stamped>>,
}

impl Outlets {
    /// New outlets, with an empty first snapshot taken at `now` (wall clock).
    pub fn new(now: std::time::SystemTime) -> (Outlets, Receivers) {
        let (snapshot, snapshot_rx) = watch::channel(Snapshot {
            watches: Vec::new(),
            verdict: Verdict::Online,
            paused: None,
            taken: now,
        });
        let (live, _) = broadcast::channel(LIVE_BACKLOG);
        let receivers = Receivers {
            snapshot: snapshot_rx,
            live: live.clone(),
        };
        let outlets = Outlets {
            snapshot,
            live,
            queues: Vec::new(),
        };
        (outlets, receivers)
    }

    /// A lossless queue of every event from the start, holding at most `capacity` not yet
    /// read: when it is full the loop waits for its reader (never drops an event), so the
    /// reader (the history store) must keep up. Attach before the loop starts.
    pub fn queue(&mut self, capacity: usize) -> mpsc::Receiver<Arc<Stamped>> {
        let (tx, rx) = mpsc::channel(capacity.max(1));
        self.queues.push(tx);
        rx
    }
}

impl Monitor {
    /// Records one event: the sink, then live subscribers, then (at the end of the loop's
    /// turn, see [`Monitor::flush_queues`]) the queues.
    pub(super) fn emit(&mut self, event: Event) {
        let at = self.deps.clock.wall();
        self.deps.sink.record(at, &event);
        let live = self.deps.outlets.live.receiver_count() > 0;
        if live || !self.deps.outlets.queues.is_empty() {
            let stamped = Arc::new(Stamped { at, event });
            if live {
                let _ = self.deps.outlets.live.send(stamped.clone());
            }
            if !self.deps.outlets.queues.is_empty() {
                self.outbox.push(stamped);
            }
        }
    }

    /// Hands the turn's events to the queues, waiting for room when one is full. A queue
    /// whose reader is gone is dropped.
    pub(super) async fn flush_queues(&mut self) {
        if self.outbox.is_empty() {
            return;
        }
        let events = std::mem::take(&mut self.outbox);
        let mut open = Vec::with_capacity(self.deps.outlets.queues.len());
        for queue in std::mem::take(&mut self.deps.outlets.queues) {
            let mut alive = true;
            for event in &events {
                if queue.send(event.clone()).await.is_err() {
                    alive = false;
                    break;
                }
            }
            if alive {
                open.push(queue);
            }
        }
        self.deps.outlets.queues = open;
    }

    /// Publishes the snapshot when something changed, at most every [`PUBLISH_EVERY`]
    /// (`force` at shutdown). Unchanged watches share their part with the last snapshot.
    pub(super) fn publish(&mut self, now: Instant, force: bool) {
        if !self.dirty || (!force && now < self.next_publish) {
            return;
        }
        self.dirty = false;
        self.next_publish = now + PUBLISH_EVERY;
        let snapshot = Snapshot {
            watches: self.watches.iter().map(|w| w.snap.clone()).collect(),
            verdict: self.verdict,
            paused: self.paused.as_ref().map(|p| p.public()),
            taken: self.deps.clock.wall(),
        };
        self.deps.outlets.snapshot.send_replace(snapshot);
    }
}

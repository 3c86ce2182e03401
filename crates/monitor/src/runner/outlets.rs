//! Where the loop's snapshots and events go: a `watch` channel of owned [`Snapshot`]s
//! (coalesced), a lossy broadcast of live events, lossless bounded queues, the kept queue of
//! the history store (see [`crate::keeper`]), and the sink.

use std::sync::Arc;

use tokio::sync::{broadcast, mpsc, watch};
use tokio::time::Instant;

use super::core::Monitor;
use crate::events::{Event, Stamped};
use crate::keeper::Keeper;
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
    keeper: Option<Keeper>,
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
            keeper: None,
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

    /// Attaches the kept queue's loop end (the history store's keeper; see
    /// [`crate::keeper`]). Attach before the loop starts.
    pub fn keep(&mut self, keeper: Keeper) {
        self.keeper = Some(keeper);
    }
}

impl Monitor {
    /// Records one event: live subscribers at once; the queues, the kept queue and the sink
    /// at the end of the loop's turn (see [`Monitor::flush_outbox`]).
    pub(super) fn emit(&mut self, event: Event) {
        let at = self.deps.clock.wall();
        let stamped = Arc::new(Stamped { at, event });
        if self.deps.outlets.live.receiver_count() > 0 {
            let _ = self.deps.outlets.live.send(stamped.clone());
        }
        self.outbox.push(stamped);
    }

    /// The end of a turn: hands the turn's events to the queues and the kept queue (waiting
    /// for room when one is full; a queue whose reader is gone is dropped); when one of them
    /// must be kept before it is told, waits for the keeper's commit (at most
    /// [`crate::keeper::KEEP_WAIT`]); then writes them to the sink and lets the turn's
    /// notifications leave. Only such turns wait on the disk: probes in flight go on, and
    /// results arriving meanwhile are judged right after.
    pub(super) async fn flush_outbox(&mut self) {
        let events = std::mem::take(&mut self.outbox);
        if !events.is_empty() {
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
        let must_keep = events.iter().any(|e| e.event.must_be_kept());
        if let Some(keeper) = &mut self.deps.outlets.keeper {
            if !keeper.send(&events).await {
                tracing::warn!("the history keeper stopped; events are no longer kept");
                self.deps.outlets.keeper = None;
            } else if must_keep && !keeper.commit().await {
                tracing::warn!("the history did not commit in time; going on without waiting");
            }
        }
        for event in &events {
            self.deps.sink.record(event.at, &event.event);
        }
        for (notice, rendered) in self.to_deliver.drain(..) {
            let (announcer, tx) = (self.deps.announcer.clone(), self.fail_tx.clone());
            self.deliveries.spawn(async move {
                for failure in announcer.deliver(notice, rendered).await {
                    let _ = tx.send(failure);
                }
            });
        }
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

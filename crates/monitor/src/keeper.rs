//! A kept queue: the lossless bounded queue of every event that the history store reads,
//! with a commit handshake, so that what must not be lost is on disk before it is told.
//!
//! The loop sends each turn's events into the queue (waiting for room when it is full,
//! never dropping one). When the turn holds an event that [`Event::must_be_kept`] (an
//! incident opened, updated or closed; a notification), the loop asks the reader to commit
//! everything it was sent so far and waits for the answer (at most [`KEEP_WAIT`]) before
//! writing those events to its sink and before the notifications leave. The reader
//! ([`KeptReader`]) hands out events and, once it has received all that was asked for, says
//! [`Next::Commit`]: it flushes its store and calls [`KeptReader::committed`].
//!
//! [`Event::must_be_kept`]: crate::events::Event::must_be_kept

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::{mpsc, watch};

use crate::events::Stamped;

/// The longest the loop waits for a commit in one turn. A commit takes about a millisecond
/// (WAL, no fsync); a disk that hangs longer must not stop monitoring: past this the loop
/// goes on, the notices leave, and the record follows when the disk answers.
pub const KEEP_WAIT: Duration = Duration::from_secs(2);

/// The loop's end of a kept queue.
#[derive(Debug)]
pub struct Keeper {
    tx: mpsc::Sender<Arc<Stamped>>,
    /// Events sent so far.
    sent: u64,
    /// Asks the reader to commit the first N events.
    want: watch::Sender<u64>,
    /// The reader's answer: the first N events are committed.
    kept: watch::Receiver<u64>,
}

/// The reader's end of a kept queue (the history store's keeper).
#[derive(Debug)]
pub struct KeptReader {
    rx: mpsc::Receiver<Arc<Stamped>>,
    received: u64,
    committed: u64,
    /// The last request answered with [`Next::Commit`] (each is asked once).
    asked: u64,
    want: watch::Receiver<u64>,
    /// The loop is gone: no more commit requests.
    loop_gone: bool,
    kept: watch::Sender<u64>,
}

/// What the reader is to do next.
#[derive(Debug, PartialEq, Eq)]
pub enum Next {
    /// Events were appended to the buffer: record them.
    Events,
    /// The loop waits: commit everything recorded so far, then call
    /// [`KeptReader::committed`].
    Commit,
    /// The loop has stopped and every event was handed out.
    Closed,
}

/// A kept queue holding at most `capacity` events not yet read.
pub fn kept_queue(capacity: usize) -> (Keeper, KeptReader) {
    let (tx, rx) = mpsc::channel(capacity.max(1));
    let (want_tx, want_rx) = watch::channel(0);
    let (kept_tx, kept_rx) = watch::channel(0);
    let keeper = Keeper {
        tx,
        sent: 0,
        want: want_tx,
        kept: kept_rx,
    };
    let reader = KeptReader {
        rx,
        received: 0,
        committed: 0,
        asked: 0,
        want: want_rx,
        loop_gone: false,
        kept: kept_tx,
    };
    (keeper, reader)
}

impl Keeper {
    /// Sends `events`, waiting for room. `false`: the reader is gone.
    pub(crate) async fn send(&mut self, events: &[Arc<Stamped>]) -> bool {
        for event in events {
            if self.tx.send(event.clone()).await.is_err() {
                return false;
            }
            self.sent += 1;
        }
        true
    }

    /// Asks the reader to commit everything sent, and waits for it (at most
    /// [`KEEP_WAIT`]). Returns whether it was committed in time.
    pub(crate) async fn commit(&mut self) -> bool {
        let sent = self.sent;
        self.want.send_replace(sent);
        let answered = tokio::time::timeout(KEEP_WAIT, self.kept.wait_for(|k| *k >= sent)).await;
        matches!(answered, Ok(Ok(_)))
    }
}

impl KeptReader {
    /// Waits for the next thing to do: events appended to `buf` (up to `max`), a commit to
    /// make (asked once per request of the loop), or the end.
    pub async fn next(&mut self, buf: &mut Vec<Arc<Stamped>>, max: usize) -> Next {
        loop {
            let wanted = *self.want.borrow_and_update();
            if wanted > self.committed.max(self.asked) && self.received >= wanted {
                self.asked = wanted;
                return Next::Commit;
            }
            tokio::select! {
                biased;
                n = self.rx.recv_many(buf, max.max(1)) => {
                    if n == 0 {
                        return Next::Closed;
                    }
                    self.received += n as u64;
                    return Next::Events;
                }
                changed = self.want.changed(), if !self.loop_gone => {
                    self.loop_gone = changed.is_err();
                }
            }
        }
    }

    /// Everything handed out so far is committed (or could not be, and never will be by
    /// waiting: a full disk): the loop goes on.
    pub fn committed(&mut self) {
        self.committed = self.received;
        self.kept.send_replace(self.received);
    }
}

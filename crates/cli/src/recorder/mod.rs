//! The history store wired into the resident: `downwatch run` opens the store in its data
//! directory, reads the resident's kept queue (every event, lossless; see
//! `downwatch_monitor::keeper`), turns events into the store's records (`translate`) and
//! commits when the loop asks, so an incident is on disk before it is told. The store's
//! troubles (a damaged file moved aside, a full disk) are reported to the loop, which
//! records them as events and tells the user of a damaged history.
//!
//! This adapter lives in the binary because it is the one place that knows both sides: the
//! monitor knows no store (it talks to a kept queue), the store knows no monitor (it has its
//! own input types).

mod import;
mod translate;

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::SystemTime;

use downwatch_monitor::events::HistoryNote;
use downwatch_monitor::incidents::IncidentBook;
use downwatch_monitor::keeper::{KeptReader, Next};
use downwatch_monitor::resident::{Options, Reporter};
use downwatch_store::{MovedAside, QueueError, RecordSender, Store, StoreError, StoreEvent};
use tokio::sync::mpsc;
use tokio::task::JoinHandle;

use import::INCIDENTS_FILE;

/// Events the kept queue holds at most before the loop waits for the store (a second of
/// events at 2,000 watches; the store's own queue holds 4,096 records more).
const KEPT_QUEUE: usize = 1024;
/// Events read from the kept queue at a time.
const READ_BATCH: usize = 256;

/// Why the history could not be set up (monitoring goes on without it).
#[derive(Debug, thiserror::Error)]
pub enum HistoryError {
    /// The store refused.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The writer's queue refused a record.
    #[error("history: {0}")]
    Queue(QueueError),
    /// `incidents.json` was imported but could not be renamed.
    #[error("cannot rename {} to {}: {source}", from.display(), to.display())]
    Retire {
        /// The file.
        from: PathBuf,
        /// Its new name.
        to: PathBuf,
        /// Why.
        source: std::io::Error,
    },
}

/// The store opened for a resident, before the resident starts.
pub struct History {
    /// The store, or why there is none.
    store: Result<Opened, Arc<HistoryError>>,
}

struct Opened {
    store: Store,
    events: mpsc::UnboundedReceiver<StoreEvent>,
    moved_aside: Option<MovedAside>,
    /// The open incidents, until handed to the resident's options.
    incidents: Option<IncidentBook>,
    /// The kept queue's reader, once attached to the resident's options.
    reader: Option<KeptReader>,
}

impl History {
    /// Opens the store in `dir` at `now` (a damaged file is moved aside by the store),
    /// imports `incidents.json` once and reads the open incidents. Never fails: without a
    /// store the resident monitors without history (and says so). Call off the async
    /// runtime's thread (the import waits for its commit).
    pub fn open(dir: &Path, now: SystemTime) -> History {
        let store = open_store(dir, now).map_err(|error| {
            tracing::error!("{error}; monitoring goes on without history");
            Arc::new(error)
        });
        History { store }
    }

    /// Hands the open incidents and the kept queue to the resident's `options` (nothing
    /// without a store: the resident then keeps `incidents.json` as before).
    pub fn prepare(&mut self, options: &mut Options) {
        if let Ok(opened) = &mut self.store {
            options.incidents = opened.incidents.take();
            opened.reader = Some(options.keeper(KEPT_QUEUE));
        }
    }

    /// Starts keeping the resident's events (through the kept queue [`History::open`]
    /// attached to its options) and reports what the store met at opening to the loop.
    pub fn attach(self, reporter: Reporter) -> Keeping {
        let task = tokio::spawn(async move {
            let opened = match self.store {
                Ok(opened) => opened,
                Err(error) => {
                    let _ = reporter
                        .report(HistoryNote::Unavailable {
                            error: error.clone(),
                        })
                        .await;
                    return None;
                }
            };
            if let Some(moved) = &opened.moved_aside {
                let _ = reporter.report(moved_note(moved)).await;
            }
            let Opened {
                store,
                events,
                reader,
                ..
            } = opened;
            let notes = tokio::spawn(forward(events, reporter));
            if let Some(reader) = reader {
                keep(reader, store.sender()).await;
            }
            notes.abort();
            Some(store)
        });
        Keeping { task }
    }
}

/// The keeping task; [`Keeping::finish`] after the resident has stopped.
pub struct Keeping {
    task: JoinHandle<Option<Store>>,
}

impl Keeping {
    /// Waits until every event is written (the loop has ended, so the kept queue closes),
    /// then stops the store's writer.
    pub async fn finish(self) {
        if let Ok(Some(store)) = self.task.await {
            // The writer thread finishes its last batch and is joined off the runtime.
            let _ = tokio::task::spawn_blocking(move || store.close()).await;
        }
    }
}

fn open_store(dir: &Path, now: SystemTime) -> Result<Opened, HistoryError> {
    let opened = Store::open(dir, now)?;
    let sender = opened.store.sender();
    match import::import_incidents_file(dir, &sender) {
        Ok(0) => {}
        Ok(n) => tracing::info!("imported {n} open incidents from {INCIDENTS_FILE}"),
        Err(error) => tracing::warn!("{error}"),
    }
    let incidents = import::open_incidents(&opened.store.reader()?)?;
    Ok(Opened {
        store: opened.store,
        events: opened.events,
        moved_aside: opened.moved_aside,
        incidents: Some(incidents),
        reader: None,
    })
}

fn moved_note(moved: &MovedAside) -> HistoryNote {
    HistoryNote::MovedAside {
        from: moved.from.clone(),
        to: moved.to.clone(),
        reason: moved.reason.clone(),
    }
}

/// The store's later troubles, as notes to the loop (each is told once by the store).
async fn forward(mut events: mpsc::UnboundedReceiver<StoreEvent>, reporter: Reporter) {
    while let Some(event) = events.recv().await {
        let note = match event {
            StoreEvent::WriteFailed { error, pending } => {
                tracing::error!("{error} ({pending} records wait); monitoring goes on");
                HistoryNote::WriteFailed {
                    error: Arc::new(error),
                }
            }
            StoreEvent::WritingResumed => {
                tracing::warn!("the history is written again");
                HistoryNote::WritingResumed
            }
            StoreEvent::MovedAside(moved) => moved_note(&moved),
            // A record the schema refuses is a bug of this program, not a trouble the user
            // can act on: the log says it, the rest of the history is written.
            StoreEvent::Rejected { count, error } => {
                tracing::error!("{error}: {count} record(s) left out of the history");
                continue;
            }
        };
        if reporter.report(note).await.is_err() {
            return;
        }
    }
}

/// Reads the kept queue until the loop ends: records every event, commits when asked, and
/// at the end closes the open spans and marks the resident alive.
async fn keep(mut reader: KeptReader, sender: RecordSender) {
    let mut translator = translate::Translator::default();
    let mut buf = Vec::with_capacity(READ_BATCH);
    let mut records = Vec::new();
    loop {
        match reader.next(&mut buf, READ_BATCH).await {
            Next::Events => {
                for stamped in buf.drain(..) {
                    translator.records(&stamped, &mut records);
                }
                for record in records.drain(..) {
                    // Waits for room: the writer is behind; the kept queue then fills and the
                    // loop waits too, losing nothing.
                    if sender.record(record).await.is_err() {
                        return;
                    }
                }
            }
            Next::Commit => {
                // A failed write (a full disk) is reported by the store; the loop goes on.
                let _ = sender.flush().await;
                reader.committed();
            }
            Next::Closed => break,
        }
    }
    translator.finish(SystemTime::now(), &mut records);
    for record in records.drain(..) {
        let _ = sender.record(record).await;
    }
    let _ = sender.flush().await;
}

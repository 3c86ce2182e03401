//! The store's handle: opening, the writer's sending end, readers, closing.

use std::path::{Path, PathBuf};
use std::thread::JoinHandle;
use std::time::SystemTime;

use tokio::sync::{mpsc, oneshot};

use crate::error::StoreError;
use crate::open::{self, MovedAside, StoreOptions};
use crate::reader::Reader;
use crate::records::{CoverageKind, CoverageSpan, Record};
use crate::tables;
use crate::writer::{Op, StoreEvent, Writer};

/// Records waiting for the writer at most; past that [`RecordSender::try_record`] refuses
/// (the resident must never wait on the disk).
pub const QUEUE: usize = 4096;

/// The history store of one data directory: one writer thread, any number of readers.
#[derive(Debug)]
pub struct Store {
    path: PathBuf,
    sender: RecordSender,
    thread: Option<JoinHandle<()>>,
}

/// What opening found, besides the store.
#[derive(Debug)]
pub struct Opened {
    /// The store.
    pub store: Store,
    /// The database was unreadable and was moved aside; a fresh one was started. The user
    /// must be told.
    pub moved_aside: Option<MovedAside>,
    /// The span the resident was not running (from its last write to `now`), now recorded.
    /// `None` on a new database, or when the clock says `now` is before the last write.
    pub not_running: Option<CoverageSpan>,
    /// Troubles the writer meets later, each told once.
    pub events: mpsc::UnboundedReceiver<StoreEvent>,
}

impl Store {
    /// Opens the store in `dir` (created if missing; the file is
    /// `dir/history.sqlite3`), migrating it to the current schema, and starts the writer
    /// thread. `now` is the wall-clock time of the start: it ends the "not running" span and
    /// names a corrupt file moved aside.
    pub fn open(dir: &Path, now: SystemTime) -> Result<Opened, StoreError> {
        Store::open_with(dir, StoreOptions::default(), now)
    }

    /// [`Store::open`] with `options`.
    pub fn open_with(
        dir: &Path,
        options: StoreOptions,
        now: SystemTime,
    ) -> Result<Opened, StoreError> {
        let (conn, moved_aside) = open::open_for_writing(dir, options, now)?;
        let path = dir.join(open::FILE_NAME);
        let sqlite = |doing| {
            let path = path.clone();
            move |source| StoreError::Sqlite {
                path,
                doing,
                source,
            }
        };
        let last = tables::last_alive(&conn).map_err(sqlite("reading the last start"))?;
        let not_running = last.filter(|last| *last < now).map(|start| CoverageSpan {
            kind: CoverageKind::NotRunning,
            start,
            end: now,
        });
        if let Some(span) = &not_running {
            tables::insert_coverage(&conn, span)
                .map_err(sqlite("recording the time not running"))?;
        }
        tables::set_alive(&conn, now).map_err(sqlite("recording the start"))?;
        let (tx, rx) = mpsc::channel(QUEUE);
        let (events_tx, events) = mpsc::unbounded_channel();
        let writer = Writer::new(conn, dir.to_path_buf(), options, events_tx);
        let thread = std::thread::Builder::new()
            .name("downwatch-store".into())
            .spawn(move || writer.run(rx))
            .map_err(|source| StoreError::Thread { source })?;
        Ok(Opened {
            store: Store {
                path,
                sender: RecordSender { tx },
                thread: Some(thread),
            },
            moved_aside,
            not_running,
            events,
        })
    }

    /// The database file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// A sending end for the writer (cheap to clone).
    pub fn sender(&self) -> RecordSender {
        self.sender.clone()
    }

    /// A new read-only connection for queries, usable from any thread.
    pub fn reader(&self) -> Result<Reader, StoreError> {
        Reader::open(&self.path)
    }

    /// Stops the writer once everything sent before is written, and waits for it. Senders
    /// cloned from this store must be dropped first, or this waits for them. (Dropping the
    /// store without closing it lets the writer finish on its own.)
    pub fn close(self) {
        let Store { sender, thread, .. } = self;
        drop(sender);
        if let Some(thread) = thread {
            let _ = thread.join();
        }
    }
}

/// The sending end of the writer's bounded queue.
#[derive(Clone, Debug)]
pub struct RecordSender {
    tx: mpsc::Sender<Op>,
}

/// Why a record was not queued.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum QueueError {
    /// The queue holds [`QUEUE`] records already: the disk is slower than the checks.
    #[error("the history queue is full")]
    Full,
    /// The writer has stopped.
    #[error("the history writer has stopped")]
    Stopped,
}

impl RecordSender {
    /// Queues `record` without waiting; refuses when the queue is full.
    pub fn try_record(&self, record: Record) -> Result<(), QueueError> {
        self.tx.try_send(Op::Write(record)).map_err(|e| match e {
            mpsc::error::TrySendError::Full(_) => QueueError::Full,
            mpsc::error::TrySendError::Closed(_) => QueueError::Stopped,
        })
    }

    /// Queues `record`, waiting for room.
    pub async fn record(&self, record: Record) -> Result<(), QueueError> {
        self.tx
            .send(Op::Write(record))
            .await
            .map_err(|_| QueueError::Stopped)
    }

    /// [`record`](Self::record) from a thread outside any async runtime (a benchmark, a
    /// tool), waiting for room.
    pub fn blocking_record(&self, record: Record) -> Result<(), QueueError> {
        self.tx
            .blocking_send(Op::Write(record))
            .map_err(|_| QueueError::Stopped)
    }

    /// Waits until everything queued before is committed: used before a notification leaves,
    /// so the incident it tells of is on disk first.
    pub async fn flush(&self) -> Result<(), StoreError> {
        let (reply, answer) = oneshot::channel();
        self.tx
            .send(Op::Flush(reply))
            .await
            .map_err(|_| StoreError::WriterStopped)?;
        answer.await.map_err(|_| StoreError::WriterStopped)?
    }

    /// [`flush`](Self::flush) from a thread outside any async runtime.
    pub fn blocking_flush(&self) -> Result<(), StoreError> {
        let (reply, answer) = oneshot::channel();
        self.tx
            .blocking_send(Op::Flush(reply))
            .map_err(|_| StoreError::WriterStopped)?;
        answer
            .blocking_recv()
            .map_err(|_| StoreError::WriterStopped)?
    }
}

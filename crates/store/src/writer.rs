//! The one writer: a thread of its own owning the writing connection (rusqlite blocks, and the
//! resident's runtime is single-threaded, so no write may run on it), fed by a bounded
//! channel. Whatever piled up while the last transaction committed goes into the next one
//! (group commit), up to [`MAX_BATCH`] new records: one commit per batch, not per check.
//!
//! When writing fails (a full disk), the records not written stay in a buffer of at most
//! [`PENDING_MAX`] and are written with the next batch that succeeds; past that bound the
//! oldest are dropped and the time they covered is recorded as `not_recorded`. While failing,
//! a write is tried again every [`RETRY_AFTER`] new records (or at a flush), not at every
//! record, so a full disk does not cost a core. The failure is told once; the next success
//! (the whole buffer written) is told as resumed.
//!
//! A record the schema refuses (a constraint: SQLITE_CONSTRAINT, SQLITE_MISMATCH, or a value
//! SQLite cannot hold) is not a full disk: retrying cannot help. The batch is then written
//! again with one savepoint per record, the refused ones are left out and told
//! ([`StoreEvent::Rejected`]), and the rest is committed.

use std::collections::{HashMap, VecDeque};
use std::path::PathBuf;
use std::time::SystemTime;

use rusqlite::Connection;
use tokio::sync::{mpsc, oneshot};

use crate::error::{StoreError, is_corruption};
use crate::open::{self, MovedAside, StoreOptions};
use crate::records::{CoverageKind, CoverageSpan, Record, from_unix_ms, unix_ms};
use crate::run::{self, Runs};
use crate::tables::{
    insert_check, insert_coverage, insert_notification, set_alive, upsert_incident,
};
use crate::{retention, rollup};

/// Most new records taken from the queue for one transaction.
pub const MAX_BATCH: usize = 512;
/// Most records kept while writing fails (about 300 bytes each).
pub const PENDING_MAX: usize = 1024;
/// While writing fails, new records received between two tries.
pub const RETRY_AFTER: usize = 64;

/// What the writer thread receives.
// Nearly every op is a `Write`: boxing it would allocate once per check to save room in the
// rare `Flush`.
#[allow(clippy::large_enum_variant)]
pub(crate) enum Op {
    /// Keep this.
    Write(Record),
    /// Answer once everything sent before is committed (or failed).
    Flush(oneshot::Sender<Result<(), StoreError>>),
}

/// What the writer tells whoever listens (the resident turns these into events and a
/// notification). Each trouble is told once, not once per batch.
#[derive(Debug)]
pub enum StoreEvent {
    /// A batch could not be written (a full disk, an I/O error). Its records wait in a
    /// bounded buffer; those pushed out of it are lost, and the span they covered is recorded
    /// as `not_recorded` once writing works again.
    WriteFailed {
        /// Why.
        error: StoreError,
        /// Records waiting to be written.
        pending: usize,
    },
    /// Every waiting record was written after a failure.
    WritingResumed,
    /// The database was found corrupt while writing: moved aside, a fresh one started.
    MovedAside(MovedAside),
    /// Records the schema refused (a constraint, a value SQLite cannot hold) were left out
    /// of a batch so that the rest of it, and every later batch, is written: without this,
    /// one such record would keep the whole buffer failing for good. Told per batch.
    Rejected {
        /// Records left out of this batch.
        count: usize,
        /// Why the first of them was refused.
        error: StoreError,
    },
}

/// The writer thread's state.
pub(crate) struct Writer {
    pub conn: Connection,
    pub dir: PathBuf,
    pub options: StoreOptions,
    pub events: mpsc::UnboundedSender<StoreEvent>,
    /// Watch name -> `watch.id`, valid for committed rows only (cleared on a rollback).
    watch_ids: HashMap<String, i64>,
    /// Records received and not yet committed, oldest first (at most `PENDING_MAX` after a
    /// failure).
    pending: VecDeque<Record>,
    /// New records since the last failed try.
    since_try: usize,
    /// Unix ms span of records dropped from `pending`, to record as `not_recorded`.
    lost: Option<(i64, i64)>,
    /// A failure was told and not yet followed by a success.
    failing: bool,
    /// Retention is due: an hour was rolled up, or the last prune stopped at its batch bound.
    prune_due: bool,
}

impl Writer {
    pub(crate) fn new(
        conn: Connection,
        dir: PathBuf,
        options: StoreOptions,
        events: mpsc::UnboundedSender<StoreEvent>,
    ) -> Self {
        Writer {
            conn,
            dir,
            options,
            events,
            watch_ids: HashMap::new(),
            pending: VecDeque::new(),
            since_try: 0,
            lost: None,
            failing: false,
            prune_due: true,
        }
    }

    /// Runs until every sender is gone, then returns (the connection closes, and SQLite
    /// checkpoints the WAL into the database).
    pub(crate) fn run(mut self, mut ops: mpsc::Receiver<Op>) {
        // The `watch_run` rows the file lacks (schema 4 was just added, or a seed was not
        // possible), found once before the first batch. Should that fail, readers search
        // instead and each watch's next check finds its own.
        let _ = self.seed_runs();
        let mut flushes = Vec::new();
        while let Some(op) = ops.blocking_recv() {
            let mut received = 0;
            let mut next = Some(op);
            while let Some(op) = next.take() {
                match op {
                    Op::Write(record) => {
                        self.pending.push_back(record);
                        received += 1;
                    }
                    Op::Flush(reply) => flushes.push(reply),
                }
                if received < MAX_BATCH {
                    next = ops.try_recv().ok();
                }
            }
            self.since_try += received;
            let due = !self.failing || self.since_try >= RETRY_AFTER || !flushes.is_empty();
            let latest = latest_time(self.pending.make_contiguous());
            let ok = if self.pending.is_empty() {
                !self.failing
            } else {
                due && self.write_pending()
            };
            if ok {
                if let Some(latest) = latest {
                    self.maintain(unix_ms(latest));
                }
            }
            for reply in flushes.drain(..) {
                let _ = reply.send(if ok {
                    Ok(())
                } else {
                    Err(StoreError::NotWritten)
                });
            }
        }
        // Closing: one last try for what waits after a failure (room may be back).
        if !self.pending.is_empty() {
            self.write_pending();
        }
    }

    /// [`run::seed_missing`] in one transaction.
    fn seed_runs(&mut self) -> rusqlite::Result<usize> {
        let tx = self.conn.transaction()?;
        let written = run::seed_missing(&tx)?;
        tx.commit()?;
        Ok(written)
    }

    /// Writes every pending record in one transaction; on a corrupt file, moves it aside and
    /// writes them into the fresh one. Returns whether they are committed.
    fn write_pending(&mut self) -> bool {
        self.since_try = 0;
        // Taken out while written, so the batch is a slice without a copy.
        let mut pending = std::mem::take(&mut self.pending);
        let batch = pending.make_contiguous();
        let mut result = self.try_write(batch);
        let mut reopen_failed = None;
        if let Err(err) = &result {
            if is_corruption(err) {
                let now = latest_time(batch).unwrap_or_else(SystemTime::now);
                match open::replace_corrupt(&self.dir, self.options, now, err.to_string()) {
                    Ok((conn, moved)) => {
                        self.conn = conn;
                        let _ = self.events.send(StoreEvent::MovedAside(moved));
                        result = self.try_write(batch);
                    }
                    Err(error) => reopen_failed = Some(error),
                }
            }
        }
        self.pending = pending;
        if let Some(error) = reopen_failed {
            self.fail(error);
            return false;
        }
        match result {
            Ok(refused) => {
                self.pending.clear();
                let count = refused.len();
                if let Some(source) = refused.into_iter().next() {
                    let _ = self.events.send(StoreEvent::Rejected {
                        count,
                        error: StoreError::Sqlite {
                            path: self.dir.join(open::FILE_NAME),
                            doing: "writing a record",
                            source,
                        },
                    });
                }
                if std::mem::take(&mut self.failing) {
                    let _ = self.events.send(StoreEvent::WritingResumed);
                }
                true
            }
            Err(source) => {
                let error = StoreError::Sqlite {
                    path: self.dir.join(open::FILE_NAME),
                    doing: "writing a batch",
                    source,
                };
                self.fail(error);
                false
            }
        }
    }

    /// Rolls up the hours `latest_ms` closed, then (when due) deletes what is past retention,
    /// before the batch's flushes are answered. A failure (a full disk) is left for the next
    /// batch: raw rows stay until their hours are rolled up.
    fn maintain(&mut self, latest_ms: i64) {
        match rollup::pass(&mut self.conn, latest_ms) {
            Ok(0) if !self.prune_due => {}
            Ok(_) => {
                let retention =
                    i64::try_from(self.options.retention.as_millis()).unwrap_or(i64::MAX);
                // A full batch: a backlog goes on at the next batch, in small transactions.
                self.prune_due = retention::prune(&mut self.conn, latest_ms, retention)
                    .is_ok_and(|deleted| deleted >= retention::DELETE_BATCH as usize);
            }
            Err(_) => {}
        }
    }

    fn fail(&mut self, error: StoreError) {
        // Ids handed out inside the rolled-back transaction no longer exist.
        self.watch_ids.clear();
        let excess = self.pending.len().saturating_sub(PENDING_MAX);
        let dropped: Vec<Record> = self.pending.drain(..excess).collect();
        if let Some((first, last)) = span_of(&dropped) {
            self.lost = Some(match self.lost {
                Some((a, b)) => (a.min(first), b.max(last)),
                None => (first, last),
            });
        }
        if !std::mem::replace(&mut self.failing, true) {
            let _ = self.events.send(StoreEvent::WriteFailed {
                error,
                pending: self.pending.len(),
            });
        }
    }

    /// Writes `batch` in one transaction; when the schema refuses one of its records, writes
    /// it again record by record, leaving out (and returning) the refused ones.
    fn try_write(&mut self, batch: &[Record]) -> rusqlite::Result<Vec<rusqlite::Error>> {
        match self.write_batch(batch, false) {
            Err(e) if is_refusal(&e) => self.write_batch(batch, true),
            other => other,
        }
    }

    /// One transaction for `batch`. `one_by_one`: each record in its own savepoint, a refused
    /// one rolled back and returned instead of failing the batch.
    fn write_batch(
        &mut self,
        batch: &[Record],
        one_by_one: bool,
    ) -> rusqlite::Result<Vec<rusqlite::Error>> {
        let mut tx = self.conn.transaction()?;
        let ids = &mut self.watch_ids;
        let mut runs = Runs::default();
        let mut refused = Vec::new();
        let result = (|| {
            if let Some((start, end)) = self.lost {
                insert_coverage(
                    &tx,
                    &CoverageSpan {
                        kind: CoverageKind::NotRecorded,
                        start: from_unix_ms(start),
                        end: from_unix_ms(end),
                    },
                )?;
            }
            for record in batch {
                if !one_by_one {
                    write_record(&tx, ids, &mut runs, record)?;
                    continue;
                }
                let savepoint = tx.savepoint()?;
                match write_record(&savepoint, ids, &mut runs, record) {
                    Ok(()) => savepoint.commit()?,
                    Err(e) if is_refusal(&e) => {
                        // Dropping the savepoint rolls it back: a watch row it inserted is
                        // gone, so its cached id must be too.
                        drop(savepoint);
                        ids.clear();
                        refused.push(e);
                    }
                    Err(e) => return Err(e),
                }
            }
            runs.save(&tx)?;
            if let Some(at) = latest_time(batch) {
                set_alive(&tx, at)?;
            }
            Ok(())
        })();
        match result.and_then(|()| tx.commit()) {
            Ok(()) => {
                self.lost = None;
                Ok(refused)
            }
            Err(e) => {
                self.watch_ids.clear();
                Err(e)
            }
        }
    }
}

/// Writes one record with `conn` (the batch's transaction or a savepoint in it); a check's
/// run goes to `runs`, written at the end of the transaction.
fn write_record(
    conn: &Connection,
    ids: &mut HashMap<String, i64>,
    runs: &mut Runs,
    record: &Record,
) -> rusqlite::Result<()> {
    match record {
        Record::Check(c) => {
            let (watch, step) = insert_check(conn, ids, c)?;
            runs.record(conn, watch, step)
        }
        Record::Incident(i) => upsert_incident(conn, ids, i),
        Record::Notification(n) => insert_notification(conn, n),
        Record::Coverage(c) => insert_coverage(conn, c),
        Record::Alive(_) => Ok(()),
    }
}

/// Whether SQLite refused a record itself (so writing it again can never succeed), as
/// opposed to failing to write (a full disk, an I/O error, a busy lock).
fn is_refusal(err: &rusqlite::Error) -> bool {
    matches!(
        err,
        rusqlite::Error::ToSqlConversionFailure(_) | rusqlite::Error::IntegralValueOutOfRange(..)
    ) || matches!(
        err.sqlite_error_code(),
        Some(rusqlite::ErrorCode::ConstraintViolation | rusqlite::ErrorCode::TypeMismatch)
    )
}

/// The wall-clock time a record was made at, for the "alive" mark and the lost span.
fn record_time(r: &Record) -> Option<SystemTime> {
    match r {
        Record::Check(c) => Some(c.at),
        Record::Notification(n) => Some(n.at),
        Record::Coverage(c) => Some(c.end),
        Record::Alive(t) => Some(*t),
        Record::Incident(_) => None,
    }
}

/// The time of the last timed record of the batch (the newest in sending order).
fn latest_time(batch: &[Record]) -> Option<SystemTime> {
    batch.iter().rev().find_map(record_time)
}

/// Unix ms span of the batch's times.
fn span_of(batch: &[Record]) -> Option<(i64, i64)> {
    let times = batch.iter().filter_map(record_time).map(unix_ms);
    times.fold(None, |acc, t| match acc {
        Some((a, b)) => Some((t.min(a), t.max(b))),
        None => Some((t, t)),
    })
}

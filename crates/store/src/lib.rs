//! Downwatch's history: SQLite (bundled) in the data directory.
//!
//! - [`Store::open`] opens (creating and migrating) `history.sqlite3`: WAL, `busy_timeout`,
//!   `auto_vacuum = INCREMENTAL` set at creation, a bounded page cache. A file SQLite cannot
//!   read is moved aside with a UTC timestamp and a fresh one started ([`MovedAside`]).
//! - Versioned migrations (`PRAGMA user_version`), each in one transaction with the version
//!   it sets: a crash half way leaves the previous version, and the step runs again whole.
//! - One writer thread fed by a bounded queue ([`RecordSender`]), writing whatever piled up
//!   in one transaction; [`RecordSender::flush`] waits for the commit (an incident is on disk
//!   before its notification leaves).
//! - Coverage is data: spans when the resident was not running, the machine slept, it was
//!   offline or writing failed; [`Reader::uptime`] weighs time, counts observed time only and
//!   never exceeds 100 %.
//! - Rollups per UTC hour (kept 91 days) and day (kept for good), built by the writer over
//!   closed hours ([`rollup`]); raw checks deleted after [`StoreOptions::retention`] in small
//!   batches ([`retention`]); uptime reads the rollups (day rows beyond the hour rows' 91
//!   days), raw rows only at the edges.
//! - Queries on [`Reader`] (each bounded, whatever the history's length):
//!   [`Reader::current`] (latest check, since when, open incidents of every watch),
//!   [`Reader::uptime`] (24 h, 7 d, 30 d, 90 d...), [`Reader::latency_series`] (a phase in at
//!   most N points, rule in [`series`]), [`Reader::local_days`] (availability per local day,
//!   cut at the reader's midnights at query time), incidents in a range page by page
//!   ([`Reader::incidents_page`], rule in [`incidents`]) or by id ([`Reader::incident`]), and
//!   keyset pages of raw checks ([`Reader::checks_page`]). Commands open an existing file with
//!   [`Reader::open_existing`], which creates and migrates nothing.
//!
//! The input types ([`CheckRecord`], [`IncidentRecord`], ...) are the store's own; the
//! resident will feed them from its sink.
//!
//! ```no_run
//! # fn demo() -> Result<(), downwatch_store::StoreError> {
//! use std::time::{Duration, SystemTime};
//! let now = SystemTime::now();
//! let opened = downwatch_store::Store::open("/tmp/downwatch-data".as_ref(), now)?;
//! let day = opened.store.reader()?.uptime("Gmail", now - Duration::from_secs(86_400), now)?;
//! println!("{:?}", day.availability());
//! # Ok(()) }
//! ```

mod current;
pub mod days;
mod error;
pub mod histogram;
pub mod incidents;
mod migrate;
#[cfg(test)]
mod migrate_v2_tests;
mod open;
mod pages;
mod period;
mod reader;
mod records;
pub mod retention;
pub mod rollup;
#[cfg(test)]
mod rollup_tests;
mod rows;
mod run;
mod search;
pub mod series;
mod span;
mod store;
mod tables;
pub mod uptime;
mod uptime_query;
mod writer;

pub use current::WatchNow;
pub use days::{DayAvailability, DayState};
pub use error::StoreError;
pub use jiff;
pub use migrate::SCHEMA_VERSION;
pub use open::{BUSY_TIMEOUT, CACHE_KIB, FILE_NAME, MovedAside, StoreOptions};
pub use pages::{Order, RowCursor, StoredNotification};
pub use period::{CheckCounts, Latency, PHASES, Phase, Rollup, Span};
pub use reader::Reader;
pub use records::{
    CheckRecord, CoverageKind, CoverageSpan, Failure, IncidentKind, IncidentRecord, MessageRef,
    NotificationRecord, Record, from_unix_ms, unix_ms,
};
pub use rows::{LatestCheck, StoredCheck, StoredIncident};
pub use series::{LatencyPoint, LatencySeries, SeriesSource};
pub use store::{Opened, QUEUE, QueueError, RecordSender, Store};
pub use uptime::Uptime;
pub use writer::{MAX_BATCH, PENDING_MAX, RETRY_AFTER, StoreEvent};

//! What can go wrong with the history store. A failing service is never an error here (it is
//! a row); these are the store's own troubles: the file, SQLite, the schema, the writer.

use std::path::{Path, PathBuf};

/// An error of the history store. Each says what was being done and to which file.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The data directory could not be created.
    #[error("cannot create the data directory {path}: {source}")]
    CreateDir {
        /// The directory.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// A corrupt database could not be renamed out of the way.
    #[error("cannot move the unreadable database {from} aside to {to}: {source}")]
    MoveAside {
        /// The database file.
        from: PathBuf,
        /// Where it was to go.
        to: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// SQLite refused an operation (disk full, permissions, a locked file...).
    #[error("history database {path}: {doing}: {source}")]
    Sqlite {
        /// The database file.
        path: PathBuf,
        /// What was being done ("opening", "writing a batch"...).
        doing: &'static str,
        /// SQLite's error.
        source: rusqlite::Error,
    },
    /// A schema migration failed; its transaction was rolled back, so the file is still at
    /// the version before it and the next start tries it again.
    #[error(
        "history database {path}: migration to schema version {version} ({name}) failed: {source}"
    )]
    Migration {
        /// The database file.
        path: PathBuf,
        /// The version it was migrating to.
        version: u32,
        /// The migration's name.
        name: &'static str,
        /// SQLite's error.
        source: rusqlite::Error,
    },
    /// The file was written by a newer Downwatch. It is left untouched (it is not corrupt).
    #[error(
        "history database {path} has schema version {found}, newer than this Downwatch knows \
         ({known}); it is left untouched"
    )]
    NewerSchema {
        /// The database file.
        path: PathBuf,
        /// Its `user_version`.
        found: u32,
        /// The newest version this build knows.
        known: u32,
    },
    /// There is no history database where one was to be read (nothing recorded yet, or
    /// another data directory).
    #[error("no history database at {path} (has `downwatch run` recorded anything here yet?)")]
    Missing {
        /// The file looked for.
        path: PathBuf,
    },
    /// The file has an older schema than this build reads; the next `downwatch run`
    /// migrates it (a reader never migrates).
    #[error(
        "history database {path} has schema version {found}, older than this Downwatch reads \
         ({known}); `downwatch run` upgrades it"
    )]
    OlderSchema {
        /// The database file.
        path: PathBuf,
        /// Its `user_version`.
        found: u32,
        /// The version this build reads.
        known: u32,
    },
    /// A calendar computation failed (a date out of range for its time zone).
    #[error("cannot place a local day: {source}")]
    Calendar {
        /// jiff's error.
        source: jiff::Error,
    },
    /// The writer thread could not be started.
    #[error("cannot start the history writer thread: {source}")]
    Thread {
        /// Why.
        source: std::io::Error,
    },
    /// The batch holding what was flushed could not be written (the error itself was told
    /// once as a `StoreEvent::WriteFailed`).
    #[error("the history batch was not written")]
    NotWritten,
    /// The writer thread is gone (it stopped after an error it reported, or the store was
    /// closed).
    #[error("the history writer has stopped")]
    WriterStopped,
}

/// Whether SQLite says the file is damaged or is not a database at all (`SQLITE_CORRUPT`,
/// `SQLITE_NOTADB`): such a file is moved aside, never retried forever.
pub(crate) fn is_corruption(err: &rusqlite::Error) -> bool {
    matches!(
        err.sqlite_error_code(),
        Some(rusqlite::ErrorCode::DatabaseCorrupt | rusqlite::ErrorCode::NotADatabase)
    )
}

impl StoreError {
    /// A `map_err` adapter for jiff's errors.
    pub(crate) fn calendar(source: jiff::Error) -> Self {
        StoreError::Calendar { source }
    }

    /// A `map_err` adapter: SQLite's error while `doing` something to the database at `path`.
    pub(crate) fn sqlite(path: &Path, doing: &'static str) -> impl FnOnce(rusqlite::Error) -> Self {
        let path = path.to_path_buf();
        move |source| StoreError::Sqlite {
            path,
            doing,
            source,
        }
    }
}

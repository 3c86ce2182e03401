//! Opening the database file: where it is, the settings every connection gets, and what
//! happens to a file SQLite cannot read (moved aside with a timestamp, a fresh one started).

use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use rusqlite::{Connection, OpenFlags};

use crate::error::{StoreError, is_corruption};
use crate::migrate::{self, MIGRATIONS, MigrateError, SCHEMA_VERSION};

/// The database's file name inside the data directory.
pub const FILE_NAME: &str = "history.sqlite3";
/// How long a connection waits for a lock held by another one before `SQLITE_BUSY`: the
/// writer's transactions last milliseconds, so this is only reached when something is wrong.
pub const BUSY_TIMEOUT: Duration = Duration::from_secs(5);
/// Page cache per connection, in KiB (SQLite's `cache_size` takes a negative number as KiB).
/// Small on purpose: the resident's whole footprint is a few MB.
pub const CACHE_KIB: i64 = 1024;
/// The WAL file is truncated back to this size after a checkpoint (bytes).
const JOURNAL_SIZE_LIMIT: i64 = 4 << 20;

/// Choices made when opening the store.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct StoreOptions {
    /// The database file never grows beyond this many bytes (SQLite's `max_page_count`):
    /// past it, writes fail as on a full disk (told once, monitoring goes on, the time is
    /// recorded as `not_recorded` once room is back). A safety net far above what the
    /// history needs (the target is under 200 MB for a year of 50 watches).
    pub max_bytes: u64,
    /// Raw checks older than this (before the newest record written) are deleted once their
    /// hours are rolled up (see [`crate::retention`]); default 7 days.
    pub retention: Duration,
}

impl Default for StoreOptions {
    fn default() -> Self {
        StoreOptions {
            max_bytes: 1 << 30,
            retention: Duration::from_secs(7 * 86_400),
        }
    }
}

/// A database SQLite could not read, moved out of the way.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MovedAside {
    /// Where the database was.
    pub from: PathBuf,
    /// Where it is now (`history.sqlite3.corrupt-20261130T001500Z`, its `-wal` and `-shm`
    /// beside it).
    pub to: PathBuf,
    /// SQLite's words for what was wrong.
    pub reason: String,
}

/// Opens (creating and migrating if needed) the database in `dir` for writing. A corrupt or
/// unreadable file is moved aside, named with `now` in UTC, and a fresh one is created.
pub(crate) fn open_for_writing(
    dir: &Path,
    options: StoreOptions,
    now: SystemTime,
) -> Result<(Connection, Option<MovedAside>), StoreError> {
    std::fs::create_dir_all(dir).map_err(|source| StoreError::CreateDir {
        path: dir.to_path_buf(),
        source,
    })?;
    let path = dir.join(FILE_NAME);
    match open_and_migrate(&path, options) {
        Ok(conn) => Ok((conn, None)),
        Err(err) if err.is_corruption() => {
            let to = move_aside(&path, now)?;
            let conn = open_and_migrate(&path, options)?;
            Ok((
                conn,
                Some(MovedAside {
                    from: path,
                    to,
                    reason: err.sqlite_message(),
                }),
            ))
        }
        Err(err) => Err(err),
    }
}

/// A read-only connection to the database at `path` (queries run beside the writer: WAL
/// lets readers see the last commit without waiting for it).
pub(crate) fn open_for_reading(path: &Path) -> Result<Connection, StoreError> {
    let sqlite = |doing| StoreError::sqlite(path, doing);
    let flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let conn = Connection::open_with_flags(path, flags).map_err(sqlite("opening for reading"))?;
    conn.busy_timeout(BUSY_TIMEOUT)
        .and_then(|()| conn.pragma_update(None, "cache_size", -CACHE_KIB))
        .map_err(sqlite("setting up a reader"))?;
    Ok(conn)
}

/// Moves the corrupt database in `dir` aside (named with `now`) and starts a fresh one: for a
/// file found damaged while writing, after `open_for_writing` had accepted it.
pub(crate) fn replace_corrupt(
    dir: &Path,
    options: StoreOptions,
    now: SystemTime,
    reason: String,
) -> Result<(Connection, MovedAside), StoreError> {
    let path = dir.join(FILE_NAME);
    let to = move_aside(&path, now)?;
    let conn = open_and_migrate(&path, options)?;
    Ok((
        conn,
        MovedAside {
            from: path,
            to,
            reason,
        },
    ))
}

fn open_and_migrate(path: &Path, options: StoreOptions) -> Result<Connection, StoreError> {
    let sqlite = |doing| StoreError::sqlite(path, doing);
    let mut conn = Connection::open(path).map_err(sqlite("opening"))?;
    configure(&conn, options).map_err(sqlite("setting up the connection"))?;
    // Parsing the schema reads page 1 whole: a file damaged there fails here, at start-up,
    // rather than at the first write.
    conn.query_row("SELECT count(*) FROM sqlite_schema", [], |r| {
        r.get::<_, i64>(0)
    })
    .map_err(sqlite("reading the schema"))?;
    migrate::migrate(&mut conn, MIGRATIONS).map_err(|e| match e {
        MigrateError::Read(source) => StoreError::Sqlite {
            path: path.to_path_buf(),
            doing: "reading the schema version",
            source,
        },
        MigrateError::Newer { found, known } => StoreError::NewerSchema {
            path: path.to_path_buf(),
            found,
            known,
        },
        MigrateError::Step { step, source } => StoreError::Migration {
            path: path.to_path_buf(),
            version: step.version,
            name: step.name,
            source,
        },
    })?;
    debug_assert_eq!(migrate::version(&conn).ok(), Some(SCHEMA_VERSION));
    Ok(conn)
}

/// The settings of the writing connection.
fn configure(conn: &Connection, options: StoreOptions) -> rusqlite::Result<()> {
    conn.busy_timeout(BUSY_TIMEOUT)?;
    // Only takes effect before the first table is created, i.e. on a new file: set at
    // creation, as it must be. INCREMENTAL: pages freed by retention are handed back by
    // `PRAGMA incremental_vacuum` when the writer chooses, not at every commit.
    conn.pragma_update(None, "auto_vacuum", "INCREMENTAL")?;
    let mode: String = conn.pragma_update_and_check(None, "journal_mode", "WAL", |r| r.get(0))?;
    if !mode.eq_ignore_ascii_case("wal") {
        return Err(rusqlite::Error::InvalidParameterName(format!(
            "journal_mode stayed {mode}"
        )));
    }
    // In WAL mode NORMAL loses no committed transaction when the process is killed; only a
    // power cut can lose the last ones (never corrupts).
    conn.pragma_update(None, "synchronous", "NORMAL")?;
    conn.pragma_update(None, "cache_size", -CACHE_KIB)?;
    conn.pragma_update(None, "journal_size_limit", JOURNAL_SIZE_LIMIT)?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    let page_size: i64 = conn.pragma_query_value(None, "page_size", |r| r.get(0))?;
    let page_size = u64::try_from(page_size).unwrap_or(4096).max(512);
    let pages = (options.max_bytes / page_size).max(1);
    conn.pragma_update(
        None,
        "max_page_count",
        i64::try_from(pages).unwrap_or(i64::MAX),
    )?;
    conn.set_prepared_statement_cache_capacity(16);
    Ok(())
}

/// Renames the database and its `-wal` and `-shm` files to `<name>.corrupt-<UTC time>`
/// (`-2`, `-3`... when that name is taken). Returns the new database path.
fn move_aside(path: &Path, now: SystemTime) -> Result<PathBuf, StoreError> {
    let stamp = utc_stamp(now);
    let base = path.as_os_str().to_owned();
    let target = (1..)
        .map(|n| {
            let mut to = base.clone();
            to.push(format!(".corrupt-{stamp}"));
            if n > 1 {
                to.push(format!("-{n}"));
            }
            PathBuf::from(to)
        })
        .find(|to| !to.exists())
        .unwrap_or_else(|| path.with_extension("corrupt"));
    for suffix in ["", "-wal", "-shm"] {
        let mut from = base.clone();
        from.push(suffix);
        let mut to = target.clone().into_os_string();
        to.push(suffix);
        let (from, to) = (PathBuf::from(from), PathBuf::from(to));
        match std::fs::rename(&from, &to) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound && !suffix.is_empty() => {}
            Err(source) => return Err(StoreError::MoveAside { from, to, source }),
        }
    }
    Ok(target)
}

/// `20261130T001500Z`: sortable, and without the colons some file systems refuse.
fn utc_stamp(now: SystemTime) -> String {
    let t = time::OffsetDateTime::from(now);
    format!(
        "{:04}{:02}{:02}T{:02}{:02}{:02}Z",
        t.year(),
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute(),
        t.second()
    )
}

impl StoreError {
    /// Whether this error says the file is corrupt or not a database.
    pub fn is_corruption(&self) -> bool {
        match self {
            StoreError::Sqlite { source, .. } | StoreError::Migration { source, .. } => {
                is_corruption(source)
            }
            _ => false,
        }
    }

    fn sqlite_message(&self) -> String {
        match self {
            StoreError::Sqlite { source, .. } | StoreError::Migration { source, .. } => {
                source.to_string()
            }
            other => other.to_string(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stamps_are_utc_and_sortable() {
        let t = SystemTime::UNIX_EPOCH + Duration::from_secs(1_764_461_700);
        assert_eq!(utc_stamp(t), "20251130T001500Z");
    }
}

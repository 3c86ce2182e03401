//! Queries, each on a read-only connection of its own (WAL: a reader sees the last commit and
//! never waits for the writer, nor makes it wait).

use std::path::Path;
use std::time::SystemTime;

use rusqlite::{Connection, OptionalExtension, params};

use crate::error::StoreError;
use crate::open;
use crate::period::{Rollup, Span, read_period};
use crate::records::unix_ms;
use crate::rows::{CHECK_COLUMNS, LatestCheck, check_from, sample};
use crate::uptime::{self, Uptime};

/// A read-only connection with the queries the window, the tray and the commands need.
#[derive(Debug)]
pub struct Reader {
    pub(crate) conn: Connection,
    path: std::path::PathBuf,
}

impl Reader {
    /// A read-only connection to the history file at `path` (`<data dir>/history.sqlite3`),
    /// for a process that does not own the store (the local API, `downwatch status`).
    pub fn open(path: &Path) -> Result<Reader, StoreError> {
        Ok(Reader {
            conn: open::open_for_reading(path)?,
            path: path.to_path_buf(),
        })
    }

    /// A reader of the history in `dir` (a data directory), for a command that must not
    /// create, migrate or repair anything: the file must exist
    /// ([`StoreError::Missing`] when it does not) and have the schema this build reads
    /// ([`StoreError::OlderSchema`]: no resident of this version opened it yet;
    /// [`StoreError::NewerSchema`]: written by a newer Downwatch).
    pub fn open_existing(dir: &Path) -> Result<Reader, StoreError> {
        let path = dir.join(open::FILE_NAME);
        if !path.is_file() {
            return Err(StoreError::Missing { path });
        }
        let reader = Reader::open(&path)?;
        let found = crate::migrate::version(&reader.conn)
            .map_err(reader.sqlite("reading the schema version"))?;
        let known = crate::migrate::SCHEMA_VERSION;
        if found > known {
            return Err(StoreError::NewerSchema { path, found, known });
        }
        if found < known {
            return Err(StoreError::OlderSchema { path, found, known });
        }
        Ok(reader)
    }

    pub(crate) fn sqlite(&self, doing: &'static str) -> impl FnOnce(rusqlite::Error) -> StoreError {
        StoreError::sqlite(&self.path, doing)
    }

    /// `watch`'s rollups of `span` starting in `[from, until)`, oldest first, each with its
    /// start (Unix ms, UTC). Hour rows exist for the last 90 days, day rows for good.
    pub fn rollups(
        &self,
        watch: &str,
        span: Span,
        from: SystemTime,
        until: SystemTime,
    ) -> Result<Vec<(i64, Rollup)>, StoreError> {
        let Some(id) = self.watch_id(watch)? else {
            return Ok(Vec::new());
        };
        let starts: Vec<i64> = self
            .conn
            .prepare_cached(
                "SELECT start_ms FROM rollup WHERE watch_id = ?1 AND span = ?2
                 AND start_ms >= ?3 AND start_ms < ?4 ORDER BY start_ms",
            )
            .and_then(|mut s| {
                s.query_map(
                    params![id, span.as_str(), unix_ms(from), unix_ms(until)],
                    |r| r.get(0),
                )?
                .collect()
            })
            .map_err(self.sqlite("reading rollups"))?;
        let mut out = Vec::with_capacity(starts.len());
        for start in starts {
            if let Some(r) =
                read_period(&self.conn, id, span, start).map_err(self.sqlite("reading rollups"))?
            {
                out.push((start, r));
            }
        }
        Ok(out)
    }

    pub(crate) fn watch_id(&self, watch: &str) -> Result<Option<i64>, StoreError> {
        self.conn
            .query_row("SELECT id FROM watch WHERE name = ?1", [watch], |r| {
                r.get(0)
            })
            .optional()
            .map_err(self.sqlite("finding the watch"))
    }

    /// Uptime of watch `id` over `[from_ms, until_ms)` from raw checks and coverage.
    pub(crate) fn raw_uptime(
        &self,
        id: i64,
        from_ms: i64,
        until_ms: i64,
    ) -> Result<Uptime, StoreError> {
        if until_ms <= from_ms {
            return Ok(Uptime::default());
        }
        // The window's checks, and the last one before it (it speaks into the window).
        let mut stmt = self
            .conn
            .prepare_cached(
                "SELECT at_ms, interval_ms, status, judged FROM (
                     SELECT * FROM (SELECT at_ms, interval_ms, status, judged FROM check_result
                                    WHERE watch_id = ?1 AND at_ms < ?2
                                    ORDER BY at_ms DESC LIMIT 1)
                     UNION ALL
                     SELECT at_ms, interval_ms, status, judged FROM check_result
                     WHERE watch_id = ?1 AND at_ms >= ?2 AND at_ms < ?3)",
            )
            .map_err(self.sqlite("reading checks"))?;
        let samples = stmt
            .query_map(params![id, from_ms, until_ms], sample)
            .and_then(|rows| rows.collect::<Result<Vec<_>, _>>())
            .map_err(self.sqlite("reading checks"))?;
        let mut stmt = self
            .conn
            .prepare_cached(
                "SELECT start_ms, end_ms FROM coverage WHERE end_ms > ?1 AND start_ms < ?2",
            )
            .map_err(self.sqlite("reading coverage"))?;
        let gaps = stmt
            .query_map(params![from_ms, until_ms], |r| Ok((r.get(0)?, r.get(1)?)))
            .and_then(|rows| rows.collect::<Result<Vec<_>, _>>())
            .map_err(self.sqlite("reading coverage"))?;
        Ok(uptime::compute(&samples, &gaps, from_ms, until_ms))
    }

    /// The latest check of every watch that has one, by watch name.
    pub fn latest(&self) -> Result<Vec<LatestCheck>, StoreError> {
        Ok(self
            .latest_by_id(false)?
            .into_iter()
            .map(|(_, l)| l)
            .collect())
    }

    /// [`Reader::latest`] with each watch's row id; `without_run`: only the watches that
    /// have no `watch_run` row ([`crate::run`]).
    pub(crate) fn latest_by_id(
        &self,
        without_run: bool,
    ) -> Result<Vec<(i64, LatestCheck)>, StoreError> {
        let filter = if without_run {
            "WHERE NOT EXISTS (SELECT 1 FROM watch_run r WHERE r.watch_id = w.id)"
        } else {
            ""
        };
        let sql = format!(
            "SELECT w.id, w.name, {CHECK_COLUMNS} FROM watch w
             JOIN check_result c ON c.id = (SELECT id FROM check_result
                                            WHERE watch_id = w.id
                                            ORDER BY at_ms DESC, id DESC LIMIT 1)
             {filter} ORDER BY w.name"
        );
        let mut stmt = self
            .conn
            .prepare_cached(&sql)
            .map_err(self.sqlite("reading latest checks"))?;
        stmt.query_map([], |r| {
            let latest = LatestCheck {
                watch: r.get(1)?,
                check: check_from(r, 2)?,
            };
            Ok((r.get(0)?, latest))
        })
        .and_then(|rows| rows.collect())
        .map_err(self.sqlite("reading latest checks"))
    }

    /// SQLite's `PRAGMA integrity_check`: `Ok(())` when it says `ok`, else its first lines.
    pub fn integrity_check(&self) -> Result<Result<(), Vec<String>>, StoreError> {
        let mut stmt = self
            .conn
            .prepare("PRAGMA integrity_check(10)")
            .map_err(self.sqlite("checking integrity"))?;
        let lines = stmt
            .query_map([], |r| r.get::<_, String>(0))
            .and_then(|rows| rows.collect::<Result<Vec<_>, _>>())
            .map_err(self.sqlite("checking integrity"))?;
        Ok(if lines == ["ok"] { Ok(()) } else { Err(lines) })
    }
}

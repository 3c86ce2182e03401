//! Queries, each on a read-only connection of its own (WAL: a reader sees the last commit and
//! never waits for the writer, nor makes it wait).

use std::path::Path;
use std::time::SystemTime;

use rusqlite::{Connection, OptionalExtension, params};

use crate::error::StoreError;
use crate::open;
use crate::records::unix_ms;
use crate::rows::{
    CHECK_COLUMNS, CheckCursor, LatestCheck, StoredCheck, StoredIncident, check_from,
    incident_from, status,
};
use crate::uptime::{self, Sample, Uptime};

/// A read-only connection with the queries the window, the tray and the commands need.
#[derive(Debug)]
pub struct Reader {
    conn: Connection,
    path: std::path::PathBuf,
}

impl Reader {
    pub(crate) fn open(path: &Path) -> Result<Reader, StoreError> {
        Ok(Reader {
            conn: open::open_for_reading(path)?,
            path: path.to_path_buf(),
        })
    }

    fn sqlite(&self, doing: &'static str) -> impl FnOnce(rusqlite::Error) -> StoreError + '_ {
        move |source| StoreError::Sqlite {
            path: self.path.clone(),
            doing,
            source,
        }
    }

    /// Uptime of `watch` over `[from, until)` (wall clock, given by the caller), weighted by
    /// time over observed time only (see [`crate::uptime`]). An unknown watch has nothing
    /// observed.
    pub fn uptime(
        &self,
        watch: &str,
        from: SystemTime,
        until: SystemTime,
    ) -> Result<Uptime, StoreError> {
        let (from_ms, until_ms) = (unix_ms(from), unix_ms(until));
        let id: Option<i64> = self
            .conn
            .query_row("SELECT id FROM watch WHERE name = ?1", [watch], |r| {
                r.get(0)
            })
            .optional()
            .map_err(self.sqlite("finding the watch"))?;
        let Some(id) = id else {
            return Ok(uptime::compute(&[], &[], from_ms, until_ms));
        };
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
            .query_map(params![id, from_ms, until_ms], |r| {
                Ok(Sample {
                    at_ms: r.get(0)?,
                    interval_ms: r.get(1)?,
                    status: status(r.get_ref(2)?.as_str()?).map_err(|e| {
                        rusqlite::Error::FromSqlConversionFailure(
                            2,
                            rusqlite::types::Type::Text,
                            Box::new(e),
                        )
                    })?,
                    judged: r.get(3)?,
                })
            })
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
        let sql = format!(
            "SELECT w.name, {CHECK_COLUMNS} FROM watch w
             JOIN check_result c ON c.id = (SELECT id FROM check_result
                                            WHERE watch_id = w.id
                                            ORDER BY at_ms DESC, id DESC LIMIT 1)
             ORDER BY w.name"
        );
        let mut stmt = self
            .conn
            .prepare_cached(&sql)
            .map_err(self.sqlite("reading latest checks"))?;
        stmt.query_map([], |r| {
            Ok(LatestCheck {
                watch: r.get(0)?,
                check: check_from(r, 1)?,
            })
        })
        .and_then(|rows| rows.collect())
        .map_err(self.sqlite("reading latest checks"))
    }

    /// A page of `watch`'s checks, newest first: at most `limit`, starting after `after`
    /// (the [`StoredCheck::cursor`] of the previous page's last row; `None` for the first).
    /// Keyset paging on the `(watch_id, at_ms)` index: every page costs the same.
    pub fn checks_page(
        &self,
        watch: &str,
        after: Option<CheckCursor>,
        limit: u32,
    ) -> Result<Vec<StoredCheck>, StoreError> {
        let after = after.unwrap_or(CheckCursor {
            at_ms: i64::MAX,
            id: i64::MAX,
        });
        let sql = format!(
            "SELECT {CHECK_COLUMNS} FROM check_result c JOIN watch w ON w.id = c.watch_id
             WHERE w.name = ?1 AND (c.at_ms, c.id) < (?2, ?3)
             ORDER BY c.at_ms DESC, c.id DESC LIMIT ?4"
        );
        let mut stmt = self
            .conn
            .prepare_cached(&sql)
            .map_err(self.sqlite("reading checks"))?;
        stmt.query_map(params![watch, after.at_ms, after.id, limit], |r| {
            check_from(r, 0)
        })
        .and_then(|rows| rows.collect())
        .map_err(self.sqlite("reading checks"))
    }

    /// Incidents of every watch that overlap `[from, until)` (open ones included), oldest
    /// first.
    pub fn incidents(
        &self,
        from: SystemTime,
        until: SystemTime,
    ) -> Result<Vec<StoredIncident>, StoreError> {
        let mut stmt = self
            .conn
            .prepare_cached(
                "SELECT i.incident_key, w.name, i.group_key, i.kind, i.layer, i.cause,
                        i.start_ms, i.end_ms
                 FROM incident i JOIN watch w ON w.id = i.watch_id
                 WHERE i.start_ms < ?2 AND (i.end_ms IS NULL OR i.end_ms > ?1)
                 ORDER BY i.start_ms, i.id",
            )
            .map_err(self.sqlite("reading incidents"))?;
        stmt.query_map(params![unix_ms(from), unix_ms(until)], incident_from)
            .and_then(|rows| rows.collect())
            .map_err(self.sqlite("reading incidents"))
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

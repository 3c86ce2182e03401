//! Queries, each on a read-only connection of its own (WAL: a reader sees the last commit and
//! never waits for the writer, nor makes it wait).

use std::path::Path;
use std::time::SystemTime;

use downwatch_probe::Status;
use rusqlite::types::FromSqlError;
use rusqlite::{Connection, OptionalExtension, params};

use crate::error::StoreError;
use crate::open;
use crate::records::unix_ms;
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

/// A stored status name.
fn status(text: &str) -> Result<Status, FromSqlError> {
    match text {
        "up" => Ok(Status::Up),
        "degraded" => Ok(Status::Degraded),
        "down" => Ok(Status::Down),
        _ => Err(FromSqlError::InvalidType),
    }
}

//! Each watch's current run (`watch_run`, schema 4), kept by the writer as it writes each
//! check ([`Runs`]: in memory through a transaction, each changed row written once before it
//! commits), so [`crate::Reader::current`] reads one small row per watch.
//!
//! A watch's state is its latest check's status, held since the first check after its newest
//! *judged* check of another status (checks not judged, taken offline or across a sleep,
//! never end a run). The row keeps what answers that for any next check:
//!
//! - `judged_status`: the status of the newest judged check (`None`: none yet);
//! - `after_judged_ms`: the first check after that judged check (`None`: none after it);
//! - `run_ms`: since when judged checks have had `judged_status` (the watch's first check
//!   while none is judged).
//!
//! A new check, started after the latest one ([`Run::advance`]):
//! - judged, of the same status (or the first judged): `after_judged_ms` is cleared;
//! - judged, of another status: the run starts at `after_judged_ms`, or at the check itself;
//! - not judged: it is `after_judged_ms` when that is empty.
//!
//! A check started before the latest (a clock step back) is not advanced: the row is found
//! again from the stored rows ([`seed`]), as for a watch written by an older schema.

use std::collections::HashMap;

use downwatch_probe::Status;
use rusqlite::types::FromSqlError;
use rusqlite::{Connection, OptionalExtension, params};

use crate::rows::{conversion, status};
use crate::search::{self, Edges};

/// One `watch_run` row (times in Unix ms).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Run {
    /// The newest check's `check_result.id`.
    pub latest_id: i64,
    /// Its start.
    pub latest_ms: i64,
    /// Its status.
    pub latest_status: Status,
    /// The status of the newest judged check.
    pub judged_status: Option<Status>,
    /// The start of the first check after the newest judged check.
    pub after_judged_ms: Option<i64>,
    /// Since when judged checks have had `judged_status`.
    pub run_ms: i64,
    /// `false`: `run_ms` is a lower bound found in rollups.
    pub run_exact: bool,
}

/// A check as the run sees it.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Step {
    /// Its `check_result.id`.
    pub id: i64,
    /// Its start (Unix ms).
    pub at_ms: i64,
    /// Its status.
    pub status: Status,
    /// `false`: recorded but not judged (offline, across a sleep); it never ends a run.
    pub judged: bool,
}

impl Run {
    /// The run after `next`, a check started at or after the latest (see the module docs);
    /// `None` when it started before it.
    pub(crate) fn advance(self, next: Step) -> Option<Run> {
        if next.at_ms < self.latest_ms {
            return None;
        }
        let mut run = Run {
            latest_id: next.id,
            latest_ms: next.at_ms,
            latest_status: next.status,
            ..self
        };
        match (next.judged, self.judged_status) {
            (true, Some(judged)) if judged != next.status => {
                run.run_ms = self.after_judged_ms.unwrap_or(next.at_ms);
                run.run_exact = true;
                run.judged_status = Some(next.status);
                run.after_judged_ms = None;
            }
            (true, _) => {
                run.judged_status = Some(next.status);
                run.after_judged_ms = None;
            }
            (false, _) => run.after_judged_ms = self.after_judged_ms.or(Some(next.at_ms)),
        }
        Some(run)
    }

    /// Since when the latest check's status holds (Unix ms), and whether that is exact.
    pub(crate) fn since(&self) -> (i64, bool) {
        match self.judged_status {
            Some(judged) if judged != self.latest_status => {
                // The latest check is not judged: its status holds since the first check
                // after the newest judged one (which had another status).
                (self.after_judged_ms.unwrap_or(self.latest_ms), true)
            }
            _ => (self.run_ms, self.run_exact),
        }
    }
}

/// Watch `id`'s row, if it has one.
pub(crate) fn load(conn: &Connection, id: i64) -> rusqlite::Result<Option<Run>> {
    conn.prepare_cached(&format!(
        "SELECT {RUN_COLUMNS} FROM watch_run r JOIN check_result c ON c.id = r.latest_id
         WHERE r.watch_id = ?1"
    ))?
    .query_row([id], |r| run_from(r, 0))
    .optional()
}

/// The columns [`run_from`] reads, in order, for `watch_run r` joined with its latest
/// `check_result c`.
pub(crate) const RUN_COLUMNS: &str = "r.latest_id, r.latest_ms, c.status, r.judged_status, \
     r.after_judged_ms, r.run_ms, r.run_exact";

/// Decodes [`RUN_COLUMNS`] starting at column `i`.
pub(crate) fn run_from(row: &rusqlite::Row<'_>, i: usize) -> rusqlite::Result<Run> {
    let status_at = |k: usize| -> rusqlite::Result<Option<Status>> {
        row.get_ref(i + k)?
            .as_str_or_null()?
            .map(|s| status(s).map_err(|e| conversion(i + k, e)))
            .transpose()
    };
    Ok(Run {
        latest_id: row.get(i)?,
        latest_ms: row.get(i + 1)?,
        latest_status: status_at(2)?.ok_or_else(|| conversion(i + 2, FromSqlError::InvalidType))?,
        judged_status: status_at(3)?,
        after_judged_ms: row.get(i + 4)?,
        run_ms: row.get(i + 5)?,
        run_exact: row.get(i + 6)?,
    })
}

/// Writes watch `id`'s row.
pub(crate) fn save(conn: &Connection, id: i64, run: &Run) -> rusqlite::Result<()> {
    conn.prepare_cached(
        "INSERT OR REPLACE INTO watch_run (watch_id, latest_id, latest_ms, judged_status,
             after_judged_ms, run_ms, run_exact)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )?
    .execute(params![
        id,
        run.latest_id,
        run.latest_ms,
        run.judged_status.map(Status::as_str),
        run.after_judged_ms,
        run.run_ms,
        run.run_exact,
    ])?;
    Ok(())
}

/// Watch `id`'s run found from the rows stored ([`crate::search`]); `None` when it has no
/// raw check, or when no raw check is judged and older records exist (the status of the
/// newest judged check is then not known).
pub(crate) fn seed(conn: &Connection, id: i64, edges: Edges) -> rusqlite::Result<Option<Run>> {
    let newest = |judged_only: bool| {
        conn.prepare_cached(
            "SELECT id, at_ms, status, judged FROM check_result
             WHERE watch_id = ?1 AND judged >= ?2 ORDER BY at_ms DESC, id DESC LIMIT 1",
        )?
        .query_row(params![id, judged_only], |r| {
            Ok(Step {
                id: r.get(0)?,
                at_ms: r.get(1)?,
                status: status(r.get_ref(2)?.as_str()?).map_err(|e| conversion(2, e))?,
                judged: r.get(3)?,
            })
        })
        .optional()
    };
    let Some(latest) = newest(false)? else {
        return Ok(None);
    };
    let Some(judged) = newest(true)? else {
        // Nothing judged in the raw rows: known only if they are all the watch ever had.
        let (first_ms, exact) = search::oldest_record(conn, id, latest.at_ms)?;
        return Ok(exact.then_some(Run {
            latest_id: latest.id,
            latest_ms: latest.at_ms,
            latest_status: latest.status,
            judged_status: None,
            after_judged_ms: None,
            run_ms: first_ms,
            run_exact: true,
        }));
    };
    let after_judged_ms: Option<i64> = conn
        .prepare_cached(
            "SELECT min(at_ms) FROM check_result WHERE watch_id = ?1
             AND (at_ms > ?2 OR (at_ms = ?2 AND id > ?3))",
        )?
        .query_row(params![id, judged.at_ms, judged.id], |r| r.get(0))?;
    let (run_ms, run_exact) = search::run_start(conn, id, judged.status, judged.at_ms, edges)?;
    Ok(Some(Run {
        latest_id: latest.id,
        latest_ms: latest.at_ms,
        latest_status: latest.status,
        judged_status: Some(judged.status),
        after_judged_ms,
        run_ms,
        run_exact,
    }))
}

/// Finds the row again for every watch that has checks and no row (after the migration to
/// schema 4, or when a seed was not possible before). Returns how many were written.
pub(crate) fn seed_missing(conn: &Connection) -> rusqlite::Result<usize> {
    let ids: Vec<i64> = conn
        .prepare(
            "SELECT id FROM watch w WHERE NOT EXISTS
             (SELECT 1 FROM watch_run r WHERE r.watch_id = w.id)",
        )?
        .query_map([], |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    let edges = Edges::read(conn)?;
    let mut written = 0;
    for id in ids {
        if let Some(run) = seed(conn, id, edges)? {
            save(conn, id, &run)?;
            written += 1;
        }
    }
    Ok(written)
}

/// The runs a transaction changed, kept in memory and written once per watch at its end
/// ([`Runs::save`]): a batch of 512 checks of 10 watches writes 10 rows, not 512.
#[derive(Debug, Default)]
pub(crate) struct Runs {
    /// Watch id -> its run after the batch's checks so far (`None`: the row is to be
    /// removed, nothing certain was found).
    changed: HashMap<i64, Option<Run>>,
}

impl Runs {
    /// Takes `step`, just inserted for watch `id` in the same transaction: advanced from the
    /// run when it can be, else found again from the rows ([`seed`]).
    pub(crate) fn record(
        &mut self,
        conn: &Connection,
        id: i64,
        step: Step,
    ) -> rusqlite::Result<()> {
        let known = match self.changed.get(&id) {
            Some(run) => *run,
            None => load(conn, id)?,
        };
        let run = match known.and_then(|run| run.advance(step)) {
            Some(run) => Some(run),
            None => seed(conn, id, Edges::read(conn)?)?,
        };
        self.changed.insert(id, run);
        Ok(())
    }

    /// Writes every changed row (in the transaction that inserted the checks).
    pub(crate) fn save(self, conn: &Connection) -> rusqlite::Result<()> {
        for (id, run) in self.changed {
            match run {
                Some(run) => save(conn, id, &run)?,
                None => {
                    conn.prepare_cached("DELETE FROM watch_run WHERE watch_id = ?1")?
                        .execute([id])?;
                }
            }
        }
        Ok(())
    }
}

//! The current state of every watch: its latest check, since when its status holds, and its
//! open incidents ([`Reader::current`]).
//!
//! "Since when" is each watch's `watch_run` row, which the writer keeps as it writes checks
//! ([`crate::run`]). A watch without one (a file no writer of schema 4 has opened yet) is
//! searched for in the raw rows and rollups instead ([`crate::search`]); both give the same
//! answer.

use std::time::SystemTime;

use crate::error::StoreError;
use crate::reader::Reader;
use crate::records::{from_unix_ms, unix_ms};
use crate::rows::{CHECK_COLUMNS, StoredCheck, StoredIncident, check_from, incident_from};
use crate::run::{RUN_COLUMNS, run_from};
use crate::search::{self, Edges};

/// One watch as the history last saw it.
#[derive(Clone, Debug, PartialEq)]
pub struct WatchNow {
    /// The watch's name.
    pub watch: String,
    /// Its latest check (by start time).
    pub latest: StoredCheck,
    /// Since when its judged checks have had `latest.status` (the first check of the run).
    pub since: SystemTime,
    /// `false` when `since` is a lower bound: the change is older than the raw rows kept, so
    /// it is the end of the hour or day whose rollup last counted another status, or the
    /// oldest record when none ever did.
    pub since_exact: bool,
    /// Its incidents without an end, oldest first.
    pub open_incidents: Vec<StoredIncident>,
}

impl Reader {
    /// Every watch that has a check: latest check, since when its status holds, open
    /// incidents; by watch name. One read of a small row per watch (a few indexed look-ups
    /// for a watch the writer has not given one yet), whatever the history's length.
    pub fn current(&self) -> Result<Vec<WatchNow>, StoreError> {
        let err = || self.sqlite("reading the current state");
        let mut now: Vec<(String, StoredCheck, i64, bool)> = self
            .conn
            .prepare_cached(&format!(
                "SELECT {RUN_COLUMNS}, w.name, {CHECK_COLUMNS} FROM watch_run r
                 JOIN watch w ON w.id = r.watch_id JOIN check_result c ON c.id = r.latest_id"
            ))
            .and_then(|mut stmt| {
                stmt.query_map([], |r| {
                    let (since_ms, exact) = run_from(r, 0)?.since();
                    Ok((r.get(7)?, check_from(r, 8)?, since_ms, exact))
                })?
                .collect()
            })
            .map_err(err())?;
        let searched = self.latest_by_id(true)?;
        if !searched.is_empty() {
            let edges = Edges::read(&self.conn).map_err(err())?;
            for (id, l) in searched {
                let latest_ms = unix_ms(l.check.at);
                let (since_ms, exact) =
                    search::run_start(&self.conn, id, l.check.status, latest_ms, edges)
                        .map_err(err())?;
                now.push((l.watch, l.check, since_ms, exact));
            }
        }
        now.sort_by(|a, b| a.0.cmp(&b.0));
        let mut open = self.open_incidents()?;
        let mut out = Vec::with_capacity(now.len());
        for (watch, latest, since_ms, since_exact) in now {
            let (mine, rest) = open.into_iter().partition(|i| i.watch == watch);
            open = rest;
            out.push(WatchNow {
                watch,
                latest,
                since: from_unix_ms(since_ms),
                since_exact,
                open_incidents: mine,
            });
        }
        Ok(out)
    }

    /// Every incident without an end, oldest first. From the partial index of open incidents,
    /// then sorted: the unary `+` keeps SQLite from walking `incident_by_start` over every
    /// incident ever to spare that sort (26,276 incidents read for none open, on the year
    /// written at a 30 s interval).
    pub fn open_incidents(&self) -> Result<Vec<StoredIncident>, StoreError> {
        let mut stmt = self
            .conn
            .prepare_cached(
                "SELECT i.incident_key, w.name, i.group_key, i.kind, i.layer, i.cause,
                        i.start_ms, i.end_ms
                 FROM incident i JOIN watch w ON w.id = i.watch_id
                 WHERE i.end_ms IS NULL ORDER BY +i.start_ms, i.id",
            )
            .map_err(self.sqlite("reading open incidents"))?;
        stmt.query_map([], incident_from)
            .and_then(|rows| rows.collect())
            .map_err(self.sqlite("reading open incidents"))
    }
}

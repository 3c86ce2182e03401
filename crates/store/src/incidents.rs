//! Incidents that overlap a range, page by page (keyset on `(start_ms, id)`, in either
//! order), reading the incidents of the range only, whatever the length of the history
//! before it; and one incident by its id.
//!
//! An incident overlaps `[from, until)` when it started before `until` and ended after `from`
//! or is still open. Those are two disjoint parts, split by the start:
//! - *before*: started before `from` (and ended after it, or open): read from
//!   `incident_by_end` (the index holds the open ones too, under `NULL`), then sorted (a
//!   few); `MATERIALIZED` and `CROSS JOIN` keep SQLite from walking `incident_by_start` from
//!   the cursor instead, to spare that sort;
//! - *within*: started in `[from, until)`: read in start order straight from
//!   `incident_by_start`, with no sort.
//!
//! Every start in *before* is below every start in *within*, so the oldest-first order is
//! *before* then *within*, the newest-first order the reverse, and a cursor falls in exactly
//! one part (the part it is past is not read again). An incident's start never changes, so no
//! incident is in both parts, even if it is rewritten between two pages.

use std::time::SystemTime;

use rusqlite::{OptionalExtension, params};

use crate::error::StoreError;
use crate::pages::{Keyset, Order, RowCursor};
use crate::reader::Reader;
use crate::records::unix_ms;
use crate::rows::{StoredIncident, incident_from};

/// The columns [`incident_from`] reads, then the row id (column 8, for the cursor).
const COLUMNS: &str = "i.incident_key, w.name, i.group_key, i.kind, i.layer, i.cause, \
                       i.start_ms, i.end_ms, i.id";

/// Which part of a range (see the module's doc).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Part {
    Before,
    Within,
}

impl Part {
    /// The part's filters: `?1` = from, `?2` = until (Unix ms), `?3` = the watch or NULL.
    fn filters(self) -> String {
        match self {
            Part::Before => format!(
                "WITH hit (id) AS MATERIALIZED (
                     SELECT id FROM incident WHERE end_ms > ?1 AND start_ms < min(?1, ?2)
                     UNION ALL
                     SELECT id FROM incident WHERE end_ms IS NULL AND start_ms < min(?1, ?2))
                 SELECT {COLUMNS} FROM hit CROSS JOIN incident i ON i.id = hit.id
                 JOIN watch w ON w.id = i.watch_id
                 WHERE (?3 IS NULL OR w.name = ?3)"
            ),
            Part::Within => format!(
                "SELECT {COLUMNS} FROM incident i JOIN watch w ON w.id = i.watch_id
                 WHERE i.start_ms >= ?1 AND i.start_ms < ?2
                   AND (?3 IS NULL OR i.watch_id = (SELECT id FROM watch WHERE name = ?3))"
            ),
        }
    }

    /// The parts in `order`.
    fn in_order(order: Order) -> [Part; 2] {
        match order {
            Order::OldestFirst => [Part::Before, Part::Within],
            Order::NewestFirst => [Part::Within, Part::Before],
        }
    }

    /// Whether a page after `after` can still hold rows of this part: not when the cursor
    /// is already past it (its start on the other side of `from`).
    fn reachable(self, order: Order, after: Option<RowCursor>, from_ms: i64) -> bool {
        let Some(after) = after else { return true };
        match (self, order) {
            // The first part in its order is past once the cursor is in the second.
            (Part::Before, Order::OldestFirst) => after.at_ms < from_ms,
            (Part::Within, Order::NewestFirst) => after.at_ms >= from_ms,
            (Part::Before, Order::NewestFirst) | (Part::Within, Order::OldestFirst) => true,
        }
    }
}

impl Reader {
    /// A page of the incidents that overlap `[from, until)` (of `watch`, or of every watch;
    /// the name as stored), by start in `order`: at most `limit`, after `after` (the previous
    /// page's last cursor; `None` for the first page); each with its cursor. A page shorter
    /// than `limit` is the last. Two bounded reads at most (see the module's doc).
    pub fn incidents_page(
        &self,
        from: SystemTime,
        until: SystemTime,
        watch: Option<&str>,
        order: Order,
        after: Option<RowCursor>,
        limit: u32,
    ) -> Result<Vec<(RowCursor, StoredIncident)>, StoreError> {
        let (from_ms, until_ms) = (unix_ms(from), unix_ms(until));
        let mut out = Vec::new();
        for part in Part::in_order(order) {
            let left = limit.saturating_sub(out.len() as u32);
            if left == 0 || !part.reachable(order, after, from_ms) {
                continue;
            }
            let filters = part.filters();
            let query = Keyset {
                filters: &filters,
                key: ("i.start_ms", "i.id"),
                order,
            };
            let rows = self.page(
                &query,
                params![from_ms, until_ms, watch],
                after,
                left,
                "reading incidents",
                |r| {
                    let cursor = RowCursor {
                        at_ms: r.get(6)?,
                        id: r.get(8)?,
                    };
                    Ok((cursor, incident_from(r)?))
                },
            )?;
            out.extend(rows);
        }
        Ok(out)
    }

    /// Every incident of every watch that overlaps `[from, until)` (open ones included),
    /// oldest first: [`Reader::incidents_page`] read to the end, into memory. For a bounded
    /// range; a window or an export reads pages.
    pub fn incidents(
        &self,
        from: SystemTime,
        until: SystemTime,
    ) -> Result<Vec<StoredIncident>, StoreError> {
        const PAGE: u32 = 1_000;
        let mut out = Vec::new();
        let mut after = None;
        loop {
            let page = self.incidents_page(from, until, None, Order::OldestFirst, after, PAGE)?;
            let full = page.len() == PAGE as usize;
            after = page.last().map(|(cursor, _)| *cursor);
            out.extend(page.into_iter().map(|(_, i)| i));
            if !full {
                return Ok(out);
            }
        }
    }

    /// The incident with the monitor's id `id` (the `incident_key`, unique: one indexed
    /// look-up), or `None`.
    pub fn incident(&self, id: &str) -> Result<Option<StoredIncident>, StoreError> {
        let sql = format!(
            "SELECT {COLUMNS} FROM incident i JOIN watch w ON w.id = i.watch_id
             WHERE i.incident_key = ?1"
        );
        self.conn
            .prepare_cached(&sql)
            .and_then(|mut s| s.query_row([id], incident_from).optional())
            .map_err(self.sqlite("reading an incident"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Store;

    /// The query plan of each part, in each order, with the keyset suffix as sent.
    fn plans() -> Vec<(Part, Order, String)> {
        let dir = tempfile::tempdir().unwrap();
        let opened = Store::open(dir.path(), SystemTime::now()).unwrap();
        let reader = opened.store.reader().unwrap();
        let mut out = Vec::new();
        for order in [Order::OldestFirst, Order::NewestFirst] {
            for part in [Part::Before, Part::Within] {
                let filters = part.filters();
                let sql = Keyset {
                    filters: &filters,
                    key: ("i.start_ms", "i.id"),
                    order,
                }
                .sql(3);
                let plan = reader
                    .conn
                    .prepare(&format!("EXPLAIN QUERY PLAN {sql}"))
                    .unwrap()
                    .query_map(params![5, 9, "Gmail", 7, 1, 10], |r| r.get::<_, String>(3))
                    .unwrap()
                    .collect::<Result<Vec<_>, _>>()
                    .unwrap()
                    .join("; ");
                out.push((part, order, plan));
            }
        }
        drop(reader);
        opened.store.close();
        out
    }

    #[test]
    fn no_part_walks_every_incident_and_within_needs_no_sort() {
        for (part, order, plan) in plans() {
            assert!(!plan.contains("SCAN i "), "{part:?} {order:?}: {plan}");
            assert!(
                !plan.contains("SCAN incident"),
                "{part:?} {order:?}: {plan}"
            );
            match part {
                Part::Before => {
                    assert!(plan.contains("incident_by_end"), "{order:?}: {plan}");
                    // From the few hits, not by walking the starts for the keyset's order.
                    assert!(!plan.contains("incident_by_start"), "{order:?}: {plan}");
                }
                Part::Within => {
                    assert!(plan.contains("incident_by_start"), "{order:?}: {plan}");
                    assert!(!plan.contains("TEMP B-TREE"), "{order:?}: {plan}");
                }
            }
        }
    }
}

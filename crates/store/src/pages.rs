//! Keyset pages (every page costs the same, however deep, unlike `OFFSET`; a year is read
//! page by page, never held in memory): a watch's checks newest first (the window), and for
//! reading a range oldest first (`downwatch export`) the checks of one watch and the
//! notifications of every watch (incidents: [`crate::incidents`]). All go through
//! [`Reader::page`], which adds the `(time, id)` keyset condition, the order and the limit to
//! a query's filters.

use std::time::SystemTime;

use rusqlite::{Row, ToSql, params};

use crate::error::StoreError;
use crate::reader::Reader;
use crate::records::{MessageRef, from_unix_ms, unix_ms};
use crate::rows::{CHECK_COLUMNS, StoredCheck, check_from, conversion};

/// Where a page ends: the next page starts after this row. `(time, id)`: the time the rows
/// are ordered by (a check's start, an incident's start, a notification's sending; Unix
/// ms), and the row id for ties.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RowCursor {
    /// The time the rows are ordered by, Unix ms.
    pub at_ms: i64,
    /// The row id (ties).
    pub id: i64,
}

/// The order of a page, by `(time, id)`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Order {
    /// Ascending: the oldest row first.
    OldestFirst,
    /// Descending: the newest row first.
    NewestFirst,
}

/// A keyset page query: `filters` is a `SELECT ... WHERE ...` whose parameters are `?1` to
/// `?N` (`N` = the filters' parameter count); `key` the `(time, id)` columns it is ordered by.
pub(crate) struct Keyset<'a> {
    pub(crate) filters: &'a str,
    pub(crate) key: (&'a str, &'a str),
    pub(crate) order: Order,
}

impl Keyset<'_> {
    /// The query with the keyset condition, the order and the limit added: the cursor's time
    /// and id are `?N+1` and `?N+2`, the limit `?N+3`, for `n` = the filters' parameters.
    pub(crate) fn sql(&self, n: usize) -> String {
        let (at, id) = self.key;
        let (cmp, dir) = match self.order {
            Order::OldestFirst => (">", ""),
            Order::NewestFirst => ("<", " DESC"),
        };
        format!(
            "{} AND ({at}, {id}) {cmp} (?{}, ?{}) ORDER BY {at}{dir}, {id}{dir} LIMIT ?{}",
            self.filters,
            n + 1,
            n + 2,
            n + 3
        )
    }
}

/// A notification that left the process, as stored.
#[derive(Clone, Debug, PartialEq)]
pub struct StoredNotification {
    /// Its row id.
    pub id: i64,
    /// When it was sent.
    pub at: SystemTime,
    /// The incident it is about, when one.
    pub incident: Option<String>,
    /// The watches it names, in its order.
    pub watches: Vec<String>,
    /// Its text as a catalog message.
    pub message: MessageRef,
}

impl StoredNotification {
    /// The cursor for the page after this row.
    pub fn cursor(&self) -> RowCursor {
        RowCursor {
            at_ms: unix_ms(self.at),
            id: self.id,
        }
    }
}

/// Column `i`, a JSON list of names: a text that is not one (a damaged or hand-edited row)
/// is a conversion error naming the column, never an empty list.
fn names_column(row: &Row<'_>, i: usize) -> rusqlite::Result<Vec<String>> {
    serde_json::from_str(row.get_ref(i)?.as_str()?).map_err(|e| conversion(i, e))
}

/// Column `i`, a JSON object (message arguments): anything else is a conversion error.
fn object_column(
    row: &Row<'_>,
    i: usize,
) -> rusqlite::Result<serde_json::Map<String, serde_json::Value>> {
    serde_json::from_str(row.get_ref(i)?.as_str()?).map_err(|e| conversion(i, e))
}

impl Reader {
    /// One page of `query` after `after` (`None`: from the start), at most `limit` rows,
    /// each read by `read`.
    pub(crate) fn page<T>(
        &self,
        query: &Keyset<'_>,
        filters: &[&dyn ToSql],
        after: Option<RowCursor>,
        limit: u32,
        doing: &'static str,
        read: impl FnMut(&Row<'_>) -> rusqlite::Result<T>,
    ) -> Result<Vec<T>, StoreError> {
        let start = match query.order {
            Order::OldestFirst => i64::MIN,
            Order::NewestFirst => i64::MAX,
        };
        let after = after.unwrap_or(RowCursor {
            at_ms: start,
            id: start,
        });
        let sql = query.sql(filters.len());
        let mut all: Vec<&dyn ToSql> = filters.to_vec();
        all.extend([&after.at_ms as &dyn ToSql, &after.id, &limit]);
        self.conn
            .prepare_cached(&sql)
            .and_then(|mut s| s.query_map(all.as_slice(), read)?.collect())
            .map_err(self.sqlite(doing))
    }

    /// Every watch name in the history, sorted.
    pub fn watches(&self) -> Result<Vec<String>, StoreError> {
        self.conn
            .prepare_cached("SELECT name FROM watch ORDER BY name")
            .and_then(|mut s| s.query_map([], |r| r.get(0))?.collect())
            .map_err(self.sqlite("listing watches"))
    }

    /// A page of `watch`'s checks, newest first: at most `limit`, starting after `after`
    /// (the [`StoredCheck::cursor`] of the previous page's last row; `None` for the first),
    /// on the `(watch_id, at_ms)` index.
    pub fn checks_page(
        &self,
        watch: &str,
        after: Option<RowCursor>,
        limit: u32,
    ) -> Result<Vec<StoredCheck>, StoreError> {
        let filters = format!(
            "SELECT {CHECK_COLUMNS} FROM check_result c
             WHERE c.watch_id = (SELECT id FROM watch WHERE name = ?1)"
        );
        let query = Keyset {
            filters: &filters,
            key: ("c.at_ms", "c.id"),
            order: Order::NewestFirst,
        };
        self.page(
            &query,
            params![watch],
            after,
            limit,
            "reading checks",
            |r| check_from(r, 0),
        )
    }

    /// A page of `watch`'s checks started in `[from, until)`, oldest first: at most `limit`,
    /// after `after` (the previous page's last [`StoredCheck::cursor`]; `None` first).
    pub fn checks_between(
        &self,
        watch: &str,
        from: SystemTime,
        until: SystemTime,
        after: Option<RowCursor>,
        limit: u32,
    ) -> Result<Vec<StoredCheck>, StoreError> {
        let filters = format!(
            "SELECT {CHECK_COLUMNS} FROM check_result c
             WHERE c.watch_id = (SELECT id FROM watch WHERE name = ?1)
               AND c.at_ms >= ?2 AND c.at_ms < ?3"
        );
        let query = Keyset {
            filters: &filters,
            key: ("c.at_ms", "c.id"),
            order: Order::OldestFirst,
        };
        let filters = params![watch, unix_ms(from), unix_ms(until)];
        self.page(&query, filters, after, limit, "reading checks", |r| {
            check_from(r, 0)
        })
    }

    /// A page of the notifications sent in `[from, until)` (naming `watch`, or all), oldest
    /// first. A row whose `watches` or message arguments are not the JSON the store writes
    /// (a list of names, an object) is an error ([`StoreError::Sqlite`] with SQLite's
    /// conversion error naming the column), never read as empty.
    pub fn notifications_page(
        &self,
        from: SystemTime,
        until: SystemTime,
        watch: Option<&str>,
        after: Option<RowCursor>,
        limit: u32,
    ) -> Result<Vec<StoredNotification>, StoreError> {
        let query = Keyset {
            filters: "SELECT n.id, n.at_ms, n.incident_key, n.watches, n.message_id,
                             n.message_args
                      FROM notification n
                      WHERE n.at_ms >= ?1 AND n.at_ms < ?2
                        AND (?3 IS NULL OR EXISTS (SELECT 1 FROM json_each(n.watches)
                                                   WHERE json_each.value = ?3))",
            key: ("n.at_ms", "n.id"),
            order: Order::OldestFirst,
        };
        let filters = params![unix_ms(from), unix_ms(until), watch];
        self.page(
            &query,
            filters,
            after,
            limit,
            "reading notifications",
            |r| {
                Ok(StoredNotification {
                    id: r.get(0)?,
                    at: from_unix_ms(r.get(1)?),
                    incident: r.get(2)?,
                    watches: names_column(r, 3)?,
                    message: MessageRef {
                        id: r.get(4)?,
                        args: object_column(r, 5)?,
                    },
                })
            },
        )
    }
}

//! Pages for reading a range of history oldest first, whatever its size (`downwatch export`):
//! checks of one watch, incidents and notifications of every watch, each by keyset on an
//! index (every page costs the same, however deep; a year is read page by page, never held
//! in memory).

use std::time::SystemTime;

use rusqlite::params;

use crate::error::StoreError;
use crate::reader::Reader;
use crate::records::{MessageRef, from_unix_ms, unix_ms};
use crate::rows::{CHECK_COLUMNS, CheckCursor, StoredCheck, StoredIncident, check_from};

/// Where a page of incidents or notifications ends: `(start or sent, Unix ms; row id)`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RowCursor {
    /// The time the rows are ordered by, Unix ms.
    pub at_ms: i64,
    /// The row id (ties).
    pub id: i64,
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

fn json_object(text: &str) -> serde_json::Map<String, serde_json::Value> {
    match serde_json::from_str(text) {
        Ok(serde_json::Value::Object(map)) => map,
        _ => serde_json::Map::new(),
    }
}

impl Reader {
    /// Every watch name in the history, sorted.
    pub fn watches(&self) -> Result<Vec<String>, StoreError> {
        self.conn
            .prepare_cached("SELECT name FROM watch ORDER BY name")
            .and_then(|mut s| s.query_map([], |r| r.get(0))?.collect())
            .map_err(self.sqlite("listing watches"))
    }

    /// A page of `watch`'s checks started in `[from, until)`, oldest first: at most `limit`,
    /// after `after` (the previous page's last [`StoredCheck::cursor`]; `None` first).
    pub fn checks_between(
        &self,
        watch: &str,
        from: SystemTime,
        until: SystemTime,
        after: Option<CheckCursor>,
        limit: u32,
    ) -> Result<Vec<StoredCheck>, StoreError> {
        let after = after.unwrap_or(CheckCursor {
            at_ms: i64::MIN,
            id: i64::MIN,
        });
        let sql = format!(
            "SELECT {CHECK_COLUMNS} FROM check_result c
             WHERE c.watch_id = (SELECT id FROM watch WHERE name = ?1)
               AND c.at_ms >= ?2 AND c.at_ms < ?3 AND (c.at_ms, c.id) > (?4, ?5)
             ORDER BY c.at_ms, c.id LIMIT ?6"
        );
        self.conn
            .prepare_cached(&sql)
            .and_then(|mut s| {
                s.query_map(
                    params![
                        watch,
                        unix_ms(from),
                        unix_ms(until),
                        after.at_ms,
                        after.id,
                        limit
                    ],
                    |r| check_from(r, 0),
                )?
                .collect()
            })
            .map_err(self.sqlite("reading checks"))
    }

    /// A page of the incidents that overlap `[from, until)` (of `watch`, or of every watch),
    /// by start, oldest first; with each its cursor.
    pub fn incidents_page(
        &self,
        from: SystemTime,
        until: SystemTime,
        watch: Option<&str>,
        after: Option<RowCursor>,
        limit: u32,
    ) -> Result<Vec<(RowCursor, StoredIncident)>, StoreError> {
        let after = after.unwrap_or(RowCursor {
            at_ms: i64::MIN,
            id: i64::MIN,
        });
        self.conn
            .prepare_cached(
                "SELECT i.incident_key, w.name, i.group_key, i.kind, i.layer, i.cause,
                        i.start_ms, i.end_ms, i.id
                 FROM incident i JOIN watch w ON w.id = i.watch_id
                 WHERE i.start_ms < ?2 AND (i.end_ms IS NULL OR i.end_ms > ?1)
                   AND (?3 IS NULL OR w.name = ?3) AND (i.start_ms, i.id) > (?4, ?5)
                 ORDER BY i.start_ms, i.id LIMIT ?6",
            )
            .and_then(|mut s| {
                s.query_map(
                    params![
                        unix_ms(from),
                        unix_ms(until),
                        watch,
                        after.at_ms,
                        after.id,
                        limit
                    ],
                    |r| {
                        let cursor = RowCursor {
                            at_ms: r.get(6)?,
                            id: r.get(8)?,
                        };
                        Ok((cursor, crate::rows::incident_from(r)?))
                    },
                )?
                .collect()
            })
            .map_err(self.sqlite("reading incidents"))
    }

    /// A page of the notifications sent in `[from, until)` (naming `watch`, or all), oldest
    /// first.
    pub fn notifications_page(
        &self,
        from: SystemTime,
        until: SystemTime,
        watch: Option<&str>,
        after: Option<RowCursor>,
        limit: u32,
    ) -> Result<Vec<StoredNotification>, StoreError> {
        let after = after.unwrap_or(RowCursor {
            at_ms: i64::MIN,
            id: i64::MIN,
        });
        self.conn
            .prepare_cached(
                "SELECT n.id, n.at_ms, n.incident_key, n.watches, n.message_id, n.message_args
                 FROM notification n
                 WHERE n.at_ms >= ?1 AND n.at_ms < ?2 AND (n.at_ms, n.id) > (?4, ?5)
                   AND (?3 IS NULL OR EXISTS (SELECT 1 FROM json_each(n.watches)
                                              WHERE json_each.value = ?3))
                 ORDER BY n.at_ms, n.id LIMIT ?6",
            )
            .and_then(|mut s| {
                s.query_map(
                    params![
                        unix_ms(from),
                        unix_ms(until),
                        watch,
                        after.at_ms,
                        after.id,
                        limit
                    ],
                    |r| {
                        let watches: String = r.get(3)?;
                        let args: String = r.get(5)?;
                        Ok(StoredNotification {
                            id: r.get(0)?,
                            at: from_unix_ms(r.get(1)?),
                            incident: r.get(2)?,
                            watches: serde_json::from_str(&watches).unwrap_or_default(),
                            message: MessageRef {
                                id: r.get(4)?,
                                args: json_object(&args),
                            },
                        })
                    },
                )?
                .collect()
            })
            .map_err(self.sqlite("reading notifications"))
    }
}

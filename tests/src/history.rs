//! Reading back the history a resident wrote (`history.sqlite3` in its data directory),
//! read-only, beside a resident that may still be writing (WAL lets a reader in).

use std::collections::BTreeSet;
use std::path::Path;

use rusqlite::{Connection, OpenFlags};

/// The database file in a data directory.
pub fn db_path(data_dir: &Path) -> std::path::PathBuf {
    data_dir.join("history.sqlite3")
}

/// A read-only connection to the history in `data_dir`.
pub fn open(data_dir: &Path) -> Connection {
    let path = db_path(data_dir);
    let conn = Connection::open_with_flags(&path, OpenFlags::SQLITE_OPEN_READ_ONLY)
        .unwrap_or_else(|e| panic!("open {}: {e}", path.display()));
    conn.busy_timeout(std::time::Duration::from_secs(5))
        .expect("busy timeout");
    conn
}

/// Every incident id in the history.
pub fn incident_ids(conn: &Connection) -> BTreeSet<String> {
    let mut stmt = conn
        .prepare("SELECT incident_key FROM incident")
        .expect("query incidents");
    stmt.query_map([], |r| r.get::<_, String>(0))
        .and_then(|rows| rows.collect())
        .expect("read incidents")
}

/// `PRAGMA integrity_check`'s lines (`["ok"]` when sound).
pub fn integrity(conn: &Connection) -> Vec<String> {
    let mut stmt = conn.prepare("PRAGMA integrity_check").expect("pragma");
    stmt.query_map([], |r| r.get::<_, String>(0))
        .and_then(|rows| rows.collect())
        .expect("integrity check")
}

/// Coverage spans of `kind` (`not_running`, `not_recorded`...), as Unix ms `(start, end)`.
pub fn coverage(conn: &Connection, kind: &str) -> Vec<(i64, i64)> {
    let mut stmt = conn
        .prepare("SELECT start_ms, end_ms FROM coverage WHERE kind = ?1 ORDER BY start_ms")
        .expect("query coverage");
    stmt.query_map([kind], |r| Ok((r.get(0)?, r.get(1)?)))
        .and_then(|rows| rows.collect())
        .expect("read coverage")
}

/// How many checks of `watch` are stored, and the start of the latest (Unix ms).
pub fn checks_of(conn: &Connection, watch: &str) -> (i64, Option<i64>) {
    conn.query_row(
        "SELECT count(*), max(c.at_ms) FROM check_result c JOIN watch w ON w.id = c.watch_id
         WHERE w.name = ?1",
        [watch],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )
    .expect("count checks")
}

/// The files of `dir` whose names start with `prefix`.
pub fn files_starting(dir: &Path, prefix: &str) -> Vec<std::path::PathBuf> {
    let mut found: Vec<_> = std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .filter_map(Result::ok)
                .map(|e| e.path())
                .filter(|p| {
                    p.file_name()
                        .and_then(|n| n.to_str())
                        .is_some_and(|n| n.starts_with(prefix))
                })
                .collect()
        })
        .unwrap_or_default();
    found.sort();
    found
}

/// Unix milliseconds of now.
pub fn now_ms() -> i64 {
    let since = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("after 1970");
    i64::try_from(since.as_millis()).expect("fits")
}

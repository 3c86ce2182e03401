//! Versioned schema migrations. The version is SQLite's `PRAGMA user_version` (0 for a new
//! file). Each migration runs in one `IMMEDIATE` transaction together with the
//! `user_version` it sets, so a crash or an error half way rolls the whole step back: the
//! file stays at the version before it and the next start runs the step again from its
//! start. There is no "migration in progress" flag to get stuck on, and no `ALTER` outside
//! a numbered step.

use rusqlite::{Connection, TransactionBehavior};

/// One step of the schema.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Migration {
    /// The `user_version` after this step (1, 2, 3... without gaps).
    pub version: u32,
    /// A short name for errors.
    pub name: &'static str,
    /// The SQL, one or more statements.
    pub sql: &'static str,
}

/// Every step, oldest first. Released steps are never edited: a change is a new step.
pub(crate) const MIGRATIONS: &[Migration] = &[
    Migration {
        version: 1,
        name: "history",
        sql: include_str!("migrations/0001_history.sql"),
    },
    Migration {
        version: 2,
        name: "rollups",
        sql: include_str!("migrations/0002_rollups.sql"),
    },
    Migration {
        version: 3,
        name: "covering index for raw reads",
        sql: include_str!("migrations/0003_raw_index.sql"),
    },
    Migration {
        version: 4,
        name: "each watch's current run",
        sql: include_str!("migrations/0004_watch_run.sql"),
    },
    Migration {
        version: 5,
        name: "incidents by their end",
        sql: include_str!("migrations/0005_incident_end.sql"),
    },
];

/// The newest schema version this build knows.
pub const SCHEMA_VERSION: u32 = 5;

/// Why migrating stopped.
#[derive(Debug)]
pub(crate) enum MigrateError {
    /// Reading the version failed (a corrupt file shows here).
    Read(rusqlite::Error),
    /// The file is newer than `migrations` knows.
    Newer {
        /// Its version.
        found: u32,
        /// The newest known.
        known: u32,
    },
    /// A step failed and was rolled back.
    Step {
        /// The step.
        step: Migration,
        /// SQLite's error.
        source: rusqlite::Error,
    },
}

/// The schema version of the open database.
pub(crate) fn version(conn: &Connection) -> rusqlite::Result<u32> {
    conn.pragma_query_value(None, "user_version", |row| row.get(0))
}

/// Brings the database to the newest version of `migrations`, one transaction per step.
/// Returns the version it was at before.
pub(crate) fn migrate(
    conn: &mut Connection,
    migrations: &[Migration],
) -> Result<u32, MigrateError> {
    let before = version(conn).map_err(MigrateError::Read)?;
    let known = migrations.last().map_or(0, |m| m.version);
    if before > known {
        return Err(MigrateError::Newer {
            found: before,
            known,
        });
    }
    for step in migrations.iter().filter(|m| m.version > before) {
        run_step(conn, *step).map_err(|source| MigrateError::Step {
            step: *step,
            source,
        })?;
    }
    Ok(before)
}

fn run_step(conn: &mut Connection, step: Migration) -> rusqlite::Result<()> {
    // IMMEDIATE takes the write lock first: two processes starting at once do not both run
    // the step (the second waits `busy_timeout`, then sees the new version and skips it).
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    if version(&tx)? >= step.version {
        return Ok(());
    }
    tx.execute_batch(step.sql)?;
    tx.pragma_update(None, "user_version", step.version)?;
    tx.commit()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    fn tables(conn: &Connection) -> Vec<String> {
        let mut stmt = conn
            .prepare("SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name")
            .unwrap();
        stmt.query_map([], |row| row.get(0))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap()
    }

    #[test]
    fn a_new_file_gets_every_step() {
        let dir = tempfile::tempdir().unwrap();
        let mut conn = Connection::open(dir.path().join("h.sqlite3")).unwrap();
        assert_eq!(migrate(&mut conn, MIGRATIONS).unwrap(), 0);
        assert_eq!(version(&conn).unwrap(), SCHEMA_VERSION);
        assert_eq!(
            tables(&conn),
            [
                "alive",
                "check_result",
                "coverage",
                "incident",
                "notification",
                "rollup",
                "rollup_latency",
                "rollup_state",
                "watch",
                "watch_run"
            ]
        );
        // Running again is a no-op.
        assert_eq!(migrate(&mut conn, MIGRATIONS).unwrap(), SCHEMA_VERSION);
    }

    #[test]
    fn a_step_failing_half_way_is_rolled_back_and_runs_again_whole() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("h.sqlite3");
        let mut conn = Connection::open(&path).unwrap();
        migrate(&mut conn, MIGRATIONS).unwrap();
        // The next step creates a table, fills a row, then fails on its third statement, as a
        // crash half way would leave it: nothing of it may remain.
        let next = SCHEMA_VERSION + 1;
        let broken = Migration {
            version: next,
            name: "broken",
            sql: "CREATE TABLE extra (h INTEGER); INSERT INTO extra VALUES (1);
                  INSERT INTO no_such_table VALUES (1);",
        };
        let steps = [MIGRATIONS, &[broken]].concat();
        match migrate(&mut conn, &steps) {
            Err(MigrateError::Step { step, .. }) => assert_eq!(step.version, next),
            other => panic!("expected the step to fail, got {other:?}"),
        }
        drop(conn);
        let mut conn = Connection::open(&path).unwrap();
        assert_eq!(version(&conn).unwrap(), SCHEMA_VERSION);
        assert!(!tables(&conn).contains(&"extra".to_owned()));
        // The fixed step runs from its start on the next open, once.
        let fixed = Migration {
            sql: "CREATE TABLE extra (h INTEGER); INSERT INTO extra VALUES (1);",
            ..broken
        };
        let steps = [MIGRATIONS, &[fixed]].concat();
        assert_eq!(migrate(&mut conn, &steps).unwrap(), SCHEMA_VERSION);
        assert_eq!(version(&conn).unwrap(), next);
        let rows: i64 = conn
            .query_row("SELECT count(*) FROM extra", [], |r| r.get(0))
            .unwrap();
        assert_eq!(rows, 1);
    }

    #[test]
    fn a_newer_file_is_refused_untouched() {
        let dir = tempfile::tempdir().unwrap();
        let mut conn = Connection::open(dir.path().join("h.sqlite3")).unwrap();
        conn.pragma_update(None, "user_version", 7).unwrap();
        match migrate(&mut conn, MIGRATIONS) {
            Err(MigrateError::Newer { found: 7, known }) => assert_eq!(known, SCHEMA_VERSION),
            other => panic!("expected Newer, got {other:?}"),
        }
        assert!(tables(&conn).is_empty());
    }
}

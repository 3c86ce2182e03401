//! One function per table write (and the `alive` mark read), each a prepared, cached
//! statement run inside the writer's transaction.

use std::collections::HashMap;
use std::time::SystemTime;

use rusqlite::{Connection, OptionalExtension, params};

use crate::records::{
    CheckRecord, CoverageSpan, Failure, IncidentRecord, NotificationRecord, from_unix_ms, micros,
    unix_ms,
};
use crate::run::Step;

/// The `watch.id` of `name`, inserted when new.
pub(crate) fn watch_id(
    tx: &Connection,
    ids: &mut HashMap<String, i64>,
    name: &str,
) -> rusqlite::Result<i64> {
    if let Some(id) = ids.get(name) {
        return Ok(*id);
    }
    let id = tx
        .prepare_cached(
            "INSERT INTO watch (name) VALUES (?1)
             ON CONFLICT (name) DO UPDATE SET name = excluded.name RETURNING id",
        )?
        .query_row([name], |r| r.get(0))?;
    ids.insert(name.to_owned(), id);
    Ok(id)
}

/// `(layer, cause, message id, message args as JSON)` of a failure, all NULL without one.
fn failure_columns(
    f: Option<&Failure>,
) -> (
    Option<&'static str>,
    Option<&'static str>,
    Option<&str>,
    Option<String>,
) {
    match f {
        Some(f) => (
            // The schema's layers are the network's four; a probe that could not be set up
            // (`setup_failed`) blames none, and its cause says so. Storing "setup" would break
            // the CHECK and, with it, every batch that holds such a check.
            Some(f.layer)
                .filter(|l| *l != downwatch_probe::Layer::Setup)
                .map(downwatch_probe::Layer::as_str),
            Some(f.cause.code()),
            Some(f.message.id.as_str()),
            Some(serde_json::Value::Object(f.message.args.clone()).to_string()),
        ),
        None => (None, None, None, None),
    }
}

/// Inserts a check; returns its watch's id and the check as [`crate::run::Runs::record`]
/// takes it.
pub(crate) fn insert_check(
    tx: &Connection,
    ids: &mut HashMap<String, i64>,
    c: &CheckRecord,
) -> rusqlite::Result<(i64, Step)> {
    let watch = watch_id(tx, ids, &c.watch)?;
    let (layer, cause, message_id, message_args) = failure_columns(c.failure.as_ref());
    let p = &c.phases;
    tx.prepare_cached(
        "INSERT INTO check_result (watch_id, at_ms, interval_ms, status, judged, layer, cause,
             message_id, message_args, address, http_status, dns_us, connect_us, tls_us,
             ttfb_us, total_us)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16)",
    )?
    .execute(params![
        watch,
        unix_ms(c.at),
        i64::try_from(c.interval.as_millis())
            .unwrap_or(i64::MAX)
            .max(1),
        c.status.as_str(),
        c.judged,
        layer,
        cause,
        message_id,
        message_args,
        c.address.map(|a| a.to_string()),
        c.http_status,
        p.dns.map(micros),
        p.connect.map(micros),
        p.tls.map(micros),
        p.ttfb.map(micros),
        micros(p.total),
    ])?;
    let step = Step {
        id: tx.last_insert_rowid(),
        at_ms: unix_ms(c.at),
        status: c.status,
        judged: c.judged,
    };
    Ok((watch, step))
}

pub(crate) fn upsert_incident(
    tx: &Connection,
    ids: &mut HashMap<String, i64>,
    i: &IncidentRecord,
) -> rusqlite::Result<()> {
    let watch = watch_id(tx, ids, &i.watch)?;
    let (layer, cause, message_id, message_args) = failure_columns(i.failure.as_ref());
    tx.prepare_cached(
        "INSERT INTO incident (incident_key, watch_id, group_key, kind, layer, cause, message_id,
             message_args, start_ms, end_ms)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)
         ON CONFLICT (incident_key) DO UPDATE SET
             group_key = excluded.group_key, kind = excluded.kind, layer = excluded.layer,
             cause = excluded.cause, message_id = excluded.message_id,
             message_args = excluded.message_args, start_ms = excluded.start_ms,
             end_ms = excluded.end_ms",
    )?
    .execute(params![
        i.id,
        watch,
        i.group_incident,
        i.kind.as_str(),
        layer,
        cause,
        message_id,
        message_args,
        unix_ms(i.start),
        i.end.map(unix_ms),
    ])?;
    Ok(())
}

pub(crate) fn insert_notification(tx: &Connection, n: &NotificationRecord) -> rusqlite::Result<()> {
    let watches = serde_json::Value::from(n.watches.clone()).to_string();
    let args = serde_json::Value::Object(n.message.args.clone()).to_string();
    tx.prepare_cached(
        "INSERT INTO notification (at_ms, incident_key, watches, message_id, message_args)
         VALUES (?1, ?2, ?3, ?4, ?5)",
    )?
    .execute(params![
        unix_ms(n.at),
        n.incident,
        watches,
        n.message.id,
        args
    ])?;
    Ok(())
}

pub(crate) fn insert_coverage(tx: &Connection, c: &CoverageSpan) -> rusqlite::Result<()> {
    tx.prepare_cached("INSERT INTO coverage (kind, start_ms, end_ms) VALUES (?1, ?2, ?3)")?
        .execute(params![c.kind.as_str(), unix_ms(c.start), unix_ms(c.end)])?;
    Ok(())
}

/// The resident was alive at `at`: the latest batch's time, not the largest ever seen, so a
/// clock set back does not hide the next "not running" span.
pub(crate) fn set_alive(conn: &Connection, at: SystemTime) -> rusqlite::Result<()> {
    conn.prepare_cached(
        "INSERT INTO alive (id, last_ms) VALUES (1, ?1)
         ON CONFLICT (id) DO UPDATE SET last_ms = excluded.last_ms",
    )?
    .execute([unix_ms(at)])?;
    Ok(())
}

/// When the resident was last seen alive, if ever.
pub(crate) fn last_alive(conn: &Connection) -> rusqlite::Result<Option<SystemTime>> {
    conn.query_row("SELECT last_ms FROM alive WHERE id = 1", [], |r| r.get(0))
        .optional()
        .map(|ms| ms.map(from_unix_ms))
}

//! What queries return: owned rows decoded from the tables, with the same types the store
//! was given (times as `SystemTime`, phases as `Duration`s, codes as enums).

use std::time::{Duration, SystemTime};

use downwatch_probe::{Cause, Layer, Phases, Status};
use rusqlite::Row;
use rusqlite::types::{FromSqlError, Type};

use crate::pages::RowCursor;
use crate::records::{IncidentKind, MessageRef, from_unix_ms};
use crate::uptime::Sample;

/// One stored check.
#[derive(Clone, Debug, PartialEq)]
pub struct StoredCheck {
    /// Its row id; with `at`, the cursor of the next page ([`RowCursor`]).
    pub id: i64,
    /// When it started.
    pub at: SystemTime,
    /// The verdict.
    pub status: Status,
    /// Whether it was judged.
    pub judged: bool,
    /// The failing layer.
    pub layer: Option<Layer>,
    /// The cause (`None` for an up check, or a code this build does not know).
    pub cause: Option<Cause>,
    /// The message, for failures.
    pub message: Option<MessageRef>,
    /// The address connected to, as text.
    pub address: Option<String>,
    /// The final HTTP status code.
    pub http_status: Option<u16>,
    /// Phase timings (microsecond precision).
    pub phases: Phases,
}

impl StoredCheck {
    /// The cursor for the page after this row.
    pub fn cursor(&self) -> RowCursor {
        RowCursor {
            at_ms: crate::records::unix_ms(self.at),
            id: self.id,
        }
    }
}

/// The latest check of a watch.
#[derive(Clone, Debug, PartialEq)]
pub struct LatestCheck {
    /// The watch.
    pub watch: String,
    /// Its latest check.
    pub check: StoredCheck,
}

/// One stored incident.
#[derive(Clone, Debug, PartialEq)]
pub struct StoredIncident {
    /// The monitor's incident id.
    pub id: String,
    /// The watch.
    pub watch: String,
    /// Shared by the incidents of one group outage.
    pub group_incident: Option<String>,
    /// The worst kind seen.
    pub kind: IncidentKind,
    /// The dominant layer and cause, when known.
    pub layer: Option<Layer>,
    /// The cause.
    pub cause: Option<Cause>,
    /// Start.
    pub start: SystemTime,
    /// End, once closed.
    pub end: Option<SystemTime>,
}

/// The columns [`check_from`] reads, in order, for a `check_result` aliased `c`.
pub(crate) const CHECK_COLUMNS: &str = "c.id, c.at_ms, c.status, c.judged, c.layer, c.cause, \
     c.message_id, c.message_args, c.address, c.http_status, c.dns_us, c.connect_us, c.tls_us, \
     c.ttfb_us, c.total_us";

/// Decodes [`CHECK_COLUMNS`] starting at column `i`.
pub(crate) fn check_from(row: &Row<'_>, i: usize) -> rusqlite::Result<StoredCheck> {
    let us = |k: usize| -> rusqlite::Result<Option<Duration>> {
        Ok(row
            .get::<_, Option<i64>>(i + k)?
            .map(|v| Duration::from_micros(u64::try_from(v).unwrap_or(0))))
    };
    let message = match row.get::<_, Option<String>>(i + 6)? {
        Some(id) => {
            let args: Option<String> = row.get(i + 7)?;
            let args = match args
                .as_deref()
                .map(serde_json::from_str::<serde_json::Value>)
            {
                Some(Ok(serde_json::Value::Object(map))) => map,
                Some(Ok(_)) | None => serde_json::Map::new(),
                Some(Err(e)) => return Err(conversion(i + 7, e)),
            };
            Some(MessageRef { id, args })
        }
        None => None,
    };
    Ok(StoredCheck {
        id: row.get(i)?,
        at: from_unix_ms(row.get(i + 1)?),
        status: status(row.get_ref(i + 2)?.as_str()?).map_err(|e| conversion(i + 2, e))?,
        judged: row.get(i + 3)?,
        layer: optional_layer(row, i + 4)?,
        cause: row.get::<_, Option<String>>(i + 5)?.and_then(|c| cause(&c)),
        message,
        address: row.get(i + 8)?,
        http_status: row.get(i + 9)?,
        phases: Phases {
            dns: us(10)?,
            connect: us(11)?,
            tls: us(12)?,
            ttfb: us(13)?,
            total: us(14)?.unwrap_or_default(),
        },
    })
}

/// Decodes an incident row: key, watch name, group, kind, layer, cause, start, end.
pub(crate) fn incident_from(row: &Row<'_>) -> rusqlite::Result<StoredIncident> {
    Ok(StoredIncident {
        id: row.get(0)?,
        watch: row.get(1)?,
        group_incident: row.get(2)?,
        kind: incident_kind(row.get_ref(3)?.as_str()?).map_err(|e| conversion(3, e))?,
        layer: optional_layer(row, 4)?,
        cause: row.get::<_, Option<String>>(5)?.and_then(|c| cause(&c)),
        start: from_unix_ms(row.get(6)?),
        end: row.get::<_, Option<i64>>(7)?.map(from_unix_ms),
    })
}

pub(crate) fn conversion(
    i: usize,
    e: impl std::error::Error + Send + Sync + 'static,
) -> rusqlite::Error {
    rusqlite::Error::FromSqlConversionFailure(i, Type::Text, Box::new(e))
}

fn optional_layer(row: &Row<'_>, i: usize) -> rusqlite::Result<Option<Layer>> {
    row.get::<_, Option<String>>(i)?
        .map(|l| layer(&l).map_err(|e| conversion(i, e)))
        .transpose()
}

/// The uptime sample of a row whose first columns are `at_ms, interval_ms, status, judged`.
pub(crate) fn sample(row: &Row<'_>) -> rusqlite::Result<Sample> {
    Ok(Sample {
        at_ms: row.get(0)?,
        interval_ms: row.get(1)?,
        status: status(row.get_ref(2)?.as_str()?).map_err(|e| conversion(2, e))?,
        judged: row.get(3)?,
    })
}

/// A stored status name.
pub(crate) fn status(text: &str) -> Result<Status, FromSqlError> {
    match text {
        "up" => Ok(Status::Up),
        "degraded" => Ok(Status::Degraded),
        "down" => Ok(Status::Down),
        _ => Err(FromSqlError::InvalidType),
    }
}

fn layer(text: &str) -> Result<Layer, FromSqlError> {
    [Layer::Dns, Layer::Tcp, Layer::Tls, Layer::Http]
        .into_iter()
        .find(|l| l.as_str() == text)
        .ok_or(FromSqlError::InvalidType)
}

/// A cause code; `None` for a code this build does not know (written by a newer one: codes
/// are added, never renamed).
fn cause(code: &str) -> Option<Cause> {
    Cause::ALL.iter().copied().find(|c| c.code() == code)
}

fn incident_kind(text: &str) -> Result<IncidentKind, FromSqlError> {
    [
        IncidentKind::Down,
        IncidentKind::Degraded,
        IncidentKind::Unstable,
    ]
    .into_iter()
    .find(|k| k.as_str() == text)
    .ok_or(FromSqlError::InvalidType)
}

//! `incidents.json` (where the resident kept its open incidents before the history store)
//! imported once into the store, then retired; and the open incidents read back from the
//! store, which is their one source of truth from then on.

use std::path::{Path, PathBuf};

use downwatch_monitor::IncidentId;
use downwatch_monitor::incidents::{Incident, IncidentBook, IncidentKind};
use downwatch_monitor::persist::{self, Loaded};
use downwatch_store::{Reader, Record, RecordSender, StoredIncident};

use super::HistoryError;
use super::translate;

/// The file the resident used to keep its open incidents in.
pub const INCIDENTS_FILE: &str = "incidents.json";
/// What it is renamed to once imported (kept for a person to read, never read again).
pub const IMPORTED: &str = "incidents.json.imported";

/// Writes the open incidents of `dir/incidents.json` into the store, waits for the commit,
/// then renames the file to `incidents.json.imported`. Returns how many were imported.
/// Nothing to do without the file; an unreadable file is moved aside by `persist::load`.
pub fn import_incidents_file(dir: &Path, sender: &RecordSender) -> Result<usize, HistoryError> {
    let book: IncidentBook = match persist::load(dir, INCIDENTS_FILE) {
        Loaded::Read(book) => book,
        Loaded::Missing => return Ok(0),
        loaded @ Loaded::Corrupt { .. } => {
            let _: IncidentBook = loaded.or_default_logged(INCIDENTS_FILE);
            return Ok(0);
        }
    };
    let mut count = 0;
    for incident in book.open() {
        sender
            .blocking_record(Record::Incident(translate::incident(incident)))
            .map_err(HistoryError::Queue)?;
        count += 1;
    }
    // Renamed only once the rows are committed: a crash before leaves the file to import
    // again (the rows are keyed by incident id, so a second import rewrites the same rows).
    sender.blocking_flush().map_err(HistoryError::Store)?;
    let from = dir.join(INCIDENTS_FILE);
    let to: PathBuf = dir.join(IMPORTED);
    std::fs::rename(&from, &to).map_err(|source| HistoryError::Retire { from, to, source })?;
    Ok(count)
}

/// The open incidents the store keeps, as the monitor's book (the watch's group is filled
/// in by the loop from the configuration; the English detail is not kept, the cause is).
pub fn open_incidents(reader: &Reader) -> Result<IncidentBook, HistoryError> {
    let open = reader.open_incidents().map_err(HistoryError::Store)?;
    Ok(IncidentBook::from_open(open.into_iter().map(incident_of)))
}

fn incident_of(stored: StoredIncident) -> Incident {
    Incident {
        id: IncidentId(stored.id),
        watch: stored.watch,
        group: None,
        group_incident: stored.group_incident.map(IncidentId),
        kind: match stored.kind {
            downwatch_store::IncidentKind::Down => IncidentKind::Down,
            downwatch_store::IncidentKind::Degraded => IncidentKind::Degraded,
            downwatch_store::IncidentKind::Unstable => IncidentKind::Unstable,
        },
        start: stored.start,
        end: None,
        layer: stored.layer,
        cause: stored.cause,
        detail: None,
        message: None,
    }
}

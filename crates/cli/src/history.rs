//! What `status` and `export` share: the data directory (as `run` finds it), opening the
//! history without creating or migrating anything, and times as RFC 3339 in UTC.

use std::path::{Path, PathBuf};
use std::time::SystemTime;

use downwatch_store::{Reader, StoreError, unix_ms};

/// Why a history command could not run (each says what and where; exit 3).
#[derive(Debug, thiserror::Error)]
pub enum HistoryError {
    /// No OS data directory and no `--data-dir`.
    #[error("no data directory on this system; pass --data-dir")]
    NoDataDir,
    /// The store refused (missing file, older or newer schema, SQLite error).
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// `--data-dir`, else the OS data directory's `downwatch/` (where `downwatch run` writes).
pub fn data_dir(given: Option<&Path>) -> Result<PathBuf, HistoryError> {
    match given {
        Some(dir) => Ok(dir.to_path_buf()),
        None => dirs::data_dir()
            .map(|d| d.join("downwatch"))
            .ok_or(HistoryError::NoDataDir),
    }
}

/// A reader of the history in `dir`, which must already exist.
pub fn open(dir: &Path) -> Result<Reader, HistoryError> {
    Ok(Reader::open_existing(dir)?)
}

/// `t` as RFC 3339 in UTC with millisecond precision when it has some
/// (`2026-11-30T08:00:00Z`, `2026-11-30T08:00:00.250Z`).
pub fn rfc3339(t: SystemTime) -> String {
    match jiff::Timestamp::from_millisecond(unix_ms(t)) {
        Ok(ts) => ts.to_string(),
        // Outside jiff's range (years -9999..=9999): never written by a clock in use.
        Err(_) => unix_ms(t).to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::{Duration, UNIX_EPOCH};

    #[test]
    fn times_are_rfc3339_utc() {
        let t = UNIX_EPOCH + Duration::from_millis(1_764_460_800_250);
        assert_eq!(rfc3339(t), "2025-11-30T00:00:00.25Z");
        assert_eq!(
            rfc3339(UNIX_EPOCH + Duration::from_secs(1_764_460_800)),
            "2025-11-30T00:00:00Z"
        );
    }
}

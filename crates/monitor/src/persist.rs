//! The small JSON files the resident keeps in its data directory (`incidents.json`,
//! `notifications.json`): written atomically (a temporary file, fsynced, renamed over the
//! old one), so a crash at any moment leaves the old file or the new one; a file that
//! cannot be read is moved aside to `<name>.corrupt` and reported, never silently dropped
//! nor half-read.

use std::path::{Path, PathBuf};

use serde::Serialize;
use serde::de::DeserializeOwned;

/// Why a state file could not be kept.
#[derive(Debug, thiserror::Error)]
pub enum PersistError {
    /// The value could not be turned into JSON.
    #[error("cannot encode {path}: {source}")]
    Encode {
        /// The file.
        path: PathBuf,
        /// Why.
        source: serde_json::Error,
    },
    /// The file could not be written.
    #[error("cannot write {path}: {source}")]
    Write {
        /// The file.
        path: PathBuf,
        /// Why.
        source: Box<downwatch_config::ConfigError>,
    },
}

/// What [`load`] found.
#[derive(Debug)]
pub enum Loaded<T> {
    /// No file yet.
    Missing,
    /// The file, read.
    Read(T),
    /// The file was unreadable; it was moved to `moved_to` (when the move worked).
    Corrupt {
        /// The parse or read error.
        error: String,
        /// Where the unreadable file now is.
        moved_to: Option<PathBuf>,
    },
}

impl<T: Default> Loaded<T> {
    /// The value read, or the default (after logging what was wrong).
    pub fn or_default_logged(self, what: &str) -> T {
        match self {
            Loaded::Read(value) => value,
            Loaded::Missing => T::default(),
            Loaded::Corrupt { error, moved_to } => {
                let kept = moved_to.map_or_else(
                    || "it could not be moved aside".to_owned(),
                    |p| format!("kept as {}", p.display()),
                );
                tracing::warn!("{what} is unreadable ({error}); starting afresh, {kept}");
                T::default()
            }
        }
    }
}

/// Reads `dir/name` as JSON. A file that exists but does not parse is moved aside to
/// `dir/name.corrupt`, so the next save does not destroy what a person may want to read.
pub fn load<T: DeserializeOwned>(dir: &Path, name: &str) -> Loaded<T> {
    let path = dir.join(name);
    let text = match std::fs::read_to_string(&path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Loaded::Missing,
        Err(e) => return corrupt(&path, e.to_string()),
    };
    match serde_json::from_str(&text) {
        Ok(value) => Loaded::Read(value),
        Err(e) => corrupt(&path, e.to_string()),
    }
}

fn corrupt<T>(path: &Path, error: String) -> Loaded<T> {
    let mut aside = path.as_os_str().to_owned();
    aside.push(".corrupt");
    let aside = PathBuf::from(aside);
    let moved_to = std::fs::rename(path, &aside).ok().map(|()| aside);
    Loaded::Corrupt { error, moved_to }
}

/// Writes `value` as JSON to `dir/name`, atomically (creating `dir` if needed).
pub fn save<T: Serialize>(dir: &Path, name: &str, value: &T) -> Result<(), PersistError> {
    let path = dir.join(name);
    let text = serde_json::to_string_pretty(value).map_err(|source| PersistError::Encode {
        path: path.clone(),
        source,
    })?;
    std::fs::create_dir_all(dir)
        .map_err(|source| downwatch_config::ConfigError::Write {
            path: dir.to_path_buf(),
            source,
        })
        .and_then(|()| downwatch_config::write_atomic(&path, &text))
        .map_err(|source| PersistError::Write {
            path,
            source: Box::new(source),
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::memory::{Memory, WarningKind};

    #[test]
    fn saved_state_reads_back_and_a_corrupt_file_is_moved_aside() {
        let dir = tempfile::tempdir().expect("temp dir");
        let mut memory = Memory::default();
        memory.warn(
            WarningKind::CertExpiring,
            "Bank",
            std::time::SystemTime::UNIX_EPOCH,
        );
        save(dir.path(), "notifications.json", &memory).expect("saved");
        match load::<Memory>(dir.path(), "notifications.json") {
            Loaded::Read(read) => assert_eq!(read, memory),
            other => panic!("{other:?}"),
        }
        std::fs::write(
            dir.path().join("notifications.json"),
            "{\"held\": \"many\"}",
        )
        .expect("write");
        match load::<Memory>(dir.path(), "notifications.json") {
            Loaded::Corrupt { moved_to, .. } => {
                let aside = dir.path().join("notifications.json.corrupt");
                assert_eq!(moved_to.as_deref(), Some(aside.as_path()));
                let kept = std::fs::read_to_string(aside).expect("kept");
                assert_eq!(kept, "{\"held\": \"many\"}");
            }
            other => panic!("{other:?}"),
        }
        assert!(matches!(
            load::<Memory>(dir.path(), "notifications.json"),
            Loaded::Missing
        ));
    }
}

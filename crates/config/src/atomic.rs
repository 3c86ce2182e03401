//! Writing the file so that a reader (or a crash) sees either the old text or the new one,
//! never a mix: a temporary file in the same directory, fsynced, renamed over the target.

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::error::ConfigError;

/// Symbolic links followed at most (as the kernel does).
const MAX_LINKS: usize = 40;

/// The file a write to `path` must replace: `path` itself, or the final target of the
/// symlink chain at `path` (so that the link stays a link). A dangling link resolves to
/// where it points.
pub fn resolve_link(path: &Path) -> Result<PathBuf, ConfigError> {
    let mut current = path.to_path_buf();
    for _ in 0..MAX_LINKS {
        match std::fs::symlink_metadata(&current) {
            Ok(meta) if meta.file_type().is_symlink() => {
                let target = std::fs::read_link(&current).map_err(|source| ConfigError::Read {
                    path: current.clone(),
                    source,
                })?;
                current = match current.parent() {
                    Some(dir) if target.is_relative() => dir.join(target),
                    _ => target,
                };
            }
            _ => return Ok(current),
        }
    }
    Err(ConfigError::Read {
        path: path.to_path_buf(),
        source: std::io::Error::other("too many levels of symbolic links"),
    })
}

/// Replaces the content of `path` (through symlinks) with `text`, atomically. A replaced
/// file keeps its permissions; a new one is readable by its owner only (it may hold secrets).
pub fn write_atomic(path: &Path, text: &str) -> Result<(), ConfigError> {
    let target = resolve_link(path)?;
    let write_err = |source| ConfigError::Write {
        path: target.clone(),
        source,
    };
    let dir = match target.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let name = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let mut temp = tempfile::Builder::new()
        .prefix(&format!(".{name}."))
        .suffix(".tmp")
        .tempfile_in(&dir)
        .map_err(write_err)?;
    if let Ok(meta) = std::fs::metadata(&target) {
        temp.as_file()
            .set_permissions(meta.permissions())
            .map_err(write_err)?;
    }
    temp.write_all(text.as_bytes()).map_err(write_err)?;
    temp.as_file().sync_all().map_err(write_err)?;
    temp.persist(&target).map_err(|e| write_err(e.error))?;
    sync_dir(&dir);
    Ok(())
}

/// Makes the rename itself durable. Best effort: not every platform can open a directory.
fn sync_dir(dir: &Path) {
    if let Ok(handle) = std::fs::File::open(dir) {
        let _ = handle.sync_all();
    }
}

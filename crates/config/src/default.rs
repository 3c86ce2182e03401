//! The file a new user starts with (written on first run, commented so that it explains
//! itself), where it lives, and the built-in connectivity controls.

use std::path::{Path, PathBuf};

use crate::atomic::write_atomic;
use crate::error::ConfigError;
use crate::model::Config;
use crate::parse::{load, parse};

/// The default configuration file.
pub const DEFAULT_CONFIG: &str = include_str!("default.toml");

/// Where the configuration lives: `<OS config dir>/downwatch/config.toml`
/// (`~/.config/downwatch/config.toml` on Linux), or `None` when the OS has no such directory.
pub fn default_path() -> Option<PathBuf> {
    dirs::config_dir().map(|dir| dir.join("downwatch").join("config.toml"))
}

/// Loads the file at `path`, first writing [`DEFAULT_CONFIG`] there (directory included,
/// atomically) when there is none. Returns the config and whether the file was created.
pub fn load_or_create(path: &Path) -> Result<(Config, bool), ConfigError> {
    let exists = path.try_exists().map_err(|source| ConfigError::Read {
        path: path.to_path_buf(),
        source,
    })?;
    if exists {
        return load(path).map(|config| (config, false));
    }
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(|source| ConfigError::Write {
            path: dir.to_path_buf(),
            source,
        })?;
    }
    write_atomic(path, DEFAULT_CONFIG)?;
    parse(DEFAULT_CONFIG, path).map(|config| (config, true))
}

//! The file a new user starts with (written on first run, commented so that it explains
//! itself), where it lives, and the built-in connectivity controls.

use std::path::{Path, PathBuf};

use downwatch_probe::{BodyMatch, Check, RecordKind, StatusSet, Target};

use super::atomic::write_atomic;
use super::error::ConfigError;
use super::model::{Config, Control, ProbeSettings};
use super::parse::{CONTROL_TIMEOUT, parse};

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
        return super::parse::load(path).map(|config| (config, false));
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

/// The controls used when `[connectivity]` lists none: two captive-portal detectors of
/// different companies, Apple's, and two anycast DNS providers' addresses reached without
/// DNS (when those answer but the names do not, the local DNS is broken, not the network).
pub fn controls() -> Vec<Control> {
    let control = |name: &str, target: &str, expect: Option<&str>, keyword: Option<&str>| {
        let target = Target::parse(target, RecordKind::A).ok()?;
        let mut check = Check::new(target);
        check.timeout = CONTROL_TIMEOUT;
        if let Some(set) = expect {
            check.http.expect_status = set.parse::<StatusSet>().ok()?;
        }
        check.http.body_match = keyword.map(BodyMatch::keyword);
        Some(Control {
            name: name.to_owned(),
            check,
            probe: ProbeSettings::default(),
        })
    };
    [
        control(
            "Google",
            "http://connectivitycheck.gstatic.com/generate_204",
            Some("204"),
            None,
        ),
        control(
            "Firefox",
            "http://detectportal.firefox.com/success.txt",
            None,
            Some("success"),
        ),
        control(
            "Apple",
            "http://captive.apple.com/hotspot-detect.html",
            None,
            Some("Success"),
        ),
        control("Cloudflare 1.1.1.1", "tcp://1.1.1.1:443", None, None),
        control("Google 8.8.8.8", "tcp://8.8.8.8:443", None, None),
    ]
    .into_iter()
    .flatten()
    .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn five_default_controls() {
        let controls = controls();
        assert_eq!(controls.len(), 5);
        assert!(controls[0].check.http.expect_status.contains(204));
        assert!(!controls[0].check.http.expect_status.contains(200));
        assert!(controls.iter().all(|c| c.check.timeout == CONTROL_TIMEOUT));
    }
}

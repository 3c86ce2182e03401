//! Start at login, through the `auto-launch` crate: on Linux the XDG autostart entry
//! `~/.config/autostart/Downwatch.desktop` (Desktop Application Autostart Specification),
//! which starts `downwatch run` when the user logs in; Windows' Run registry key and macOS'
//! login items through the same calls.

use std::path::Path;

use auto_launch::{AutoLaunch, AutoLaunchBuilder};

/// The entry's name (the `.desktop` file's stem on Linux).
const NAME: &str = "Downwatch";

/// Why start at login could not be read or changed.
#[derive(Debug, thiserror::Error)]
pub enum AutostartError {
    /// The path of the running program is not valid UTF-8 (the entry holds it as text).
    #[error("the program's path {} is not valid UTF-8", path.display())]
    Path {
        /// The path.
        path: std::path::PathBuf,
    },
    /// The entry could not be read, written or removed.
    #[error("start at login: {0}")]
    Entry(#[from] auto_launch::Error),
}

/// The start-at-login entry for one program.
#[derive(Debug)]
pub struct Autostart {
    launcher: AutoLaunch,
}

impl Autostart {
    /// The entry that runs `program run` at login.
    ///
    /// # Errors
    /// [`AutostartError::Path`] for a path that is not UTF-8; [`AutostartError::Entry`]
    /// when the platform's mechanism cannot be set up.
    pub fn new(program: &Path) -> Result<Autostart, AutostartError> {
        let path = program.to_str().ok_or_else(|| AutostartError::Path {
            path: program.to_owned(),
        })?;
        let launcher = AutoLaunchBuilder::new()
            .set_app_name(NAME)
            .set_app_path(path)
            .set_args(&["run"])
            .build()?;
        Ok(Autostart { launcher })
    }

    /// Whether the entry is there.
    ///
    /// # Errors
    /// The entry cannot be read.
    pub fn is_on(&self) -> Result<bool, AutostartError> {
        Ok(self.launcher.is_enabled()?)
    }

    /// Adds or removes the entry.
    ///
    /// # Errors
    /// The entry cannot be written or removed.
    pub fn set(&self, on: bool) -> Result<(), AutostartError> {
        if on {
            self.launcher.enable()?;
        } else {
            self.launcher.disable()?;
        }
        Ok(())
    }
}

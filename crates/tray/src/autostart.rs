//! Start at login.
//!
//! On Linux: the XDG autostart entry `$XDG_CONFIG_HOME/autostart/Downwatch.desktop`
//! (`~/.config/autostart` when `XDG_CONFIG_HOME` is not set; Desktop Application Autostart
//! Specification 0.5), which starts `downwatch run` when the user logs in. It is written
//! here rather than by the `auto-launch` crate, which always writes under `~/.config` (the
//! specification says `$XDG_CONFIG_HOME`) and puts the program's path in `Exec` unquoted (a
//! path with a space is read as two arguments). No crate writes desktop entries (the
//! maintained ones, such as `freedesktop-desktop-entry`, only read them; the tests use it to
//! read back what is written), so the few lines and the `Exec` quoting are here.
//!
//! Elsewhere: Windows' Run registry key and macOS' login items through `auto-launch`.

use std::path::{Path, PathBuf};

/// The entry's name (the `.desktop` file's stem on Linux).
const NAME: &str = "Downwatch";

/// Why start at login could not be read or changed.
#[derive(Debug, thiserror::Error)]
pub enum AutostartError {
    /// The path of the running program is not valid UTF-8 (the entry holds it as text).
    #[error("the program's path {} is not valid UTF-8", path.display())]
    Path {
        /// The path.
        path: PathBuf,
    },
    /// Neither `XDG_CONFIG_HOME` nor `HOME` says where the user's configuration is.
    #[cfg(target_os = "linux")]
    #[error("start at login: no configuration directory (neither XDG_CONFIG_HOME nor HOME is set)")]
    NoConfigDir,
    /// The entry could not be read, written or removed.
    #[cfg(target_os = "linux")]
    #[error("start at login: {}: {source}", path.display())]
    Entry {
        /// The entry's file (or its directory).
        path: PathBuf,
        /// What failed.
        #[source]
        source: std::io::Error,
    },
    /// The platform's mechanism failed.
    #[cfg(not(target_os = "linux"))]
    #[error("start at login: {0}")]
    Entry(#[from] auto_launch::Error),
}

/// The start-at-login entry for one program.
#[cfg(target_os = "linux")]
#[derive(Debug)]
pub struct Autostart {
    /// `…/autostart/Downwatch.desktop`.
    entry: PathBuf,
    /// The entry's text.
    text: String,
}

#[cfg(target_os = "linux")]
impl Autostart {
    /// The entry that runs `program run` at login, in the user's configuration directory
    /// (`XDG_CONFIG_HOME`, else `~/.config`).
    ///
    /// # Errors
    /// [`AutostartError::Path`] for a path that is not UTF-8;
    /// [`AutostartError::NoConfigDir`] when no configuration directory is known.
    pub fn new(program: &Path) -> Result<Autostart, AutostartError> {
        let config = dirs::config_dir().ok_or(AutostartError::NoConfigDir)?;
        Autostart::in_config_dir(program, &config)
    }

    /// The entry that runs `program run` at login, under `config` (the XDG configuration
    /// directory: the entry is `config/autostart/Downwatch.desktop`).
    ///
    /// # Errors
    /// [`AutostartError::Path`] for a path that is not UTF-8.
    pub fn in_config_dir(program: &Path, config: &Path) -> Result<Autostart, AutostartError> {
        let path = program.to_str().ok_or_else(|| AutostartError::Path {
            path: program.to_owned(),
        })?;
        let exec = [path, "run"].map(exec_arg).join(" ");
        let text = format!(
            "[Desktop Entry]\nType=Application\nName={NAME}\n\
             Comment=Tells you when a service you rely on goes down\n\
             Exec={}\nTerminal=false\nX-GNOME-Autostart-enabled=true\n",
            string_value(&exec)
        );
        Ok(Autostart {
            entry: config.join("autostart").join(format!("{NAME}.desktop")),
            text,
        })
    }

    /// The entry's file.
    pub fn entry(&self) -> &Path {
        &self.entry
    }

    /// Whether the entry is there.
    ///
    /// # Errors
    /// The entry's directory cannot be read.
    pub fn is_on(&self) -> Result<bool, AutostartError> {
        self.entry
            .try_exists()
            .map_err(|source| AutostartError::Entry {
                path: self.entry.clone(),
                source,
            })
    }

    /// Adds or removes the entry.
    ///
    /// # Errors
    /// The entry (or its directory) cannot be written or removed.
    pub fn set(&self, on: bool) -> Result<(), AutostartError> {
        let failed = |path: &Path| {
            let path = path.to_owned();
            move |source| AutostartError::Entry { path, source }
        };
        if on {
            if let Some(dir) = self.entry.parent() {
                std::fs::create_dir_all(dir).map_err(failed(dir))?;
            }
            std::fs::write(&self.entry, &self.text).map_err(failed(&self.entry))
        } else {
            match std::fs::remove_file(&self.entry) {
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
                done => done.map_err(failed(&self.entry)),
            }
        }
    }
}

/// One argument of `Exec` (Desktop Entry Specification 1.5, "The Exec key"): `%` doubled;
/// an argument with a reserved character (or an empty one) in double quotes, where `"`,
/// `` ` ``, `$` and `\` take a backslash.
#[cfg(target_os = "linux")]
fn exec_arg(arg: &str) -> String {
    const RESERVED: &[char] = &[
        ' ', '\t', '\n', '"', '\'', '\\', '>', '<', '~', '|', '&', ';', '$', '*', '?', '#', '(',
        ')', '`',
    ];
    let arg = arg.replace('%', "%%");
    if !arg.is_empty() && !arg.contains(RESERVED) {
        return arg;
    }
    let mut out = String::from('"');
    for c in arg.chars() {
        if matches!(c, '"' | '`' | '$' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('"');
    out
}

/// A value of type string (Desktop Entry Specification, "Possible value types"): backslash,
/// newline, tab and carriage return escaped. Applied after [`exec_arg`]'s quoting, so a
/// backslash in a quoted argument is written as four.
#[cfg(target_os = "linux")]
fn string_value(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for c in value.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c => out.push(c),
        }
    }
    out
}

/// The start-at-login entry for one program.
#[cfg(not(target_os = "linux"))]
#[derive(Debug)]
pub struct Autostart {
    launcher: auto_launch::AutoLaunch,
}

#[cfg(not(target_os = "linux"))]
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
        let launcher = auto_launch::AutoLaunchBuilder::new()
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

#[cfg(all(test, target_os = "linux"))]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;
    use freedesktop_desktop_entry::DesktopEntry;

    /// The entry written for `program`, read back by a maintained desktop-entry parser:
    /// its `Exec` split into arguments.
    fn written_exec(program: &str) -> Vec<String> {
        let config = tempfile::tempdir().unwrap();
        let autostart = Autostart::in_config_dir(Path::new(program), config.path()).unwrap();
        assert!(!autostart.is_on().unwrap());
        autostart.set(true).unwrap();
        assert!(autostart.is_on().unwrap());
        let path = config.path().join("autostart/Downwatch.desktop");
        assert_eq!(autostart.entry(), path);
        let entry = DesktopEntry::from_path(&path, None::<&[&str]>).unwrap();
        assert_eq!(entry.type_(), Some("Application"));
        let exec = entry.parse_exec().unwrap();
        autostart.set(false).unwrap();
        assert!(!autostart.is_on().unwrap());
        assert!(!path.exists());
        autostart.set(false).unwrap();
        exec
    }

    #[test]
    fn a_plain_path_is_written_as_it_is() {
        assert_eq!(
            written_exec("/usr/bin/downwatch"),
            ["/usr/bin/downwatch", "run"]
        );
        let config = tempfile::tempdir().unwrap();
        let autostart =
            Autostart::in_config_dir(Path::new("/usr/bin/downwatch"), config.path()).unwrap();
        assert!(autostart.text.contains("\nExec=/usr/bin/downwatch run\n"));
    }

    #[test]
    fn a_path_with_a_space_or_reserved_characters_is_quoted() {
        for program in [
            "/home/ann/My Apps/downwatch",
            "/opt/a\"b/down$watch",
            "/opt/back\\slash/`tick`/downwatch",
            "/opt/tab\there/it's (new)/downwatch",
        ] {
            assert_eq!(written_exec(program), [program, "run"], "{program}");
        }
    }

    #[test]
    fn exec_quoting_follows_the_specification() {
        assert_eq!(exec_arg("/a b/c"), "\"/a b/c\"");
        assert_eq!(exec_arg("/a$b"), "\"/a\\$b\"");
        assert_eq!(exec_arg("/100%/x"), "/100%%/x");
        // Four backslashes for one inside quotes: the string escape, then the quoting.
        assert_eq!(string_value(&exec_arg("/a\\b")), "\"/a\\\\\\\\b\"");
    }

    #[test]
    fn the_entry_goes_under_the_given_configuration_directory() {
        let config = tempfile::tempdir().unwrap();
        let xdg = config.path().join("xdg config");
        let autostart = Autostart::in_config_dir(Path::new("/usr/bin/downwatch"), &xdg).unwrap();
        autostart.set(true).unwrap();
        assert!(xdg.join("autostart/Downwatch.desktop").is_file());
    }
}

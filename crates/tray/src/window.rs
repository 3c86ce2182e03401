//! Opening the history window: one path for `downwatch open`, the tray's Open history and
//! Settings, a click on a watch's line and a notification's Details. The window is its own
//! process (DESIGN.md, "Processes"): `downwatch-window`, found next to the `downwatch`
//! program (an install keeps both in one directory), then on `PATH`. It is started
//! detached (its own process group, no terminal) and reaped by a thread of the process that
//! started it, so a closed window leaves no zombie behind in a resident that runs for
//! weeks. A window already open takes the request itself (single instance): the new process
//! hands it over and exits.

use std::ffi::OsString;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use downwatch_monitor::IncidentId;
use downwatch_text::{Catalog, Message, Value};

/// The window's program.
pub const WINDOW_PROGRAM: &str = "downwatch-window";

/// Where the window opens.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum At {
    /// The overview of every watch.
    Overview,
    /// One watch's page.
    Watch(String),
    /// One incident.
    Incident(IncidentId),
    /// The settings.
    Settings,
}

impl At {
    /// The place as the window reads it. The window has no settings view yet: Settings
    /// opens the overview.
    pub fn to_window(&self) -> downwatch_api::At {
        match self {
            At::Overview | At::Settings => downwatch_api::At::Overview,
            At::Watch(name) => downwatch_api::At::Watch {
                watch: name.clone(),
            },
            At::Incident(id) => downwatch_api::At::Incident { id: id.0.clone() },
        }
    }

    /// What is opened, in the user's language (`open-what-*`).
    fn what(&self, catalog: &Catalog) -> String {
        match self {
            At::Overview => Message::new("open-what-overview"),
            At::Watch(name) => Message::new("open-what-watch").arg("name", Value::name(name)),
            At::Incident(id) => Message::new("open-what-incident").arg("id", Value::code(&id.0)),
            At::Settings => Message::new("open-what-settings"),
        }
        .render(catalog)
    }
}

/// Why the window did not open.
#[derive(Debug, thiserror::Error)]
pub enum OpenError {
    /// No `downwatch-window` next to `downwatch` nor on `PATH`.
    #[error("no {WINDOW_PROGRAM} next to {} nor on PATH", beside.display())]
    NotFound {
        /// What was asked for.
        at: At,
        /// The directory looked in first.
        beside: PathBuf,
    },
    /// It was found but could not be started.
    #[error("cannot start {}: {source}", program.display())]
    Spawn {
        /// What was asked for.
        at: At,
        /// The program.
        program: PathBuf,
        /// Why.
        #[source]
        source: std::io::Error,
    },
}

impl OpenError {
    /// The error in the user's language (`open-no-window`, `open-failed`).
    pub fn text(&self, catalog: &Catalog) -> String {
        match self {
            OpenError::NotFound { at, beside } => Message::new("open-no-window")
                .arg("what", Value::text(at.what(catalog)))
                .arg("dir", Value::address(beside.display())),
            OpenError::Spawn {
                at,
                program,
                source,
            } => Message::new("open-failed")
                .arg("what", Value::text(at.what(catalog)))
                .arg("program", Value::address(program.display()))
                .arg("error", Value::text(source)),
        }
        .render(catalog)
    }
}

/// Opens the window for one resident: where the window program is looked for, and the
/// socket the window is to read (passed as `--socket` when it is not the default one).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Opener {
    /// The directory looked in before `PATH` (the `downwatch` program's).
    pub beside: PathBuf,
    /// The resident's socket, when not the default one.
    pub socket: Option<PathBuf>,
}

impl Opener {
    /// The opener of this program (the window is looked for in its directory first) for
    /// the resident at `socket`.
    pub fn new(socket: &Path) -> Opener {
        let beside = std::env::current_exe()
            .ok()
            .and_then(|exe| exe.parent().map(Path::to_path_buf))
            .unwrap_or_default();
        let socket = (socket != downwatch_api::path::socket_path()).then(|| socket.to_path_buf());
        Opener { beside, socket }
    }

    /// The window's program: next to `downwatch`, then on `PATH`.
    pub fn program(&self) -> Option<PathBuf> {
        let beside = self.beside.join(WINDOW_PROGRAM);
        if beside.is_file() {
            return Some(beside);
        }
        which::which(WINDOW_PROGRAM).ok()
    }

    /// The window's arguments for `at`.
    pub fn args(&self, at: &At) -> Vec<OsString> {
        downwatch_api::WindowArgs {
            at: at.to_window(),
            socket: self.socket.clone(),
        }
        .to_args()
    }

    /// Opens the window at `at`: starts `downwatch-window` detached; a window already open
    /// takes it over and shows `at`. Returns once it is started, not shown.
    ///
    /// # Errors
    /// [`OpenError::NotFound`] when there is no window program, [`OpenError::Spawn`] when
    /// it cannot be started.
    pub fn open(&self, at: At) -> Result<(), OpenError> {
        let Some(program) = self.program() else {
            return Err(OpenError::NotFound {
                at,
                beside: self.beside.clone(),
            });
        };
        let spawned = Command::new(&program)
            .args(self.args(&at))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .process_group(0)
            .spawn();
        match spawned {
            Ok(mut child) => {
                // The window lives as long as the user keeps it; whoever started it reaps
                // it when it ends (a thread parked in `wait`, nothing more).
                std::thread::spawn(move || child.wait());
                Ok(())
            }
            Err(source) => Err(OpenError::Spawn {
                at,
                program,
                source,
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use downwatch_text::Lang;

    #[test]
    fn the_window_is_asked_for_the_place_and_a_socket_that_is_not_the_default() {
        let default = Opener::new(&downwatch_api::path::socket_path());
        assert_eq!(default.socket, None);
        assert_eq!(
            default.args(&At::Watch("Gmail".into())),
            [OsString::from("--watch"), "Gmail".into()]
        );
        assert!(default.args(&At::Settings).is_empty());
        let other = Opener::new(Path::new("/run/test/api.sock"));
        assert_eq!(
            other.args(&At::Incident(IncidentId("i-7".into()))),
            [
                OsString::from("--incident"),
                "i-7".into(),
                "--socket".into(),
                "/run/test/api.sock".into()
            ]
        );
    }

    #[test]
    fn a_missing_window_says_where_it_was_looked_for() {
        let error = OpenError::NotFound {
            at: At::Watch("Gmail".into()),
            beside: "/opt/dw".into(),
        };
        for lang in [Lang::En, Lang::Ar] {
            let text = error.text(&Catalog::new(lang));
            assert!(text.contains("/opt/dw") && text.contains("Gmail"), "{text}");
        }
    }
}

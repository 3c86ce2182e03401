//! Starting the resident when the window is opened with none running (from the desktop's
//! launcher after a reboot with start-at-login off, say): the window shows nothing without
//! it, so it starts `downwatch run` first, detached, and follows it once it answers.

use std::io::ErrorKind;
use std::os::unix::net::UnixStream;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// The resident's program.
pub const RESIDENT_PROGRAM: &str = "downwatch";

/// Why the resident was not started.
#[derive(Debug, thiserror::Error)]
pub enum LaunchError {
    /// No `downwatch` next to this program nor on `PATH`.
    #[error("no `{RESIDENT_PROGRAM}` next to {beside} nor on PATH")]
    NotFound {
        /// This program's directory.
        beside: String,
    },
    /// It could not be started.
    #[error("cannot start {}: {source}", program.display())]
    Spawn {
        /// The program.
        program: PathBuf,
        /// Why.
        #[source]
        source: std::io::Error,
    },
}

/// Starts `downwatch run` (with `--socket` when it is not the default one) unless something
/// answers at `socket`. Only a socket that is absent or refuses counts as "no resident": one
/// that exists but cannot be reached for another reason (permissions) is left alone, since
/// a second resident would be refused anyway. A failure is printed: the window still opens
/// and says the resident is unreachable.
pub fn start_resident_if_absent(socket: &Path) {
    match UnixStream::connect(socket) {
        Ok(_) => return,
        Err(e) if matches!(e.kind(), ErrorKind::NotFound | ErrorKind::ConnectionRefused) => {}
        Err(_) => return,
    }
    let custom = (socket != downwatch_api::path::socket_path()).then_some(socket);
    if let Err(error) = start_resident(custom) {
        eprintln!("downwatch-window: {error}");
    }
}

/// Starts `downwatch run` in its own process group with no terminal, and reaps it from a
/// thread if it exits while the window runs (after the window exits, init does).
fn start_resident(socket: Option<&Path>) -> Result<(), LaunchError> {
    let program = find_resident()?;
    let mut command = Command::new(&program);
    command.arg("run");
    if let Some(socket) = socket {
        command.arg("--socket").arg(socket);
    }
    let mut child = command
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .process_group(0)
        .spawn()
        .map_err(|source| LaunchError::Spawn {
            program: program.clone(),
            source,
        })?;
    std::thread::spawn(move || child.wait());
    Ok(())
}

/// `downwatch` next to this program (an install keeps both in one directory), then on
/// `PATH`.
fn find_resident() -> Result<PathBuf, LaunchError> {
    let beside = std::env::current_exe()
        .ok()
        .and_then(|exe| exe.parent().map(Path::to_path_buf));
    if let Some(program) = beside.as_ref().map(|dir| dir.join(RESIDENT_PROGRAM))
        && program.is_file()
    {
        return Ok(program);
    }
    which::which(RESIDENT_PROGRAM).map_err(|_| LaunchError::NotFound {
        beside: beside
            .map(|dir| dir.display().to_string())
            .unwrap_or_default(),
    })
}

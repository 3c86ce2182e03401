//! A stand-in for the history window's program (`downwatch-window`): a shell script put on
//! the `PATH` of the process under test, which records how it was started (its pid, its
//! parent's pid and its arguments) and exits. It tells whether and how the resident or
//! `downwatch open` started the window without WebKit, and whether the starter reaped it.

use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::resident::poll;

/// One start of the stand-in.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Started {
    /// Its process id.
    pub pid: u32,
    /// Its parent's process id when it ran.
    pub ppid: u32,
    /// Its arguments.
    pub args: Vec<String>,
}

/// The stand-in in a directory of its own.
pub struct StandIn {
    dir: tempfile::TempDir,
}

impl StandIn {
    /// Writes the script.
    pub fn new() -> StandIn {
        let dir = tempfile::tempdir().expect("temp dir");
        let script = dir.path().join("downwatch-window");
        let log = dir.path().join("started");
        // One line per start: pid, parent, then each argument, separated by tabs (the
        // arguments the tests use have none). Written in one `printf` to a file opened
        // for appending, so two starts never interleave.
        std::fs::write(
            &script,
            format!(
                "#!/bin/sh\n{{ printf '%s\\t%s' \"$$\" \"$PPID\"; for a in \"$@\"; do printf '\\t%s' \"$a\"; done; printf '\\n'; }} >> '{}'\n",
                log.display()
            ),
        )
        .expect("write the stand-in");
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755))
            .expect("make it executable");
        StandIn { dir }
    }

    /// The directory holding `downwatch-window`.
    pub fn dir(&self) -> &Path {
        self.dir.path()
    }

    /// A `PATH` with the stand-in first and the system's directories after it.
    pub fn path_env(&self) -> String {
        format!("{}:/usr/local/bin:/usr/bin:/bin", self.dir.path().display())
    }

    /// Every start so far, in order.
    pub fn started(&self) -> Vec<Started> {
        let text = std::fs::read_to_string(self.dir.path().join("started")).unwrap_or_default();
        text.lines()
            .map(|line| {
                let mut fields = line.split('\t');
                let mut number = || {
                    fields
                        .next()
                        .and_then(|f| f.parse().ok())
                        .unwrap_or_else(|| panic!("bad line {line:?}"))
                };
                let (pid, ppid) = (number(), number());
                Started {
                    pid,
                    ppid,
                    args: fields.map(str::to_owned).collect(),
                }
            })
            .collect()
    }

    /// Waits for the `n`th start (1-based).
    pub fn wait_started(&self, n: usize, context: impl Fn() -> String) -> Started {
        poll(
            &format!("start {n} of downwatch-window"),
            Duration::from_secs(20),
            || self.started().get(n - 1).cloned(),
            || format!("started: {:?}\n{}", self.started(), context()),
        )
    }
}

impl Default for StandIn {
    fn default() -> StandIn {
        StandIn::new()
    }
}

/// Waits until process `pid` is gone entirely: exited and reaped by its parent (a zombie,
/// state `Z`, is not gone).
pub fn wait_reaped(pid: u32, context: impl Fn() -> String) {
    let stat = PathBuf::from(format!("/proc/{pid}/stat"));
    poll(
        &format!("process {pid} reaped"),
        Duration::from_secs(20),
        || (!stat.exists()).then_some(()),
        || {
            let state = std::fs::read_to_string(&stat).unwrap_or_default();
            format!("/proc/{pid}/stat: {state}\n{}", context())
        },
    );
}

//! A user command run for every notice, with the notice as one JSON object on its stdin: the
//! serialized [`Notice`] (`kind`, its fields, `incident`, `at` in Unix seconds) plus the
//! rendered `title`, `body` and `lang`. For scripts: forward to a chat, a phone, a lamp.

use std::process::{ExitStatus, Stdio};
use std::time::Duration;

use tokio::io::{AsyncRead, AsyncReadExt, AsyncWriteExt};
use tokio::process::Command;

use super::{Deliver, DeliverError, DeliverFuture};
use crate::messages::Rendered;
use crate::notice::Notice;

/// How much of the hook's stdout and stderr is kept for the error message.
const KEEP: usize = 4096;

/// Runs `argv` (no shell) for every notice, killed when it outlives `timeout`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CommandHook {
    /// The program and its arguments.
    pub argv: Vec<String>,
    /// How long the command may run, from start to exit.
    pub timeout: Duration,
}

/// The JSON object a hook reads on its stdin.
pub fn hook_payload(
    notice: &Notice,
    rendered: &Rendered,
) -> Result<serde_json::Value, serde_json::Error> {
    let mut value = serde_json::to_value(notice)?;
    if let serde_json::Value::Object(map) = &mut value {
        map.insert("title".into(), rendered.title.clone().into());
        map.insert("body".into(), rendered.body.clone().into());
        map.insert("lang".into(), serde_json::to_value(rendered.lang)?);
    }
    Ok(value)
}

impl CommandHook {
    /// A hook running `argv` with `timeout`.
    pub fn new(argv: Vec<String>, timeout: Duration) -> CommandHook {
        CommandHook { argv, timeout }
    }

    async fn run(&self, notice: &Notice, rendered: &Rendered) -> Result<(), DeliverError> {
        let (program, args) = self.argv.split_first().ok_or(DeliverError::HookEmpty)?;
        let program = program.clone();
        let mut input = hook_payload(notice, rendered)
            .and_then(|value| serde_json::to_vec(&value))
            .map_err(|source| DeliverError::HookPayload {
                program: program.clone(),
                source,
            })?;
        input.push(b'\n');

        let mut command = Command::new(&program);
        command
            .args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .kill_on_drop(true);
        // Its own process group, so that a timeout also ends what a shell script started.
        #[cfg(unix)]
        command.process_group(0);
        let mut child = command.spawn().map_err(|source| DeliverError::HookSpawn {
            program: program.clone(),
            source,
        })?;
        let pid = child.id();
        let (stdin, stdout, stderr) =
            (child.stdin.take(), child.stdout.take(), child.stderr.take());

        let run = async {
            let write = async move {
                if let Some(mut stdin) = stdin {
                    // A hook that ignores its input may exit before reading it: not an error.
                    let _ = stdin.write_all(&input).await;
                }
            };
            let exit = async {
                let status = child.wait().await;
                // Helpers it left behind would hold the pipes open: end them with it.
                kill_group(pid);
                status
            };
            let ((), out, err, status) =
                tokio::join!(write, read_start(stdout), read_start(stderr), exit);
            (status, out, err)
        };
        let (status, stdout, stderr) = match tokio::time::timeout(self.timeout, run).await {
            Ok(done) => done,
            Err(_) => {
                kill_group(pid);
                let _ = child.kill().await;
                return Err(DeliverError::HookTimeout {
                    program,
                    timeout: self.timeout,
                });
            }
        };
        let status = status.map_err(|source| DeliverError::HookWait {
            program: program.clone(),
            source,
        })?;
        if status.success() {
            tracing::debug!(%program, stdout = %stdout, "hook delivered");
            return Ok(());
        }
        Err(DeliverError::HookFailed {
            program,
            status: describe(status),
            code: status.code(),
            stderr,
            stdout,
        })
    }
}

impl Deliver for CommandHook {
    fn deliver<'a>(&'a self, notice: &'a Notice, rendered: &'a Rendered) -> DeliverFuture<'a> {
        Box::pin(self.run(notice, rendered))
    }
}

/// Reads a pipe to its end, keeping the first [`KEEP`] bytes (the rest is drained so that
/// the hook never blocks on a full pipe).
async fn read_start(pipe: Option<impl AsyncRead + Unpin>) -> String {
    let Some(mut pipe) = pipe else {
        return String::new();
    };
    let mut kept = Vec::new();
    let mut buf = [0u8; 4096];
    while let Ok(n @ 1..) = pipe.read(&mut buf).await {
        let room = KEEP.saturating_sub(kept.len());
        kept.extend_from_slice(&buf[..n.min(room)]);
    }
    String::from_utf8_lossy(&kept).trim_end().to_owned()
}

fn describe(status: ExitStatus) -> String {
    if let Some(code) = status.code() {
        return format!("exit code {code}");
    }
    #[cfg(unix)]
    {
        use std::os::unix::process::ExitStatusExt;
        if let Some(signal) = status.signal() {
            return format!("killed by signal {signal}");
        }
    }
    status.to_string()
}

/// Kills the hook's process group (it is its own leader). Gone already is fine.
fn kill_group(pid: Option<u32>) {
    #[cfg(unix)]
    if let Some(pid) = pid.and_then(|pid| i32::try_from(pid).ok()) {
        use nix::sys::signal::{Signal, killpg};
        let _ = killpg(nix::unistd::Pid::from_raw(pid), Signal::SIGKILL);
    }
    #[cfg(not(unix))]
    let _ = pid;
}

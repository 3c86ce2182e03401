//! Claiming the socket: one resident per user. A lock file beside the socket
//! (`api.sock.lock`, `flock`ed for the resident's whole life) says whether a resident runs:
//! the kernel drops the lock when its holder dies, however it dies, so a socket left by a
//! crash is known to be stale and is replaced, and a live resident's socket never is. The
//! directory is created 0700 and an existing one must be ours and not writable by others
//! (anyone who can write there could swap the socket); the socket is made 0600 at once,
//! inside that closed directory. The peer's uid is checked as well, on every connection.

use std::fs::{DirBuilder, File, OpenOptions};
use std::io::Write;
use std::os::unix::fs::{DirBuilderExt, FileTypeExt, MetadataExt, OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};

use nix::fcntl::{Flock, FlockArg};
use tokio::net::{UnixListener, UnixStream};

/// Why the socket could not be claimed.
#[derive(Debug, thiserror::Error)]
pub enum ClaimError {
    /// Another resident holds the lock.
    #[error(
        "a resident is already running ({}socket {}); not starting another",
        pid.map(|p| format!("pid {p}, ")).unwrap_or_default(),
        path.display()
    )]
    AlreadyRunning {
        /// The socket.
        path: PathBuf,
        /// Its process, from `SO_PEERCRED` of a connection, or the lock file.
        pid: Option<i32>,
    },
    /// The directory is not safe or not usable.
    #[error("{}: {why}", path.display())]
    Unsafe {
        /// The directory.
        path: PathBuf,
        /// What is wrong with it.
        why: String,
    },
    /// A file system call failed.
    #[error("{doing} {}: {source}", path.display())]
    Io {
        /// What was being done.
        doing: &'static str,
        /// To which file.
        path: PathBuf,
        /// Why.
        #[source]
        source: std::io::Error,
    },
}

fn io(doing: &'static str, path: &Path) -> impl FnOnce(std::io::Error) -> ClaimError {
    let path = path.to_path_buf();
    move |source| ClaimError::Io {
        doing,
        path,
        source,
    }
}

/// The claimed socket: the listener and the lock. Dropping it removes the socket file
/// (while still holding the lock) and then releases the lock.
#[derive(Debug)]
pub struct Claim {
    /// Accepts clients.
    pub listener: UnixListener,
    /// Where.
    pub path: PathBuf,
    /// Whether a stale socket was replaced.
    pub took_over: bool,
    _lock: Flock<File>,
}

impl Drop for Claim {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.path);
    }
}

/// The lock file of the socket at `path`.
pub fn lock_path(path: &Path) -> PathBuf {
    let mut name = path.file_name().unwrap_or_default().to_os_string();
    name.push(".lock");
    path.with_file_name(name)
}

/// Claims the socket at `path` (see the module docs). Must run inside a tokio runtime.
pub async fn claim(path: &Path) -> Result<Claim, ClaimError> {
    let dir = path.parent().unwrap_or(Path::new("/"));
    prepare_dir(dir)?;
    let lock_file = lock_path(path);
    let file = OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .mode(0o600)
        .open(&lock_file)
        .map_err(io("cannot open", &lock_file))?;
    let mut lock = match Flock::lock(file, FlockArg::LockExclusiveNonblock) {
        Ok(lock) => lock,
        Err((file, nix::errno::Errno::EWOULDBLOCK)) => {
            return Err(ClaimError::AlreadyRunning {
                path: path.to_path_buf(),
                pid: holder(path, file).await,
            });
        }
        Err((_, errno)) => return Err(io("cannot lock", &lock_file)(errno.into())),
    };
    // We hold the lock: whatever is at the path was left by a resident that died.
    let took_over = match std::fs::symlink_metadata(path) {
        Ok(meta) if meta.file_type().is_socket() => {
            std::fs::remove_file(path).map_err(io("cannot remove the stale socket", path))?;
            true
        }
        Ok(_) => {
            return Err(ClaimError::Unsafe {
                path: path.to_path_buf(),
                why: "exists and is not a socket; not replacing it".into(),
            });
        }
        Err(_) => false,
    };
    let listener = UnixListener::bind(path).map_err(io("cannot listen on", path))?;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600))
        .map_err(io("cannot set the mode of", path))?;
    // The pid, for a second resident that cannot connect to ask (`SO_PEERCRED`).
    lock.set_len(0).map_err(io("cannot write", &lock_file))?;
    write!(&mut *lock, "{}", std::process::id()).map_err(io("cannot write", &lock_file))?;
    Ok(Claim {
        listener,
        path: path.to_path_buf(),
        took_over,
        _lock: lock,
    })
}

/// The process holding the socket: the peer of a connection (`SO_PEERCRED`, which the
/// kernel fills in: it cannot lie), else the pid the holder wrote into the lock file.
async fn holder(path: &Path, mut lock_file: File) -> Option<i32> {
    if let Ok(stream) = UnixStream::connect(path).await {
        if let Some(pid) = stream.peer_cred().ok().and_then(|c| c.pid()) {
            return Some(pid);
        }
    }
    let mut text = String::new();
    std::io::Read::read_to_string(&mut lock_file, &mut text).ok()?;
    text.trim().parse().ok()
}

/// Creates `dir` 0700 when missing; an existing one must be a directory of ours that no
/// one else can write to.
fn prepare_dir(dir: &Path) -> Result<(), ClaimError> {
    if std::fs::symlink_metadata(dir).is_err() {
        DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(dir)
            .map_err(io("cannot create", dir))?;
    }
    let meta = std::fs::symlink_metadata(dir).map_err(io("cannot read", dir))?;
    let unsafe_dir = |why: String| {
        Err(ClaimError::Unsafe {
            path: dir.to_path_buf(),
            why,
        })
    };
    if !meta.is_dir() {
        return unsafe_dir("is not a directory (a symbolic link is refused too)".into());
    }
    let me = nix::unistd::getuid().as_raw();
    if meta.uid() != me {
        return unsafe_dir(format!(
            "belongs to uid {}, not to this user ({me})",
            meta.uid()
        ));
    }
    if meta.mode() & 0o022 != 0 {
        return unsafe_dir(format!(
            "is writable by others (mode {:o}): the socket could be replaced",
            meta.mode() & 0o777
        ));
    }
    Ok(())
}

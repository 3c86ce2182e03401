//! Where the socket lives: `$XDG_RUNTIME_DIR/downwatch/api.sock` (the XDG Base Directory
//! specification's directory for "user-specific non-essential runtime files and other file
//! objects (such as sockets)": owned by the user, mode 0700, removed at logout). When the
//! variable is unset (root in CI, a cron job, `su` without a login session):
//! `/tmp/downwatch-<uid>/api.sock`, a directory the resident creates 0700 and refuses to use
//! when another user owns it. `downwatch run --socket PATH` (and the same flag of the
//! clients) overrides both, e.g. for several residents on one machine.
//!
//! On Windows the API would be a named pipe with a user-only ACL; this build has no
//! Windows listener.

use std::path::PathBuf;

/// The socket's file name inside its directory.
pub const SOCKET_NAME: &str = "api.sock";

/// The lock file beside the socket: held (`flock`) by the running resident for its whole
/// life, so a second one knows it is not alone and a socket left by a crash is stale.
pub const LOCK_NAME: &str = "api.lock";

/// The default socket path of this user (see the module docs).
pub fn socket_path() -> PathBuf {
    socket_dir(std::env::var_os("XDG_RUNTIME_DIR").map(PathBuf::from)).join(SOCKET_NAME)
}

/// The socket's directory given the runtime directory, if any. An empty or relative
/// `XDG_RUNTIME_DIR` is ignored, as the specification asks.
pub fn socket_dir(runtime_dir: Option<PathBuf>) -> PathBuf {
    match runtime_dir.filter(|dir| dir.is_absolute()) {
        Some(dir) => dir.join("downwatch"),
        None => std::env::temp_dir().join(format!("downwatch-{}", nix::unistd::getuid())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_runtime_dir_is_used_when_absolute() {
        assert_eq!(
            socket_dir(Some("/run/user/1000".into())),
            PathBuf::from("/run/user/1000/downwatch")
        );
        let fallback = socket_dir(Some("relative".into()));
        assert_eq!(fallback, socket_dir(None));
        let name = fallback.file_name().unwrap_or_default().to_string_lossy();
        assert_eq!(name, format!("downwatch-{}", nix::unistd::getuid()));
    }
}

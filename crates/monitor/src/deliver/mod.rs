//! Deliveries: where a rendered notice goes. The desktop notification daemon
//! ([`DesktopNotifier`]) and a user command ([`CommandHook`]) implement one trait, so the
//! notification policy hands each notice to every configured delivery the same way.
//!
//! A delivery that fails returns a [`DeliverError`] naming what failed; the caller logs it
//! and monitoring goes on.

mod desktop;
mod hook;

use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

pub use desktop::{DesktopNotifier, Look, escape_markup};
pub use hook::{CommandHook, hook_payload};

use crate::messages::Rendered;
use crate::notice::Notice;

/// The future a delivery returns (boxed so that `Deliver` stays object safe and `Send`).
pub type DeliverFuture<'a> = Pin<Box<dyn Future<Output = Result<(), DeliverError>> + Send + 'a>>;

/// Something that shows or forwards a notice.
pub trait Deliver: Send + Sync {
    /// Delivers one notice, already put into words. Must not block the async runtime.
    fn deliver<'a>(&'a self, notice: &'a Notice, rendered: &'a Rendered) -> DeliverFuture<'a>;
}

/// Where a notice is delivered.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Channel {
    /// The desktop notification daemon.
    Desktop,
    /// The user's notification command (hook).
    Command,
}

impl Channel {
    /// Stable lower-case name (`desktop`, `command`), as the events file writes it.
    pub fn as_str(self) -> &'static str {
        match self {
            Channel::Desktop => "desktop",
            Channel::Command => "command",
        }
    }
}

/// One delivery of a notice that failed, and why.
#[derive(Debug, thiserror::Error)]
#[error("{} notification failed: {error}", channel.as_str())]
pub struct DeliveryFailure {
    /// Which delivery.
    pub channel: Channel,
    /// Why it failed.
    #[source]
    pub error: DeliverError,
}

/// Why a delivery failed.
#[derive(Debug, thiserror::Error)]
pub enum DeliverError {
    /// No notification daemon answered on the session bus (or the bus itself is missing).
    #[error("desktop notification not shown: {0}")]
    Desktop(#[source] notify_rust::error::Error),
    /// The desktop notification task could not run.
    #[error("desktop notification task failed: {0}")]
    DesktopTask(#[source] tokio::task::JoinError),
    /// The hook has an empty command line.
    #[error("the notification hook has no command")]
    HookEmpty,
    /// The notice could not be serialized for the hook.
    #[error("notice for hook `{program}` not serialized: {source}")]
    HookPayload {
        /// The hook's program.
        program: String,
        /// The serializer's error.
        #[source]
        source: serde_json::Error,
    },
    /// The hook's program could not be started.
    #[error("hook `{program}` not started: {source}")]
    HookSpawn {
        /// The hook's program.
        program: String,
        /// The OS error.
        #[source]
        source: std::io::Error,
    },
    /// Waiting for the hook failed.
    #[error("hook `{program}`: waiting for it failed: {source}")]
    HookWait {
        /// The hook's program.
        program: String,
        /// The OS error.
        #[source]
        source: std::io::Error,
    },
    /// The hook ran past its timeout and was killed.
    #[error("hook `{program}` killed after its timeout of {timeout:?}")]
    HookTimeout {
        /// The hook's program.
        program: String,
        /// Its timeout.
        timeout: Duration,
    },
    /// The hook exited unsuccessfully.
    #[error("hook `{program}` failed ({status}): {stderr}")]
    HookFailed {
        /// The hook's program.
        program: String,
        /// "exit code 3" or "killed by signal 9".
        status: String,
        /// The exit code, when it exited on its own.
        code: Option<i32>,
        /// The start of its standard error (at most 4 KiB, lossy UTF-8).
        stderr: String,
        /// The start of its standard output (at most 4 KiB, lossy UTF-8).
        stdout: String,
    },
}

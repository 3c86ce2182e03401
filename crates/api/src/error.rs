//! The error a failed request answers: a stable code a client switches on, and an English
//! sentence for logs and the command line (the window words it itself from the code).

use serde::{Deserialize, Serialize};
#[cfg(feature = "ts")]
use ts_rs::TS;

/// Why a request failed, or why a line was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(TS))]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    /// The line is not a JSON object.
    Malformed,
    /// The line is longer than [`crate::MAX_LINE`]; it was skipped up to its end.
    TooLong,
    /// The line's `v` is not [`crate::VERSION`] (or is missing).
    WrongVersion,
    /// The `call` is not one this resident knows.
    UnknownCall,
    /// The `id` is missing, or the call's fields are wrong (missing, of the wrong type,
    /// unknown).
    InvalidRequest,
    /// No watch of that name is configured.
    NoSuchWatch,
    /// The watch (or every watch) is paused: it cannot be checked now.
    Paused,
    /// The configuration (as edited, or as a watch definition to test) is invalid:
    /// `line`, `column` and `field` say where.
    InvalidConfig,
    /// The configuration file changed on disk while it was being edited: nothing written.
    ConfigChanged,
    /// The history store cannot be read (not running, unreadable file).
    HistoryUnavailable,
    /// The feature is not installed (the history window: no `downwatch-window`).
    NotAvailable,
    /// The resident serves at most so many clients at once; this one was not accepted.
    TooManyClients,
    /// The client is another user than the resident's (checked with `SO_PEERCRED`).
    Forbidden,
    /// The resident is stopping.
    Stopped,
    /// Anything else (an I/O error): the message says what.
    Internal,
}

/// A failed request's answer.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, thiserror::Error)]
#[cfg_attr(feature = "ts", derive(TS))]
#[error("{message}")]
pub struct ApiError {
    /// What kind of failure.
    pub code: ErrorCode,
    /// One English sentence (the configuration's own message for `invalid_config`).
    pub message: String,
    /// For `invalid_config`: the dotted key the error belongs to (`watch[1].interval`,
    /// `notifications.group_wait`), when the position falls on one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    /// For `invalid_config`: the line (1-based) in the file's text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub line: Option<u32>,
    /// For `invalid_config`: the column (1-based, in characters).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub column: Option<u32>,
}

impl ApiError {
    /// An error with a code and a message only.
    pub fn new(code: ErrorCode, message: impl Into<String>) -> ApiError {
        ApiError {
            code,
            message: message.into(),
            field: None,
            line: None,
            column: None,
        }
    }
}

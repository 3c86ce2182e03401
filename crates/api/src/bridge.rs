//! The history window's bridge: what its web view and its Rust side (the Tauri app in
//! `src-tauri/`) say to each other. The types live here, beside the API's, so their
//! TypeScript is generated with the API's by one command in this workspace (no WebKit
//! needed), and the resident opens the window with the same [`At`] the window reads.
//!
//! - command `api(call: Call) -> Result<Answer, BridgeError>`: one request to the resident;
//! - command `start_at() -> At`: where the window was asked to open;
//! - event `resident` ([`WindowEvent`]): the connection and the subscription's lines;
//! - event `navigate` ([`At`]): a second start asked for another place.

use std::ffi::OsString;
use std::path::PathBuf;

use serde::{Deserialize, Serialize};
#[cfg(feature = "ts")]
use ts_rs::TS;

use crate::call::Call;
use crate::error::ApiError;

/// Where the window shows, tagged by `view`: `{"view":"watch","watch":"Gmail"}`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(TS))]
#[serde(tag = "view", rename_all = "snake_case")]
pub enum At {
    /// Every watch.
    #[default]
    Overview,
    /// One watch's page.
    Watch {
        /// The watch's name.
        watch: String,
    },
    /// One incident.
    Incident {
        /// The incident's id.
        id: String,
    },
}

/// How the window is started: `downwatch-window [--watch NAME | --incident ID]
/// [--socket PATH]`. The resident, `downwatch open` and the tests build these arguments
/// with [`WindowArgs::to_args`]; the window reads them with [`WindowArgs::parse`].
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct WindowArgs {
    /// Where to open.
    pub at: At,
    /// The resident's socket; `None`: the default ([`crate::path::socket_path`]).
    pub socket: Option<PathBuf>,
}

impl WindowArgs {
    /// The command-line arguments (the program's name excluded).
    pub fn to_args(&self) -> Vec<OsString> {
        let mut args: Vec<OsString> = match &self.at {
            At::Overview => Vec::new(),
            At::Watch { watch } => vec!["--watch".into(), watch.into()],
            At::Incident { id } => vec!["--incident".into(), id.into()],
        };
        if let Some(socket) = &self.socket {
            args.extend(["--socket".into(), socket.clone().into_os_string()]);
        }
        args
    }

    /// Reads `--watch NAME`, `--incident ID` and `--socket PATH` (also `--flag=value`)
    /// among `args` (the program's name excluded). The last place wins; anything else is
    /// ignored, so a launcher's or a test driver's own arguments do no harm, and a flag
    /// without its value is dropped.
    pub fn parse<I, S>(args: I) -> WindowArgs
    where
        I: IntoIterator<Item = S>,
        S: Into<OsString>,
    {
        let mut parsed = WindowArgs::default();
        let mut args = args.into_iter().map(Into::into);
        while let Some(arg) = args.next() {
            let arg = arg.to_string_lossy().into_owned();
            let (flag, inline) = match arg.split_once('=') {
                Some((flag, value)) => (flag.to_owned(), Some(OsString::from(value))),
                None => (arg, None),
            };
            if !matches!(flag.as_str(), "--watch" | "--incident" | "--socket") {
                continue;
            }
            let Some(value) = inline.or_else(|| args.next()) else {
                break;
            };
            match flag.as_str() {
                "--watch" => {
                    parsed.at = At::Watch {
                        watch: value.to_string_lossy().into_owned(),
                    }
                }
                "--incident" => {
                    parsed.at = At::Incident {
                        id: value.to_string_lossy().into_owned(),
                    }
                }
                _ => parsed.socket = Some(PathBuf::from(value)),
            }
        }
        parsed
    }
}

/// What the window's Rust side tells the web view on the `resident` event, tagged by
/// `kind`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(TS))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum WindowEvent {
    /// The subscription to the resident is open (at start, and after every reconnection:
    /// the view reloads what it shows then, since events were lost meanwhile).
    Connected,
    /// The resident went away (or was never there); the window retries until it is back.
    Disconnected,
    /// One line of the subscription: an object of the events file (see the README).
    Event {
        /// The event.
        event: serde_json::Value,
    },
    /// The window fell behind the resident: this many events were dropped for it.
    Missed {
        /// How many.
        count: u64,
    },
}

/// Why the `api` command failed, tagged by `kind`; the web view switches on it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, thiserror::Error)]
#[cfg_attr(feature = "ts", derive(TS))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum BridgeError {
    /// No resident answers on the socket (not running, or it went away and is not back).
    #[error("no resident answers on {socket}")]
    ResidentUnreachable {
        /// The socket's path.
        socket: String,
    },
    /// The resident refused the request.
    #[error("the resident refused: {error}")]
    Api {
        /// Its error.
        error: ApiError,
    },
    /// The resident's answer could not be read.
    #[error("the resident's answer cannot be read: {message}")]
    Protocol {
        /// What was wrong.
        message: String,
    },
    /// The window may not make this call (configuration edits, adding and removing watches
    /// come with the settings view).
    #[error("the window may not make the call `{call}`")]
    NotAllowed {
        /// The call's name (`edit_config`).
        call: String,
    },
}

impl BridgeError {
    /// Whether the window may make `call`: what its views read, and the commands of the
    /// overview (check now, pause, resume). Configuration reads and edits and testing a
    /// watch come with the settings view; the subscription is the `resident` event's and
    /// opening the history is the resident's. Refused: [`BridgeError::NotAllowed`].
    pub fn check_allowed(call: &Call) -> Result<(), BridgeError> {
        match call {
            Call::Snapshot
            | Call::CheckNow { .. }
            | Call::Pause { .. }
            | Call::Resume { .. }
            | Call::Latest
            | Call::Checks { .. }
            | Call::Incidents { .. }
            | Call::Incident { .. }
            | Call::Uptime { .. }
            | Call::Rollups { .. }
            | Call::Current
            | Call::LatencySeries { .. }
            | Call::Days { .. } => Ok(()),
            Call::Subscribe
            | Call::TestWatch { .. }
            | Call::ReadConfig
            | Call::EditConfig { .. }
            | Call::OpenHistory { .. } => Err(BridgeError::NotAllowed {
                call: Self::call_name(call),
            }),
        }
    }

    /// The `call` name of a request, as the wire spells it.
    fn call_name(call: &Call) -> String {
        serde_json::to_value(call)
            .ok()
            .and_then(|v| v.get("call").and_then(|c| c.as_str().map(str::to_owned)))
            .unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn window_args_read_back_what_they_wrote() {
        for at in [
            At::Overview,
            At::Watch {
                watch: "Gmail API".into(),
            },
            At::Incident { id: "i-42".into() },
        ] {
            for socket in [None, Some(PathBuf::from("/run/a b/api.sock"))] {
                let args = WindowArgs {
                    at: at.clone(),
                    socket,
                };
                assert_eq!(WindowArgs::parse(args.to_args()), args);
            }
        }
        let parsed = WindowArgs::parse(["--foo", "--watch=A=B", "x", "--incident", "7"]);
        assert_eq!(parsed.at, At::Incident { id: "7".into() });
        assert_eq!(WindowArgs::parse(["--watch"]), WindowArgs::default());
    }

    #[test]
    fn the_window_may_read_and_command_but_not_configure() {
        assert!(BridgeError::check_allowed(&Call::Snapshot).is_ok());
        assert!(
            BridgeError::check_allowed(&Call::Pause {
                watch: None,
                for_s: None
            })
            .is_ok()
        );
        for call in [
            Call::EditConfig { edits: vec![] },
            Call::ReadConfig,
            Call::Subscribe,
            Call::OpenHistory {
                watch: None,
                incident: None,
            },
        ] {
            let refused = BridgeError::check_allowed(&call).unwrap_err();
            let BridgeError::NotAllowed { call: name } = refused else {
                panic!("{refused:?}");
            };
            assert!(Call::NAMES.contains(&name.as_str()), "{name}");
        }
    }

    #[test]
    fn bridge_types_are_tagged_as_the_web_view_reads_them() {
        let at = serde_json::to_string(&At::Watch { watch: "A".into() }).unwrap();
        assert_eq!(at, r#"{"view":"watch","watch":"A"}"#);
        let missed = serde_json::to_string(&WindowEvent::Missed { count: 3 }).unwrap();
        assert_eq!(missed, r#"{"kind":"missed","count":3}"#);
        let error = serde_json::to_value(BridgeError::ResidentUnreachable {
            socket: "/run/x".into(),
        })
        .unwrap();
        assert_eq!(error["kind"], "resident_unreachable");
    }
}

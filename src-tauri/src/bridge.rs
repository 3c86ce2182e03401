//! The commands the web view may call (capabilities/main.json grants exactly these):
//!
//! - `api(call: Call) -> Result<Answer, BridgeError>`: one request to the resident;
//! - `start_at() -> At`: where the window was asked to open.
//!
//! They are thin: the policy (which calls the window may make) is
//! [`BridgeError::check_allowed`] and the protocol is [`Client`], both in `downwatch-api`.

use std::path::PathBuf;

use downwatch_api::{Answer, At, BridgeError, Call, Client, ClientError};
use tokio::sync::Mutex;

/// The state the commands share: the resident's socket, one connection to it (opened on
/// the first call, opened again after it broke) and where the window started.
#[derive(Debug)]
pub struct Bridge {
    socket: PathBuf,
    client: Mutex<Option<Client>>,
    start_at: At,
}

impl Bridge {
    /// The bridge to the resident at `socket`, for a window started at `start_at`.
    pub fn new(socket: PathBuf, start_at: At) -> Bridge {
        Bridge {
            socket,
            client: Mutex::new(None),
            start_at,
        }
    }

    /// Sends `call` to the resident and returns its answer.
    ///
    /// Calls are made one at a time on one connection (the API answers in order). A
    /// connection that broke since the last call (the resident restarted) is replaced and
    /// the call sent once more: it never reached a resident that answered, so it cannot
    /// have taken effect twice.
    ///
    /// # Errors
    /// [`BridgeError::NotAllowed`] for a call the window may not make,
    /// [`BridgeError::ResidentUnreachable`] when no resident answers,
    /// [`BridgeError::Api`] when it refused, [`BridgeError::Protocol`] for an unreadable
    /// answer.
    pub async fn call(&self, call: Call) -> Result<Answer, BridgeError> {
        BridgeError::check_allowed(&call)?;
        let mut client = self.client.lock().await;
        let reused = client.is_some();
        match self.call_on(&mut client, call.clone()).await {
            Err(error) if reused && broken(&error) => {
                *client = None;
                self.call_on(&mut client, call).await
            }
            result => result,
        }
        .map_err(|error| self.bridge_error(error))
    }

    /// One attempt on the kept connection, opening it first if there is none; a
    /// connection that failed is dropped.
    async fn call_on(
        &self,
        client: &mut Option<Client>,
        call: Call,
    ) -> Result<Answer, ClientError> {
        if client.is_none() {
            *client = Some(Client::connect(&self.socket).await?);
        }
        let Some(open) = client.as_mut() else {
            return Err(ClientError::Closed);
        };
        let result = open.call(call).await;
        if matches!(&result, Err(error) if broken(error) || matches!(error, ClientError::Decode(_)))
        {
            *client = None;
        }
        result
    }

    fn bridge_error(&self, error: ClientError) -> BridgeError {
        match error {
            ClientError::Connect { .. } | ClientError::Io(_) | ClientError::Closed => {
                BridgeError::ResidentUnreachable {
                    socket: self.socket.display().to_string(),
                }
            }
            ClientError::Decode(message) => BridgeError::Protocol { message },
            ClientError::Refused(error) => BridgeError::Api { error },
        }
    }
}

/// Whether the connection itself failed (as opposed to an answer).
fn broken(error: &ClientError) -> bool {
    matches!(error, ClientError::Io(_) | ClientError::Closed)
}

/// The `api` command: see [`Bridge::call`].
#[tauri::command]
pub async fn api(call: Call, bridge: tauri::State<'_, Bridge>) -> Result<Answer, BridgeError> {
    bridge.call(call).await
}

/// The `start_at` command: where the window was asked to open (`--watch`, `--incident`;
/// the overview without either).
#[tauri::command]
pub fn start_at(bridge: tauri::State<'_, Bridge>) -> At {
    bridge.start_at.clone()
}

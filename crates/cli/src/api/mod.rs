//! The resident's local API server (protocol: the `downwatch-api` crate): a Unix socket
//! claimed for one resident per user ([`socket`]), each client checked by its uid
//! (`SO_PEERCRED`) and served by a task of its own ([`conn`]), requests answered from the
//! resident's [`Remote`], the history and the configuration file ([`calls`]). At most
//! [`MAX_CLIENTS`] at once.

pub mod calls;
pub mod conn;
pub mod convert;
pub mod edit;
pub mod socket;

use std::sync::Arc;

use downwatch_api::{ApiError, Body, ErrorCode, Response};
use downwatch_monitor::resident::Remote;
use downwatch_tray::window::Opener;
use tokio::net::UnixStream;
use tokio::sync::Semaphore;
use tokio::task::{JoinHandle, JoinSet};

pub use calls::OpenReader;
pub use socket::{Claim, claim};

/// Clients served at once at most (the tray, a window, a few commands and scrapers); one
/// more is answered `too_many_clients` and closed.
pub const MAX_CLIENTS: usize = 32;

/// The running server. Stopping it closes every connection and removes the
/// socket.
#[derive(Debug)]
pub struct Server {
    task: JoinHandle<()>,
}

impl Server {
    /// Serves on the claimed socket, answering from `remote` and the history `history`
    /// opens, with at most `max_clients` clients at once; `open_history` starts the window
    /// through `window`.
    pub fn start(
        claim: Claim,
        remote: Remote,
        history: OpenReader,
        window: Opener,
        max_clients: usize,
    ) -> Server {
        let calls = Arc::new(calls::Calls::new(remote, history, window));
        let task = tokio::spawn(accept(claim, calls, Arc::new(Semaphore::new(max_clients))));
        Server { task }
    }

    /// Closes every connection and removes the socket.
    pub async fn stop(self) {
        self.task.abort();
        let _ = self.task.await;
    }
}

/// Accepts clients until aborted; the connections live in `clients`, so aborting this task
/// drops them all, and the claim (removing the socket).
async fn accept(claim: Claim, calls: Arc<calls::Calls>, slots: Arc<Semaphore>) {
    let me = nix::unistd::getuid().as_raw();
    let mut clients = JoinSet::new();
    loop {
        let stream = tokio::select! {
            accepted = claim.listener.accept() => match accepted {
                Ok((stream, _)) => stream,
                Err(error) => {
                    // EMFILE and the like: keep serving the clients already here.
                    tracing::warn!("api: cannot accept a client: {error}");
                    tokio::time::sleep(std::time::Duration::from_millis(100)).await;
                    continue;
                }
            },
            Some(_) = clients.join_next() => continue,
        };
        match stream.peer_cred() {
            Ok(cred) if cred.uid() == me => {}
            Ok(cred) => {
                tracing::warn!(
                    "api: refused a client of uid {} (pid {:?})",
                    cred.uid(),
                    cred.pid()
                );
                refuse(
                    &stream,
                    ErrorCode::Forbidden,
                    "this resident serves only its own user",
                );
                continue;
            }
            Err(error) => {
                tracing::warn!("api: cannot read a client's credentials: {error}");
                continue;
            }
        }
        let Ok(slot) = slots.clone().try_acquire_owned() else {
            refuse(
                &stream,
                ErrorCode::TooManyClients,
                "too many clients at once; try again later",
            );
            continue;
        };
        let calls = calls.clone();
        clients.spawn(async move {
            conn::serve(stream, calls).await;
            drop(slot);
        });
    }
}

/// One error line, written only if the socket takes it at once, then the connection is
/// closed (dropped): a refused client is never waited for.
fn refuse(stream: &UnixStream, code: ErrorCode, message: &str) {
    let line = Response::new(None, Body::Error(ApiError::new(code, message))).to_line();
    let _ = stream.try_write(line.as_bytes());
}

//! Downwatch's local API: how the resident (`downwatch run`) and its clients (the command
//! line, the tray, the history window) talk over a Unix socket in the user's runtime
//! directory.
//!
//! - [`wire`]: the framing. One JSON object per line (at most [`MAX_LINE`] bytes), each
//!   carrying the protocol version [`VERSION`]; every request has a client-chosen `id` that
//!   its answer repeats, and the lines of a subscription carry the `id` of the request that
//!   opened it.
//! - [`call`]: what a client may ask ([`Call`]) and what it gets back ([`Answer`]).
//! - [`model`]: the data inside answers (snapshot, history rows), plain and owned, with
//!   times as Unix milliseconds, so a client in another language reads them as numbers.
//! - [`error`]: the typed error every failed request answers ([`ApiError`], [`ErrorCode`]).
//! - [`path`]: where the socket lives ([`path::socket_path`]).
//! - [`client`]: a small async client ([`Client`]).
//!
//! - [`bridge`]: what the history window's web view and its Rust side say to each other
//!   ([`At`], [`WindowEvent`], [`BridgeError`]); [`follow`]: its subscription to the
//!   resident, reconnected when the resident comes back.
//!
//! This crate depends on nothing of Downwatch but the message catalog's data type, so the
//! history window (a Tauri app) reuses it as is. With the `ts` feature every type here also
//! derives `ts_rs::TS`: their TypeScript is generated into `ui/src/generated/` by
//! `cargo test -p downwatch-api --features ts --test bindings` (see that file), committed,
//! and checked by `scripts/test.sh`. Without it (the resident, the CLI, the window) ts-rs is
//! not compiled in.
//!
//! ```no_run
//! # async fn demo() -> Result<(), downwatch_api::ClientError> {
//! use downwatch_api::{Answer, Call, Client};
//! let path = downwatch_api::path::socket_path();
//! let mut client = Client::connect(&path).await?;
//! if let Answer::Snapshot(snapshot) = client.call(Call::Snapshot).await? {
//!     println!("{} watches, {:?}", snapshot.watches.len(), snapshot.verdict);
//! }
//! # Ok(()) }
//! ```

pub mod bridge;
pub mod call;
pub mod client;
pub mod error;
pub mod follow;
pub mod model;
pub mod path;
pub mod wire;

pub use bridge::{At, BridgeError, WindowArgs, WindowEvent};
pub use call::{Answer, Call, Edit};
pub use client::{Client, ClientError};
pub use error::{ApiError, ErrorCode};
pub use wire::{Body, MAX_LINE, Request, Response, VERSION};

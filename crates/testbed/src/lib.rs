//! Downwatch's test bed: real servers on loopback that every test of the project talks to.
//!
//! Probe tests start the pieces they need in-process ([`HttpServer`], [`DnsServer`],
//! [`GarbageServer`], ...); end-to-end tests run the `downwatch-testbed` binary, which starts a
//! whole [`TestBed`] and prints where everything listens as one JSON line.
//!
//! Everything here binds to the address it is given, which callers keep on loopback
//! (`127.0.0.0/8` or `::1`): nothing in this crate ever sends a packet anywhere else.
//! Every server is a set of tokio tasks that are aborted when its handle is dropped.
//!
//! ```no_run
//! # async fn demo() -> std::io::Result<()> {
//! use downwatch_testbed::{Alpn, CertKind, HttpServer, TestCa};
//! let ca = TestCa::new();
//! let https = HttpServer::tls("127.0.0.1".parse().unwrap(), ca.server_config(CertKind::Expired, Alpn::H2AndH1)).await?;
//! println!("an HTTPS server with an expired certificate listens on {}", https.addr());
//! # Ok(()) }
//! ```

mod bed;
mod ca;
mod dns;
mod http;
mod old_tls;
mod raw;
mod reply;
mod tasks;
mod tcp;
mod web;
mod zone;

pub use bed::{JITTERY_DELAY, JITTERY_JITTER, TestBed};
pub use ca::{Alpn, CertKind, INTERMEDIATE_URL, SERVER_NAMES, TestCa};
pub use dns::DnsServer;
pub use http::{BIG_MAX, HttpServer, INDEX_BODY, PORTAL_BODY};
pub use old_tls::{OldTls, OldTlsServer};
pub use raw::{RawServer, SHORT_BODY};
pub use tcp::{ClosedPort, DelayProxy, GARBAGE_LINE, GarbageServer, SilentServer};
pub use web::{BOMB_DECODED, encoded_page};
pub use zone::{Behaviour, Zone};

/// What can go wrong while making the test bed's certificates and TLS configurations.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// rcgen could not generate a key or sign a certificate.
    #[error("generating a test certificate: {0}")]
    Cert(#[from] rcgen::Error),
    /// rustls refused the generated certificate or key.
    #[error("building a rustls server configuration: {0}")]
    Tls(#[from] rustls::Error),
}

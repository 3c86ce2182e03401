//! Downwatch's probe engine: one function of (target, options, deadline) per kind — HTTP(S),
//! TCP, DNS, TLS certificate — each returning a [`ProbeResult`] with the status, the failing
//! layer and a stable [`Cause`], per-phase timings and what was observed on the way.
//!
//! No storage and no UI here: the monitor, the CLI and the desktop app all drive this crate.
//!
//! ```no_run
//! # async fn demo() -> Result<(), downwatch_probe::Error> {
//! use downwatch_probe::{Check, Prober, ProberOptions, RecordKind, Target};
//! let prober = Prober::new(&ProberOptions::default())?;
//! let check = Check::new(Target::parse("https://example.com/", RecordKind::A)?);
//! let result = prober.check(&check).await;
//! println!("{:?} {:?}", result.status, result.cause());
//! # Ok(()) }
//! ```

mod body;
mod connect;
mod cookies;
mod decode;
mod dns;
mod duration;
mod error;
mod first_bytes;
mod host;
mod http;
mod limits;
mod outcome;
mod outgoing;
mod prober;
mod request;
pub mod resolver;
mod said;
mod status;
mod target;
mod tcp;
mod tls;
mod tls_failure;
mod trust;
mod value;

pub use body::{BodyMatch, Pattern};
pub use dns::DnsExpect;
pub use duration::{MAX_DURATION, parse_duration};
pub use error::{Error, Result};
pub use host::{Host, HostName};
pub use http::HttpOptions;
pub use outcome::{Cause, DnsInfo, Failure, HttpInfo, Layer, Phases, ProbeResult, Status, TlsInfo};
pub use prober::{Check, DEFAULT_CERT_WARN_DAYS, DEFAULT_TIMEOUT, Prober, ProberOptions};
pub use request::{parse_header_name, parse_header_value, parse_method};
pub use resolver::Resolver;
pub use said::MessageId;
pub use status::StatusSet;
pub use target::{RecordKind, Target};
pub use tls::TlsContext;
pub use trust::check_ca_file;
pub use value::ValueError;

/// What every request says it is.
pub const USER_AGENT: &str = concat!(
    "Downwatch/",
    env!("CARGO_PKG_VERSION"),
    " (+https://github.com/downwatch/downwatch)"
);

/// Re-exported so callers can build [`HttpOptions`] without depending on hyper themselves.
pub use hyper::{Method, header::HeaderName, header::HeaderValue};

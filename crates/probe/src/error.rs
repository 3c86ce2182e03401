//! Errors that stop a probe from being set up at all (as opposed to a probe that ran and
//! found the service down, which is a [`crate::ProbeResult`]).

use std::path::PathBuf;

/// Setup errors: bad target text, unreadable CA bundle, bad option.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The target text could not be parsed.
    #[error("invalid target: {0}")]
    InvalidTarget(String),
    /// The extra CA file could not be read.
    #[error("cannot read CA file {path}: {source}")]
    CaFileRead {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// The extra CA file holds no usable certificate.
    #[error("CA file {path} holds no usable PEM certificate{detail}")]
    CaFileInvalid {
        /// The file.
        path: PathBuf,
        /// More detail, starting with ": " when present.
        detail: String,
    },
    /// The extra CA file is a DER (binary) certificate, not PEM.
    #[error(
        "CA file {path} is a DER (binary) certificate; give it in PEM form, e.g. \
         `openssl x509 -inform der -in {path} -out cert.pem`"
    )]
    CaFileDer {
        /// The file.
        path: PathBuf,
    },
    /// A probe option is invalid (bad regex, bad header...).
    #[error("invalid option: {0}")]
    InvalidOption(String),
    /// The TLS library refused the configuration.
    #[error("TLS setup failed: {0}")]
    TlsSetup(#[from] rustls::Error),
}

/// Result with this crate's [`Error`].
pub type Result<T> = std::result::Result<T, Error>;

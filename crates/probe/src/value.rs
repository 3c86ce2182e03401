//! Why a value written by a user (on the command line or in the configuration file) does
//! not parse: one typed error for the small parsers this crate shares with both
//! ([`crate::parse_duration`], [`crate::parse_method`], [`crate::Resolver::parse`]...). Its
//! `Display` is the sentence shown to the user, naming the text that was wrong.

/// A value that does not parse; each variant holds the text as written.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ValueError {
    /// Not a humantime duration (`30s`, `5m`, `1h 30m`).
    #[error("`{text}` is not a duration (e.g. 30s, 5m)")]
    NotADuration {
        /// The text.
        text: String,
    },
    /// Longer than [`crate::MAX_DURATION`].
    #[error("`{text}` is longer than the longest allowed duration (24h)")]
    DurationTooLong {
        /// The text.
        text: String,
    },
    /// Not an HTTP method token (RFC 9110, section 9).
    #[error("`{text}` is not an HTTP method")]
    Method {
        /// The text.
        text: String,
    },
    /// Not a header field name (RFC 9110, section 5.1).
    #[error("`{text}` is not a valid header name")]
    HeaderName {
        /// The text, trimmed.
        text: String,
    },
    /// A header field value with characters RFC 9110 (section 5.5) does not allow.
    #[error("the value of header `{name}` has invalid characters")]
    HeaderValue {
        /// The header's name (its value may be a secret: never repeated).
        name: String,
    },
    /// Not `system`, an IP address or `IP:PORT`.
    #[error("`{text}` is not `system`, an IP address or IP:PORT")]
    Resolver {
        /// The text.
        text: String,
    },
    /// Not a DNS response code name (RFC 1035 section 4.1.1, RFC 6895) or `RCODE<n>`.
    #[error(
        "`{text}` is not a DNS response code (NOERROR, NXDOMAIN, SERVFAIL, REFUSED, FORMERR, NOTIMP or RCODE<n>)"
    )]
    Rcode {
        /// The text.
        text: String,
    },
}

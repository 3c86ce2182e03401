//! The kinds of rollup period and the phases of a check a rollup keeps latency for.

/// The length of a rollup period.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Span {
    /// One UTC hour (kept 90 days).
    Hour,
    /// One UTC day (kept for good).
    Day,
}

impl Span {
    /// The stored code.
    pub fn as_str(self) -> &'static str {
        match self {
            Span::Hour => "hour",
            Span::Day => "day",
        }
    }

    /// The period's length, ms (UTC hours and days: Unix time has no leap seconds).
    pub fn length_ms(self) -> i64 {
        match self {
            Span::Hour => 3_600_000,
            Span::Day => 86_400_000,
        }
    }
}

/// A phase of a check, in the order of the `check_result` columns.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Phase {
    /// Name resolution.
    Dns,
    /// TCP connect.
    Connect,
    /// TLS handshake.
    Tls,
    /// Request sent to response headers.
    Ttfb,
    /// The whole probe.
    Total,
}

/// Every phase, in column order.
pub const PHASES: [Phase; 5] = [
    Phase::Dns,
    Phase::Connect,
    Phase::Tls,
    Phase::Ttfb,
    Phase::Total,
];

impl Phase {
    /// The stored code.
    pub fn as_str(self) -> &'static str {
        match self {
            Phase::Dns => "dns",
            Phase::Connect => "connect",
            Phase::Tls => "tls",
            Phase::Ttfb => "ttfb",
            Phase::Total => "total",
        }
    }
}

//! What a probe reports: status, the failing layer and cause, timings and what was observed.

use std::fmt;
use std::net::SocketAddr;
use std::time::Duration;

use downwatch_text::Message;
use serde::{Deserialize, Serialize};

/// The verdict of one probe.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Every layer answered as expected.
    Up,
    /// It works, but not well: too slow, or a certificate about to expire.
    Degraded,
    /// A layer failed.
    Down,
}

impl Status {
    /// Stable lower-case name (`up`, `degraded`, `down`).
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Up => "up",
            Status::Degraded => "degraded",
            Status::Down => "down",
        }
    }
}

/// The network layer a failure is pinned to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Layer {
    /// Name resolution.
    Dns,
    /// Opening the TCP connection.
    Tcp,
    /// The TLS handshake and certificate.
    Tls,
    /// The HTTP exchange.
    Http,
    /// Before any layer: the probe could not be set up, nothing was sent.
    Setup,
}

impl Layer {
    /// Stable lower-case name.
    pub fn as_str(self) -> &'static str {
        match self {
            Layer::Dns => "dns",
            Layer::Tcp => "tcp",
            Layer::Tls => "tls",
            Layer::Http => "http",
            Layer::Setup => "setup",
        }
    }
}

macro_rules! causes {
    ($($variant:ident => $code:literal, $layer:ident, $doc:literal;)*) => {
        /// Why a probe was not up. The codes are stable: scripts, the history and the
        /// notifications key on them.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
        pub enum Cause {
            $(#[doc = $doc] #[serde(rename = $code)] $variant,)*
        }

        impl Cause {
            /// Every cause, in declaration order.
            pub const ALL: &'static [Cause] = &[$(Cause::$variant,)*];

            /// The stable code, e.g. `dns_servfail`.
            pub fn code(self) -> &'static str {
                match self { $(Cause::$variant => $code,)* }
            }

            /// The layer this cause belongs to.
            pub fn layer(self) -> Layer {
                match self { $(Cause::$variant => Layer::$layer,)* }
            }
        }
    };
}

causes! {
    DnsNxdomain => "dns_nxdomain", Dns, "The name does not exist (NXDOMAIN).";
    DnsServfail => "dns_servfail", Dns, "The resolver failed (SERVFAIL).";
    DnsRefused => "dns_refused", Dns, "The resolver refused the query (REFUSED).";
    DnsNoRecords => "dns_no_records", Dns, "The name exists but has no record of the asked type.";
    DnsTimeout => "dns_timeout", Dns, "No answer from the resolver before the deadline.";
    DnsProtocol => "dns_protocol", Dns, "The resolver answered with something that is not a valid reply.";
    DnsUnexpectedRcode => "dns_unexpected_rcode", Dns, "An answer code other than the one expected.";
    DnsAnswerMismatch => "dns_answer_mismatch", Dns, "No answer matched the expected value.";
    TcpRefused => "tcp_refused", Tcp, "The connection was refused.";
    TcpUnreachable => "tcp_unreachable", Tcp, "The host or network is unreachable.";
    TcpTimeout => "tcp_timeout", Tcp, "The connection was not established before the deadline.";
    TcpError => "tcp_error", Tcp, "Another error while connecting.";
    TlsExpired => "tls_expired", Tls, "The certificate has expired.";
    TlsNotYetValid => "tls_not_yet_valid", Tls, "The certificate is not valid yet.";
    TlsHostnameMismatch => "tls_hostname_mismatch", Tls, "The certificate is for another name.";
    TlsUntrusted => "tls_untrusted", Tls, "The certificate is not issued by a trusted authority.";
    TlsHandshake => "tls_handshake", Tls, "The TLS handshake failed.";
    TlsTimeout => "tls_timeout", Tls, "The handshake did not finish before the deadline.";
    TlsExpiring => "tls_expiring", Tls, "The certificate expires soon (degraded).";
    HttpStatus => "http_status", Http, "The HTTP status is not one of the expected ones.";
    HttpKeyword => "http_keyword", Http, "The body did not (or did) contain the keyword.";
    HttpTimeout => "http_timeout", Http, "The response did not complete before the deadline.";
    HttpProtocol => "http_protocol", Http, "The server broke the HTTP protocol or closed the connection.";
    HttpContentEncoding => "http_content_encoding", Http, "The body's Content-Encoding is unknown, or its compressed data is corrupt or cut short.";
    HttpTooManyRedirects => "http_too_many_redirects", Http, "More redirects than allowed.";
    TooSlow => "too_slow", Http, "Slower than the latency limit (degraded).";
    SetupFailed => "setup_failed", Setup, "The probe could not be set up, so nothing was sent (an unreadable CA file, a probe task that failed).";
}

impl fmt::Display for Cause {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// Why a probe failed: the cause code, the message as data (an id of the catalog with its
/// arguments, to be rendered in the reader's language) and its English rendering.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Failure {
    /// The stable cause.
    pub cause: Cause,
    /// The English rendering of [`Failure::text`], e.g. "SERVFAIL from 127.0.0.1:53": what
    /// `--json`, the events and the logs carry for scripts.
    pub message: String,
    /// The message as data (`dns-servfail` with `server`), for every language and the store.
    pub text: Message,
}

impl Failure {
    /// A failure with the given cause and message (a text given as is becomes a verbatim
    /// message, shown the same in every language).
    pub fn new(cause: Cause, text: impl Into<Message>) -> Self {
        let text = text.into();
        Failure {
            cause,
            message: text.english(),
            text,
        }
    }
}

/// How long each phase took. A phase that was never reached is `None`, never zero.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Phases {
    /// Name resolution (absent for an IP address target).
    pub dns: Option<Duration>,
    /// TCP connect.
    pub connect: Option<Duration>,
    /// TLS handshake.
    pub tls: Option<Duration>,
    /// From the request being sent to the response headers.
    pub ttfb: Option<Duration>,
    /// The whole probe.
    pub total: Duration,
}

impl Phases {
    /// Adds the phases of one more hop (a redirect) to these, as blackbox_exporter does.
    pub fn add_hop(&mut self, hop: &Phases) {
        fn sum(a: Option<Duration>, b: Option<Duration>) -> Option<Duration> {
            match (a, b) {
                (Some(a), Some(b)) => Some(a + b),
                (a, b) => a.or(b),
            }
        }
        self.dns = sum(self.dns, hop.dns);
        self.connect = sum(self.connect, hop.connect);
        self.tls = sum(self.tls, hop.tls);
        self.ttfb = sum(self.ttfb, hop.ttfb);
    }
}

/// What the DNS layer saw.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DnsInfo {
    /// The response code, e.g. `NOERROR`, `SERVFAIL`; `None` when no reply came.
    pub rcode: Option<String>,
    /// The server that answered (or was asked last), or `hosts` for the hosts file.
    pub server: Option<String>,
    /// Whether the final answer came over TCP (after a truncated UDP reply).
    pub over_tcp: bool,
    /// The answers as text, e.g. `127.0.0.1`, `10 mx.example.`.
    pub answers: Vec<String>,
}

/// What the TLS layer saw.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TlsInfo {
    /// Negotiated protocol version, e.g. `TLSv1.3`.
    pub version: Option<String>,
    /// Negotiated ALPN protocol, e.g. `h2`.
    pub alpn: Option<String>,
    /// The leaf certificate's subject.
    pub subject: Option<String>,
    /// The leaf certificate's issuer.
    pub issuer: Option<String>,
    /// The leaf certificate's expiry (RFC 3339).
    pub not_after: Option<String>,
    /// Whole days until expiry (negative once expired).
    pub days_left: Option<i64>,
    /// Names (DNS and IP) the certificate is valid for.
    pub names: Vec<String>,
}

/// What the HTTP layer saw.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct HttpInfo {
    /// Final status code.
    pub status: Option<u16>,
    /// Protocol version of the final response, e.g. `HTTP/2`.
    pub version: Option<String>,
    /// Redirects followed.
    pub redirects: u32,
    /// Body bytes of the final response after its `Content-Encoding` was undone (what a
    /// keyword is searched in; the same as `wire_bytes` for a body sent as is).
    pub body_bytes: u64,
    /// Body bytes received on the wire (after the chunked transfer coding, before decoding).
    pub wire_bytes: u64,
    /// The body's content codings as the server applied them (`gzip`, `gzip, br`), if any.
    pub content_encoding: Option<String>,
    /// Whether reading stopped at the body cap (counted in decoded bytes).
    pub body_truncated: bool,
    /// The URL of the final response.
    pub final_url: Option<String>,
}

/// The full result of one probe.
#[derive(Clone, Debug, PartialEq)]
pub struct ProbeResult {
    /// Up, degraded or down.
    pub status: Status,
    /// Why it is not up (`None` when up).
    pub failure: Option<Failure>,
    /// Phase durations.
    pub phases: Phases,
    /// The address actually connected to (or queried, for DNS probes).
    pub address: Option<SocketAddr>,
    /// DNS details, when the DNS layer was used.
    pub dns: Option<DnsInfo>,
    /// TLS details, when a handshake was attempted.
    pub tls: Option<TlsInfo>,
    /// HTTP details, when a response arrived.
    pub http: Option<HttpInfo>,
}

impl ProbeResult {
    /// An empty result, to be filled in by a probe.
    pub(crate) fn new() -> Self {
        ProbeResult {
            status: Status::Up,
            failure: None,
            phases: Phases::default(),
            address: None,
            dns: None,
            tls: None,
            http: None,
        }
    }

    /// A result for a probe that could not even be set up (its trust store failed to load,
    /// its task failed): down with a cause of its own (`setup_failed`), saying why. No
    /// network layer is blamed: nothing was sent.
    pub fn setup_failure(message: &str) -> Self {
        let mut result = ProbeResult::new();
        result.fail(Failure::new(
            Cause::SetupFailed,
            crate::said::say(crate::MessageId::SetupFailed)
                .arg("detail", downwatch_text::Value::text(message)),
        ));
        result
    }

    /// Marks the result as failed (down, or degraded for the degraded causes).
    pub(crate) fn fail(&mut self, failure: Failure) {
        self.status = match failure.cause {
            Cause::TlsExpiring | Cause::TooSlow => Status::Degraded,
            _ => Status::Down,
        };
        self.failure = Some(failure);
    }

    /// The failing layer, if any.
    pub fn layer(&self) -> Option<Layer> {
        self.failure.as_ref().map(|f| f.cause.layer())
    }

    /// The cause, if any.
    pub fn cause(&self) -> Option<Cause> {
        self.failure.as_ref().map(|f| f.cause)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_cause_has_a_unique_code_with_its_layer_prefix() {
        let mut seen = std::collections::HashSet::new();
        for cause in Cause::ALL {
            assert!(seen.insert(cause.code()), "duplicate {}", cause.code());
            let code = cause.code();
            let prefix_ok = code.starts_with(cause.layer().as_str()) || *cause == Cause::TooSlow;
            assert!(prefix_ok, "{code} is not in layer {:?}", cause.layer());
        }
    }

    #[test]
    fn a_setup_failure_has_a_cause_of_its_own_not_a_network_layer() {
        let r = ProbeResult::setup_failure("the control probe task failed");
        assert_eq!(r.status, Status::Down);
        assert_eq!(r.cause(), Some(Cause::SetupFailed));
        assert_eq!(r.layer(), Some(Layer::Setup));
    }

    #[test]
    fn degraded_causes_degrade_and_others_go_down() {
        let mut r = ProbeResult::new();
        r.fail(Failure::new(Cause::TooSlow, "slow"));
        assert_eq!(r.status, Status::Degraded);
        r.fail(Failure::new(Cause::TcpRefused, "refused"));
        assert_eq!(r.status, Status::Down);
        assert_eq!(r.layer(), Some(Layer::Tcp));
    }

    #[test]
    fn hops_sum_phases_and_keep_unreached_ones_absent() {
        let ms = Duration::from_millis;
        let mut total = Phases {
            dns: Some(ms(1)),
            connect: Some(ms(2)),
            ..Phases::default()
        };
        total.add_hop(&Phases {
            dns: None,
            connect: Some(ms(3)),
            ttfb: Some(ms(4)),
            ..Phases::default()
        });
        assert_eq!(total.dns, Some(ms(1)));
        assert_eq!(total.connect, Some(ms(5)));
        assert_eq!(total.tls, None);
        assert_eq!(total.ttfb, Some(ms(4)));
    }
}

//! Every message a probe can say: the ids of the catalog's probe section
//! (`crates/text/locales/*.ftl`), one variant each, so a test can hold the catalog to them
//! and a typo is a compile error, not a message id the catalog lacks.

use downwatch_text::{Message, Value};

macro_rules! ids {
    ($($variant:ident => $id:literal;)*) => {
        /// The id of a message a probe result can carry ([`crate::Failure::text`]).
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub enum MessageId {
            $(#[doc = concat!("`", $id, "`")] $variant,)*
        }

        impl MessageId {
            /// Every id, in catalog order.
            pub const ALL: &'static [MessageId] = &[$(MessageId::$variant,)*];

            /// The id in the catalog.
            pub fn as_str(self) -> &'static str {
                match self { $(MessageId::$variant => $id,)* }
            }
        }
    };
}

ids! {
    SetupFailed => "setup-failed";
    DnsNxdomain => "dns-nxdomain";
    DnsServfail => "dns-servfail";
    DnsRefused => "dns-refused";
    DnsNoRecords => "dns-no-records";
    DnsNoAddress => "dns-no-address";
    DnsRcode => "dns-rcode";
    DnsRcodeInstead => "dns-rcode-instead";
    DnsAnswerMismatch => "dns-answer-mismatch";
    DnsAnswerNone => "dns-answer-none";
    DnsWrongId => "dns-wrong-id";
    DnsTimeout => "dns-timeout";
    DnsMalformed => "dns-malformed";
    DnsMalformedTcp => "dns-malformed-tcp";
    DnsTcpWrongId => "dns-tcp-wrong-id";
    DnsBadQuery => "dns-bad-query";
    DnsPortUnreachable => "dns-port-unreachable";
    DnsUnreachable => "dns-unreachable";
    TcpNoAddress => "tcp-no-address";
    TcpTimeout => "tcp-timeout";
    TcpRefused => "tcp-refused";
    TcpNoRouteNetwork => "tcp-no-route-network";
    TcpNoRouteHost => "tcp-no-route-host";
    TcpBlocked => "tcp-blocked";
    TcpError => "tcp-error";
    TlsBadServerName => "tls-bad-server-name";
    TlsTimeout => "tls-timeout";
    TlsClosed => "tls-closed";
    TlsReset => "tls-reset";
    TlsFailed => "tls-failed";
    TlsNotTls => "tls-not-tls";
    TlsPlainHttp => "tls-plain-http";
    TlsSsh => "tls-ssh";
    TlsNoCertificate => "tls-no-certificate";
    TlsDecryptError => "tls-decrypt-error";
    TlsMisbehaved => "tls-misbehaved";
    TlsAlertVersion => "tls-alert-version";
    TlsAlertHandshake => "tls-alert-handshake";
    TlsAlertSecurity => "tls-alert-security";
    TlsAlertName => "tls-alert-name";
    TlsAlertClientCert => "tls-alert-client-cert";
    TlsAlertDenied => "tls-alert-denied";
    TlsAlertInternal => "tls-alert-internal";
    TlsAlertProtocols => "tls-alert-protocols";
    TlsAlertOther => "tls-alert-other";
    TlsOldVersion => "tls-old-version";
    TlsOldVersionUnknown => "tls-old-version-unknown";
    TlsNoCommonSuite => "tls-no-common-suite";
    TlsNoCommonGroup => "tls-no-common-group";
    TlsNoCommonSignature => "tls-no-common-signature";
    TlsIncompatible => "tls-incompatible";
    TlsExpired => "tls-expired";
    TlsNotYetValid => "tls-not-yet-valid";
    TlsNotForHost => "tls-not-for-host";
    TlsOtherNames => "tls-other-names";
    TlsSelfSigned => "tls-self-signed";
    TlsUnknownIssuer => "tls-unknown-issuer";
    TlsUntrustedRoot => "tls-untrusted-root";
    TlsMissingIntermediate => "tls-missing-intermediate";
    TlsLeafUnknownIssuer => "tls-leaf-unknown-issuer";
    TlsBadSignature => "tls-bad-signature";
    TlsWeakSignature => "tls-weak-signature";
    TlsRevoked => "tls-revoked";
    TlsWrongPurpose => "tls-wrong-purpose";
    TlsCriticalExtension => "tls-critical-extension";
    TlsBadEncoding => "tls-bad-encoding";
    TlsUntrusted => "tls-untrusted";
    TlsExpiring => "tls-expiring";
    HttpStatus => "http-status";
    HttpTooManyRedirects => "http-too-many-redirects";
    HttpRedirectScheme => "http-redirect-scheme";
    HttpRedirectInvalid => "http-redirect-invalid";
    HttpBadHost => "http-bad-host";
    HttpRequestInvalid => "http-request-invalid";
    HttpNoHeaders => "http-no-headers";
    HttpTlsOnPlain => "http-tls-on-plain";
    HttpHeadTooLarge => "http-head-too-large";
    HttpH2HeadersRefused => "http-h2-headers-refused";
    HttpClosedEarly => "http-closed-early";
    HttpBroken => "http-broken";
    HttpBodyDeadline => "http-body-deadline";
    HttpBodyCut => "http-body-cut";
    HttpBodyChunkedCut => "http-body-chunked-cut";
    HttpBodyBroken => "http-body-broken";
    HttpEncodingCut => "http-encoding-cut";
    HttpEncodingCorrupt => "http-encoding-corrupt";
    HttpEncodingUnknown => "http-encoding-unknown";
    HttpEncodingStacked => "http-encoding-stacked";
    HttpKeywordCapped => "http-keyword-capped";
    HttpKeywordMissing => "http-keyword-missing";
    HttpKeywordForbidden => "http-keyword-forbidden";
    TooSlow => "too-slow";
}

/// Message `id`, to which the caller adds its arguments.
pub(crate) fn say(id: MessageId) -> Message {
    Message::new(id.as_str())
}

/// A sizes pair as the messages take it: `coded` (yes/no), `wire` and `decoded` bytes.
pub(crate) fn sizes(message: Message, wire: u64, decoded: u64, coded: bool) -> Message {
    message
        .arg(
            "coded",
            Value::Key(if coded { "yes" } else { "no" }.to_owned()),
        )
        .arg("wire", Value::Bytes(wire))
        .arg("decoded", Value::Bytes(decoded))
}

#[cfg(test)]
mod tests {
    use super::*;
    use downwatch_text::{Catalog, Lang};

    #[test]
    fn every_message_a_probe_can_say_is_in_every_language() {
        for &lang in Lang::ALL {
            let catalog = Catalog::new(lang);
            let missing: Vec<_> = MessageId::ALL
                .iter()
                .filter(|id| !catalog.has(id.as_str()))
                .collect();
            assert!(missing.is_empty(), "{lang:?} lacks {missing:?}");
        }
    }
}

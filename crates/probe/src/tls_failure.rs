//! A failed TLS handshake in plain words: what a competent admin would conclude from the
//! evidence the probe holds (the certificates sent, the alert received, the server's first
//! bytes), never a library's error name alone.

use downwatch_text::{Message, Value};
use rustls::pki_types::CertificateDer;
use rustls::{AlertDescription, CertificateError, PeerIncompatible};
use x509_parser::extensions::{GeneralName, ParsedExtension};
use x509_parser::oid_registry::OID_PKIX_ACCESS_DESCRIPTOR_CA_ISSUERS;

use crate::first_bytes::Head;
use crate::host::Host;
use crate::outcome::{Cause, Failure, TlsInfo};
use crate::said::{MessageId, say};

/// The versions Downwatch offers, as the messages name them.
const OFFERED: &str = "TLS 1.2 and 1.3";

/// Message `id` with the versions offered.
fn offered(id: MessageId) -> Message {
    say(id).arg("offered", Value::code(OFFERED))
}

/// The failure for a handshake that ended with `error`.
pub(crate) fn handshake_failure(error: &std::io::Error, seen: &Seen<'_>) -> Failure {
    let Some(tls_error) = error
        .get_ref()
        .and_then(|e| e.downcast_ref::<rustls::Error>())
    else {
        return Failure::new(Cause::TlsHandshake, io_message(error, seen));
    };
    let text = match tls_error {
        rustls::Error::InvalidCertificate(cert_error) => {
            return certificate_failure(cert_error, seen);
        }
        rustls::Error::InvalidMessage(_) | rustls::Error::InappropriateMessage { .. } => {
            not_tls(seen)
        }
        rustls::Error::AlertReceived(alert) => alert_message(*alert, seen),
        rustls::Error::PeerIncompatible(why) => incompatible(why, seen),
        rustls::Error::NoCertificatesPresented => say(MessageId::TlsNoCertificate),
        rustls::Error::DecryptError => say(MessageId::TlsDecryptError),
        rustls::Error::PeerMisbehaved(what) => {
            say(MessageId::TlsMisbehaved).arg("what", Value::code(format!("{what:?}")))
        }
        other => say(MessageId::TlsFailed).arg("error", Value::text(other)),
    };
    Failure::new(Cause::TlsHandshake, text)
}

/// The connection itself broke during the handshake.
fn io_message(error: &std::io::Error, seen: &Seen<'_>) -> Message {
    use std::io::ErrorKind;
    match error.kind() {
        // Bytes that were not TLS, then a close: the bytes say more than the close.
        _ if seen.head.protocol().is_some_and(|p| p != "TLS") => not_tls(seen),
        ErrorKind::UnexpectedEof => say(MessageId::TlsClosed),
        ErrorKind::ConnectionReset => say(MessageId::TlsReset),
        _ => say(MessageId::TlsFailed).arg("error", Value::text(error)),
    }
}

/// Bytes that are not TLS: say what they were when they say it.
fn not_tls(seen: &Seen<'_>) -> Message {
    say(match seen.head.protocol() {
        Some("HTTP") => MessageId::TlsPlainHttp,
        Some("SSH") => MessageId::TlsSsh,
        _ => MessageId::TlsNotTls,
    })
}

/// A TLS alert the server sent to end the handshake (RFC 8446 §6.2).
fn alert_message(alert: AlertDescription, seen: &Seen<'_>) -> Message {
    match alert {
        AlertDescription::ProtocolVersion => offered(MessageId::TlsAlertVersion),
        AlertDescription::HandshakeFailure => offered(MessageId::TlsAlertHandshake),
        AlertDescription::InsufficientSecurity => offered(MessageId::TlsAlertSecurity),
        AlertDescription::UnrecognisedName => {
            say(MessageId::TlsAlertName).arg("host", Value::name(seen.host))
        }
        AlertDescription::CertificateRequired => say(MessageId::TlsAlertClientCert),
        AlertDescription::AccessDenied => say(MessageId::TlsAlertDenied),
        AlertDescription::InternalError => say(MessageId::TlsAlertInternal),
        AlertDescription::NoApplicationProtocol => {
            let protocols: Vec<_> = seen
                .alpn
                .iter()
                .map(|p| String::from_utf8_lossy(p).into_owned())
                .collect();
            say(MessageId::TlsAlertProtocols).arg("protocols", Value::Code(protocols.join(", ")))
        }
        other => say(MessageId::TlsAlertOther).arg("alert", Value::code(format!("{other:?}"))),
    }
}

/// The server chose something Downwatch did not offer.
fn incompatible(why: &PeerIncompatible, seen: &Seen<'_>) -> Message {
    match why {
        PeerIncompatible::ServerDoesNotSupportTls12Or13 => match seen.head.server_hello_version() {
            Some(version) => offered(MessageId::TlsOldVersion).arg("version", Value::code(version)),
            None => offered(MessageId::TlsOldVersionUnknown),
        },
        PeerIncompatible::NoCipherSuitesInCommon => offered(MessageId::TlsNoCommonSuite),
        PeerIncompatible::NoKxGroupsInCommon => offered(MessageId::TlsNoCommonGroup),
        PeerIncompatible::NoSignatureSchemesInCommon => offered(MessageId::TlsNoCommonSignature),
        other => say(MessageId::TlsIncompatible).arg("what", Value::code(format!("{other:?}"))),
    }
}

/// A certificate that did not verify.
fn certificate_failure(error: &CertificateError, seen: &Seen<'_>) -> Failure {
    let info = seen.info;
    match error {
        CertificateError::Expired | CertificateError::ExpiredContext { .. } => {
            let date = info.not_after.as_deref().unwrap_or("?");
            let text = say(MessageId::TlsExpired)
                .arg("days", Value::count(-info.days_left.unwrap_or(0)))
                .arg("date", Value::code(date));
            Failure::new(Cause::TlsExpired, text)
        }
        CertificateError::NotValidYet | CertificateError::NotValidYetContext { .. } => {
            Failure::new(Cause::TlsNotYetValid, say(MessageId::TlsNotYetValid))
        }
        CertificateError::NotValidForName | CertificateError::NotValidForNameContext { .. } => {
            let text = if info.names.is_empty() {
                say(MessageId::TlsNotForHost)
            } else {
                say(MessageId::TlsOtherNames).arg("names", Value::Code(info.names.join(", ")))
            };
            let text = text.arg("host", Value::name(seen.host));
            Failure::new(Cause::TlsHostnameMismatch, text)
        }
        other => Failure::new(Cause::TlsUntrusted, untrusted_message(other, seen)),
    }
}

fn untrusted_message(error: &CertificateError, seen: &Seen<'_>) -> Message {
    let info = seen.info;
    let issuer = info.issuer.as_deref().unwrap_or("?");
    let with_issuer = |id| say(id).arg("issuer", Value::name(issuer));
    match error {
        _ if info.subject.is_some() && info.subject == info.issuer => {
            with_issuer(MessageId::TlsSelfSigned)
        }
        CertificateError::UnknownIssuer => unknown_issuer(issuer, seen.presented),
        CertificateError::BadSignature => with_issuer(MessageId::TlsBadSignature),
        CertificateError::UnsupportedSignatureAlgorithmContext { .. } => {
            with_issuer(MessageId::TlsWeakSignature)
        }
        CertificateError::Revoked => say(MessageId::TlsRevoked),
        CertificateError::InvalidPurpose | CertificateError::InvalidPurposeContext { .. } => {
            say(MessageId::TlsWrongPurpose)
        }
        CertificateError::UnhandledCriticalExtension => say(MessageId::TlsCriticalExtension),
        CertificateError::BadEncoding => say(MessageId::TlsBadEncoding),
        other => say(MessageId::TlsUntrusted).arg("error", Value::code(format!("{other:?}"))),
    }
}

/// No trusted authority above the chain the server sent. With only its own certificate
/// sent, the usual reason is a server that left out its intermediate certificate; the leaf's
/// Authority Information Access says so for certain (public authorities put the address of
/// the intermediate there, RFC 5280 §4.2.2.1), else a private authority is as likely.
fn unknown_issuer(issuer: &str, presented: Option<&Presented>) -> Message {
    let Some(presented) = presented else {
        return say(MessageId::TlsUnknownIssuer).arg("issuer", Value::name(issuer));
    };
    if let Some(last) = presented.chain.last() {
        let root = x509_parser::parse_x509_certificate(last)
            .map(|(_, c)| c.issuer().to_string())
            .unwrap_or_else(|_| issuer.to_owned());
        return say(MessageId::TlsUntrustedRoot)
            .arg("count", Value::count(presented.chain.len() + 1))
            .arg("root", Value::name(root));
    }
    let text = match ca_issuers_url(&presented.leaf) {
        Some(url) => say(MessageId::TlsMissingIntermediate).arg("url", Value::Address(url)),
        None => say(MessageId::TlsLeafUnknownIssuer),
    };
    text.arg("issuer", Value::name(issuer))
}

/// The address of the issuer's certificate in the certificate's Authority Information Access.
fn ca_issuers_url(der: &[u8]) -> Option<String> {
    let (_, cert) = x509_parser::parse_x509_certificate(der).ok()?;
    cert.iter_extensions()
        .find_map(|ext| match ext.parsed_extension() {
            ParsedExtension::AuthorityInfoAccess(aia) => {
                aia.iter()
                    .find_map(|desc| match (&desc.access_method, &desc.access_location) {
                        (method, GeneralName::URI(uri))
                            if *method == OID_PKIX_ACCESS_DESCRIPTOR_CA_ISSUERS =>
                        {
                            Some((*uri).to_owned())
                        }
                        _ => None,
                    })
            }
            _ => None,
        })
}

/// The certificates the server sent.
#[derive(Debug)]
pub(crate) struct Presented {
    /// Its own certificate.
    pub(crate) leaf: CertificateDer<'static>,
    /// The certificates it sent after the leaf (intermediates, sometimes a root).
    pub(crate) chain: Vec<CertificateDer<'static>>,
}

/// Everything a failed handshake left to explain it.
pub(crate) struct Seen<'a> {
    /// The leaf's facts.
    pub(crate) info: &'a TlsInfo,
    /// The certificates sent, when the handshake got that far.
    pub(crate) presented: Option<&'a Presented>,
    /// The server's first bytes.
    pub(crate) head: &'a Head,
    /// The name asked for.
    pub(crate) host: &'a Host,
    /// The application protocols offered.
    pub(crate) alpn: &'a [&'a [u8]],
}

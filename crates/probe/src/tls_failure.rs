//! A failed TLS handshake in plain words: what a competent admin would conclude from the
//! evidence the probe holds (the certificates sent, the alert received, the server's first
//! bytes), never a library's error name alone.

use rustls::{AlertDescription, CertificateError, PeerIncompatible};
use x509_parser::extensions::{GeneralName, ParsedExtension};
use x509_parser::oid_registry::OID_PKIX_ACCESS_DESCRIPTOR_CA_ISSUERS;

use crate::outcome::{Cause, Failure};
use crate::tls::{Presented, Seen};

/// The versions Downwatch offers, as the messages name them.
const OFFERED: &str = "TLS 1.2 and 1.3";

/// The failure for a handshake that ended with `error`.
pub(crate) fn handshake_failure(error: &std::io::Error, seen: &Seen<'_>) -> Failure {
    let Some(tls_error) = error
        .get_ref()
        .and_then(|e| e.downcast_ref::<rustls::Error>())
    else {
        return io_failure(error, seen);
    };
    match tls_error {
        rustls::Error::InvalidCertificate(cert_error) => certificate_failure(cert_error, seen),
        rustls::Error::InvalidMessage(_) | rustls::Error::InappropriateMessage { .. } => {
            not_tls(seen)
        }
        rustls::Error::AlertReceived(alert) => alert_failure(*alert, seen),
        rustls::Error::PeerIncompatible(why) => incompatible(why, seen),
        rustls::Error::NoCertificatesPresented => Failure::new(
            Cause::TlsHandshake,
            "the server sent no certificate, so its identity cannot be checked",
        ),
        rustls::Error::DecryptError => Failure::new(
            Cause::TlsHandshake,
            "the server's handshake failed a cryptographic check (its key does not match \
             its certificate, or the data was altered on the way)",
        ),
        rustls::Error::PeerMisbehaved(what) => Failure::new(
            Cause::TlsHandshake,
            format!("the server broke the TLS protocol ({what:?})"),
        ),
        other => Failure::new(
            Cause::TlsHandshake,
            format!("TLS handshake failed: {other}"),
        ),
    }
}

/// The connection itself broke during the handshake.
fn io_failure(error: &std::io::Error, seen: &Seen<'_>) -> Failure {
    use std::io::ErrorKind;
    let message = match error.kind() {
        // Bytes that were not TLS, then a close: the garbage said more than the close.
        _ if seen.head.protocol().is_some_and(|p| p != "TLS") => return not_tls(seen),
        ErrorKind::UnexpectedEof => {
            "the server closed the connection during the TLS handshake".to_owned()
        }
        ErrorKind::ConnectionReset => {
            "the server reset the connection during the TLS handshake".to_owned()
        }
        _ => format!("TLS handshake failed: {error}"),
    };
    Failure::new(Cause::TlsHandshake, message)
}

/// Bytes that are not TLS: say what they were when they say it.
fn not_tls(seen: &Seen<'_>) -> Failure {
    let message = match seen.head.protocol() {
        Some("HTTP") => "the server did not speak TLS: it answered in plain HTTP (this port \
                         serves http://, not https://)"
            .to_owned(),
        Some("SSH") => "the server did not speak TLS: it is an SSH server".to_owned(),
        _ => "the server did not speak TLS (what it sent is not a TLS record)".to_owned(),
    };
    Failure::new(Cause::TlsHandshake, message)
}

/// A TLS alert the server sent to end the handshake (RFC 8446 §6.2).
fn alert_failure(alert: AlertDescription, seen: &Seen<'_>) -> Failure {
    let message = match alert {
        AlertDescription::ProtocolVersion => format!(
            "the server refused the TLS versions Downwatch speaks ({OFFERED}): it only \
             accepts another version, most likely an outdated one (TLS 1.0 or 1.1)"
        ),
        AlertDescription::HandshakeFailure => format!(
            "the server refused the handshake: it found no encryption settings in common with \
             Downwatch (cipher suite, key exchange or signature algorithm of {OFFERED})"
        ),
        AlertDescription::InsufficientSecurity => format!(
            "the server requires stronger encryption settings than Downwatch offered \
             ({OFFERED})"
        ),
        AlertDescription::UnrecognisedName => format!(
            "the server does not serve the name {} (it refused the name asked for)",
            seen.host
        ),
        AlertDescription::CertificateRequired => {
            "the server requires a client certificate, which Downwatch does not send".to_owned()
        }
        AlertDescription::AccessDenied => {
            "the server denied access during the TLS handshake".to_owned()
        }
        AlertDescription::InternalError => {
            "the server failed with an internal error during the TLS handshake".to_owned()
        }
        AlertDescription::NoApplicationProtocol => format!(
            "the server speaks none of the protocols asked for ({})",
            seen.alpn
                .iter()
                .map(|p| String::from_utf8_lossy(p).into_owned())
                .collect::<Vec<_>>()
                .join(", ")
        ),
        other => format!("the server ended the TLS handshake with the alert \"{other:?}\""),
    };
    Failure::new(Cause::TlsHandshake, message)
}

/// The server chose something Downwatch did not offer.
fn incompatible(why: &PeerIncompatible, seen: &Seen<'_>) -> Failure {
    let message = match why {
        PeerIncompatible::ServerDoesNotSupportTls12Or13 => {
            let version = seen
                .head
                .server_hello_version()
                .unwrap_or("an outdated TLS version");
            format!(
                "the server only speaks {version}, which Downwatch refuses as unsafe (it needs \
                 {OFFERED})"
            )
        }
        PeerIncompatible::NoCipherSuitesInCommon => {
            format!("the server and Downwatch have no cipher suite in common ({OFFERED})")
        }
        PeerIncompatible::NoKxGroupsInCommon => {
            format!("the server and Downwatch have no key exchange group in common ({OFFERED})")
        }
        PeerIncompatible::NoSignatureSchemesInCommon => {
            format!("the server and Downwatch have no signature algorithm in common ({OFFERED})")
        }
        other => {
            format!("the server asked for TLS features Downwatch does not support ({other:?})")
        }
    };
    Failure::new(Cause::TlsHandshake, message)
}

/// A certificate that did not verify.
fn certificate_failure(error: &CertificateError, seen: &Seen<'_>) -> Failure {
    let info = seen.info;
    match error {
        CertificateError::Expired | CertificateError::ExpiredContext { .. } => {
            let date = info.not_after.as_deref().unwrap_or("an unknown date");
            let ago = match -info.days_left.unwrap_or(0) {
                0 => "today".to_owned(),
                1 => "1 day ago".to_owned(),
                n => format!("{n} days ago"),
            };
            Failure::new(
                Cause::TlsExpired,
                format!("certificate expired {ago} ({date})"),
            )
        }
        CertificateError::NotValidYet | CertificateError::NotValidYetContext { .. } => {
            Failure::new(
                Cause::TlsNotYetValid,
                "certificate is not valid yet (check the server's or this computer's clock)",
            )
        }
        CertificateError::NotValidForName | CertificateError::NotValidForNameContext { .. } => {
            let message = if info.names.is_empty() {
                format!("certificate is not valid for {}", seen.host)
            } else {
                format!(
                    "certificate is for {}, not {}",
                    info.names.join(", "),
                    seen.host
                )
            };
            Failure::new(Cause::TlsHostnameMismatch, message)
        }
        other => Failure::new(Cause::TlsUntrusted, untrusted_message(other, seen)),
    }
}

fn untrusted_message(error: &CertificateError, seen: &Seen<'_>) -> String {
    let info = seen.info;
    let issuer = info.issuer.as_deref().unwrap_or("an unnamed issuer");
    match error {
        _ if info.subject.is_some() && info.subject == info.issuer => {
            format!("certificate is self-signed ({issuer}) and not trusted",)
        }
        CertificateError::UnknownIssuer => unknown_issuer(issuer, seen.presented),
        CertificateError::BadSignature => format!(
            "certificate not trusted: its signature does not match the trusted authority named \
             {issuer} (another authority with the same name, or an altered certificate)"
        ),
        CertificateError::UnsupportedSignatureAlgorithmContext { .. } => format!(
            "the certificate is signed with an algorithm Downwatch refuses as unsafe or does \
             not know (issuer {issuer})"
        ),
        CertificateError::Revoked => "the certificate was revoked by its authority".to_owned(),
        CertificateError::InvalidPurpose | CertificateError::InvalidPurposeContext { .. } => {
            "the certificate is not meant for a server (its usage does not include TLS server \
             authentication)"
                .to_owned()
        }
        CertificateError::UnhandledCriticalExtension => {
            "the certificate has a critical extension Downwatch does not understand".to_owned()
        }
        CertificateError::BadEncoding => "the server's certificate is malformed".to_owned(),
        other => format!("certificate not trusted: {other:?}"),
    }
}

/// No trusted authority above the chain the server sent. With only its own certificate
/// sent, the usual reason is a server that left out its intermediate certificate; the leaf's
/// Authority Information Access says so for certain (public authorities put the address of
/// the intermediate there, RFC 5280 §4.2.2.1), else a private authority is as likely.
fn unknown_issuer(issuer: &str, presented: Option<&Presented>) -> String {
    let Some(presented) = presented else {
        return format!("certificate issued by an unknown authority ({issuer})");
    };
    if let Some(last) = presented.chain.last() {
        let top = x509_parser::parse_x509_certificate(last)
            .map(|(_, c)| c.issuer().to_string())
            .unwrap_or_else(|_| issuer.to_owned());
        let count = presented.chain.len() + 1;
        return format!(
            "the server sent {count} certificates, but the chain ends at an authority this \
             computer does not trust ({top})"
        );
    }
    match ca_issuers_url(&presented.leaf) {
        Some(url) => format!(
            "the server did not send its intermediate certificate: it sent only its own \
             certificate, issued by {issuer}, which is not a trusted root (the missing \
             certificate is published at {url})"
        ),
        None => format!(
            "the server sent only its own certificate, issued by an unknown authority \
             ({issuer}): either the server left out its intermediate certificate, or that \
             authority is a private one (give its certificate with --ca)"
        ),
    }
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

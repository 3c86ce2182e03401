//! The TLS layer: a client configuration shared by every probe, the handshake, and the
//! leaf certificate's facts (expiry, names) whether or not verification succeeds.

use std::path::Path;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::SystemTime;

use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::client::{Resumption, WebPkiServerVerifier};
use rustls::crypto::ring;
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{
    CertificateError, ClientConfig, DigitallySignedStruct, RootCertStore, SignatureScheme,
};
use tokio::net::TcpStream;
use tokio::time::{Instant, timeout_at};
use tokio_rustls::TlsConnector;
use tokio_rustls::client::TlsStream;

use crate::error::{Error, Result};
use crate::outcome::{Cause, Failure, TlsInfo};
use crate::target::Host;

/// Trust settings and the prepared client configuration, built once and shared by probes
/// (loading the system's roots is the expensive part).
#[derive(Clone, Debug)]
pub struct TlsContext {
    base: Arc<ClientConfig>,
    verifier: Arc<WebPkiServerVerifier>,
    /// The user's own certificates, also trusted as the server's leaf ([`crate::trust`]).
    pinned: Arc<Vec<CertificateDer<'static>>>,
    verify: bool,
}

impl TlsContext {
    /// Trusts the system's roots (webpki-roots when the system has none), plus the
    /// certificates of `extra_ca`; `verify: false` accepts any certificate but still reports it.
    pub fn new(extra_ca: Option<&Path>, verify: bool) -> Result<TlsContext> {
        let mut roots = RootCertStore::empty();
        let native = rustls_native_certs::load_native_certs();
        let (added, _ignored) = roots.add_parsable_certificates(native.certs);
        if added == 0 {
            roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
        }
        let pinned = match extra_ca {
            Some(path) => crate::trust::load(path)?,
            None => Vec::new(),
        };
        for cert in &pinned {
            // `load` checked that each one is a usable anchor.
            let _ = roots.add(cert.clone());
        }
        let provider = Arc::new(ring::default_provider());
        let verifier =
            WebPkiServerVerifier::builder_with_provider(Arc::new(roots), provider.clone())
                .build()
                .map_err(|e| Error::InvalidOption(format!("certificate verifier: {e}")))?;
        let mut base = ClientConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()?
            .dangerous()
            .with_custom_certificate_verifier(verifier.clone())
            .with_no_client_auth();
        // Every probe does a full handshake: a resumed session would skip the certificate,
        // and with it the expiry check, and would measure less than a new visitor pays.
        base.resumption = Resumption::disabled();
        Ok(TlsContext {
            base: Arc::new(base),
            verifier,
            pinned: Arc::new(pinned),
            verify,
        })
    }

    /// Handshakes over `stream`, offering `alpn`. Returns the stream or the failure, and in
    /// both cases what was learnt (version, certificate).
    pub(crate) async fn handshake(
        &self,
        stream: TcpStream,
        host: &Host,
        alpn: &[&[u8]],
        deadline: Instant,
    ) -> (std::result::Result<TlsStream<TcpStream>, Failure>, TlsInfo) {
        let recorder = Arc::new(Recorder {
            inner: self.verifier.clone(),
            pinned: self.pinned.clone(),
            verify: self.verify,
            leaf: Mutex::new(None),
        });
        let mut config = (*self.base).clone();
        config.alpn_protocols = alpn.iter().map(|p| p.to_vec()).collect();
        config
            .dangerous()
            .set_certificate_verifier(recorder.clone());
        let name = match host {
            Host::Ip(ip) => ServerName::IpAddress((*ip).into()),
            Host::Name(name) => match ServerName::try_from(name.clone()) {
                Ok(name) => name,
                Err(e) => {
                    let failure =
                        Failure::new(Cause::TlsHandshake, format!("invalid server name: {e}"));
                    return (Err(failure), TlsInfo::default());
                }
            },
        };
        let connector = TlsConnector::from(Arc::new(config));
        let outcome = timeout_at(deadline, connector.connect(name, stream)).await;
        let leaf = recorder
            .leaf
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .take();
        let mut info = leaf.as_ref().map(cert_info).unwrap_or_default();
        match outcome {
            Err(_) => {
                let failure =
                    Failure::new(Cause::TlsTimeout, "TLS handshake did not finish in time");
                (Err(failure), info)
            }
            Ok(Err(e)) => (Err(handshake_failure(&e, &info, host)), info),
            Ok(Ok(stream)) => {
                let (_, conn) = stream.get_ref();
                info.version = conn.protocol_version().map(|v| match v {
                    rustls::ProtocolVersion::TLSv1_2 => "TLSv1.2".to_owned(),
                    rustls::ProtocolVersion::TLSv1_3 => "TLSv1.3".to_owned(),
                    other => format!("{other:?}"),
                });
                info.alpn = conn
                    .alpn_protocol()
                    .map(|p| String::from_utf8_lossy(p).into_owned());
                (Ok(stream), info)
            }
        }
    }
}

/// Wraps the WebPKI verifier to keep the leaf certificate, so a failed verification can
/// still say when the certificate expired or which names it carries.
#[derive(Debug)]
struct Recorder {
    inner: Arc<WebPkiServerVerifier>,
    pinned: Arc<Vec<CertificateDer<'static>>>,
    verify: bool,
    leaf: Mutex<Option<CertificateDer<'static>>>,
}

impl ServerCertVerifier for Recorder {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp_response: &[u8],
        now: UnixTime,
    ) -> std::result::Result<ServerCertVerified, rustls::Error> {
        *self.leaf.lock().unwrap_or_else(PoisonError::into_inner) =
            Some(end_entity.clone().into_owned());
        if !self.verify {
            return Ok(ServerCertVerified::assertion());
        }
        let verified = self.inner.verify_server_cert(
            end_entity,
            intermediates,
            server_name,
            ocsp_response,
            now,
        );
        match verified {
            // The user named exactly this certificate: it is trusted, its name and dates are
            // still checked.
            Err(_)
                if self
                    .pinned
                    .iter()
                    .any(|p| p.as_ref() == end_entity.as_ref()) =>
            {
                crate::trust::verify_pinned(end_entity, server_name, now)
                    .map(|()| ServerCertVerified::assertion())
            }
            other => other,
        }
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> std::result::Result<HandshakeSignatureValid, rustls::Error> {
        self.inner.verify_tls12_signature(message, cert, dss)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> std::result::Result<HandshakeSignatureValid, rustls::Error> {
        self.inner.verify_tls13_signature(message, cert, dss)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.inner.supported_verify_schemes()
    }
}

/// Facts of a leaf certificate.
fn cert_info(der: &CertificateDer<'_>) -> TlsInfo {
    let Ok((_, cert)) = x509_parser::parse_x509_certificate(der) else {
        return TlsInfo::default();
    };
    let not_after = cert.validity().not_after.timestamp();
    let now = SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX));
    TlsInfo {
        subject: Some(cert.subject().to_string()),
        issuer: Some(cert.issuer().to_string()),
        not_after: cert
            .validity()
            .not_after
            .to_datetime()
            .format(&time::format_description::well_known::Rfc3339)
            .ok(),
        // Whole days, truncated toward zero: "4 days left" until the last full day is gone.
        days_left: Some((not_after - now) / 86_400),
        names: cert_names(&cert),
        ..TlsInfo::default()
    }
}

/// Names (DNS and IP) the certificate is valid for.
fn cert_names(cert: &x509_parser::certificate::X509Certificate<'_>) -> Vec<String> {
    let Ok(Some(san)) = cert.subject_alternative_name() else {
        return Vec::new();
    };
    san.value
        .general_names
        .iter()
        .filter_map(|name| match name {
            x509_parser::extensions::GeneralName::DNSName(n) => Some((*n).to_owned()),
            x509_parser::extensions::GeneralName::IPAddress(b) => match b.len() {
                4 => <[u8; 4]>::try_from(*b)
                    .ok()
                    .map(|a| std::net::IpAddr::from(a).to_string()),
                16 => <[u8; 16]>::try_from(*b)
                    .ok()
                    .map(|a| std::net::IpAddr::from(a).to_string()),
                _ => None,
            },
            _ => None,
        })
        .collect()
}

fn handshake_failure(error: &std::io::Error, info: &TlsInfo, host: &Host) -> Failure {
    let Some(tls_error) = error
        .get_ref()
        .and_then(|e| e.downcast_ref::<rustls::Error>())
    else {
        let message = if error.kind() == std::io::ErrorKind::UnexpectedEof {
            "the server closed the connection during the TLS handshake".to_owned()
        } else {
            format!("TLS handshake failed: {error}")
        };
        return Failure::new(Cause::TlsHandshake, message);
    };
    let days = info.days_left.unwrap_or(0);
    let date = info
        .not_after
        .clone()
        .unwrap_or_else(|| "an unknown date".into());
    match tls_error {
        rustls::Error::InvalidCertificate(cert_error) => match cert_error {
            CertificateError::Expired | CertificateError::ExpiredContext { .. } => {
                let ago = match -days {
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
                Failure::new(Cause::TlsHostnameMismatch, hostname_message(host, info))
            }
            other => Failure::new(Cause::TlsUntrusted, untrusted_message(other, info)),
        },
        rustls::Error::InvalidMessage(_) | rustls::Error::InappropriateMessage { .. } => {
            Failure::new(
                Cause::TlsHandshake,
                format!("the server did not speak TLS ({tls_error})"),
            )
        }
        other => Failure::new(
            Cause::TlsHandshake,
            format!("TLS handshake failed: {other}"),
        ),
    }
}

fn hostname_message(host: &Host, info: &TlsInfo) -> String {
    if info.names.is_empty() {
        format!("certificate is not valid for {host}")
    } else {
        format!("certificate is for {}, not {host}", info.names.join(", "))
    }
}

fn untrusted_message(error: &CertificateError, info: &TlsInfo) -> String {
    match (&info.subject, &info.issuer) {
        (Some(subject), Some(issuer)) if subject == issuer => {
            format!("certificate is self-signed ({subject}) and not trusted")
        }
        (_, Some(issuer)) if matches!(error, CertificateError::UnknownIssuer) => {
            format!("certificate issued by an unknown authority ({issuer})")
        }
        _ => format!("certificate not trusted: {error}"),
    }
}

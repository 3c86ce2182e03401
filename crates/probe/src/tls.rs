//! The TLS layer: a client configuration shared by every probe, the handshake, and the
//! leaf certificate's facts (expiry, names) whether or not verification succeeds.

use std::path::Path;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::SystemTime;

use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::client::{Resumption, WebPkiServerVerifier};
use rustls::crypto::ring;
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{ClientConfig, DigitallySignedStruct, RootCertStore, SignatureScheme};
use tokio::net::TcpStream;
use tokio::time::{Instant, timeout_at};
use tokio_rustls::TlsConnector;
use tokio_rustls::client::TlsStream;

use crate::error::{Error, Result};
use crate::first_bytes::Recorded;
use crate::host::Host;
use crate::outcome::{Cause, Failure, TlsInfo};
use crate::tls_failure::{Presented, Seen, handshake_failure};

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
    ) -> (
        std::result::Result<TlsStream<Recorded<TcpStream>>, Failure>,
        TlsInfo,
    ) {
        let recorder = Arc::new(Recorder {
            inner: self.verifier.clone(),
            pinned: self.pinned.clone(),
            verify: self.verify,
            presented: Mutex::new(None),
        });
        let mut config = (*self.base).clone();
        config.alpn_protocols = alpn.iter().map(|p| p.to_vec()).collect();
        config
            .dangerous()
            .set_certificate_verifier(recorder.clone());
        let name = match host {
            Host::Ip(ip) => ServerName::IpAddress((*ip).into()),
            Host::Name(name) => match ServerName::try_from(name.ascii().to_owned()) {
                Ok(name) => name,
                Err(e) => {
                    let text = crate::said::say(crate::MessageId::TlsBadServerName)
                        .arg("name", downwatch_text::Value::name(name))
                        .arg("error", downwatch_text::Value::text(e));
                    let failure = Failure::new(Cause::TlsHandshake, text);
                    return (Err(failure), TlsInfo::default());
                }
            },
        };
        let connector = TlsConnector::from(Arc::new(config));
        let (stream, head) = Recorded::new(stream);
        let outcome = timeout_at(deadline, connector.connect(name, stream)).await;
        let presented = recorder
            .presented
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .take();
        let mut info = presented
            .as_ref()
            .map(|p| cert_info(&p.leaf))
            .unwrap_or_default();
        match outcome {
            Err(_) => {
                let failure = Failure::new(
                    Cause::TlsTimeout,
                    crate::said::say(crate::MessageId::TlsTimeout),
                );
                (Err(failure), info)
            }
            Ok(Err(e)) => {
                let seen = Seen {
                    info: &info,
                    presented: presented.as_ref(),
                    head: &head,
                    host,
                    alpn,
                };
                (Err(handshake_failure(&e, &seen)), info)
            }
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
    presented: Mutex<Option<Presented>>,
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
        *self
            .presented
            .lock()
            .unwrap_or_else(PoisonError::into_inner) = Some(Presented {
            leaf: end_entity.clone().into_owned(),
            chain: intermediates
                .iter()
                .map(|c| c.clone().into_owned())
                .collect(),
        });
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
pub(crate) fn cert_info(der: &CertificateDer<'_>) -> TlsInfo {
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

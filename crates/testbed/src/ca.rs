//! A throwaway certificate authority and the server certificates the test bed presents.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rcgen::{
    BasicConstraints, CertificateParams, DnType, ExtendedKeyUsagePurpose, IsCa, Issuer, KeyPair,
    KeyUsagePurpose,
};
use rustls::ServerConfig;
use rustls::crypto::ring;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use time::{Duration, OffsetDateTime};

use crate::Error;

/// The names every test certificate except [`CertKind::WrongHost`] is valid for.
pub const SERVER_NAMES: &[&str] = &[
    "localhost",
    "ok.test",
    "*.ok.test",
    "h1.test",
    "h2.test",
    "shop.test",
    "shop6.test",
    // bücher.test: certificates carry the A-label form (RFC 5890 §2.3.2.1).
    "xn--bcher-kva.test",
    "127.0.0.1",
    "::1",
];

/// Which server certificate a TLS server presents.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CertKind {
    /// Issued by the CA, valid from 30 days ago for a year.
    Valid,
    /// Issued by the CA, valid from 100 days ago until 12 days ago.
    Expired,
    /// Issued by the CA, valid only from 10 days from now.
    NotYetValid,
    /// Issued by the CA and valid now, but its only name is `wrong.test`.
    WrongHost,
    /// Self-signed with valid dates and the right names, so not issued by the CA.
    SelfSigned,
    /// Issued by the CA, expires 5 days from now.
    ExpiringSoon,
    /// Self-signed and CA:TRUE, made the way `openssl req -x509` and most guides make one:
    /// names `localhost` and `127.0.0.1` only, no key usage, valid from 30 days ago for a year.
    SelfSignedCa,
    /// [`CertKind::SelfSignedCa`], but expired 12 days ago.
    SelfSignedCaExpired,
    /// Issued by the CA's intermediate ([`TestCa::intermediate_pem`]); the server sends the
    /// intermediate along with it.
    ViaIntermediate,
    /// Issued by the CA's intermediate, but the server sends only this leaf, not the
    /// intermediate: the misconfiguration behind most "unknown authority" reports.
    LeafOnly,
}

/// Where the intermediate-issued leaves say their issuer's certificate is published (their
/// Authority Information Access, as every public authority's leaves carry). Never fetched.
pub const INTERMEDIATE_URL: &str = "http://ca.test/intermediate.der";

/// The application protocols a TLS server offers through ALPN.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Alpn {
    /// Only `http/1.1`; the server also refuses HTTP/2 spoken without ALPN.
    H1Only,
    /// `h2`, then `http/1.1`.
    H2AndH1,
}

impl Alpn {
    /// The protocol identifiers offered, most preferred first.
    pub fn protocols(self) -> Vec<Vec<u8>> {
        match self {
            Alpn::H1Only => vec![b"http/1.1".to_vec()],
            Alpn::H2AndH1 => vec![b"h2".to_vec(), b"http/1.1".to_vec()],
        }
    }
}

/// A throwaway certificate authority made with rcgen; its key lives only in memory.
pub struct TestCa {
    cert: CertificateDer<'static>,
    pem: String,
    issuer: Issuer<'static, KeyPair>,
    intermediate: CertificateDer<'static>,
    intermediate_pem: String,
    intermediate_issuer: Issuer<'static, KeyPair>,
}

impl TestCa {
    /// Makes a new CA, valid from 30 days ago for ten years.
    ///
    /// # Panics
    /// If the system's crypto cannot make a key, which [`TestCa::try_new`] reports instead.
    pub fn new() -> TestCa {
        Self::try_new().expect("generating the test CA")
    }

    /// Makes a new CA, or says why rcgen could not.
    pub fn try_new() -> Result<TestCa, Error> {
        let now = OffsetDateTime::now_utc();
        let mut params = CertificateParams::default();
        params.distinguished_name = rcgen::DistinguishedName::new();
        params
            .distinguished_name
            .push(DnType::CommonName, "Downwatch Test CA");
        params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        params.key_usages = vec![
            KeyUsagePurpose::KeyCertSign,
            KeyUsagePurpose::CrlSign,
            KeyUsagePurpose::DigitalSignature,
        ];
        params.not_before = now - Duration::days(30);
        params.not_after = now + Duration::days(3650);
        let key = KeyPair::generate()?;
        let cert = params.self_signed(&key)?;
        let issuer = Issuer::new(params, key);
        let mut params = CertificateParams::default();
        params.distinguished_name = rcgen::DistinguishedName::new();
        params
            .distinguished_name
            .push(DnType::CommonName, "Downwatch Test Intermediate CA");
        params.is_ca = IsCa::Ca(BasicConstraints::Constrained(0));
        params.key_usages = vec![
            KeyUsagePurpose::KeyCertSign,
            KeyUsagePurpose::DigitalSignature,
        ];
        params.not_before = now - Duration::days(30);
        params.not_after = now + Duration::days(1825);
        params.use_authority_key_identifier_extension = true;
        let key = KeyPair::generate()?;
        let intermediate = params.signed_by(&key, &issuer)?;
        Ok(TestCa {
            pem: cert.pem(),
            cert: cert.der().clone(),
            issuer,
            intermediate_pem: intermediate.pem(),
            intermediate: intermediate.der().clone(),
            intermediate_issuer: Issuer::new(params, key),
        })
    }

    /// The intermediate CA's certificate (issued by this CA), PEM-encoded.
    pub fn intermediate_pem(&self) -> String {
        self.intermediate_pem.clone()
    }

    /// The CA certificate, PEM-encoded.
    pub fn ca_pem(&self) -> String {
        self.pem.clone()
    }

    /// The CA certificate, DER-encoded (ready for a `rustls::RootCertStore`).
    pub fn ca_der(&self) -> CertificateDer<'static> {
        self.cert.clone()
    }

    /// Writes the CA certificate to `dir/ca.pem` and returns that path.
    pub fn write_ca_pem(&self, dir: &Path) -> io::Result<PathBuf> {
        let path = dir.join("ca.pem");
        fs::write(&path, &self.pem)?;
        Ok(path)
    }

    /// A rustls server configuration presenting a fresh certificate of `kind`, offering `alpn`.
    ///
    /// # Panics
    /// If the certificate cannot be made, which [`TestCa::try_server_config`] reports instead.
    pub fn server_config(&self, kind: CertKind, alpn: Alpn) -> Arc<ServerConfig> {
        self.try_server_config(kind, alpn)
            .expect("building a test server configuration")
    }

    /// Like [`TestCa::server_config`], but says why it failed.
    pub fn try_server_config(
        &self,
        kind: CertKind,
        alpn: Alpn,
    ) -> Result<Arc<ServerConfig>, Error> {
        Ok(self.try_server_config_and_leaf(kind, alpn)?.0)
    }

    /// Like [`TestCa::try_server_config`], and the leaf certificate it presents, PEM-encoded
    /// (what a user pins, or gives with `--ca` when it is self-signed).
    pub fn try_server_config_and_leaf(
        &self,
        kind: CertKind,
        alpn: Alpn,
    ) -> Result<(Arc<ServerConfig>, String), Error> {
        let (cert, key, pem) = self.leaf(kind, OffsetDateTime::now_utc())?;
        let mut chain = vec![cert];
        if kind == CertKind::ViaIntermediate {
            chain.push(self.intermediate.clone());
        }
        let mut config = ServerConfig::builder_with_provider(Arc::new(ring::default_provider()))
            .with_safe_default_protocol_versions()?
            .with_no_client_auth()
            .with_single_cert(chain, key)?;
        config.alpn_protocols = alpn.protocols();
        Ok((Arc::new(config), pem))
    }

    /// Makes the certificate and key for `kind`, with dates relative to `now`.
    fn leaf(
        &self,
        kind: CertKind,
        now: OffsetDateTime,
    ) -> Result<(CertificateDer<'static>, PrivateKeyDer<'static>, String), Error> {
        let self_signed_ca = matches!(kind, CertKind::SelfSignedCa | CertKind::SelfSignedCaExpired);
        let names: Vec<String> = match kind {
            CertKind::WrongHost => vec!["wrong.test".to_owned()],
            _ if self_signed_ca => vec!["localhost".to_owned(), "127.0.0.1".to_owned()],
            _ => SERVER_NAMES.iter().map(|n| (*n).to_owned()).collect(),
        };
        let mut params = CertificateParams::new(names)?;
        params.distinguished_name = rcgen::DistinguishedName::new();
        params
            .distinguished_name
            .push(DnType::CommonName, format!("downwatch test {kind:?}"));
        let via_intermediate = matches!(kind, CertKind::ViaIntermediate | CertKind::LeafOnly);
        if via_intermediate {
            params
                .custom_extensions
                .push(authority_info_access(INTERMEDIATE_URL));
        }
        if self_signed_ca {
            // As `openssl req -x509` makes it: CA:TRUE, no key usage, no extended key usage.
            params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        } else {
            params.key_usages = vec![KeyUsagePurpose::DigitalSignature];
            params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
        }
        params.use_authority_key_identifier_extension =
            !matches!(kind, CertKind::SelfSigned) && !self_signed_ca;
        let (not_before, not_after) = match kind {
            CertKind::Valid
            | CertKind::WrongHost
            | CertKind::SelfSigned
            | CertKind::SelfSignedCa
            | CertKind::ViaIntermediate
            | CertKind::LeafOnly => (now - Duration::days(30), now + Duration::days(365)),
            CertKind::Expired | CertKind::SelfSignedCaExpired => {
                (now - Duration::days(100), now - Duration::days(12))
            }
            CertKind::NotYetValid => (now + Duration::days(10), now + Duration::days(375)),
            CertKind::ExpiringSoon => (now - Duration::days(30), now + Duration::days(5)),
        };
        params.not_before = not_before;
        params.not_after = not_after;

        let key = KeyPair::generate()?;
        let cert = match kind {
            CertKind::SelfSigned | CertKind::SelfSignedCa | CertKind::SelfSignedCaExpired => {
                params.self_signed(&key)?
            }
            CertKind::ViaIntermediate | CertKind::LeafOnly => {
                params.signed_by(&key, &self.intermediate_issuer)?
            }
            _ => params.signed_by(&key, &self.issuer)?,
        };
        let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(key.serialize_der()));
        Ok((cert.der().clone(), key, cert.pem()))
    }
}

/// An Authority Information Access extension (RFC 5280 §4.2.2.1) naming `url` as where the
/// issuer's certificate is published (`id-ad-caIssuers`). DER written by hand: rcgen has no
/// builder for it, and the value is short (every length fits in one byte).
fn authority_info_access(url: &str) -> rcgen::CustomExtension {
    const CA_ISSUERS: &[u8] = &[0x06, 0x08, 0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x30, 0x02];
    let len = |n: usize| u8::try_from(n).unwrap_or(u8::MAX);
    let mut location = vec![0x86, len(url.len())]; // [6] IMPLICIT IA5String: a URI
    location.extend_from_slice(url.as_bytes());
    let mut description = vec![0x30, len(CA_ISSUERS.len() + location.len())];
    description.extend_from_slice(CA_ISSUERS);
    description.extend_from_slice(&location);
    let mut value = vec![0x30, len(description.len())];
    value.extend_from_slice(&description);
    rcgen::CustomExtension::from_oid_content(&[1, 3, 6, 1, 5, 5, 7, 1, 1], value)
}

impl Default for TestCa {
    fn default() -> Self {
        Self::new()
    }
}

impl std::fmt::Debug for TestCa {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TestCa").finish_non_exhaustive()
    }
}

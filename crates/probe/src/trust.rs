//! What the user trusts beyond the system's roots: the certificates of `--ca` (or a watch's
//! `ca`). Each becomes a trust anchor, so a root, an intermediate or a bundle of several works
//! as in curl and Go. A certificate given there is also trusted *as the server's own*
//! (pinned): a self-signed CA:TRUE certificate made by `openssl req -x509` — which WebPKI
//! refuses as a leaf — or any leaf the user copied from the server. Its name and dates are
//! still verified; only the question "who issued it" is answered by the user.

use std::path::Path;

use rustls::RootCertStore;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{CertificateError, Error as TlsError};

use crate::error::{Error, Result};

/// The certificates of a CA file, read and checked.
pub(crate) fn load(path: &Path) -> Result<Vec<CertificateDer<'static>>> {
    let bytes = std::fs::read(path).map_err(|source| Error::CaFileRead {
        path: path.to_owned(),
        source,
    })?;
    let invalid = |detail: String| Error::CaFileInvalid {
        path: path.to_owned(),
        detail,
    };
    let mut certs = Vec::new();
    for cert in CertificateDer::pem_slice_iter(&bytes) {
        certs.push(cert.map_err(|e| invalid(format!(": {e}")))?);
    }
    if certs.is_empty() {
        // A DER certificate (what browsers export by default) is one ASN.1 SEQUENCE.
        if x509_parser::parse_x509_certificate(&bytes).is_ok() {
            return Err(Error::CaFileDer {
                path: path.to_owned(),
            });
        }
        return Err(invalid(String::new()));
    }
    // Each must be usable as a trust anchor (a parsable X.509 certificate).
    let mut roots = RootCertStore::empty();
    for cert in &certs {
        roots
            .add(cert.clone())
            .map_err(|e| invalid(format!(": {e}")))?;
    }
    Ok(certs)
}

/// Checks that `path` holds at least one usable PEM certificate (what `--ca` and the
/// config's `ca` need), without building a TLS context. A DER file gets its own message.
pub fn check_ca_file(path: &Path) -> Result<()> {
    load(path).map(|_| ())
}

/// Verifies a leaf the user gave as trusted: valid now, and for `name` (RFC 6125 matching by
/// WebPKI, wildcards included). The errors are those WebPKI gives, so they read the same.
pub(crate) fn verify_pinned(
    leaf: &CertificateDer<'_>,
    name: &ServerName<'_>,
    now: UnixTime,
) -> std::result::Result<(), TlsError> {
    let bad = |e: CertificateError| TlsError::InvalidCertificate(e);
    let (_, cert) = x509_parser::parse_x509_certificate(leaf)
        .map_err(|_| bad(CertificateError::BadEncoding))?;
    let now = i64::try_from(now.as_secs()).unwrap_or(i64::MAX);
    let validity = cert.validity();
    if now < validity.not_before.timestamp() {
        return Err(bad(CertificateError::NotValidYet));
    }
    if now > validity.not_after.timestamp() {
        return Err(bad(CertificateError::Expired));
    }
    let end_entity =
        webpki::EndEntityCert::try_from(leaf).map_err(|_| bad(CertificateError::BadEncoding))?;
    end_entity
        .verify_is_valid_for_subject_name(name)
        .map_err(|_| bad(CertificateError::NotValidForName))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_der_file_is_told_from_garbage() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let ca = downwatch_testbed::TestCa::new();
        let der = dir.path().join("ca.der");
        std::fs::write(&der, ca.ca_der().as_ref()).unwrap_or_else(|e| panic!("{e}"));
        let message = check_ca_file(&der).unwrap_err().to_string();
        assert!(
            message.contains("DER (binary)") && message.contains("openssl x509"),
            "{message}"
        );
        let junk = dir.path().join("junk.pem");
        std::fs::write(&junk, "not a certificate").unwrap_or_else(|e| panic!("{e}"));
        let message = check_ca_file(&junk).unwrap_err().to_string();
        assert!(
            message.contains("holds no usable PEM certificate"),
            "{message}"
        );
        let pem = ca
            .write_ca_pem(dir.path())
            .unwrap_or_else(|e| panic!("{e}"));
        assert!(check_ca_file(&pem).is_ok());
    }
}

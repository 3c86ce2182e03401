//! The standard test bed: one of every server, started together.

use std::io;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::path::{Path, PathBuf};

use rustls::pki_types::pem::PemObject;
use serde_json::json;

use std::time::Duration;

use crate::{
    Alpn, CertKind, DelayProxy, DnsServer, GarbageServer, HttpServer, RawServer, SilentServer,
    TestCa, Zone,
};

/// The fixed delay of [`TestBed::https_jittery`], before its jitter.
pub const JITTERY_DELAY: Duration = Duration::from_millis(100);
/// The jitter of [`TestBed::https_jittery`]: up to this much more, from a seeded generator.
pub const JITTERY_JITTER: Duration = Duration::from_millis(200);

/// Every server the end-to-end tests need, on one loopback address, plus the CA that signed
/// the HTTPS servers' certificates. Dropping it stops them all.
pub struct TestBed {
    /// The CA; its certificate is also at [`TestBed::ca_path`].
    pub ca: TestCa,
    /// Where the CA certificate was written (`dir/ca.pem`).
    pub ca_path: PathBuf,
    /// The IPv6 address the zone's AAAA records point at, if `::1` is usable here.
    pub v6: Option<Ipv6Addr>,
    /// DNS for [`Zone::standard`], pointing at the bed's address.
    pub dns: DnsServer,
    /// Plain HTTP.
    pub http: HttpServer,
    /// HTTPS, valid certificate, ALPN `h2` and `http/1.1`.
    pub https_valid: HttpServer,
    /// HTTPS, valid certificate, HTTP/1.1 only.
    pub https_h1: HttpServer,
    /// HTTPS with an expired certificate.
    pub https_expired: HttpServer,
    /// HTTPS with a certificate that is not valid yet.
    pub https_not_yet_valid: HttpServer,
    /// HTTPS with a certificate for `wrong.test` only.
    pub https_wrong_host: HttpServer,
    /// HTTPS with a self-signed certificate.
    pub https_self_signed: HttpServer,
    /// HTTPS with a certificate that expires in 5 days.
    pub https_expiring: HttpServer,
    /// HTTPS with a self-signed CA:TRUE certificate for `localhost` and `127.0.0.1`
    /// ([`CertKind::SelfSignedCa`]), written to `dir/self_signed_ca.pem` and, DER-encoded, to
    /// `dir/self_signed_ca.der`.
    pub https_self_signed_ca: HttpServer,
    /// HTTPS with a certificate issued by the CA's intermediate, sent along; the intermediate
    /// alone is written to `dir/intermediate.pem`.
    pub https_intermediate: HttpServer,
    /// HTTPS with a certificate issued by the CA's intermediate, sent without it
    /// ([`CertKind::LeafOnly`]).
    pub https_leaf_only: HttpServer,
    /// Writes non-TLS bytes and closes.
    pub garbage: GarbageServer,
    /// Accepts and never writes.
    pub silent: SilentServer,
    /// A captive portal: every path redirects to a sign-in page (plain HTTP).
    pub portal: HttpServer,
    /// Byte-for-byte HTTP/1.1 answers a server library will not write ([`RawServer`]).
    pub raw: RawServer,
    /// [`TestBed::https_valid`] behind a [`DelayProxy`] adding [`JITTERY_DELAY`] plus up to
    /// [`JITTERY_JITTER`] to every chunk, each way (seeded: the same delays every run).
    pub https_jittery: DelayProxy,
}

impl TestBed {
    /// Writes `dir/ca.pem` and starts every server on `bind` (ephemeral ports).
    ///
    /// The zone's A records point at `bind` if it is IPv4 (else 127.0.0.1); its AAAA records
    /// point at `::1` only when `::1` can be bound here (it often cannot in a bare network
    /// namespace).
    pub async fn start(bind: IpAddr, dir: &Path) -> io::Result<TestBed> {
        let ca = TestCa::try_new().map_err(io::Error::other)?;
        let ca_path = ca.write_ca_pem(dir)?;
        let v4 = match bind {
            IpAddr::V4(v4) => v4,
            IpAddr::V6(_) => Ipv4Addr::LOCALHOST,
        };
        let v6 = std::net::UdpSocket::bind(SocketAddr::new(Ipv6Addr::LOCALHOST.into(), 0))
            .ok()
            .map(|_| Ipv6Addr::LOCALHOST);
        let https = |kind, alpn| {
            let cfg = ca.try_server_config(kind, alpn).map_err(io::Error::other);
            async move { HttpServer::tls(bind, cfg?).await }
        };
        let https_valid = https(CertKind::Valid, Alpn::H2AndH1).await?;
        let (cfg, pem) = ca
            .try_server_config_and_leaf(CertKind::SelfSignedCa, Alpn::H2AndH1)
            .map_err(io::Error::other)?;
        std::fs::write(dir.join("self_signed_ca.pem"), &pem)?;
        let der = rustls::pki_types::CertificateDer::from_pem_slice(pem.as_bytes())
            .map_err(io::Error::other)?;
        std::fs::write(dir.join("self_signed_ca.der"), der.as_ref())?;
        let https_self_signed_ca = HttpServer::tls(bind, cfg).await?;
        std::fs::write(dir.join("intermediate.pem"), ca.intermediate_pem())?;
        let https_jittery = DelayProxy::start(
            bind,
            https_valid.addr(),
            JITTERY_DELAY,
            JITTERY_JITTER,
            0x00D0_3A7C,
        )
        .await?;
        Ok(TestBed {
            dns: DnsServer::start(bind, Zone::standard(v4, v6)).await?,
            http: HttpServer::plain(bind).await?,
            https_valid,
            https_h1: https(CertKind::Valid, Alpn::H1Only).await?,
            https_expired: https(CertKind::Expired, Alpn::H2AndH1).await?,
            https_not_yet_valid: https(CertKind::NotYetValid, Alpn::H2AndH1).await?,
            https_wrong_host: https(CertKind::WrongHost, Alpn::H2AndH1).await?,
            https_self_signed: https(CertKind::SelfSigned, Alpn::H2AndH1).await?,
            https_expiring: https(CertKind::ExpiringSoon, Alpn::H2AndH1).await?,
            https_self_signed_ca,
            https_intermediate: https(CertKind::ViaIntermediate, Alpn::H2AndH1).await?,
            https_leaf_only: https(CertKind::LeafOnly, Alpn::H2AndH1).await?,
            garbage: GarbageServer::start(bind).await?,
            silent: SilentServer::start(bind).await?,
            portal: HttpServer::portal(bind).await?,
            raw: RawServer::start(bind).await?,
            https_jittery,
            ca,
            ca_path,
            v6,
        })
    }

    /// Where everything is, as a JSON object of strings: `ca` (path), `dns`, `http`,
    /// `https_valid`, `https_h1`, `https_expired`, `https_not_yet_valid`, `https_wrong_host`,
    /// `https_self_signed`, `https_expiring`, `https_self_signed_ca`, `https_intermediate`,
    /// `https_leaf_only`,
    /// `garbage`, `silent`, `portal`, `raw`, `https_jittery`
    /// (`ip:port`), and `v6` (`"::1"` or `null`).
    pub fn describe(&self) -> serde_json::Value {
        json!({
            "ca": self.ca_path.display().to_string(),
            "dns": self.dns.addr().to_string(),
            "http": self.http.addr().to_string(),
            "https_valid": self.https_valid.addr().to_string(),
            "https_h1": self.https_h1.addr().to_string(),
            "https_expired": self.https_expired.addr().to_string(),
            "https_not_yet_valid": self.https_not_yet_valid.addr().to_string(),
            "https_wrong_host": self.https_wrong_host.addr().to_string(),
            "https_self_signed": self.https_self_signed.addr().to_string(),
            "https_expiring": self.https_expiring.addr().to_string(),
            "https_self_signed_ca": self.https_self_signed_ca.addr().to_string(),
            "https_intermediate": self.https_intermediate.addr().to_string(),
            "https_leaf_only": self.https_leaf_only.addr().to_string(),
            "garbage": self.garbage.addr().to_string(),
            "silent": self.silent.addr().to_string(),
            "portal": self.portal.addr().to_string(),
            "raw": self.raw.addr().to_string(),
            "https_jittery": self.https_jittery.addr().to_string(),
            "v6": self.v6.map(|v6| v6.to_string()),
        })
    }
}

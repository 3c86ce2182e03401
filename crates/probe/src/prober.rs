//! The entry point: a [`Prober`] holds what probes share (resolver choice, TLS trust) and
//! runs a [`Check`] — a target with its options — under one deadline.

use std::path::PathBuf;
use std::time::Duration;

use tokio::time::Instant;

use crate::connect;
use crate::dns::{self, DnsExpect};
use crate::error::Result;
use crate::host::Host;
use crate::http::{self, HttpOptions};
use crate::outcome::{Cause, Failure, Phases, ProbeResult};
use crate::resolver::Resolver;
use crate::target::Target;
use crate::tls::TlsContext;

/// Settings shared by every probe a [`Prober`] runs.
#[derive(Clone, Debug)]
pub struct ProberOptions {
    /// Which nameservers to ask.
    pub resolver: Resolver,
    /// A PEM bundle of extra trusted CAs.
    pub extra_ca: Option<PathBuf>,
    /// Verify certificates (on by default).
    pub verify_tls: bool,
}

impl Default for ProberOptions {
    fn default() -> Self {
        ProberOptions {
            resolver: Resolver::System,
            extra_ca: None,
            verify_tls: true,
        }
    }
}

/// What to probe and what to expect.
#[derive(Clone, Debug)]
pub struct Check {
    /// The target.
    pub target: Target,
    /// The hard deadline covering every phase.
    pub timeout: Duration,
    /// HTTP options (for HTTP targets).
    pub http: HttpOptions,
    /// DNS expectations (for DNS targets).
    pub dns: DnsExpect,
    /// Degraded (`tls_expiring`) when the certificate has fewer days left than this.
    pub cert_warn_days: Option<i64>,
}

/// Default deadline of one probe.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(8);
/// Default expiry warning of TLS certificate checks, in days.
pub const DEFAULT_CERT_WARN_DAYS: i64 = 14;

impl Check {
    /// A check with default options: 8 s deadline, HTTP defaults, and for `tls://` targets
    /// a warning 14 days before the certificate expires.
    pub fn new(target: Target) -> Check {
        let cert_warn_days = matches!(target, Target::Tls { .. }).then_some(DEFAULT_CERT_WARN_DAYS);
        Check {
            target,
            timeout: DEFAULT_TIMEOUT,
            http: HttpOptions::default(),
            dns: DnsExpect::default(),
            cert_warn_days,
        }
    }
}

/// Runs probes; cheap to share behind an `Arc` across tasks.
#[derive(Clone, Debug)]
pub struct Prober {
    pub(crate) resolver: Resolver,
    pub(crate) tls: TlsContext,
}

impl Prober {
    /// Prepares the shared state; fails only on unusable options (e.g. an unreadable CA file).
    pub fn new(options: &ProberOptions) -> Result<Prober> {
        let tls = TlsContext::new(options.extra_ca.as_deref(), options.verify_tls)?;
        Ok(Prober {
            resolver: options.resolver.clone(),
            tls,
        })
    }

    /// Runs one check. Never fails: every problem is a down (or degraded) result with its
    /// layer and cause, and nothing runs past `check.timeout`.
    pub async fn check(&self, check: &Check) -> ProbeResult {
        let started = Instant::now();
        // Durations are bounded where they are parsed; a check built in code may still carry
        // any value, and must not panic.
        let deadline = started + check.timeout.min(crate::MAX_DURATION);
        let mut result = ProbeResult::new();
        match &check.target {
            Target::Http(url) => {
                let net = http::Net {
                    resolver: &self.resolver,
                    tls: &self.tls,
                };
                http::probe(&net, url, &check.http, deadline, &mut result).await;
            }
            Target::Dns { name, kind } => {
                dns::probe(
                    name,
                    *kind,
                    &check.dns,
                    &self.resolver,
                    deadline,
                    &mut result,
                )
                .await;
                result.phases.dns = Some(started.elapsed());
            }
            Target::Tcp { host, port } => {
                let _ = self.connect(host, *port, deadline, &mut result).await;
            }
            Target::Tls { host, port } => self.tls_probe(host, *port, deadline, &mut result).await,
        }
        result.phases.total = started.elapsed();
        if result.failure.is_none() {
            self.judge_degraded(check, &mut result);
        }
        result
    }

    /// Resolves and connects, recording the DNS and connect phases; a failure is recorded too.
    async fn connect(
        &self,
        host: &Host,
        port: u16,
        deadline: Instant,
        result: &mut ProbeResult,
    ) -> Option<tokio::net::TcpStream> {
        let mut phases = Phases::default();
        let opened = connect::open(&self.resolver, host, port, deadline, &mut phases, result).await;
        result.phases.add_hop(&phases);
        match opened {
            Ok((stream, _)) => Some(stream),
            Err(failure) => {
                result.fail(failure);
                None
            }
        }
    }

    async fn tls_probe(&self, host: &Host, port: u16, deadline: Instant, result: &mut ProbeResult) {
        let Some(stream) = self.connect(host, port, deadline, result).await else {
            return;
        };
        let started = Instant::now();
        let (outcome, info) = self.tls.handshake(stream, host, &[], deadline).await;
        result.phases.tls = Some(started.elapsed());
        result.tls = Some(info);
        if let Err(failure) = outcome {
            result.fail(failure);
        }
    }

    fn judge_degraded(&self, check: &Check, result: &mut ProbeResult) {
        let days_left = result.tls.as_ref().and_then(|t| t.days_left);
        if let (Some(warn), Some(days)) = (check.cert_warn_days, days_left) {
            if days < warn {
                let text = crate::said::say(crate::MessageId::TlsExpiring)
                    .arg("days", downwatch_text::Value::count(days));
                result.fail(Failure::new(Cause::TlsExpiring, text));
                return;
            }
        }
        if let Some(limit) = check
            .http
            .degraded_after
            .filter(|_| matches!(check.target, Target::Http(_)))
        {
            if result.phases.total > limit {
                let took = u64::try_from(result.phases.total.as_millis()).unwrap_or(u64::MAX);
                let text = crate::said::say(crate::MessageId::TooSlow)
                    .arg("took", downwatch_text::Value::Millis(took))
                    .arg("limit", downwatch_text::Value::code(limit.as_secs_f64()));
                result.fail(Failure::new(Cause::TooSlow, text));
            }
        }
    }
}

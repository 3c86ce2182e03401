//! Shared set-up for the probe tests: a whole test bed on loopback and a prober that
//! trusts its CA and asks its DNS server (never the system's).

#![allow(dead_code, clippy::unwrap_used)]

use std::time::Duration;

use downwatch_probe::{Check, ProbeResult, Prober, ProberOptions, RecordKind, Resolver, Target};
use downwatch_testbed::TestBed;

pub struct Env {
    pub bed: TestBed,
    _dir: tempfile::TempDir,
    pub prober: Prober,
}

pub async fn env() -> Env {
    env_with(true, true).await
}

/// `trust_ca`: add the bed's CA; `verify`: verify certificates at all.
pub async fn env_with(trust_ca: bool, verify: bool) -> Env {
    let dir = tempfile::tempdir().unwrap();
    let bed = TestBed::start("127.0.0.1".parse().unwrap(), dir.path())
        .await
        .unwrap();
    let options = ProberOptions {
        resolver: Resolver::Server(bed.dns.addr()),
        extra_ca: trust_ca.then(|| bed.ca_path.clone()),
        verify_tls: verify,
    };
    let prober = Prober::new(&options).unwrap();
    Env {
        bed,
        _dir: dir,
        prober,
    }
}

impl Env {
    /// Runs `target` with `timeout` and lets `tune` adjust the check first.
    pub async fn run_with(
        &self,
        target: &str,
        timeout: Duration,
        tune: impl FnOnce(&mut Check),
    ) -> ProbeResult {
        let kind = if target.starts_with("dns://") {
            target
                .rsplit_once('#')
                .map_or(RecordKind::A, |(_, k)| k.parse().unwrap())
        } else {
            RecordKind::A
        };
        let text = target.split('#').next().unwrap();
        let mut check = Check::new(Target::parse(text, kind).unwrap());
        check.timeout = timeout;
        tune(&mut check);
        // Measured from outside: the probe's own `total` could be wrong in the same way.
        let started = std::time::Instant::now();
        let result = self.prober.check(&check).await;
        let took = started.elapsed();
        // The deadline holds for every phase: nothing runs past it by more than a second.
        assert!(
            took < timeout + Duration::from_secs(1),
            "{target} took {took:?} with a {timeout:?} deadline"
        );
        assert!(
            result.phases.total <= took,
            "reported total {:?} > measured {took:?}",
            result.phases.total
        );
        result
    }

    pub async fn run(&self, target: &str) -> ProbeResult {
        self.run_with(target, Duration::from_secs(5), |_| {}).await
    }
}

/// Asserts the result is down with `cause` and that the message mentions `needle`.
pub fn assert_down(result: &ProbeResult, cause: &str, needle: &str) {
    let failure = result
        .failure
        .as_ref()
        .unwrap_or_else(|| panic!("expected {cause}, got {result:?}"));
    assert_eq!(failure.cause.code(), cause, "{result:?}");
    assert!(
        failure.message.contains(needle),
        "message {:?} lacks {needle:?}",
        failure.message
    );
}

//! What a run measured, as text for people and as JSON for `bench/https-cpu.sh`.

use std::fmt::Write as _;
use std::time::Duration;

use serde::Serialize;

use crate::usage::Usage;
use crate::{Flavor, HttpsArgs};

/// One probe's outcome.
pub(crate) struct Sample {
    /// Total probe time.
    pub total: Duration,
    /// Time in the TLS handshake.
    pub tls: Duration,
    /// Why it was not up, if it was not.
    pub failure: Option<String>,
    /// Negotiated TLS version.
    pub tls_version: Option<String>,
    /// HTTP version of the response.
    pub http_version: Option<String>,
}

/// The figures of one run.
#[derive(Serialize, Debug)]
pub(crate) struct Report {
    pub tool: &'static str,
    pub target: String,
    pub runtime: &'static str,
    pub probes: usize,
    pub concurrency: usize,
    pub warmup: usize,
    pub failures: usize,
    pub failed_warmup: usize,
    pub wall_s: f64,
    pub cpu_user_us: u128,
    pub cpu_sys_us: u128,
    pub cpu_us_per_probe: f64,
    pub probes_per_s: f64,
    pub median_ms: f64,
    pub p99_ms: f64,
    pub median_tls_ms: f64,
    pub peak_rss_kib: u64,
    pub tls_version: Option<String>,
    pub http_version: Option<String>,
    #[serde(skip)]
    pub failure_messages: Vec<String>,
}

impl Report {
    pub(crate) fn new(
        args: &HttpsArgs,
        samples: Vec<Sample>,
        failed_warmup: usize,
        wall: Duration,
        before: Usage,
        after: Usage,
    ) -> Report {
        let user = after.user.saturating_sub(before.user);
        let system = after.system.saturating_sub(before.system);
        let probes = samples.len();
        let mut totals: Vec<Duration> = samples.iter().map(|s| s.total).collect();
        totals.sort_unstable();
        let mut tls: Vec<Duration> = samples.iter().map(|s| s.tls).collect();
        tls.sort_unstable();
        let first_up = samples.iter().find(|s| s.failure.is_none());
        let failure_messages: Vec<String> =
            samples.iter().filter_map(|s| s.failure.clone()).collect();
        Report {
            tool: "downwatch",
            target: args.target.clone(),
            runtime: match args.runtime {
                Flavor::CurrentThread => "current-thread",
                Flavor::MultiThread => "multi-thread(2)",
            },
            probes,
            concurrency: args.concurrency,
            warmup: args.warmup,
            failures: failure_messages.len(),
            failed_warmup,
            wall_s: wall.as_secs_f64(),
            cpu_user_us: user.as_micros(),
            cpu_sys_us: system.as_micros(),
            cpu_us_per_probe: (user + system).as_secs_f64() * 1e6 / probes.max(1) as f64,
            probes_per_s: probes as f64 / wall.as_secs_f64(),
            median_ms: millis(percentile(&totals, 50.0)),
            p99_ms: millis(percentile(&totals, 99.0)),
            median_tls_ms: millis(percentile(&tls, 50.0)),
            peak_rss_kib: after.max_rss_kib,
            tls_version: first_up.and_then(|s| s.tls_version.clone()),
            http_version: first_up.and_then(|s| s.http_version.clone()),
            failure_messages,
        }
    }

    /// Valid only when every probe, warm-up included, was up.
    pub(crate) fn valid(&self) -> bool {
        self.failures == 0 && self.failed_warmup == 0
    }

    /// The human-readable report.
    pub(crate) fn text(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(
            out,
            "downwatch-bench https {} ({} runtime, {} probes, concurrency {}, {} warm-up)",
            self.target, self.runtime, self.probes, self.concurrency, self.warmup
        );
        let _ = writeln!(
            out,
            "  negotiated:      {} / {}",
            self.tls_version.as_deref().unwrap_or("?"),
            self.http_version.as_deref().unwrap_or("?")
        );
        let _ = writeln!(
            out,
            "  CPU per probe:   {:.0} µs (user {:.3} s + sys {:.3} s)",
            self.cpu_us_per_probe,
            self.cpu_user_us as f64 / 1e6,
            self.cpu_sys_us as f64 / 1e6
        );
        let _ = writeln!(
            out,
            "  throughput:      {:.0} probes/s ({:.2} s wall)",
            self.probes_per_s, self.wall_s
        );
        let _ = writeln!(
            out,
            "  probe time:      median {:.2} ms, p99 {:.2} ms (TLS median {:.2} ms)",
            self.median_ms, self.p99_ms, self.median_tls_ms
        );
        let _ = writeln!(out, "  peak RSS:        {} KiB", self.peak_rss_kib);
        let verdict = if self.valid() {
            "all probes up".to_owned()
        } else {
            format!(
                "INVALID RUN: {} failed probes ({} in warm-up)",
                self.failures, self.failed_warmup
            )
        };
        let _ = writeln!(out, "  result:          {verdict}");
        out
    }
}

/// Nearest-rank percentile of sorted values.
fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

fn millis(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nearest_rank_percentiles() {
        let ms = |v: &[u64]| {
            v.iter()
                .map(|&m| Duration::from_millis(m))
                .collect::<Vec<_>>()
        };
        let hundred: Vec<u64> = (1..=100).collect();
        for (values, p, want) in [
            (ms(&[]), 50.0, 0),
            (ms(&[7]), 50.0, 7),
            (ms(&[7]), 99.0, 7),
            (ms(&[1, 2, 3, 4]), 50.0, 2),
            (ms(&hundred), 50.0, 50),
            (ms(&hundred), 99.0, 99),
            (ms(&hundred), 100.0, 100),
        ] {
            assert_eq!(
                percentile(&values, p),
                Duration::from_millis(want),
                "p{p} of {values:?}"
            );
        }
    }
}

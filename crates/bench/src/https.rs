//! `downwatch-bench https`: N verified HTTPS probes of one URL through one shared [`Prober`],
//! C at a time, with the process's CPU time measured over the probing alone.

use std::net::IpAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use anyhow::{Context, bail, ensure};
use downwatch_probe::{
    BodyMatch, Check, Host, Prober, ProberOptions, RecordKind, Resolver, Status, Target,
};

use crate::report::{Report, Sample};
use crate::usage::Usage;
use crate::{Flavor, HttpsArgs};

/// Runs the benchmark; `Ok(false)` when a probe failed (the run is then invalid).
pub(crate) fn run(args: &HttpsArgs) -> anyhow::Result<bool> {
    ensure!(args.probes > 0, "--probes must be at least 1");
    ensure!(args.concurrency > 0, "--concurrency must be at least 1");
    let target = Target::parse(&args.target, RecordKind::A)
        .with_context(|| format!("parsing --target {}", args.target))?;
    check_loopback(&target, args.resolver.map(|a| a.ip()))?;
    let options = ProberOptions {
        resolver: args.resolver.map_or(Resolver::System, Resolver::Server),
        extra_ca: Some(args.ca.clone()),
        verify_tls: true,
    };
    // Setup, not measured: the CA file and the system's roots are read once here, as a
    // long-running monitor does once at start.
    let prober = Arc::new(Prober::new(&options).context("preparing the prober")?);
    let mut check = Check::new(target);
    for header in &args.headers {
        let (name, value) = header
            .split_once(':')
            .with_context(|| format!("--header `{header}` must be written `Name: value`"))?;
        let name = downwatch_probe::parse_header_name(name).map_err(anyhow::Error::msg)?;
        let value =
            downwatch_probe::parse_header_value(&name, value).map_err(anyhow::Error::msg)?;
        check.http.headers.push((name, value));
    }
    check.http.body_match = args.keyword.as_deref().map(BodyMatch::keyword);
    let check = Arc::new(check);

    let runtime = match args.runtime {
        // The resident monitor's runtime: see docs/benchmarks.md for why one thread.
        Flavor::CurrentThread => tokio::runtime::Builder::new_current_thread(),
        Flavor::MultiThread => {
            let mut builder = tokio::runtime::Builder::new_multi_thread();
            builder.worker_threads(2);
            builder
        }
    }
    .enable_all()
    .build()
    .context("starting the tokio runtime")?;

    let report = runtime.block_on(async {
        let warmup = probe_all(&prober, &check, args.warmup, args.concurrency).await?;
        let before = Usage::now()?;
        let started = Instant::now();
        let samples = probe_all(&prober, &check, args.probes, args.concurrency).await?;
        let wall = started.elapsed();
        let after = Usage::now()?;
        let failed_warmup = warmup.iter().filter(|s| s.failure.is_some()).count();
        anyhow::Ok(Report::new(
            args,
            samples,
            failed_warmup,
            wall,
            before,
            after,
        ))
    })?;

    if args.json {
        println!("{}", serde_json::to_string(&report)?);
    } else {
        print!("{}", report.text());
    }
    for message in report.failure_messages.iter().take(5) {
        eprintln!("downwatch-bench: failed probe: {message}");
    }
    Ok(report.valid())
}

/// Runs `count` probes with `concurrency` in flight, each worker task taking the next probe
/// as soon as its previous one is done (a closed loop, like a load generator).
async fn probe_all(
    prober: &Arc<Prober>,
    check: &Arc<Check>,
    count: usize,
    concurrency: usize,
) -> anyhow::Result<Vec<Sample>> {
    let next = Arc::new(AtomicUsize::new(0));
    let mut workers = tokio::task::JoinSet::new();
    for _ in 0..concurrency.min(count) {
        let (prober, check, next) = (prober.clone(), check.clone(), next.clone());
        workers.spawn(async move {
            let mut samples = Vec::with_capacity(count / concurrency + 1);
            while next.fetch_add(1, Ordering::Relaxed) < count {
                let result = prober.check(&check).await;
                samples.push(Sample {
                    total: result.phases.total,
                    tls: result.phases.tls.unwrap_or(Duration::ZERO),
                    failure: (result.status != Status::Up).then(|| {
                        result.failure.map_or_else(
                            || format!("status {}", result.status.as_str()),
                            |f| format!("{}: {}", f.cause.code(), f.message),
                        )
                    }),
                    tls_version: result.tls.and_then(|t| t.version),
                    http_version: result.http.and_then(|h| h.version),
                });
            }
            samples
        });
    }
    let mut all = Vec::with_capacity(count);
    while let Some(joined) = workers.join_next().await {
        all.extend(joined.context("a probe task panicked")?);
    }
    Ok(all)
}

/// The benchmark sends traffic to loopback only: an IP target must be a loopback address,
/// and a name must be `localhost` or be resolved by a DNS server on loopback (the test bed's).
fn check_loopback(target: &Target, resolver: Option<IpAddr>) -> anyhow::Result<()> {
    let Target::Http(url) = target else {
        bail!("--target must be an https:// URL");
    };
    ensure!(url.scheme() == "https", "--target must be an https:// URL");
    let host_text = url.host_str().unwrap_or_default();
    let host = Host::parse(host_text).with_context(|| format!("host of {url}"))?;
    let loopback = match host {
        Host::Ip(ip) => ip.is_loopback(),
        Host::Name(name) => {
            name.ascii() == "localhost" || resolver.is_some_and(|ip| ip.is_loopback())
        }
    };
    ensure!(
        loopback,
        "refusing {url}: the benchmark probes loopback only (an IP in 127.0.0.0/8 or ::1, \
         localhost, or a name with --resolver on loopback)"
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_loopback_targets_are_accepted() {
        let dns = Some(IpAddr::from([127, 0, 0, 1]));
        let remote_dns = Some(IpAddr::from([192, 0, 2, 1]));
        for (url, resolver, ok) in [
            ("https://127.0.0.1:8443/", None, true),
            ("https://127.3.2.1/", None, true),
            ("https://[::1]:8443/", None, true),
            ("https://localhost:8443/", None, true),
            ("https://ok.test:8443/", dns, true),
            ("https://ok.test:8443/", None, false),
            ("https://ok.test:8443/", remote_dns, false),
            ("https://192.0.2.1/", None, false),
            ("http://127.0.0.1/", None, false),
        ] {
            let target = Target::parse(url, RecordKind::A).unwrap();
            assert_eq!(check_loopback(&target, resolver).is_ok(), ok, "{url}");
        }
    }
}

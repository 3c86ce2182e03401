//! What the history examples share: watch names, and the check and message records they
//! write through the store (the shape of a real HTTPS check: every phase, an address, a
//! failure with its message for a down check).
// Each example uses the part it needs.
#![allow(dead_code)]

use std::time::{Duration, Instant, SystemTime};

use downwatch_probe::{Cause, Layer, Phases, Status};
use downwatch_store::{CheckRecord, Failure, MessageRef};

/// The name of watch number `w`.
pub fn name(w: u64) -> String {
    format!("watch {w:02}")
}

/// A catalog message `id` with an address argument.
pub fn message(id: &str) -> MessageRef {
    MessageRef {
        id: id.into(),
        args: [(
            "address".to_owned(),
            serde_json::Value::from("203.0.113.7:443"),
        )]
        .into_iter()
        .collect(),
    }
}

/// Watch `w`'s check at `at` every `interval_s`: up with phases grown by `jitter_us` (a
/// quarter of it on each phase, all of it on the total, so the histograms hold more than one
/// bucket), or down on a TCP timeout.
pub fn check(w: u64, at: SystemTime, interval_s: u64, jitter_us: u64, down: bool) -> CheckRecord {
    let us = |n: u64| Some(Duration::from_micros(n + jitter_us / 4));
    CheckRecord {
        watch: name(w),
        at,
        interval: Duration::from_secs(interval_s),
        status: if down { Status::Down } else { Status::Up },
        judged: true,
        failure: down.then(|| Failure {
            layer: Layer::Tcp,
            cause: Cause::TcpTimeout,
            message: message("cause-tcp-timeout"),
        }),
        phases: Phases {
            dns: us(2_100),
            connect: if down {
                Some(Duration::from_secs(8))
            } else {
                us(11_000)
            },
            tls: if down { None } else { us(24_000) },
            ttfb: if down { None } else { us(80_000) },
            total: Duration::from_micros(if down { 8_000_000 } else { 120_000 + jitter_us }),
        },
        address: Some("203.0.113.7:443".parse().expect("address")),
        http_status: (!down).then_some(200),
    }
}

/// Runs `f` and prints `round what: N ms (its result)`.
pub fn time<E>(round: &str, what: &str, f: impl FnOnce() -> Result<usize, E>) -> Result<(), E> {
    let began = Instant::now();
    let n = f()?;
    println!(
        "{round:5} {what}: {:.2} ms ({n})",
        began.elapsed().as_secs_f64() * 1e3
    );
    Ok(())
}

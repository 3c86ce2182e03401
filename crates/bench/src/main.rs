//! `downwatch-bench`: measures what Downwatch's probe engine costs, on this machine, against
//! local servers (the `downwatch-testbed` binary). Not a timed test: it prints figures for
//! `docs/benchmarks.md` and fails only when a probe fails, which invalidates the run.
//!
//! `bench/https-cpu.sh` drives it side by side with blackbox_exporter and curl; the resident
//! benchmarks (`bench/scale.sh`, `bench/resident.sh`, `bench/alarm-latency.sh`) use `serve`
//! for servers to break and `lateness` and `alarms` to read the resident's events file.

mod alarms;
mod events;
mod https;
mod lateness;
mod report;
mod serve;
mod usage;

use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};

/// Benchmarks of Downwatch's probe engine.
#[derive(Parser, Debug)]
#[command(version)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// CPU time per HTTPS probe and probes per second: one shared prober, N verified probes
    /// with a full TLS handshake each, C in flight at once.
    Https(HttpsArgs),
    /// Lateness of the resident's checks against their schedule (`late_ms`), probes per
    /// second and what the checks found, from its `--events` file.
    Lateness(LatenessArgs),
    /// Time from each injected fault to the "down" notification naming its watch, from the
    /// resident's `--events` file and a faults file.
    Alarms(AlarmsArgs),
    /// N tiny HTTP servers on loopback, one port each (to break one at a time); prints
    /// their addresses as JSON and runs until stdin closes.
    Serve(ServeArgs),
}

/// Arguments of `downwatch-bench lateness`.
#[derive(clap::Args, Debug)]
pub(crate) struct LatenessArgs {
    /// The resident's events file (JSON lines).
    #[arg(long)]
    events: PathBuf,
    /// Count only checks recorded at or after this time (Unix milliseconds).
    #[arg(long)]
    from_ms: Option<i64>,
    /// Count only checks recorded at or before this time (Unix milliseconds).
    #[arg(long)]
    to_ms: Option<i64>,
    /// Leave out each watch's first N checks (the first round starts spread over an
    /// interval after start-up, not on a schedule kept before).
    #[arg(long, default_value_t = 1)]
    skip_first: usize,
    /// One JSON object on stdout instead of the text report.
    #[arg(long)]
    json: bool,
}

/// Arguments of `downwatch-bench alarms`.
#[derive(clap::Args, Debug)]
pub(crate) struct AlarmsArgs {
    /// The resident's events file (JSON lines).
    #[arg(long)]
    events: PathBuf,
    /// The injected faults: JSON lines `{"watch": NAME, "kind": KIND, "at_ms": UNIX_MS}`.
    #[arg(long)]
    faults: PathBuf,
    /// The command hook's log: lines `RECEIVED_UNIX_MS JSON`.
    #[arg(long)]
    hook: Option<PathBuf>,
    /// One JSON object on stdout instead of the text report.
    #[arg(long)]
    json: bool,
}

/// Arguments of `downwatch-bench serve`.
#[derive(clap::Args, Debug)]
pub(crate) struct ServeArgs {
    /// How many servers (ports).
    #[arg(long, default_value_t = 1)]
    count: usize,
    /// The address they bind to (loopback only).
    #[arg(long, default_value = "127.0.0.1")]
    bind: IpAddr,
}

/// Arguments of `downwatch-bench https`.
#[derive(clap::Args, Debug)]
pub(crate) struct HttpsArgs {
    /// The URL every probe fetches, e.g. https://127.0.0.1:PORT/ (must be on loopback).
    #[arg(long)]
    target: String,
    /// A PEM file with the CA that signed the target's certificate.
    #[arg(long)]
    ca: PathBuf,
    /// A DNS server to ask for host names (the test bed's), instead of the system's resolver.
    #[arg(long)]
    resolver: Option<SocketAddr>,
    /// How many probes to measure.
    #[arg(long, default_value_t = 2000)]
    probes: usize,
    /// How many probes are in flight at once.
    #[arg(long, default_value_t = 8)]
    concurrency: usize,
    /// Probes run before measuring, so one-time costs (first allocations, lazy statics) are
    /// not counted.
    #[arg(long, default_value_t = 20)]
    warmup: usize,
    /// The tokio runtime the probes run on.
    #[arg(long, value_enum, default_value_t = Flavor::CurrentThread)]
    runtime: Flavor,
    /// Extra request header, `Name: value` (repeatable), e.g. `Accept-Encoding: gzip`.
    #[arg(long = "header", value_name = "NAME: VALUE")]
    headers: Vec<String>,
    /// A keyword the (decoded) body must contain, so the whole body is read and searched.
    #[arg(long)]
    keyword: Option<String>,
    /// One JSON object on stdout instead of the text report.
    #[arg(long)]
    json: bool,
}

/// Which tokio runtime to run the probes on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub(crate) enum Flavor {
    /// One thread: what the resident monitor uses (see docs/benchmarks.md).
    CurrentThread,
    /// Two worker threads (one per core of the reference machine), for comparison.
    MultiThread,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let outcome = match cli.command {
        Command::Https(args) => https::run(&args),
        Command::Lateness(args) => lateness::run(&args),
        Command::Alarms(args) => alarms::run(&args),
        Command::Serve(args) => serve::run(&args),
    };
    match outcome {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::FAILURE,
        Err(error) => {
            eprintln!("downwatch-bench: {error:#}");
            ExitCode::from(2)
        }
    }
}

//! Command-line arguments.

use std::path::PathBuf;
use std::time::Duration;

use clap::{Args, Parser, Subcommand};
use downwatch_probe::{RecordKind, Resolver, StatusSet};

/// Downwatch: is it down, is it me, and what exactly is broken?
#[derive(Debug, Parser)]
#[command(name = "downwatch", version, about, propagate_version = true)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// Subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Diagnose a target layer by layer (DNS, TCP, TLS, HTTP) and exit 0 up, 1 degraded,
    /// 2 down, 3 unknown.
    Check(Box<CheckArgs>),
    /// Monitor the configured watches and notify (the resident), with a tray icon;
    /// `--headless` runs without it (servers, tiling window managers).
    Run(RunArgs),
    /// Every watch's state from the history: since when, last latency, uptime over 24 h,
    /// open incidents; exit 0 all up, 1 one degraded, 2 one down, 3 unknown.
    Status(crate::status::StatusArgs),
    /// Export the history (checks, incidents or notifications) as CSV or JSON Lines.
    Export(crate::export::ExportArgs),
    /// Open the history window, at a watch or an incident (exits 3 when the window is not
    /// installed).
    Open(OpenArgs),
}

/// `downwatch open` arguments.
#[derive(Debug, Args)]
pub struct OpenArgs {
    /// Open at this watch's page.
    #[arg(long, value_name = "NAME", conflicts_with = "incident")]
    pub watch: Option<String>,
    /// Open at this incident (the id in events and notifications).
    #[arg(long, value_name = "ID")]
    pub incident: Option<String>,
    /// The resident's API socket (default: as `run`'s `--socket`): the resident there starts
    /// the window; without one, this command does, and the window starts the resident.
    #[arg(long, value_name = "PATH")]
    pub socket: Option<PathBuf>,
}

/// `downwatch run` arguments.
#[derive(Debug, Args)]
pub struct RunArgs {
    /// Run without a tray icon (notifications, command hook and events still work).
    #[arg(long)]
    pub headless: bool,
    /// Configuration file (default: the OS config directory's downwatch/config.toml,
    /// created with a commented default on first run).
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Where state that must survive a restart is kept (default: the OS data directory's
    /// downwatch/).
    #[arg(long, value_name = "DIR")]
    pub data_dir: Option<PathBuf>,
    /// Also write one JSON object per line for every check, verdict, state change, incident
    /// and notification: `-` for standard output, or a file (appended).
    #[arg(long, value_name = "-|FILE")]
    pub events: Option<PathBuf>,
    /// The local API's socket (default: $XDG_RUNTIME_DIR/downwatch/api.sock, or
    /// /tmp/downwatch-<uid>/api.sock without it). One resident per socket.
    #[arg(long, value_name = "PATH")]
    pub socket: Option<PathBuf>,
}

/// `downwatch check` arguments.
#[derive(Debug, Args)]
pub struct CheckArgs {
    /// https://host/path, http://..., tcp://host:port, tls://host[:port] or dns://name
    pub target: String,
    /// Record type for dns:// targets: A, AAAA, CNAME, MX, TXT or NS.
    #[arg(long = "type", value_name = "TYPE", default_value = "A", value_parser = parse_kind)]
    pub record_type: RecordKind,
    /// Ask this DNS server instead of the system's (IP or IP:PORT).
    #[arg(long, value_name = "IP[:PORT]", value_parser = Resolver::parse)]
    pub resolver: Option<Resolver>,
    /// Also trust the CA certificates in this PEM file.
    #[arg(long, value_name = "FILE")]
    pub ca: Option<PathBuf>,
    /// Do not verify TLS certificates (they are still reported).
    #[arg(long, short = 'k')]
    pub insecure: bool,
    /// Deadline for the whole check, every phase included (e.g. 3s, 500ms).
    #[arg(long, value_name = "DURATION", default_value = "8s", value_parser = parse_duration)]
    pub timeout: Duration,
    /// HTTP status codes that count as up, e.g. 200-299,304.
    #[arg(long, value_name = "SET", value_parser = parse_status)]
    pub expect_status: Option<StatusSet>,
    /// A text the body must contain (case-sensitive).
    #[arg(long, value_name = "TEXT", conflicts_with = "regex")]
    pub keyword: Option<String>,
    /// A regular expression the body must match.
    #[arg(long, value_name = "PATTERN")]
    pub regex: Option<String>,
    /// The keyword or regex must NOT appear (e.g. an error banner).
    #[arg(long)]
    pub absent: bool,
    /// HTTP method.
    #[arg(long, short = 'X', default_value = "GET")]
    pub method: String,
    /// Extra request header, `Name: value` (repeatable).
    #[arg(long, short = 'H', value_name = "HEADER")]
    pub header: Vec<String>,
    /// Redirects to follow (0: report the redirect itself).
    #[arg(long, value_name = "N", default_value_t = 10)]
    pub max_redirects: u32,
    /// Report degraded when the check takes longer than this.
    #[arg(long, value_name = "DURATION", value_parser = parse_duration)]
    pub degraded_after: Option<Duration>,
    /// Never read more than this many bytes of body.
    #[arg(long, value_name = "BYTES", default_value_t = 1024 * 1024)]
    pub body_cap: usize,
    /// Degraded when the certificate expires in fewer days (default 14 for tls://).
    #[arg(long, value_name = "DAYS")]
    pub cert_warn_days: Option<i64>,
    /// Expected DNS response code for dns:// targets (default NOERROR).
    #[arg(long, value_name = "RCODE", value_parser = downwatch_probe::resolver::parse_rcode)]
    pub expect_rcode: Option<String>,
    /// A text that one DNS answer must contain.
    #[arg(long, value_name = "TEXT")]
    pub expect_answer: Option<String>,
    /// Print one JSON object instead of text.
    #[arg(long, conflicts_with = "nagios")]
    pub json: bool,
    /// Print the monitoring-plugins format (status line with performance data).
    #[arg(long)]
    pub nagios: bool,
}

fn parse_kind(text: &str) -> Result<RecordKind, String> {
    text.parse()
        .map_err(|e: downwatch_probe::Error| e.to_string())
}

fn parse_status(text: &str) -> Result<StatusSet, String> {
    text.parse()
        .map_err(|e: downwatch_probe::Error| e.to_string())
}

fn parse_duration(text: &str) -> Result<Duration, String> {
    let duration = downwatch_probe::parse_duration(text).map_err(|e| e.to_string())?;
    if duration.is_zero() {
        return Err("the duration must be more than zero".into());
    }
    Ok(duration)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_need_a_unit_and_must_be_positive() {
        assert_eq!(
            parse_duration("1500ms").unwrap(),
            Duration::from_millis(1500)
        );
        assert!(parse_duration("3").is_err());
        assert!(parse_duration("0s").is_err());
    }

    #[test]
    fn clap_definition_is_consistent() {
        use clap::CommandFactory;
        Cli::command().debug_assert();
    }
}

//! The `downwatch` command. Exit codes follow the monitoring-plugins convention so that
//! `downwatch check` also works as a Nagios/Icinga check: 0 up, 1 degraded, 2 down,
//! 3 unknown (bad arguments, unreadable files).

mod api;
mod arena;
mod args;
mod check;
mod desktop;
mod export;
mod history;
mod metrics;
mod open;
mod recorder;
mod render;
mod run;
mod status;
mod status_live;

use std::process::ExitCode;

use clap::Parser;

use crate::args::{Cli, Command};

/// Exit code for "unknown": the check could not be run as asked.
const EXIT_UNKNOWN: u8 = 3;

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(error) => return usage_error(&error),
    };
    match cli.command {
        Command::Check(args) => check::run(&args),
        Command::Run(args) => run::run(&args),
        Command::Open(args) => open::run(&args),
        Command::Status(args) => status::run(&args),
        Command::Export(args) => export::run(&args),
    }
}

/// Help and version go to stdout with 0; every other usage error is one line on stderr
/// and exit 3 (clap's own 2 would read as "down" to a monitoring system).
fn usage_error(error: &clap::Error) -> ExitCode {
    use clap::error::ErrorKind;
    match error.kind() {
        ErrorKind::DisplayHelp | ErrorKind::DisplayVersion => {
            let _ = error.print();
            ExitCode::SUCCESS
        }
        ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand | ErrorKind::MissingSubcommand => {
            let _ = error.print();
            ExitCode::from(EXIT_UNKNOWN)
        }
        _ => {
            let text = error.render().to_string();
            let first = text.lines().next().unwrap_or("error: invalid arguments");
            eprintln!(
                "downwatch: {} (see `downwatch --help`)",
                first.trim_start_matches("error: ")
            );
            ExitCode::from(EXIT_UNKNOWN)
        }
    }
}

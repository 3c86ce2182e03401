//! `downwatch open`: opens the history window (at a watch or an incident), the same path as
//! the tray's Open history and a notification's Details. Until the window is part of
//! Downwatch, it says so in the user's language and exits with 3.

use std::io::IsTerminal;
use std::process::ExitCode;

use downwatch_monitor::IncidentId;
use downwatch_text::{Catalog, Lang};
use downwatch_tray::window::{self, At};

use crate::EXIT_UNKNOWN;
use crate::args::OpenArgs;

/// Opens the window; 0 when it opened, 3 when it cannot.
pub fn run(args: &OpenArgs) -> ExitCode {
    let at = match (&args.watch, &args.incident) {
        (Some(name), _) => At::Watch(name.clone()),
        (None, Some(id)) => At::Incident(IncidentId(id.clone())),
        (None, None) => At::Overview,
    };
    match window::open(at) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            let text = error.text(&Catalog::new(Lang::system()));
            // As `downwatch check`: a terminal gets the text without isolation marks.
            let text = if std::io::stderr().is_terminal() {
                text.replace(['\u{2066}', '\u{2068}', '\u{2069}'], "")
            } else {
                text
            };
            eprintln!("downwatch: {text}");
            ExitCode::from(EXIT_UNKNOWN)
        }
    }
}

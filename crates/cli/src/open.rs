//! `downwatch open`: opens the history window (at a watch or an incident), the same path as
//! the tray's Open history and a notification's Details. When a resident answers on the
//! socket, it starts the window (and reaps it when it closes); otherwise this command
//! starts it itself, and the window starts the resident. Exits 0 once the window is
//! started (or the open one was asked to show the place), 3 when it cannot be.

use std::io::IsTerminal;
use std::path::Path;
use std::process::ExitCode;
use std::time::Duration;

use downwatch_api::{Answer, Call, Client};
use downwatch_monitor::IncidentId;
use downwatch_text::{Catalog, Lang};
use downwatch_tray::window::{At, Opener};

use crate::EXIT_UNKNOWN;
use crate::args::OpenArgs;

/// How long the resident may take to answer before this command opens the window itself.
const ANSWER_TIMEOUT: Duration = Duration::from_secs(5);

/// Opens the window; 0 when it was started, 3 when it cannot be.
pub fn run(args: &OpenArgs) -> ExitCode {
    let socket = args
        .socket
        .clone()
        .unwrap_or_else(downwatch_api::path::socket_path);
    if through_resident(&socket, args) {
        return ExitCode::SUCCESS;
    }
    let at = match (&args.watch, &args.incident) {
        (Some(name), _) => At::Watch(name.clone()),
        (None, Some(id)) => At::Incident(IncidentId(id.clone())),
        (None, None) => At::Overview,
    };
    match Opener::new(&socket).open(at) {
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

/// Asks the resident at `socket` to open the window; false when there is none, or it could
/// not (then this command tries itself, and words the error in the user's language).
fn through_resident(socket: &Path, args: &OpenArgs) -> bool {
    let Ok(runtime) = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    else {
        return false;
    };
    runtime.block_on(async {
        let ask = async {
            let mut client = Client::connect(socket).await?;
            client
                .call(Call::OpenHistory {
                    watch: args.watch.clone(),
                    incident: args.incident.clone(),
                })
                .await
        };
        matches!(
            tokio::time::timeout(ANSWER_TIMEOUT, ask).await,
            Ok(Ok(Answer::Done))
        )
    })
}

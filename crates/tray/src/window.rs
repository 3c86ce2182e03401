//! Opening the history window: one path for `downwatch open`, the tray's Open history and
//! Settings, a click on a watch's line and a notification's Details. The window is its own
//! process (DESIGN.md, "Processes"); until it is part of Downwatch, opening says so.

use downwatch_monitor::IncidentId;
use downwatch_text::{Catalog, Message, Value};

/// Where the window opens.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum At {
    /// The overview of every watch.
    Overview,
    /// One watch's page.
    Watch(String),
    /// One incident.
    Incident(IncidentId),
    /// The settings.
    Settings,
}

/// Why the window did not open.
#[derive(Debug, thiserror::Error)]
pub enum OpenError {
    /// This build has no history window yet.
    #[error("the history window is not part of this version of Downwatch yet")]
    NotBuilt {
        /// What was asked for.
        at: At,
    },
}

impl OpenError {
    /// The error in the user's language (`open-not-built`).
    pub fn text(&self, catalog: &Catalog) -> String {
        match self {
            OpenError::NotBuilt { at } => {
                let what = match at {
                    At::Overview => Message::new("open-what-overview"),
                    At::Watch(name) => {
                        Message::new("open-what-watch").arg("name", Value::name(name))
                    }
                    At::Incident(id) => {
                        Message::new("open-what-incident").arg("id", Value::code(&id.0))
                    }
                    At::Settings => Message::new("open-what-settings"),
                }
                .render(catalog);
                catalog.text("open-not-built", &[("what", what.into())])
            }
        }
    }
}

/// Opens the history window at `at`, starting it if it is not running.
///
/// # Errors
/// [`OpenError::NotBuilt`] until the window app exists.
pub fn open(at: At) -> Result<(), OpenError> {
    Err(OpenError::NotBuilt { at })
}

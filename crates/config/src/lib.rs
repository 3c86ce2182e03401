//! Downwatch's configuration file: the typed model, parsing and validation of the TOML file
//! (errors with file, line and column), the commented default file, atomic comment-keeping
//! edits, and reloads when the file is edited by hand. It knows nothing of the monitor that
//! runs the config; the monitor, the command line and later the settings screen use it.
//!
//! Modules read top-down: `error`, `raw`, `model`, `values` are leaves; `context` (where an
//! error points) and `rules` (shared validation) sit on them; `entry` builds one check;
//! `watch`, `connectivity` and `notifications` resolve their sections; `parse` puts the file
//! together; `default`, `edit` and `reload` use `parse` (and `atomic`) and nothing uses them.
//!
//! ```no_run
//! # fn demo() -> Result<(), downwatch_config::ConfigError> {
//! let path = downwatch_config::default_path().unwrap_or_else(|| "config.toml".into());
//! let (config, created) = downwatch_config::load_or_create(&path)?;
//! println!("{} watches (new file: {created})", config.watches.len());
//! # Ok(()) }
//! ```

mod atomic;
mod connectivity;
mod context;
mod default;
mod edit;
mod entry;
mod error;
pub mod model;
mod notifications;
mod parse;
mod raw;
mod reload;
mod rules;
mod values;
mod watch;

pub use atomic::{resolve_link, write_atomic};
pub use connectivity::{CONTROL_TIMEOUT, default_controls};
pub use default::{DEFAULT_CONFIG, default_path, load_or_create};
pub use edit::ConfigEditor;
pub use error::{ConfigError, line_column};
pub use model::*;
pub use parse::{load, parse};
pub use reload::{DEBOUNCE, ReloadHandle, Reloads, reload_on_edit};
pub use watch::MAX_NAME_CHARS;

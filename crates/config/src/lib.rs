//! Configuration: the typed model, parsing and validation of the TOML file (errors with file,
//! line and column), the commented default file, atomic comment-keeping edits, and reloads.
//!
//! ```no_run
//! # fn demo() -> Result<(), downwatch_monitor::config::ConfigError> {
//! use downwatch_monitor::config;
//! let path = config::default_path().unwrap_or_else(|| "config.toml".into());
//! let (config, created) = config::load_or_create(&path)?;
//! println!("{} watches (new file: {created})", config.watches.len());
//! # Ok(()) }
//! ```

mod atomic;
mod default;
mod edit;
mod entry;
mod error;
pub mod model;
mod notifications;
mod parse;
mod raw;
mod reload;
mod values;
mod watch;

pub use atomic::{resolve_link, write_atomic};
pub use default::{DEFAULT_CONFIG, controls as default_controls, default_path, load_or_create};
pub use edit::ConfigEditor;
pub use error::{ConfigError, line_column};
pub use model::*;
pub use parse::{CONTROL_TIMEOUT, load, parse};
pub use reload::{DEBOUNCE, ReloadHandle, Reloads, watch};
pub use watch::MAX_NAME_CHARS;

//! The parsing context every rule reports through: which file, its text, and who an error
//! is about, so that every message points at file, line and column.

use std::ops::Range;
use std::path::Path;
use std::time::Duration;

use toml::Spanned;

use crate::error::ConfigError;
use crate::values;

/// Where errors point: the file and its text, and who they are about (`watch "Gmail": `).
pub(crate) struct ParseContext<'a> {
    /// The file, as given.
    pub path: &'a Path,
    /// Its text.
    pub text: &'a str,
    /// Prefix naming the watch or control, empty at the top level.
    pub who: String,
}

impl<'a> ParseContext<'a> {
    /// The same file, about `who` (`watch "Gmail": `, `control #2: `).
    pub fn about(&self, who: String) -> ParseContext<'a> {
        ParseContext {
            path: self.path,
            text: self.text,
            who,
        }
    }

    /// An error at `span`, prefixed with who it is about.
    pub fn err(&self, span: Range<usize>, message: impl std::fmt::Display) -> ConfigError {
        ConfigError::at(self.path, self.text, span, format!("{}{message}", self.who))
    }

    /// Parses a spanned value with `parse`, pointing at it when it is wrong.
    pub fn value<T, R>(
        &self,
        raw: &Option<Spanned<R>>,
        parse: impl FnOnce(&R) -> Result<T, String>,
    ) -> Result<Option<T>, ConfigError> {
        raw.as_ref()
            .map(|s| parse(s.get_ref()).map_err(|m| self.err(s.span(), m)))
            .transpose()
    }

    /// A duration that must be more than zero.
    pub fn positive(
        &self,
        key: &str,
        raw: &Option<Spanned<String>>,
    ) -> Result<Option<Duration>, ConfigError> {
        self.value(raw, |t| {
            values::duration(t).and_then(|d| {
                if d.is_zero() {
                    Err(format!("`{key}` must be more than zero"))
                } else {
                    Ok(d)
                }
            })
        })
    }
}

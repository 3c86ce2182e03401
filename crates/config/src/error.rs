//! The one error type of the configuration layer. Validation errors carry the file, line and
//! column of the offending value, so a hand editor and the settings screen can point at it.

use std::ops::Range;
use std::path::{Path, PathBuf};

/// Why a configuration could not be read, validated, edited, written or watched.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// The file could not be read.
    #[error("cannot read {}: {source}", path.display())]
    Read {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// The file (or its directory) could not be written.
    #[error("cannot write {}: {source}", path.display())]
    Write {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// The text is not valid TOML or breaks a rule; one sentence, pointing at the value.
    #[error("{}:{line}:{column}: {message}", path.display())]
    Invalid {
        /// The file.
        path: PathBuf,
        /// 1-based line of the offending value.
        line: usize,
        /// 1-based column (in characters) of the offending value.
        column: usize,
        /// What is wrong, naming the watch when inside one.
        message: String,
    },
    /// An edit names a watch that the file does not have.
    #[error("no watch named \"{name}\"")]
    NoSuchWatch {
        /// The name asked for.
        name: String,
    },
    /// An edit goes through a key that holds something other than a table.
    #[error("`{key}` is not a table")]
    NotATable {
        /// The dotted key.
        key: String,
    },
    /// The file changed on disk since the editor read it (a hand edit meanwhile): saving
    /// would lose that edit, so nothing is written.
    #[error("{} changed since it was opened for editing; nothing was written (open it again)", path.display())]
    ChangedOnDisk {
        /// The file.
        path: PathBuf,
    },
    /// The file's directory could not be watched for changes.
    #[error("cannot watch {} for changes: {source}", path.display())]
    Watch {
        /// The directory.
        path: PathBuf,
        /// Why.
        source: notify::Error,
    },
}

impl ConfigError {
    /// An [`ConfigError::Invalid`] at the start of `span` in `text`.
    pub(crate) fn at(path: &Path, text: &str, span: Range<usize>, message: String) -> Self {
        let (line, column) = line_column(text, span.start);
        ConfigError::Invalid {
            path: path.to_path_buf(),
            line,
            column,
            message,
        }
    }

    /// A TOML syntax or shape error, at toml's own span, on one line.
    pub(crate) fn from_toml(
        path: &Path,
        text: &str,
        span: Option<Range<usize>>,
        message: &str,
    ) -> Self {
        let message = message
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .collect::<Vec<_>>()
            .join("; ");
        ConfigError::at(path, text, span.unwrap_or(0..0), message)
    }
}

/// 1-based line and column (in characters) of byte `offset` in `text`.
pub fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let column = before[line_start..].chars().count() + 1;
    (line, column)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_and_columns_are_one_based_in_characters() {
        let text = "a = 1\nname = \"واتساب\" x\n";
        assert_eq!(line_column(text, 0), (1, 1));
        assert_eq!(line_column(text, 6), (2, 1));
        let x = text.find(" x").unwrap() + 1;
        assert_eq!(line_column(text, x), (2, 17));
        assert_eq!(line_column(text, text.len()), (3, 1));
    }
}

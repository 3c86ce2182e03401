//! Configuration requests: edits (with the config crate's comment-keeping editor, validated
//! by the file's own rules, written atomically), the field a validation error belongs to,
//! and testing a watch definition once.

use std::path::Path;

use downwatch_api::{ApiError, Edit, ErrorCode};
use downwatch_config::{ConfigEditor, ConfigError, ProbeSettings};
use downwatch_probe::{Check, Prober, ProberOptions};
use serde_json::Value as Json;
use toml_edit::{Array, InlineTable, Item, Table, TableLike, Value};

/// Applies `edits` to the file at `path` and saves it; returns the enabled watches of the
/// new configuration. Nothing is written when an edit or the result is invalid.
pub fn apply(path: &Path, edits: &[Edit]) -> Result<usize, ApiError> {
    let mut editor = ConfigEditor::open(path).map_err(|e| config_error(&e, None))?;
    for edit in edits {
        let done = match edit {
            Edit::Set { table, key, value } => editor.set(table, key, toml(value)?),
            Edit::Remove { table, key } => editor.remove(table, key),
            Edit::SetWatchField { watch, key, value } => {
                editor.set_watch_field(watch, key, toml(value)?)
            }
            Edit::RemoveWatchField { watch, key } => editor.remove_watch_field(watch, key),
            Edit::AddWatch { fields } => {
                let mut table = Table::new();
                for (key, value) in fields {
                    table.insert(key, Item::Value(toml(value)?));
                }
                editor.add_watch(table);
                Ok(())
            }
            Edit::RemoveWatch { watch } => editor.remove_watch(watch),
        };
        done.map_err(|e| config_error(&e, None))?;
    }
    let text = editor.text();
    let config = editor.save().map_err(|e| config_error(&e, Some(&text)))?;
    Ok(config.watches.iter().filter(|w| w.enabled).count())
}

/// A JSON value as the TOML value of the same shape.
fn toml(value: &Json) -> Result<Value, ApiError> {
    let invalid = |why: &str| Err(ApiError::new(ErrorCode::InvalidRequest, why.to_owned()));
    Ok(match value {
        Json::Null => return invalid("TOML has no null: remove the key instead"),
        Json::Bool(b) => Value::from(*b),
        Json::Number(n) => match (n.as_i64(), n.as_f64()) {
            (Some(i), _) => Value::from(i),
            (None, Some(f)) => Value::from(f),
            _ => return invalid("a number out of TOML's range"),
        },
        Json::String(s) => Value::from(s.as_str()),
        Json::Array(items) => {
            let mut array = Array::new();
            for item in items {
                array.push(toml(item)?);
            }
            Value::Array(array)
        }
        Json::Object(fields) => {
            let mut table = InlineTable::new();
            for (key, item) in fields {
                table.insert(key, toml(item)?);
            }
            Value::InlineTable(table)
        }
    })
}

/// A configuration error as the API's: `invalid_config` with the line, the column and,
/// when `text` (the text that was validated) is given, the field at that position.
pub fn config_error(error: &ConfigError, text: Option<&str>) -> ApiError {
    match error {
        ConfigError::Invalid {
            line,
            column,
            message,
            ..
        } => ApiError {
            code: ErrorCode::InvalidConfig,
            message: message.clone(),
            field: text.and_then(|t| field_at(t, *line, *column)),
            line: u32::try_from(*line).ok(),
            column: u32::try_from(*column).ok(),
        },
        ConfigError::NoSuchWatch { .. } => ApiError::new(ErrorCode::NoSuchWatch, error.to_string()),
        ConfigError::NotATable { key } => ApiError {
            field: Some(key.clone()),
            ..ApiError::new(ErrorCode::InvalidConfig, error.to_string())
        },
        ConfigError::ChangedOnDisk { .. } => {
            ApiError::new(ErrorCode::ConfigChanged, error.to_string())
        }
        ConfigError::Read { .. } | ConfigError::Write { .. } | ConfigError::Watch { .. } => {
            ApiError::new(ErrorCode::Internal, error.to_string())
        }
    }
}

/// The dotted key at `line`:`column` (1-based, column in characters) of `text`:
/// `watch[1].interval`, `notifications.group_wait`, or the table whose header is there.
pub fn field_at(text: &str, line: usize, column: usize) -> Option<String> {
    let start = text
        .split_inclusive('\n')
        .take(line.saturating_sub(1))
        .map(str::len)
        .sum::<usize>();
    let rest = text.get(start..)?;
    let offset = start
        + rest
            .char_indices()
            .nth(column.saturating_sub(1))
            .map_or(rest.len(), |(i, _)| i);
    let doc = toml_edit::Document::parse(text).ok()?;
    find(doc.as_table(), offset, "")
}

fn find(table: &dyn TableLike, offset: usize, prefix: &str) -> Option<String> {
    let join = |key: &str| {
        if prefix.is_empty() {
            key.to_owned()
        } else {
            format!("{prefix}.{key}")
        }
    };
    let mut header = None;
    for (key, item) in table.iter() {
        let path = join(key);
        let key_start = table.key(key).and_then(|k| k.span()).map(|s| s.start);
        match item {
            Item::Value(value) => {
                if let (Some(from), Some(span)) = (key_start, value.span()) {
                    if (from..=span.end).contains(&offset) {
                        return Some(path);
                    }
                }
                if let Value::InlineTable(inline) = value {
                    if let Some(found) = find(inline, offset, &path) {
                        return Some(found);
                    }
                }
            }
            Item::Table(t) => {
                if let Some(found) = find(t, offset, &path) {
                    return Some(found);
                }
                if t.span().is_some_and(|s| s.contains(&offset)) {
                    header = Some(path);
                }
            }
            Item::ArrayOfTables(tables) => {
                for (i, t) in tables.iter().enumerate() {
                    let path = format!("{path}[{i}]");
                    if let Some(found) = find(t, offset, &path) {
                        return Some(found);
                    }
                    if t.span().is_some_and(|s| s.contains(&offset)) {
                        header = Some(path);
                    }
                }
            }
            Item::None => {}
        }
    }
    header
}

/// The check and probe settings of a watch definition (the body of one `[[watch]]`),
/// validated by the file's rules with the running file's `[defaults]` and settings. Errors
/// point at the line and column in `body`.
pub fn watch_to_test(path: &Path, body: &str) -> Result<(Check, ProbeSettings), ApiError> {
    let text = std::fs::read_to_string(path).map_err(|e| {
        ApiError::new(
            ErrorCode::Internal,
            format!("cannot read {}: {e}", path.display()),
        )
    })?;
    let mut doc = text
        .parse::<toml_edit::DocumentMut>()
        .map_err(|e| ApiError::new(ErrorCode::InvalidConfig, e.to_string()))?;
    doc.remove("watch");
    let base = format!("{}\n[[watch]]\n", doc.to_string().trim_end());
    let before = base.matches('\n').count();
    let whole = format!("{base}{body}\n");
    match downwatch_config::parse(&whole, path) {
        Ok(config) => config
            .watches
            .into_iter()
            .next()
            .map(|w| (w.check, w.probe))
            .ok_or_else(|| ApiError::new(ErrorCode::InvalidConfig, "no watch defined")),
        Err(error) => {
            let mut api = config_error(&error, Some(&whole));
            if let Some(line) = api.line.as_mut() {
                // Lines of the body, not of the text it was put in; an error above it (in
                // the running file) keeps no line.
                match (*line as usize).checked_sub(before) {
                    Some(in_body) if in_body > 0 => {
                        *line = u32::try_from(in_body).unwrap_or(u32::MAX);
                        api.field = api.field.map(|f| f.replacen("watch[0].", "", 1));
                    }
                    _ => {
                        api.line = None;
                        api.column = None;
                    }
                }
            }
            Err(api)
        }
    }
}

/// Runs the check once; the result as `downwatch check --json` prints it.
pub async fn run_test(check: Check, settings: &ProbeSettings) -> Result<Json, ApiError> {
    let prober = Prober::new(&ProberOptions {
        resolver: settings.resolver.clone(),
        extra_ca: settings.ca.clone(),
        verify_tls: settings.verify_tls,
    })
    .map_err(|e| ApiError::new(ErrorCode::InvalidConfig, e.to_string()))?;
    let result = prober.check(&check).await;
    serde_json::from_str(&crate::render::json(&check, &result))
        .map_err(|e| ApiError::new(ErrorCode::Internal, e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_field_of_a_position_is_its_dotted_key() {
        let text = "[defaults]\ninterval = \"30s\"\n\n[[watch]]\nname = \"A\"\n\n\
                    [[watch]]\nname = \"B\"\ntimeout = 5\n\n[notifications]\ngroup_wait = \"x\"\n";
        assert_eq!(field_at(text, 2, 12).as_deref(), Some("defaults.interval"));
        assert_eq!(field_at(text, 9, 11).as_deref(), Some("watch[1].timeout"));
        assert_eq!(field_at(text, 9, 1).as_deref(), Some("watch[1].timeout"));
        assert_eq!(
            field_at(text, 12, 14).as_deref(),
            Some("notifications.group_wait")
        );
        assert_eq!(field_at(text, 7, 1).as_deref(), Some("watch[1]"));
    }
}

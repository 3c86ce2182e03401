//! Edits from the settings screen: change a key, add or remove a watch, keeping every
//! comment and the formatting of what was not touched; `save` validates the new text first
//! and then writes it atomically (through a symlink, to its target).

use std::path::{Path, PathBuf};

use toml_edit::{ArrayOfTables, DocumentMut, Item, Table, TableLike, Value};

use crate::atomic::write_atomic;
use crate::error::ConfigError;
use crate::model::Config;
use crate::parse::parse;

/// An open configuration file being edited. Nothing reaches the disk before [`save`].
///
/// [`save`]: ConfigEditor::save
#[derive(Debug)]
pub struct ConfigEditor {
    path: PathBuf,
    doc: DocumentMut,
    /// The text as read, to refuse a save over a hand edit made meanwhile.
    original: String,
}

impl ConfigEditor {
    /// Reads the file at `path` (only its TOML syntax is checked here; the rules at `save`).
    pub fn open(path: &Path) -> Result<ConfigEditor, ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
            path: path.to_path_buf(),
            source,
        })?;
        let doc = text
            .parse::<DocumentMut>()
            .map_err(|e| ConfigError::from_toml(path, &text, e.span(), e.message()))?;
        Ok(ConfigEditor {
            path: path.to_path_buf(),
            doc,
            original: text,
        })
    }

    /// The file being edited, as given to [`ConfigEditor::open`].
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The text as it would be saved.
    pub fn text(&self) -> String {
        self.doc.to_string()
    }

    /// Sets `key` of the watch named `name` (case-insensitive), keeping the comments around
    /// a value it replaces.
    pub fn set_watch_field(
        &mut self,
        name: &str,
        key: &str,
        value: impl Into<Value>,
    ) -> Result<(), ConfigError> {
        set_in(self.watch_mut(name)?, key, value.into());
        Ok(())
    }

    /// Removes `key` from the watch named `name`, so that the default applies again.
    pub fn remove_watch_field(&mut self, name: &str, key: &str) -> Result<(), ConfigError> {
        self.watch_mut(name)?.remove(key);
        Ok(())
    }

    /// Appends a `[[watch]]` (its name is checked for uniqueness at save).
    pub fn add_watch(&mut self, watch: Table) {
        match self
            .doc
            .get_mut("watch")
            .and_then(Item::as_array_of_tables_mut)
        {
            Some(watches) => watches.push(watch),
            None => {
                let mut watch = watch;
                self.move_trailing_comments_above(&mut watch);
                let mut watches = ArrayOfTables::new();
                watches.push(watch);
                self.doc.insert("watch", Item::ArrayOfTables(watches));
            }
        }
    }

    /// Removes the watch named `name` (case-insensitive).
    pub fn remove_watch(&mut self, name: &str) -> Result<(), ConfigError> {
        let index = self.watch_index(name)?;
        if let Some(watches) = self
            .doc
            .get_mut("watch")
            .and_then(Item::as_array_of_tables_mut)
        {
            watches.remove(index);
        }
        Ok(())
    }

    /// Sets `key` in the table at the dotted `table` path (`"notifications"`,
    /// `"connectivity"`...), creating the table when missing.
    pub fn set(
        &mut self,
        table: &str,
        key: &str,
        value: impl Into<Value>,
    ) -> Result<(), ConfigError> {
        set_in(self.table_mut(table)?, key, value.into());
        Ok(())
    }

    /// Removes `key` from the table at the dotted `table` path, so the default applies.
    pub fn remove(&mut self, table: &str, key: &str) -> Result<(), ConfigError> {
        self.table_mut(table)?.remove(key);
        Ok(())
    }

    /// Validates the edited text and, when it is valid, writes it atomically and returns the
    /// new configuration. An invalid edit writes nothing and returns the error.
    /// Saving again later works: the editor then compares with what it wrote.
    pub fn save(&mut self) -> Result<Config, ConfigError> {
        let text = self.text();
        let config = parse(&text, &self.path)?;
        let now = std::fs::read_to_string(&self.path).map_err(|source| ConfigError::Read {
            path: self.path.clone(),
            source,
        })?;
        if now != self.original {
            return Err(ConfigError::ChangedOnDisk {
                path: self.path.clone(),
            });
        }
        write_atomic(&self.path, &text)?;
        self.original = text;
        Ok(config)
    }

    fn watch_index(&self, name: &str) -> Result<usize, ConfigError> {
        let wanted = name.trim().to_lowercase();
        self.doc
            .get("watch")
            .and_then(Item::as_array_of_tables)
            .and_then(|watches| {
                watches.iter().position(|w| {
                    w.get("name")
                        .and_then(Item::as_str)
                        .is_some_and(|n| n.trim().to_lowercase() == wanted)
                })
            })
            .ok_or_else(|| ConfigError::NoSuchWatch {
                name: name.to_owned(),
            })
    }

    fn watch_mut(&mut self, name: &str) -> Result<&mut Table, ConfigError> {
        let index = self.watch_index(name)?;
        self.doc
            .get_mut("watch")
            .and_then(Item::as_array_of_tables_mut)
            .and_then(|watches| watches.get_mut(index))
            .ok_or_else(|| ConfigError::NoSuchWatch {
                name: name.to_owned(),
            })
    }

    /// Comments at the end of the file belong to the document, which prints them after every
    /// table: a table added at the end goes below them unless they move onto it.
    fn move_trailing_comments_above(&mut self, table: &mut Table) {
        let trailing = self.doc.trailing().as_str().unwrap_or_default().to_owned();
        if !trailing.trim().is_empty() {
            let separated = format!("{}\n\n", trailing.trim_end());
            table.decor_mut().set_prefix(separated);
            self.doc.set_trailing("");
        }
    }

    fn table_mut(&mut self, path: &str) -> Result<&mut dyn TableLike, ConfigError> {
        if let Some(first) = path.split('.').next().filter(|f| !self.doc.contains_key(f)) {
            let mut table = Table::new();
            self.move_trailing_comments_above(&mut table);
            self.doc.insert(first, Item::Table(table));
        }
        let mut current: &mut dyn TableLike = self.doc.as_table_mut();
        for (i, part) in path.split('.').enumerate() {
            let item = current.entry(part).or_insert_with(|| {
                let mut table = Table::new();
                // An implicit table prints no header of its own until it holds a value.
                table.set_implicit(true);
                Item::Table(table)
            });
            current = item
                .as_table_like_mut()
                .ok_or_else(|| ConfigError::NotATable {
                    key: path.split('.').take(i + 1).collect::<Vec<_>>().join("."),
                })?;
        }
        Ok(current)
    }
}

/// Sets `key` to `value` in `table`, moving the old value's comments and spacing onto the new.
fn set_in(table: &mut (impl TableLike + ?Sized), key: &str, mut value: Value) {
    if let Some(old) = table.get_mut(key).and_then(Item::as_value_mut) {
        *value.decor_mut() = old.decor().clone();
        *old = value;
        return;
    }
    table.insert(key, Item::Value(value));
}

//! The monitor's side of the message catalog: notices, causes, layers and states put into
//! words. The catalog itself (the Fluent files, [`Lang`], the isolation of names and codes in
//! right-to-left text) lives in the `downwatch-text` crate, shared with the probe and the
//! command line: one source of truth for user text.
//!
//! [`Messages::render`] puts a [`Notice`](crate::Notice) into words; [`Messages::text`] formats
//! any message by id for other front ends. Counts and durations go through Fluent's plural
//! selectors, so Arabic gets its six plural categories. A notice's technical line is the
//! probe's message as data ([`Message`]), rendered in the same language.
//!
//! Adding a language: see the `downwatch-text` crate's docs.

mod render;

use std::time::Duration;

use downwatch_probe::{Cause, Layer};
use serde::Serialize;

pub use downwatch_text::{Arg, Catalog, Lang, Message, MessageError, Value};

use crate::state::WatchState;

/// A notification put into words.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Rendered {
    /// One line, the notification's summary.
    pub title: String,
    /// The rest; may hold line breaks.
    pub body: String,
    /// The language of both.
    pub lang: Lang,
}

/// The catalog for one language, with English as the fallback for a message a translation
/// lacks. Cheap to share: `Send + Sync`, read only.
#[derive(Debug)]
pub struct Messages {
    catalog: Catalog,
}

impl Messages {
    /// The catalog for `lang`. Never fails: a broken translation is logged and English
    /// fills the gaps.
    pub fn new(lang: Lang) -> Messages {
        Messages {
            catalog: Catalog::new(lang),
        }
    }

    /// The catalog for `lang`, failing on any parse error (for tests and tools).
    pub fn try_new(lang: Lang) -> Result<Messages, MessageError> {
        Ok(Messages {
            catalog: Catalog::try_new(lang)?,
        })
    }

    /// The underlying catalog (to render a [`Message`]).
    pub fn catalog(&self) -> &Catalog {
        &self.catalog
    }

    /// The language of this catalog.
    pub fn lang(&self) -> Lang {
        self.catalog.lang()
    }

    /// Whether the message `id` exists in this language (without the English fallback).
    pub fn has(&self, id: &str) -> bool {
        self.catalog.has(id)
    }

    /// The ids of every message of a language, in file order (terms excluded).
    pub fn ids(lang: Lang) -> Vec<&'static str> {
        Catalog::ids(lang)
    }

    /// Formats message `id` with `args`, strictly: a missing message or any Fluent error
    /// is an error (no fallback).
    pub fn format(&self, id: &str, args: &[(&str, Arg<'_>)]) -> Result<String, MessageError> {
        self.catalog.format(id, args)
    }

    /// Formats message `id` with `args`, never failing (see [`Catalog::text`]).
    pub fn text(&self, id: &str, args: &[(&str, Arg<'_>)]) -> String {
        self.catalog.text(id, args)
    }

    /// A message as data ([`Message`]) in this language.
    pub fn message(&self, message: &Message) -> String {
        message.render(&self.catalog)
    }

    /// Names joined as a sentence list: "A", "A and B", "A, B and C" (Arabic: «أ، ب وج»).
    pub fn list<S: AsRef<str>>(&self, items: &[S]) -> String {
        self.catalog.list(items)
    }

    /// A duration, humane: "45 s", "12 min", "2 h 5 min", "3 days".
    pub fn duration(&self, duration: Duration) -> String {
        self.catalog.duration(duration)
    }

    /// The phrase for a cause ("The name server failed (SERVFAIL)").
    pub fn cause(&self, cause: Cause) -> String {
        self.text(&format!("cause-{}", cause.code()), &[])
    }

    /// The short name of a layer ("DNS").
    pub fn layer(&self, layer: Layer) -> String {
        self.text(&format!("layer-{}", layer.as_str()), &[])
    }

    /// The descriptive name of a layer ("Name lookup (DNS)").
    pub fn layer_long(&self, layer: Layer) -> String {
        self.text(&format!("layer-{}-long", layer.as_str()), &[])
    }

    /// The name of a watch state ("Down").
    pub fn state(&self, state: WatchState) -> String {
        self.text(&format!("state-{}", state.as_str()), &[])
    }
}

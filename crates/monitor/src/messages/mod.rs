//! The message catalog: every user-facing string of the monitor (notifications now, the tray
//! and the history window later), in English and Arabic, written in Project Fluent files
//! under `locales/` and embedded in the binary.
//!
//! [`Messages::render`] puts a [`Notice`](crate::Notice) into words; [`Messages::text`] formats
//! any message by id for other front ends. Counts and durations go through Fluent's plural
//! selectors, so Arabic gets its six plural categories.
//!
//! # Bidirectional text
//! Fluent wraps every variable (names, codes, addresses) in Unicode isolation marks
//! (U+2068 … U+2069) so that "WhatsApp" or "127.0.0.53:53" keep their order inside Arabic
//! text. Arabic output always keeps them. English output keeps them only when the text holds a
//! right-to-left character (a watch named in Arabic, say): there they still matter; in plain
//! Latin text they change nothing, and stripping them keeps logs, hooks and daemons that lack
//! a glyph for them clean.
//!
//! # Adding a language
//! 1. Copy `locales/en.ftl` to `locales/<code>.ftl` and translate every message (same ids).
//! 2. Add a variant to [`Lang`] and its arms in `Lang::code`, `Lang::ftl`, `Lang::is_rtl` and
//!    `Lang::langid`, and add it to `Lang::ALL`. The compiler points at every match.
//! 3. `cargo test -p downwatch-monitor --test messages` checks that every id and every cause
//!    has a message and that every notice renders without a Fluent error.

mod arg;
mod lang;
mod render;

use std::time::Duration;

use downwatch_probe::{Cause, Layer};
use fluent_bundle::{FluentArgs, FluentResource, FluentValue, concurrent::FluentBundle};
use serde::Serialize;

pub use arg::Arg;
pub use lang::Lang;

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

/// What went wrong in the catalog. In the shipped catalog these are bugs the tests catch;
/// the lossy [`Messages::text`] and [`Messages::render`] log them and still return text.
#[derive(Debug, thiserror::Error)]
pub enum MessageError {
    /// The `.ftl` file of a language does not parse or repeats an id.
    #[error("the {lang:?} catalog does not load: {errors}")]
    Load {
        /// The language.
        lang: Lang,
        /// Fluent's errors, joined.
        errors: String,
    },
    /// No message with this id in the language.
    #[error("no message `{id}` in the {lang:?} catalog")]
    Missing {
        /// The language.
        lang: Lang,
        /// The message id.
        id: String,
    },
    /// The message exists but did not format cleanly (unknown variable, bad reference).
    #[error("message `{id}` in the {lang:?} catalog: {errors}")]
    Format {
        /// The language.
        lang: Lang,
        /// The message id.
        id: String,
        /// Fluent's errors, joined.
        errors: String,
    },
}

type Bundle = FluentBundle<FluentResource>;

/// The catalog for one language, with English as the fallback for a message a translation
/// lacks. Cheap to share: `Send + Sync`, read only.
pub struct Messages {
    lang: Lang,
    bundle: Bundle,
    fallback: Option<Bundle>,
}

impl std::fmt::Debug for Messages {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Messages")
            .field("lang", &self.lang)
            .finish()
    }
}

/// The bundle of a language, with what went wrong loading it (the bundle keeps what parsed).
fn load(lang: Lang) -> (Bundle, Option<MessageError>) {
    let mut bundle = Bundle::new_concurrent(vec![lang.langid()]);
    let mut errors = Vec::new();
    let resource = match FluentResource::try_new(lang.ftl().to_owned()) {
        Ok(resource) => resource,
        Err((resource, parse)) => {
            errors.extend(parse.iter().map(ToString::to_string));
            resource
        }
    };
    if let Err(added) = bundle.add_resource(resource) {
        errors.extend(added.iter().map(ToString::to_string));
    }
    let error = (!errors.is_empty()).then(|| MessageError::Load {
        lang,
        errors: errors.join("; "),
    });
    (bundle, error)
}

fn load_logged(lang: Lang) -> Bundle {
    let (bundle, error) = load(lang);
    if let Some(error) = error {
        tracing::error!(%error, "message catalog");
    }
    bundle
}

impl Messages {
    /// The catalog for `lang`. Never fails: a broken translation is logged and English
    /// fills the gaps.
    pub fn new(lang: Lang) -> Messages {
        let fallback = (lang != Lang::En).then(|| load_logged(Lang::En));
        Messages {
            lang,
            bundle: load_logged(lang),
            fallback,
        }
    }

    /// The catalog for `lang`, failing on any parse error (for tests and tools).
    pub fn try_new(lang: Lang) -> Result<Messages, MessageError> {
        let strict = |lang| match load(lang) {
            (bundle, None) => Ok(bundle),
            (_, Some(error)) => Err(error),
        };
        let fallback = if lang == Lang::En {
            None
        } else {
            Some(strict(Lang::En)?)
        };
        Ok(Messages {
            lang,
            bundle: strict(lang)?,
            fallback,
        })
    }

    /// The language of this catalog.
    pub fn lang(&self) -> Lang {
        self.lang
    }

    /// Whether the message `id` exists in this language (without the English fallback).
    pub fn has(&self, id: &str) -> bool {
        self.bundle.has_message(id)
    }

    /// The ids of every message of a language, in file order (terms excluded).
    pub fn ids(lang: Lang) -> Vec<&'static str> {
        // A message starts at column 0 with a letter; continuation lines are indented,
        // comments start with `#` and terms with `-`.
        lang.ftl()
            .lines()
            .filter(|line| line.starts_with(|c: char| c.is_ascii_alphabetic()))
            .filter_map(|line| line.split_once('=').map(|(id, _)| id.trim()))
            .collect()
    }

    /// Formats message `id` with `args`, strictly: a missing message or any Fluent error
    /// is an error (no fallback).
    pub fn format(&self, id: &str, args: &[(&str, Arg<'_>)]) -> Result<String, MessageError> {
        format_in(&self.bundle, self.lang, id, args)
    }

    /// Formats message `id` with `args`, never failing: a message missing in this language
    /// comes from English, and on any other error the best text Fluent produced (or the id)
    /// is returned and the error logged.
    pub fn text(&self, id: &str, args: &[(&str, Arg<'_>)]) -> String {
        match self.format(id, args) {
            Ok(text) => text,
            Err(error) => {
                tracing::warn!(%error, "message catalog");
                let fallback = self
                    .fallback
                    .as_ref()
                    .filter(|_| !self.bundle.has_message(id));
                let (bundle, lang) = match fallback {
                    Some(bundle) => (bundle, Lang::En),
                    None => (&self.bundle, self.lang),
                };
                lossy(bundle, lang, id, args)
            }
        }
    }

    /// Names joined as a sentence list: "A", "A and B", "A, B and C" (Arabic: «أ، ب وج»).
    pub fn list<S: AsRef<str>>(&self, items: &[S]) -> String {
        self.list_in(items, &mut Vec::new())
    }

    /// A duration, humane: "45 s", "12 min", "2 h 5 min", "3 days".
    pub fn duration(&self, duration: Duration) -> String {
        self.duration_in(duration, &mut Vec::new())
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

fn fluent_args<'a>(args: &'a [(&'a str, Arg<'a>)]) -> FluentArgs<'a> {
    let mut fluent = FluentArgs::with_capacity(args.len());
    for (name, value) in args {
        let value = match value {
            Arg::Text(text) => FluentValue::from(text.as_ref()),
            Arg::Number(n) => FluentValue::from(*n),
        };
        fluent.set(*name, value);
    }
    fluent
}

fn format_in(
    bundle: &Bundle,
    lang: Lang,
    id: &str,
    args: &[(&str, Arg<'_>)],
) -> Result<String, MessageError> {
    let missing = || MessageError::Missing {
        lang,
        id: id.to_owned(),
    };
    let pattern = bundle
        .get_message(id)
        .and_then(|m| m.value())
        .ok_or_else(missing)?;
    let mut errors = Vec::new();
    let text = bundle.format_pattern(pattern, Some(&fluent_args(args)), &mut errors);
    if errors.is_empty() {
        Ok(finish(lang, text.into_owned()))
    } else {
        let errors = errors
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join("; ");
        Err(MessageError::Format {
            lang,
            id: id.to_owned(),
            errors,
        })
    }
}

fn lossy(bundle: &Bundle, lang: Lang, id: &str, args: &[(&str, Arg<'_>)]) -> String {
    let Some(pattern) = bundle.get_message(id).and_then(|m| m.value()) else {
        return id.to_owned();
    };
    let text = bundle.format_pattern(pattern, Some(&fluent_args(args)), &mut Vec::new());
    finish(lang, text.into_owned())
}

/// Drops the isolation marks from left-to-right text that holds no right-to-left character,
/// where they change nothing (see the module docs).
fn finish(lang: Lang, text: String) -> String {
    if lang.is_rtl() || text.chars().any(is_strong_rtl) {
        text
    } else {
        text.replace(['\u{2068}', '\u{2069}'], "")
    }
}

/// Letters of the right-to-left scripts (Hebrew, Arabic, Syriac, Thaana, N'Ko... and their
/// presentation forms).
fn is_strong_rtl(c: char) -> bool {
    matches!(c,
        '\u{0590}'..='\u{08FF}'
        | '\u{FB1D}'..='\u{FDFF}'
        | '\u{FE70}'..='\u{FEFC}'
        | '\u{10800}'..='\u{10FFF}'
        | '\u{1E800}'..='\u{1EFFF}')
}

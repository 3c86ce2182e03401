//! The catalog of one language, loaded from its embedded Fluent file, with English as the
//! fallback for a message a translation lacks.

use std::time::Duration;

use fluent_bundle::{FluentArgs, FluentResource, FluentValue, concurrent::FluentBundle};

use crate::{Arg, Lang};

/// What went wrong in the catalog. In the shipped catalog these are bugs the tests catch;
/// the lossy [`Catalog::text`] logs them and still returns text.
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

/// Errors met while putting a composite text together; the lossy paths log them, the strict
/// ones return the first.
pub type Errors = Vec<MessageError>;

type Bundle = FluentBundle<FluentResource>;

/// The catalog for one language. Cheap to share: `Send + Sync`, read only.
pub struct Catalog {
    lang: Lang,
    bundle: Bundle,
    fallback: Option<Bundle>,
}

impl std::fmt::Debug for Catalog {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Catalog").field("lang", &self.lang).finish()
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

impl Catalog {
    /// The catalog for `lang`. Never fails: a broken translation is logged and English
    /// fills the gaps.
    pub fn new(lang: Lang) -> Catalog {
        let fallback = (lang != Lang::En).then(|| load_logged(Lang::En));
        Catalog {
            lang,
            bundle: load_logged(lang),
            fallback,
        }
    }

    /// The catalog for `lang`, failing on any parse error (for tests and tools).
    pub fn try_new(lang: Lang) -> Result<Catalog, MessageError> {
        let strict = |lang| match load(lang) {
            (bundle, None) => Ok(bundle),
            (_, Some(error)) => Err(error),
        };
        let fallback = if lang == Lang::En {
            None
        } else {
            Some(strict(Lang::En)?)
        };
        Ok(Catalog {
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
                self.lossy(id, args)
            }
        }
    }

    /// Formats strictly, recording an error in `errors` and falling back to the lossy text:
    /// for texts made of several messages, so the strict caller learns of any error.
    pub fn t(&self, id: &str, args: &[(&str, Arg<'_>)], errors: &mut Errors) -> String {
        self.format(id, args).unwrap_or_else(|error| {
            errors.push(error);
            self.lossy(id, args)
        })
    }

    fn lossy(&self, id: &str, args: &[(&str, Arg<'_>)]) -> String {
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

    /// Names joined as a sentence list: "A", "A and B", "A, B and C" (Arabic: «أ، ب وج»).
    pub fn list<S: AsRef<str>>(&self, items: &[S]) -> String {
        self.list_in(items, &mut Vec::new())
    }

    /// A duration, humane: "45 s", "12 min", "2 h 5 min", "3 days".
    pub fn duration(&self, duration: Duration) -> String {
        self.duration_in(duration, &mut Vec::new())
    }

    /// [`Catalog::list`], recording errors.
    pub fn list_in<S: AsRef<str>>(&self, items: &[S], errors: &mut Errors) -> String {
        // Built from the end: "C", "B and C", "A, B and C"; each step isolates the names.
        let mut items = items.iter().rev().map(AsRef::as_ref);
        let Some(last) = items.next() else {
            return String::new();
        };
        let Some(before_last) = items.next() else {
            return last.to_owned();
        };
        let pair = [("first", before_last.into()), ("second", last.into())];
        let mut list = self.t("list-pair", &pair, errors);
        for item in items {
            list = self.t(
                "list-more",
                &[("first", item.into()), ("rest", list.into())],
                errors,
            );
        }
        list
    }

    /// [`Catalog::duration`], recording errors.
    pub fn duration_in(&self, duration: Duration, errors: &mut Errors) -> String {
        let secs = duration.as_secs();
        if secs < 60 {
            return self.t(
                "duration-seconds",
                &[("seconds", to_i64(secs).into())],
                errors,
            );
        }
        // Rounded to the nearest minute: "Down for 2 min" after 1 min 50 s reads right.
        let minutes = (secs + 30) / 60;
        if minutes < 60 {
            return self.t(
                "duration-minutes",
                &[("minutes", to_i64(minutes).into())],
                errors,
            );
        }
        let (hours, minutes) = (minutes / 60, minutes % 60);
        if hours < 24 {
            let args = [
                ("hours", to_i64(hours).into()),
                ("minutes", to_i64(minutes).into()),
            ];
            let id = if minutes == 0 {
                "duration-hours"
            } else {
                "duration-hours-minutes"
            };
            return self.t(id, &args, errors);
        }
        let (days, hours) = (hours / 24, hours % 24);
        let args = [
            ("days", to_i64(days).into()),
            ("hours", to_i64(hours).into()),
        ];
        // Hours matter next to one or two days, not next to a week.
        let id = if hours == 0 || days >= 3 {
            "duration-days"
        } else {
            "duration-days-hours"
        };
        self.t(id, &args, errors)
    }
}

fn to_i64(n: u64) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
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
/// where they change nothing (see the crate docs).
fn finish(lang: Lang, text: String) -> String {
    if lang.is_rtl() || text.chars().any(is_strong_rtl) {
        text
    } else {
        text.replace(['\u{2066}', '\u{2068}', '\u{2069}'], "")
    }
}

/// Letters of the right-to-left scripts (Hebrew, Arabic, Syriac, Thaana, N'Ko... and their
/// presentation forms).
pub(crate) fn is_strong_rtl(c: char) -> bool {
    matches!(c,
        '\u{0590}'..='\u{08FF}'
        | '\u{FB1D}'..='\u{FDFF}'
        | '\u{FE70}'..='\u{FEFC}'
        | '\u{10800}'..='\u{10FFF}'
        | '\u{1E800}'..='\u{1EFFF}')
}

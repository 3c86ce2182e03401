//! The languages Downwatch speaks and how the user's locale picks one.

use serde::Serialize;
use unic_langid::LanguageIdentifier;

/// A language of the user interface. Each variant has a Fluent file in `locales/`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Lang {
    /// English, the fallback for every locale we do not ship.
    #[default]
    En,
    /// Modern Standard Arabic, for every `ar` locale (`ar_EG`, `ar-SA`...); right to left.
    Ar,
}

impl Lang {
    /// Every shipped language.
    pub const ALL: &'static [Lang] = &[Lang::En, Lang::Ar];

    /// The language subtag (`en`, `ar`), as stored in config and sent to hooks.
    pub fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Ar => "ar",
        }
    }

    /// The Fluent source of this language, embedded in the binary.
    pub fn ftl(self) -> &'static str {
        match self {
            Lang::En => include_str!("../locales/en.ftl"),
            Lang::Ar => include_str!("../locales/ar.ftl"),
        }
    }

    /// Whether the language is written right to left (layout mirrors, isolation marks kept).
    pub fn is_rtl(self) -> bool {
        match self {
            Lang::En => false,
            Lang::Ar => true,
        }
    }

    /// The language identifier Fluent uses for plural rules.
    pub fn langid(self) -> LanguageIdentifier {
        // The codes are valid subtags (a test parses each); the default is `und`.
        self.code().parse().unwrap_or_default()
    }

    /// The language for a locale name: `ar`, `ar_EG.UTF-8`, `ar-SA`, `ar_SA@calendar` give
    /// Arabic; `C`, `POSIX`, empty and every language we do not ship give English.
    pub fn from_locale(locale: &str) -> Lang {
        // Strip the codeset (`.UTF-8`) and the modifier (`@euro`), then take the language
        // subtag before `_` (POSIX) or `-` (BCP 47).
        let name = locale.split(['.', '@']).next().unwrap_or_default();
        let language = name.split(['_', '-']).next().unwrap_or_default();
        Lang::ALL
            .iter()
            .copied()
            .find(|lang| language.eq_ignore_ascii_case(lang.code()))
            .unwrap_or_default()
    }

    /// The language from the POSIX locale variables, given their values: the first set and
    /// non-empty one of `LC_ALL`, `LC_MESSAGES`, `LANG` wins, as POSIX orders them; when none
    /// is set, `system` (the OS setting) decides; English when nothing is known.
    pub fn from_env_values(
        lc_all: Option<&str>,
        lc_messages: Option<&str>,
        lang: Option<&str>,
        system: Option<&str>,
    ) -> Lang {
        [lc_all, lc_messages, lang, system]
            .into_iter()
            .flatten()
            .find(|value| !value.trim().is_empty())
            .map(Lang::from_locale)
            .unwrap_or_default()
    }

    /// The user's language: the POSIX variables of this process, then the OS setting (read
    /// with `sys-locale`: the Windows and macOS preferences, `LANGUAGE` on Linux).
    pub fn system() -> Lang {
        let var = |name: &str| std::env::var(name).ok();
        Lang::from_env_values(
            var("LC_ALL").as_deref(),
            var("LC_MESSAGES").as_deref(),
            var("LANG").as_deref(),
            sys_locale::get_locale().as_deref(),
        )
    }
}

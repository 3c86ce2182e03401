//! Downwatch's message catalog: every user-facing text, in English and Arabic, written in
//! Project Fluent files under `locales/` and embedded in the binary; and messages as data
//! ([`Message`]: an id with typed arguments) so a probe result, an event or a stored check
//! can be rendered later in the reader's language.
//!
//! The probe, the monitor and the command line all take their words from here: one source of
//! truth for user text. This crate depends on nothing of Downwatch's.
//!
//! ```
//! use downwatch_text::{Catalog, Lang, Message, Value};
//! let refused = Message::new("tcp-refused").arg("addr", Value::address("127.0.0.1:80"));
//! assert_eq!(refused.english(), "connection refused by 127.0.0.1:80");
//! let arabic = refused.render(&Catalog::new(Lang::Ar));
//! assert!(arabic.contains("\u{2066}127.0.0.1:80\u{2069}"));
//! ```
//!
//! # Bidirectional text
//! Fluent wraps every variable in Unicode first-strong isolates (U+2068 … U+2069), so a
//! watch named "WhatsApp" or in Arabic keeps its order inside text of the other direction.
//! Addresses, codes and numbers ([`Value::Address`], [`Value::Code`], sizes, durations) are
//! also made left-to-right isolates (U+2066 … U+2069) in right-to-left languages, so
//! "127.0.0.1:53" or "[::1]:443" never reorder. Arabic output always keeps the marks; English
//! output keeps them only when the text holds a right-to-left character (a watch named in
//! Arabic, say): in plain Latin text they change nothing, and stripping them keeps logs,
//! hooks, scripts and daemons that lack a glyph for them clean.
//!
//! # Adding a message
//! Add the id to `locales/en.ftl` and `locales/ar.ftl` (same variables in both), then build
//! it as a [`Message`] where it is said. `cargo test -p downwatch-text` fails on an id that
//! lacks its Arabic text or a variable its English text has.
//!
//! # Adding a language
//! 1. Copy `locales/en.ftl` to `locales/<code>.ftl` and translate every message (same ids).
//! 2. Add a variant to [`Lang`] and its arms in `Lang::code`, `Lang::ftl`, `Lang::is_rtl` and
//!    `Lang::langid`, and add it to `Lang::ALL`. The compiler points at every match.
//! 3. `cargo test -p downwatch-text` checks every id and variable of every language.

mod arg;
mod catalog;
mod lang;
mod message;

pub use arg::Arg;
pub use catalog::{Catalog, Errors, MessageError};
pub use lang::Lang;
pub use message::{Message, VERBATIM, Value, english};

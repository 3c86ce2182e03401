//! Messages as data: an id of the catalog with typed arguments, so a result can be stored
//! (the history keeps it as is) and rendered later in whatever language the reader uses.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::fmt::Display;
use std::sync::OnceLock;

use serde::{Deserialize, Serialize};
#[cfg(feature = "ts")]
use ts_rs::TS;

use crate::catalog::{Catalog, Errors};
use crate::{Arg, Lang};

/// A message of the catalog and its arguments; serialized as
/// `{"id": "tcp-refused", "args": {"addr": {"address": "127.0.0.1:80"}}}`.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct Message {
    /// The message id in the Fluent catalog (`tcp-refused`).
    pub id: Cow<'static, str>,
    /// The variables of the message, by name (without the `$`).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub args: BTreeMap<Cow<'static, str>, Value>,
}

/// A typed value for a message variable: the type says how it is shown in each language.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(TS))]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ts", ts(rename = "MessageValue"))]
pub enum Value {
    /// Text from the wire or the user (a keyword, a redirect's location), shown as is.
    Text(String),
    /// A name (a host, a watch, a certificate's subject), which may be in any script.
    Name(String),
    /// An address (IP, IP:port, URL, file path): a left-to-right run even inside Arabic.
    Address(String),
    /// A technical code or number shown as is (`SERVFAIL`, `TLS 1.0`, `gzip`, `503`,
    /// `200-399`): a left-to-right run even inside Arabic.
    Code(String),
    /// A count: selects the plural form.
    Count(i64),
    /// A selector key (`keyword` or `pattern`, `yes` or `no`): never shown, it chooses one
    /// variant of the message.
    Key(String),
    /// A size in bytes, shown as `84 bytes`, `1.5 KiB`, `2.0 MiB` in the reader's language.
    Bytes(u64),
    /// A duration in milliseconds, shown as seconds with two decimals (`4.20`).
    Millis(u64),
}

impl Value {
    /// A [`Value::Address`] from anything displayable (`SocketAddr`, `IpAddr`, a URL).
    pub fn address(value: impl Display) -> Value {
        Value::Address(value.to_string())
    }

    /// A [`Value::Code`] from anything displayable.
    pub fn code(value: impl Display) -> Value {
        Value::Code(value.to_string())
    }

    /// A [`Value::Name`] from anything displayable.
    pub fn name(value: impl Display) -> Value {
        Value::Name(value.to_string())
    }

    /// A [`Value::Text`] from anything displayable.
    pub fn text(value: impl Display) -> Value {
        Value::Text(value.to_string())
    }

    /// A [`Value::Count`], saturating.
    pub fn count(n: impl TryInto<i64>) -> Value {
        Value::Count(n.try_into().unwrap_or(i64::MAX))
    }
}

/// The id of the message that shows a text as it is, in every language (for text that
/// comes from outside the catalog, such as an error of the operating system).
pub const VERBATIM: &str = "verbatim";

impl Message {
    /// Message `id` without arguments yet.
    pub fn new(id: impl Into<Cow<'static, str>>) -> Message {
        Message {
            id: id.into(),
            args: BTreeMap::new(),
        }
    }

    /// Adds variable `name`.
    #[must_use]
    pub fn arg(mut self, name: &'static str, value: Value) -> Message {
        self.args.insert(Cow::Borrowed(name), value);
        self
    }

    /// A text shown as it is in every language ([`VERBATIM`]).
    pub fn verbatim(text: impl Into<String>) -> Message {
        Message::new(VERBATIM).arg("text", Value::Text(text.into()))
    }

    /// The message in `catalog`'s language; never fails (a catalog bug is logged).
    pub fn render(&self, catalog: &Catalog) -> String {
        let mut errors = Errors::new();
        let text = self.render_in(catalog, &mut errors);
        for error in errors {
            tracing::warn!(%error, "message catalog");
        }
        text
    }

    /// The message in `catalog`'s language, recording any missing message, unknown or
    /// missing variable in `errors` (the strict paths and the tests use it).
    pub fn render_in(&self, catalog: &Catalog, errors: &mut Errors) -> String {
        let rtl = catalog.lang().is_rtl();
        let ltr = |text: &str| {
            if rtl {
                // LEFT-TO-RIGHT ISOLATE ... POP DIRECTIONAL ISOLATE: "127.0.0.1:53" or
                // "TLS 1.0" keep their order whatever surrounds them.
                Arg::from(format!("\u{2066}{text}\u{2069}"))
            } else {
                Arg::from(text.to_owned())
            }
        };
        let args: Vec<(&str, Arg<'_>)> = self
            .args
            .iter()
            .map(|(name, value)| {
                let arg = match value {
                    Value::Text(text) | Value::Name(text) | Value::Key(text) => {
                        Arg::from(text.as_str())
                    }
                    Value::Address(text) | Value::Code(text) => ltr(text),
                    Value::Count(n) => Arg::Number(*n),
                    Value::Bytes(n) => Arg::from(size(catalog, *n, errors)),
                    Value::Millis(ms) => ltr(&format!("{:.2}", *ms as f64 / 1000.0)),
                };
                (name.as_ref(), arg)
            })
            .collect();
        catalog.t(&self.id, &args, errors)
    }

    /// The English rendering: what `--json`, the events and the logs carry for scripts.
    pub fn english(&self) -> String {
        self.render(english())
    }
}

impl From<&str> for Message {
    fn from(text: &str) -> Message {
        Message::verbatim(text)
    }
}

impl From<String> for Message {
    fn from(text: String) -> Message {
        Message::verbatim(text)
    }
}

/// `512 bytes`, `1.0 KiB`, `1.0 MiB`, in the catalog's language.
fn size(catalog: &Catalog, n: u64, errors: &mut Errors) -> String {
    let (id, amount) = match n {
        0..1024 => ("size-bytes", n.to_string()),
        1024..1_048_576 => ("size-kib", format!("{:.1}", n as f64 / 1024.0)),
        _ => ("size-mib", format!("{:.1}", n as f64 / 1_048_576.0)),
    };
    let amount = if catalog.lang().is_rtl() {
        format!("\u{2066}{amount}\u{2069}")
    } else {
        amount
    };
    catalog.t(id, &[("n", Arg::from(amount))], errors)
}

/// The English catalog, loaded once: the rendering that results carry for scripts. It is
/// read-only data embedded in the binary, like a constant table, so one shared copy is
/// not global state.
pub fn english() -> &'static Catalog {
    static ENGLISH: OnceLock<Catalog> = OnceLock::new();
    ENGLISH.get_or_init(|| Catalog::new(Lang::En))
}

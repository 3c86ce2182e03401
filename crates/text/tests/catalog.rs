//! The catalog holds together: every language loads, every message has its Arabic text with
//! every variable its English text has, and messages as data render and serialize.
#![allow(clippy::unwrap_used)]

use std::collections::{BTreeMap, BTreeSet};

use downwatch_text::{Catalog, Lang, Message, Value};

/// Each message's source: from its id line to the next line that starts a message, a term,
/// a comment or a blank line at column 0.
fn sources(lang: Lang) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    let mut current: Option<(String, String)> = None;
    for line in lang.ftl().lines() {
        // Indented lines continue a message, and so does the `}` closing a selection.
        let continues = (line.starts_with(' ') || line.starts_with('}')) && current.is_some();
        if continues {
            if let Some((_, text)) = current.as_mut() {
                text.push('\n');
                text.push_str(line);
            }
            continue;
        }
        if let Some((id, text)) = current.take() {
            out.insert(id, text);
        }
        if line.starts_with(|c: char| c.is_ascii_alphabetic()) {
            if let Some((id, text)) = line.split_once('=') {
                current = Some((id.trim().to_owned(), text.to_owned()));
            }
        }
    }
    if let Some((id, text)) = current {
        out.insert(id, text);
    }
    out
}

/// The `$variables` a message's source names.
fn variables(source: &str) -> BTreeSet<String> {
    source
        .split('$')
        .skip(1)
        .map(|rest| {
            rest.chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
                .collect()
        })
        .collect()
}

#[test]
fn every_language_loads_without_an_error() {
    for &lang in Lang::ALL {
        Catalog::try_new(lang).unwrap_or_else(|e| panic!("{e}"));
    }
}

#[test]
fn every_message_has_its_arabic_text_with_every_english_variable() {
    let english = sources(Lang::En);
    assert!(
        english.len() > 150,
        "the parser found {} messages",
        english.len()
    );
    for &lang in Lang::ALL {
        let other = sources(lang);
        let mut missing = Vec::new();
        let mut lacking = Vec::new();
        for (id, source) in &english {
            match other.get(id) {
                None => missing.push(id.clone()),
                Some(translated) => {
                    let want = variables(source);
                    let have = variables(translated);
                    let absent: Vec<_> = want.difference(&have).collect();
                    if !absent.is_empty() {
                        lacking.push(format!("{id}: {absent:?}"));
                    }
                }
            }
        }
        let extra: Vec<_> = other
            .keys()
            .filter(|id| !english.contains_key(*id))
            .collect();
        assert!(missing.is_empty(), "{lang:?} lacks {missing:?}");
        assert!(lacking.is_empty(), "{lang:?} lacks variables: {lacking:#?}");
        assert!(
            extra.is_empty(),
            "{lang:?} has ids English lacks: {extra:?}"
        );
    }
}

#[test]
fn every_message_formats_cleanly_with_its_variables() {
    for &lang in Lang::ALL {
        let catalog = Catalog::try_new(lang).unwrap();
        let english = sources(Lang::En);
        // Every variable of the catalog: a message may take some through another it names.
        let all: BTreeSet<String> = english.values().flat_map(|s| variables(s)).collect();
        for id in english.keys() {
            let mut message = Message::new(id.clone());
            for name in all.clone() {
                let name: &'static str = Box::leak(name.into_boxed_str());
                message = message.arg(name, Value::Count(2));
            }
            let mut errors = Vec::new();
            let text = message.render_in(&catalog, &mut errors);
            assert!(errors.is_empty(), "{lang:?} {id}: {errors:?}");
            assert!(!text.trim().is_empty(), "{lang:?} {id} is empty");
        }
    }
}

#[test]
fn addresses_and_codes_are_left_to_right_runs_inside_arabic_only() {
    let message = Message::new("dns-servfail").arg("server", Value::address("127.0.0.53:53"));
    assert_eq!(message.english(), "SERVFAIL from 127.0.0.53:53");
    let arabic = message.render(&Catalog::new(Lang::Ar));
    assert!(
        arabic.contains("\u{2066}127.0.0.53:53\u{2069}"),
        "{arabic:?}"
    );
    assert!(arabic.contains("\u{2068}SERVFAIL\u{2069}"), "{arabic:?}");
    assert!(arabic.contains("من"), "{arabic:?}");
    // Sizes and durations are numbers in the reader's words.
    let slow = Message::new("too-slow")
        .arg("took", Value::Millis(4_201))
        .arg("limit", Value::code(2));
    assert_eq!(slow.english(), "took 4.20 s, above the 2 s limit");
    let size = Message::new("http-keyword-missing")
        .arg("kind", Value::Key("keyword".into()))
        .arg("pattern", Value::text("Welcome"))
        .arg("size", Value::Bytes(1536));
    assert_eq!(
        size.english(),
        "keyword \"Welcome\" not found in the body (1.5 KiB)"
    );
    let arabic = size.render(&Catalog::new(Lang::Ar));
    assert!(arabic.contains("الكلمة"), "{arabic:?}");
    assert!(arabic.contains("\u{2066}1.5\u{2069}"), "{arabic:?}");
    assert!(arabic.contains("كيلوبايت"), "{arabic:?}");
}

#[test]
fn a_message_is_data_that_round_trips() {
    let message = Message::new("tcp-refused").arg("addr", Value::address("[::1]:443"));
    let json = serde_json::to_string(&message).unwrap();
    assert_eq!(
        json,
        r#"{"id":"tcp-refused","args":{"addr":{"address":"[::1]:443"}}}"#
    );
    let back: Message = serde_json::from_str(&json).unwrap();
    assert_eq!(back, message);
    assert_eq!(back.english(), "connection refused by [::1]:443");
}

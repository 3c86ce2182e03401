//! The message catalog's language mechanics: Arabic plural categories and isolation, list
//! joining, durations, locale mapping and the lossy fallback.
#![allow(clippy::unwrap_used)]

mod messages_support;

use std::time::Duration;

use downwatch_monitor::messages::{Lang, Messages};
use downwatch_monitor::{NoticeKind, WatchState};
use downwatch_probe::{Cause, Layer};
use messages_support::{FSI, PDI, RLM, names, notice, servfail};

#[test]
fn english_durations() {
    let m = Messages::try_new(Lang::En).unwrap();
    let cases = [
        (0, "0 s"),
        (45, "45 s"),
        (90, "2 min"),
        (12 * 60, "12 min"),
        (3600, "1 h"),
        (2 * 3600 + 5 * 60, "2 h 5 min"),
        (86_400, "1 day"),
        (86_400 + 4 * 3600, "1 day 4 h"),
        (3 * 86_400 + 4 * 3600, "3 days"),
    ];
    for (secs, text) in cases {
        assert_eq!(m.duration(Duration::from_secs(secs)), text, "{secs} s");
    }
}

#[test]
fn lists_join_in_both_languages() {
    let en = Messages::try_new(Lang::En).unwrap();
    assert_eq!(en.list::<&str>(&[]), "");
    assert_eq!(en.list(&["A"]), "A");
    assert_eq!(en.list(&["A", "B"]), "A and B");
    assert_eq!(en.list(&["A", "B", "C"]), "A, B and C");
    assert_eq!(en.list(&["A", "B", "C", "D"]), "A, B, C and D");
    let ar = Messages::try_new(Lang::Ar).unwrap();
    let plain = |s: String| s.replace([FSI, PDI, RLM], "");
    assert_eq!(plain(ar.list(&["A", "B"])), "A وB");
    assert_eq!(plain(ar.list(&["A", "B", "C"])), "A، B وC");
    // Every name is isolated on its own, and the list opens with a right-to-left mark so
    // that it is laid out right to left even when every name is Latin.
    assert_eq!(
        ar.list(&["A", "B"]),
        format!("{RLM}{FSI}A{PDI} و{FSI}B{PDI}")
    );
}

#[test]
fn arabic_has_six_plural_forms() {
    let ar = Messages::try_new(Lang::Ar).unwrap();
    let plain = |s: String| s.replace([FSI, PDI, RLM], "");
    let held: Vec<String> = [0u32, 1, 2, 3, 11, 100]
        .iter()
        .map(|n| {
            plain(
                ar.format("summary-title", &[("held", (*n).into())])
                    .unwrap(),
            )
        })
        .collect();
    assert_eq!(
        held,
        [
            "لا تغييرات مؤجلة",
            "تغيير واحد مؤجل",
            "تغييران مؤجلان",
            "3 تغييرات مؤجلة",
            "11 تغييرًا مؤجلًا",
            "100 تغيير مؤجل"
        ]
    );
    let days: Vec<String> = [1i64, 2, 3, 11, 100]
        .iter()
        .map(|n| {
            plain(
                ar.format("duration-days", &[("days", (*n).into())])
                    .unwrap(),
            )
        })
        .collect();
    assert_eq!(days, ["يوم واحد", "يومين", "3 أيام", "11 يومًا", "100 يوم"]);
    let minutes = |m: u64| plain(ar.duration(Duration::from_secs(m * 60)));
    assert_eq!(
        [minutes(1), minutes(2), minutes(3), minutes(11)],
        ["دقيقة واحدة", "دقيقتين", "3 دقائق", "11 دقيقة"]
    );
    assert_eq!(plain(ar.duration(Duration::ZERO)), "أقل من ثانية");
    assert_eq!(
        plain(ar.duration(Duration::from_secs(2 * 3600 + 5 * 60))),
        "ساعتين و5 دقائق"
    );
    let unstable = |f: u32, c: u32| {
        let n = notice(NoticeKind::Unstable {
            watch: "X".into(),
            failures: f,
            checks: c,
        });
        plain(ar.try_render(&n).unwrap().body)
    };
    assert_eq!(unstable(5, 10), "فشل 5 من آخر 10 فحوصات");
    assert_eq!(unstable(2, 2), "فشل 2 من آخر فحصين");
    assert_eq!(unstable(7, 20), "فشل 7 من آخر 20 فحصًا");
}

#[test]
fn arabic_isolates_names_codes_and_addresses() {
    let ar = Messages::try_new(Lang::Ar).unwrap();
    let down = notice(NoticeKind::Down {
        group: Some("Meta".into()),
        watches: names(&["WhatsApp Web", "Facebook"]),
        reason: servfail(),
    });
    let r = ar.try_render(&down).unwrap();
    assert_eq!(r.lang, Lang::Ar);
    assert!(Lang::Ar.is_rtl() && !Lang::En.is_rtl());
    for isolated in [
        "WhatsApp Web",
        "Facebook",
        "Meta",
        "SERVFAIL",
        "DNS",
        "SERVFAIL from 127.0.0.53:53",
    ] {
        let wrapped = format!("{FSI}{isolated}{PDI}");
        assert!(
            r.title.contains(&wrapped) || r.body.contains(&wrapped),
            "{isolated} not isolated in {r:?}"
        );
    }
    assert!(r.title.contains("انقطاع خدمتَي"), "{}", r.title);
    // No Latin letter outside an isolate in Arabic text, apart from the isolated parts.
    let mut depth = 0;
    for c in r.title.chars().chain(r.body.chars()) {
        match c {
            FSI => depth += 1,
            PDI => depth -= 1,
            c if c.is_ascii_alphabetic() => assert!(depth > 0, "bare Latin in {r:?}"),
            _ => {}
        }
    }
}

#[test]
fn english_keeps_isolation_only_around_right_to_left_text() {
    let en = Messages::try_new(Lang::En).unwrap();
    let plain = en
        .try_render(&notice(NoticeKind::Unstable {
            watch: "Gmail".into(),
            failures: 1,
            checks: 3,
        }))
        .unwrap();
    assert!(!plain.title.contains(FSI) && !plain.body.contains(FSI));
    let arabic_name = en
        .try_render(&notice(NoticeKind::Unstable {
            watch: "بنك مصر".into(),
            failures: 1,
            checks: 3,
        }))
        .unwrap();
    assert_eq!(arabic_name.title, format!("{FSI}بنك مصر{PDI} is unstable"));
}

#[test]
fn locales_map_to_languages() {
    let table = [
        ("ar", Lang::Ar),
        ("ar_EG.UTF-8", Lang::Ar),
        ("ar-SA", Lang::Ar),
        ("AR_ae", Lang::Ar),
        ("ar_SA.UTF-8@calendar", Lang::Ar),
        ("en_US.UTF-8", Lang::En),
        ("en", Lang::En),
        ("fr_FR", Lang::En),
        ("arn_CL", Lang::En),
        ("C", Lang::En),
        ("C.UTF-8", Lang::En),
        ("POSIX", Lang::En),
        ("", Lang::En),
    ];
    for (locale, lang) in table {
        assert_eq!(Lang::from_locale(locale), lang, "{locale:?}");
    }
}

#[test]
fn posix_variables_take_precedence_in_order() {
    let from = Lang::from_env_values;
    assert_eq!(
        from(
            Some("ar_EG.UTF-8"),
            Some("en_US"),
            Some("en_US"),
            Some("en-US")
        ),
        Lang::Ar
    );
    assert_eq!(from(Some("C"), Some("ar_EG"), None, Some("ar")), Lang::En);
    assert_eq!(from(None, Some("ar_EG"), Some("en_US"), None), Lang::Ar);
    assert_eq!(from(Some(""), None, Some("ar_SA.UTF-8"), None), Lang::Ar);
    assert_eq!(from(None, None, None, Some("ar-EG")), Lang::Ar);
    assert_eq!(from(None, None, None, None), Lang::En);
    // The process's own setting resolves to some language without panicking.
    assert!(Lang::ALL.contains(&Lang::system()));
}

#[test]
fn text_falls_back_instead_of_failing() {
    let ar = Messages::new(Lang::Ar);
    assert_eq!(ar.text("no-such-message", &[]), "no-such-message");
    assert!(ar.format("no-such-message", &[]).is_err());
    // A missing variable is an error in strict mode, text in lossy mode.
    assert!(ar.format("unstable-title", &[]).is_err());
    assert!(!ar.text("unstable-title", &[]).is_empty());
    assert_eq!(Messages::new(Lang::En).state(WatchState::Down), "Down");
    assert_eq!(
        Messages::new(Lang::En).cause(Cause::TcpRefused),
        "The server refused the connection"
    );
    assert_eq!(
        Messages::new(Lang::En).layer_long(Layer::Dns),
        "Name lookup (DNS)"
    );
}

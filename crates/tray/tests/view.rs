//! The tray's words and layout from snapshots: summary lines, a watch's line, grouping with
//! many watches (problems first), and what a click on each line asks for.

#![allow(clippy::unwrap_used)]

use std::sync::Arc;
use std::time::{Duration, SystemTime};

use downwatch_monitor::snapshot::{LastCheck, Pause, Snapshot, WatchSnapshot};
use downwatch_monitor::{Verdict, WatchState};
use downwatch_probe::{Cause, Layer, Phases, Status};
use downwatch_text::{Catalog, Lang, Message, Value};
use downwatch_tray::icon::IconState;
use downwatch_tray::menu::{Action, Item, MenuId, PauseFor};
use downwatch_tray::view::{Context, View};
use downwatch_tray::window::At;

fn now() -> SystemTime {
    SystemTime::UNIX_EPOCH + Duration::from_secs(1_800_000_000)
}

fn watch(name: &str, group: Option<&str>, state: WatchState) -> WatchSnapshot {
    WatchSnapshot {
        name: name.to_owned(),
        group: group.map(str::to_owned),
        state,
        since: Some(now() - Duration::from_secs(12 * 60)),
        last: Some(LastCheck {
            at: now(),
            status: if state == WatchState::Up {
                Status::Up
            } else {
                Status::Down
            },
            layer: None,
            cause: None,
            message: None,
            phases: Phases {
                total: Duration::from_millis(85),
                ..Phases::default()
            },
            judged: true,
        }),
        incident: None,
        paused: None,
        muted: false,
    }
}

fn servfail(mut w: WatchSnapshot) -> WatchSnapshot {
    let last = w.last.as_mut().unwrap();
    last.layer = Some(Layer::Dns);
    last.cause = Some(Cause::DnsServfail);
    last.message =
        Some(Message::new("dns-servfail").arg("server", Value::address("127.0.0.53:53")));
    w
}

fn snapshot(watches: Vec<WatchSnapshot>) -> Snapshot {
    Snapshot {
        watches: watches.into_iter().map(Arc::new).collect(),
        verdict: Verdict::Online,
        paused: None,
        taken: now(),
    }
}

fn view_in(snapshot: &Snapshot, lang: Lang) -> View {
    let catalog = Catalog::try_new(lang).unwrap();
    View::build(
        snapshot,
        Context {
            catalog: &catalog,
            now: now(),
            start_at_login: false,
        },
    )
}

fn view(snapshot: &Snapshot) -> View {
    view_in(snapshot, Lang::En)
}

fn labels(items: &[Item]) -> Vec<&str> {
    items.iter().map(|i| i.label.as_str()).collect()
}

#[test]
fn the_summary_says_what_matters_most() {
    let up = |n| watch(n, None, WatchState::Up);
    let cases: Vec<(Snapshot, &str, IconState)> = vec![
        (
            snapshot(vec![up("A"), up("B"), up("C")]),
            "All 3 services up",
            IconState::Up,
        ),
        (snapshot(vec![up("A")]), "The service is up", IconState::Up),
        (
            snapshot(vec![]),
            "No service is watched yet",
            IconState::Starting,
        ),
        (
            snapshot(vec![up("A"), watch("Web", None, WatchState::Down)]),
            "Web is down",
            IconState::Down,
        ),
        (
            snapshot(vec![
                watch("WhatsApp", Some("Meta"), WatchState::Down),
                watch("Facebook", Some("Meta"), WatchState::Down),
                watch("Instagram", Some("Meta"), WatchState::Down),
                up("Gmail"),
            ]),
            "Meta is down: WhatsApp, Facebook and Instagram",
            IconState::Down,
        ),
        (
            snapshot(vec![
                watch("A", None, WatchState::Down),
                watch("B", Some("G"), WatchState::Down),
            ]),
            "A and B are down",
            IconState::Down,
        ),
        (
            snapshot(vec![
                up("A"),
                watch("B", None, WatchState::Unstable),
                watch("C", None, WatchState::Degraded),
            ]),
            "B is unstable",
            IconState::Unstable,
        ),
        (
            snapshot(vec![up("A"), watch("C", None, WatchState::Degraded)]),
            "C is degraded",
            IconState::Degraded,
        ),
        (
            snapshot(vec![up("A"), watch("B", None, WatchState::Unknown)]),
            "Checking the services…",
            IconState::Starting,
        ),
    ];
    for (snapshot, summary, icon) in cases {
        let view = view(&snapshot);
        assert_eq!(view.summary, summary);
        assert_eq!(view.menu[0].label, summary);
        assert_eq!(view.icon, icon, "{summary}");
    }

    let mut offline = snapshot(vec![watch("Web", None, WatchState::Down)]);
    offline.verdict = Verdict::Offline;
    assert_eq!(view(&offline).summary, "You are offline");
    assert_eq!(view(&offline).icon, IconState::Offline);
    offline.verdict = Verdict::CaptivePortal;
    assert_eq!(view(&offline).summary, "This network wants you to sign in");

    let mut paused = snapshot(vec![up("A")]);
    paused.paused = Some(Pause {
        until: Some(now() + Duration::from_secs(15 * 60)),
    });
    let v = view(&paused);
    assert_eq!(v.summary, "Paused, 15 min left");
    assert_eq!(v.icon, IconState::Paused);
    assert_eq!(v.item(MenuId::PauseMenu), None, "no pause while paused");
    assert!(v.item(MenuId::Resume).is_some());
    assert_eq!(
        v.action(MenuId::CheckAll),
        None,
        "checking is off while paused"
    );
    paused.paused = Some(Pause { until: None });
    assert_eq!(view(&paused).summary, "Paused until resumed");
}

#[test]
fn a_watch_line_says_its_state_latency_or_outage() {
    let s = snapshot(vec![
        watch("Web", None, WatchState::Up),
        servfail(watch("Shop", None, WatchState::Down)),
        watch("Mail", None, WatchState::Unknown),
    ]);
    let v = view(&s);
    assert_eq!(
        labels(&v.menu[2..5]),
        [
            "Web: Up (85 ms)",
            "Shop: Down for 12 min - DNS: SERVFAIL from 127.0.0.53:53",
            "Mail: Checking…",
        ]
    );
    assert_eq!(
        v.details,
        "Shop: Down for 12 min - DNS: SERVFAIL from 127.0.0.53:53"
    );
    assert_eq!(
        v.action(MenuId::Watch(1)),
        Some(Action::Open(At::Watch("Shop".into())))
    );
    assert_eq!(
        v.action(MenuId::Pause(PauseFor::Hour)),
        Some(Action::Pause(PauseFor::Hour))
    );
    assert_eq!(v.action(MenuId::PauseMenu), None, "a submenu does nothing");
    assert_eq!(v.action(MenuId::Summary), None, "a label does nothing");
    assert_eq!(v.action(MenuId::Watch(3)), None, "no such watch");
    assert_eq!(
        v.action(MenuId::OpenHistory),
        Some(Action::Open(At::Overview))
    );
}

/// The outline is the view without the latencies of the watches that are up: equal for
/// two snapshots that differ only in a latency, different when a state changes.
#[test]
fn the_outline_leaves_out_latencies_only() {
    let with_latency = |ms| {
        let mut w = watch("Web", None, WatchState::Up);
        w.last.as_mut().unwrap().phases.total = Duration::from_millis(ms);
        w
    };
    let shop = || servfail(watch("Shop", None, WatchState::Down));
    let (a, b) = (
        snapshot(vec![with_latency(85), shop()]),
        snapshot(vec![with_latency(120), shop()]),
    );
    let catalog = Catalog::try_new(Lang::En).unwrap();
    let cx = Context {
        catalog: &catalog,
        now: now(),
        start_at_login: false,
    };
    let outline = View::outline(&a, cx);
    assert_ne!(View::build(&a, cx), View::build(&b, cx));
    assert_eq!(outline, View::outline(&b, cx));
    assert_eq!(
        labels(&outline.menu[2..4]),
        [
            "Web: Up",
            "Shop: Down for 12 min - DNS: SERVFAIL from 127.0.0.53:53"
        ]
    );
    let full = View::build(&a, cx);
    assert_eq!(
        (&outline.icon, &outline.summary, &outline.details),
        (&full.icon, &full.summary, &full.details)
    );
    let unknown = snapshot(vec![watch("Web", None, WatchState::Unknown), shop()]);
    assert_ne!(View::outline(&unknown, cx), outline, "a state change shows");
}

#[test]
fn many_watches_are_grouped_with_problems_first() {
    let mut watches = Vec::new();
    for i in 0..6 {
        watches.push(watch(&format!("G{i}"), Some("Google"), WatchState::Up));
    }
    for i in 0..5 {
        watches.push(watch(&format!("M{i}"), Some("Meta"), WatchState::Up));
    }
    watches.push(watch("Home", None, WatchState::Up));
    watches.push(watch("Bank", None, WatchState::Degraded));
    watches[8] = servfail(watch("M2", Some("Meta"), WatchState::Down));
    let v = view(&snapshot(watches));
    let top: Vec<&str> = labels(&v.menu[2..6]);
    assert_eq!(
        top,
        [
            "Meta: Down (5 services)",
            "Bank: Degraded for 12 min",
            "Google: Up (6 services)",
            "Home: Up (85 ms)"
        ]
    );
    let meta = &v.menu[2];
    assert_eq!(meta.children.len(), 5);
    assert!(
        meta.children[0].label.starts_with("M2: Down for 12 min"),
        "{:?}",
        meta.children[0]
    );
    assert_eq!(meta.children[0].id, MenuId::Watch(8));
    assert_eq!(
        v.action(MenuId::Watch(8)),
        Some(Action::Open(At::Watch("M2".into())))
    );
    assert_eq!(v.action(meta.id), None);
}

#[test]
fn arabic_lines_start_right_to_left_and_isolate_names() {
    let s = snapshot(vec![servfail(watch("Web", None, WatchState::Down))]);
    let v = view_in(&s, Lang::Ar);
    assert!(v.rtl);
    let mut stack: Vec<&Item> = v.menu.iter().collect();
    while let Some(item) = stack.pop() {
        stack.extend(item.children.iter());
        if !item.label.is_empty() {
            assert!(item.label.starts_with('\u{200F}'), "{:?}", item.label);
        }
    }
    let line = &v.item(MenuId::Watch(0)).unwrap().label;
    assert!(line.contains("\u{2068}Web\u{2069}"), "{line:?}");
    assert!(line.contains("\u{2066}127.0.0.53:53\u{2069}"), "{line:?}");
    assert!(v.summary.starts_with('\u{200F}'));
}

//! The tray of `downwatch run` (not headless), read as a panel reads it: a
//! StatusNotifierWatcher in the test (`downwatch_e2e::tray`) on the desktop's private
//! session bus; the item's properties (icon, tooltip, status), its menu through
//! com.canonical.dbusmenu (`GetLayout`), clicks (`Event` "clicked", `Activate`) and the
//! signals it sends. Root only (namespaces, nftables); see `tests/src/resident.rs`.
//!
//! Every wait is on something observable (a property, the layout, an event, a file) with a
//! deadline.

#![allow(clippy::unwrap_used)] // test helpers outside #[test] functions

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use downwatch_e2e::resident::{
    Resident, Scene, Timings, delivered, hand_edit, notices, of_kind, poll,
};
use downwatch_e2e::tray::{Line, Pixmap, Registered, TrayClient, Watcher};
use downwatch_e2e::window::{StandIn, wait_reaped};
use downwatch_tray::icon::IconState;
use serde_json::Value;

const SUMMARY: i32 = 1;
const CHECK_ALL: i32 = 2;
const PAUSE_MENU: i32 = 3;
const PAUSE_15_MIN: i32 = 4;
const RESUME: i32 = 7;
const START_AT_LOGIN: i32 = 10;
const QUIT: i32 = 11;

/// What the tray sends for `state`: every size of its PNG, as `IconPixmap`.
fn pixmaps(state: IconState) -> Vec<Pixmap> {
    state
        .pixmaps()
        .iter()
        .map(|(size, argb)| (*size, *size, argb.to_vec()))
        .collect()
}

/// Waits for the resident's item to register with `watcher`.
fn registered(watcher: &Watcher, dw: &Resident) -> Registered {
    poll(
        "the tray to register with the StatusNotifierWatcher",
        Duration::from_secs(20),
        || {
            dw.assert_running();
            watcher.items().into_iter().next()
        },
        || dw.context(),
    )
}

/// Waits until the menu satisfies `ready`; returns it.
fn wait_menu(tray: &TrayClient, dw: &Resident, what: &str, ready: impl Fn(&Line) -> bool) -> Line {
    let last = std::cell::RefCell::new(None);
    poll(
        what,
        Duration::from_secs(40),
        || {
            dw.assert_running();
            let (_, root) = tray.layout();
            let found = ready(&root).then(|| root.clone());
            *last.borrow_mut() = Some(root);
            found
        },
        || format!("last menu: {:#?}\n{}", last.borrow(), dw.context()),
    )
}

/// The line of watch `name` ("Web: Up (12 ms)").
fn line<'a>(root: &'a Line, name: &str) -> Option<&'a Line> {
    root.flatten()
        .into_iter()
        .find(|l| l.label.starts_with(&format!("{name}: ")))
}

fn label_of(root: &Line, id: i32) -> Option<String> {
    root.flatten()
        .into_iter()
        .find(|l| l.id == id)
        .map(|l| l.label.clone())
}

fn unix_ms(t: SystemTime) -> u64 {
    u64::try_from(t.duration_since(UNIX_EPOCH).unwrap().as_millis()).unwrap()
}

/// One line per watch with its state and latency; a refused connection turns the icon,
/// the tooltip and that watch's line to down (with the layer and the probe's words), with
/// NewIcon, NewToolTip and ItemsPropertiesUpdated sent (the menu keeps its shape: only
/// labels change); the repair turns them back.
#[test]
fn the_tray_follows_a_fault_and_its_repair() {
    let Some(s) = Scene::start("tray_fault") else {
        return;
    };
    let watcher = Watcher::start(&s.desktop.bus.address);
    let config = s.config(
        &Timings::default(),
        &[
            s.https("Web", "https_valid", "/"),
            s.https("Mail", "https_h1", "/"),
        ],
    );
    let dw = s.run_tray(&config, &[]);
    let item = registered(&watcher, &dw);
    assert!(
        item.service.starts_with("org.kde.StatusNotifierItem-"),
        "{item:?}"
    );
    let tray = TrayClient::connect(&s.desktop.bus.address, &item);
    let all_up = |root: &Line| {
        ["Web", "Mail"].iter().all(|w| {
            line(root, w).is_some_and(|l| l.label.contains(": Up (") && l.label.ends_with(" ms)"))
        })
    };
    let root = wait_menu(&tray, &dw, "both watches up in the menu", all_up);
    assert_eq!(
        label_of(&root, SUMMARY).as_deref(),
        Some("All 2 services up")
    );
    assert_eq!(tray.icon(), pixmaps(IconState::Up));
    assert_eq!(
        tray.tooltip(),
        ("All 2 services up".to_owned(), String::new())
    );
    assert_eq!(tray.status(), "Active");
    let before = ["NewIcon", "NewToolTip", "ItemsPropertiesUpdated"].map(|s| tray.signals(s));

    s.ns.drop_port(
        "tcp",
        s.bed.port("https_valid"),
        "",
        "reject with tcp reset",
    );
    let root = wait_menu(&tray, &dw, "Web down in the menu", |root| {
        line(root, "Web").is_some_and(|l| l.label.starts_with("Web: Down for "))
    });
    let web = line(&root, "Web").unwrap().label.clone();
    assert!(web.contains(" - TCP: connection refused by "), "{web}");
    assert!(
        line(&root, "Mail").unwrap().label.contains(": Up ("),
        "{root:#?}"
    );
    assert_eq!(label_of(&root, SUMMARY).as_deref(), Some("Web is down"));
    poll(
        "the down icon and tooltip",
        Duration::from_secs(10),
        || {
            let (title, text) = tray.tooltip();
            (tray.icon() == pixmaps(IconState::Down)
                && title == "Web is down"
                && text.starts_with("Web: Down for "))
            .then_some(())
        },
        || format!("tooltip {:?}\n{}", tray.tooltip(), dw.context()),
    );
    assert_eq!(tray.status(), "NeedsAttention");
    // The properties change before the signals saying so reach this client.
    let names = ["NewIcon", "NewToolTip", "ItemsPropertiesUpdated"];
    poll(
        "NewIcon, NewToolTip and ItemsPropertiesUpdated",
        Duration::from_secs(10),
        || {
            let after = names.map(|s| tray.signals(s));
            after.iter().zip(before).all(|(a, b)| *a > b).then_some(())
        },
        || {
            format!(
                "{names:?}: {before:?} before the fault, {:?} now",
                names.map(|s| tray.signals(s))
            )
        },
    );

    s.ns.nft("delete table inet dwfault\n");
    wait_menu(&tray, &dw, "both watches up again", all_up);
    poll(
        "the up icon and tooltip again",
        Duration::from_secs(10),
        || {
            (tray.icon() == pixmaps(IconState::Up)
                && tray.tooltip() == ("All 2 services up".to_owned(), String::new()))
                .then_some(())
        },
        || format!("tooltip {:?}\n{}", tray.tooltip(), dw.context()),
    );
    assert_eq!(tray.status(), "Active");
}

/// The latency of the last check of `watch` in `events`, in whole milliseconds as the menu
/// shows it, and how many checks of it there were.
fn last_latency(events: &[Value], watch: &str) -> (usize, Option<u64>) {
    let checks: Vec<&Value> = events
        .iter()
        .filter(|e| e["event"] == "check" && e["watch"] == watch)
        .collect();
    let ms = checks.last().and_then(|c| c["total_ms"].as_f64());
    // Whole milliseconds, as the menu truncates them.
    (checks.len(), ms.map(|ms| ms as u64))
}

/// A check that changes only a latency does not wake the panel: behind a proxy that delays
/// every chunk by 100 to 300 ms, nearly every check of Web has another latency, yet over 6
/// checks the menu sends no ItemsPropertiesUpdated or LayoutUpdated beyond one per refresh
/// (every 30 s), which does send the new latency. When the menu opens (`AboutToShow`), the
/// item answers that it must be read again, and it then shows the last check's latency.
#[test]
fn a_new_latency_waits_for_the_menu_to_open() {
    let Some(s) = Scene::start("tray_latency") else {
        return;
    };
    let watcher = Watcher::start(&s.desktop.bus.address);
    let timings = Timings {
        // The proxied path takes about 0.9 s; see loss_and_jitter in resident_false_alarms.rs.
        interval: "6s",
        timeout: "5s",
        ..Timings::default()
    };
    let config = s.config(&timings, &[s.https("Web", "https_jittery", "/")]);
    let dw = s.run_tray(&config, &[]);
    let item = registered(&watcher, &dw);
    let tray = TrayClient::connect(&s.desktop.bus.address, &item);
    wait_menu(&tray, &dw, "Web up in the menu", |root| {
        line(root, "Web")
            .is_some_and(|l| l.label.starts_with("Web: Up (") && l.label.ends_with(" ms)"))
    });
    let menu_signals = || tray.signals("ItemsPropertiesUpdated") + tray.signals("LayoutUpdated");
    let started = std::time::Instant::now();
    let before = menu_signals();
    let (checks, _) = last_latency(&dw.events(), "Web");
    let events = dw.wait_for("6 more checks of Web", 120, |ev| {
        (last_latency(ev, "Web").0 >= checks + 6).then(|| ev.to_vec())
    });
    let sent = menu_signals() - before;
    let refreshes = usize::try_from(started.elapsed().as_secs() / 30 + 1).unwrap();
    let mut latencies: Vec<u64> = of_kind(&events, "check")
        .iter()
        .filter(|c| c["watch"] == "Web")
        .skip(checks)
        .filter_map(|c| c["total_ms"].as_f64().map(|ms| ms as u64))
        .collect();
    latencies.dedup();
    assert!(
        latencies.len() >= 3,
        "the latencies did change: {latencies:?}"
    );
    assert!(
        sent <= refreshes,
        "{sent} menu signals over {:?} with latencies {latencies:?}: at most {refreshes} refreshes",
        started.elapsed()
    );
    poll(
        "the refresh to send the latencies",
        Duration::from_secs(40),
        || (menu_signals() > before).then_some(()),
        || dw.context(),
    );

    let last = std::cell::RefCell::new(None);
    poll(
        "AboutToShow to ask for a read and the menu to show the last latency",
        Duration::from_secs(40),
        || {
            let (count, ms) = last_latency(&dw.events(), "Web");
            let update = tray.about_to_show();
            let label = line(&tray.layout().1, "Web").map(|l| l.label.clone());
            let unchanged = last_latency(&dw.events(), "Web").0 == count;
            let expected = ms.map(|ms| format!("Web: Up ({ms} ms)"));
            *last.borrow_mut() = Some((update, label.clone(), expected.clone()));
            (update && unchanged && label == expected).then_some(())
        },
        || {
            format!(
                "last (AboutToShow, label, last check): {:?}\n{}",
                last.borrow(),
                dw.context()
            )
        },
    );
}

/// Clicks through dbusmenu's `Event` do what they say, seen in the events and on disk:
/// Check all now probes every watch (their interval is an hour), Pause for 15 min pauses
/// everything until 15 minutes after the click, Resume resumes; the icon (`Activate`) and a
/// watch's line start the history window (a stand-in for it, on the resident's `PATH`) at
/// the overview and at the watch, on the resident's socket, and the resident reaps it once
/// it exits; Start at login writes and removes the XDG autostart entry under
/// `XDG_CONFIG_HOME`; Quit ends the resident with 0.
#[test]
fn clicks_do_what_they_say() {
    let Some(s) = Scene::start("tray_clicks") else {
        return;
    };
    let watcher = Watcher::start(&s.desktop.bus.address);
    let timings = Timings {
        interval: "1h",
        ..Timings::default()
    };
    let config = s.config(
        &timings,
        &[
            s.https("Web", "https_valid", "/"),
            s.https("Mail", "https_h1", "/"),
        ],
    );
    // The autostart entry goes under XDG_CONFIG_HOME (a directory with a space here).
    let xdg_config = s.home().join("my config");
    let xdg = xdg_config.display().to_string();
    let window = StandIn::new();
    let mut dw = s.run_tray(
        &config,
        &[
            ("XDG_CONFIG_HOME", xdg.as_str()),
            ("PATH", &window.path_env()),
        ],
    );
    let tray = TrayClient::connect(&s.desktop.bus.address, &registered(&watcher, &dw));
    wait_menu(&tray, &dw, "a line per watch", |root| {
        line(root, "Web").is_some() && line(root, "Mail").is_some()
    });

    let checks = |ev: &[Value], watch: &str| {
        of_kind(ev, "check")
            .iter()
            .filter(|c| c["watch"] == watch)
            .count()
    };
    let start = dw.events();
    let (web, mail) = (checks(&start, "Web"), checks(&start, "Mail"));
    tray.click(CHECK_ALL);
    dw.wait_for("a check of each watch after Check all now", 30, |ev| {
        (checks(ev, "Web") > web && checks(ev, "Mail") > mail).then_some(())
    });

    let reshaped = tray.signals("LayoutUpdated");
    let clicked = SystemTime::now();
    tray.click(PAUSE_15_MIN);
    let paused = dw.wait_for("the pause", 20, |ev| {
        of_kind(ev, "paused").into_iter().next()
    });
    let seen = SystemTime::now();
    assert_eq!(paused["watch"], Value::Null, "{paused}");
    let until = paused["until"].as_u64().unwrap();
    let quarter = Duration::from_secs(15 * 60);
    assert!(
        (unix_ms(clicked + quarter)..=unix_ms(seen + quarter)).contains(&until),
        "{paused}: not 15 min after the click"
    );
    let root = wait_menu(&tray, &dw, "Resume in the menu", |root| {
        label_of(root, RESUME).is_some()
    });
    let summary = label_of(&root, SUMMARY).unwrap();
    assert!(
        summary.starts_with("Paused, ") && summary.ends_with(" min left"),
        "{summary}"
    );
    assert_eq!(label_of(&root, PAUSE_MENU), None, "{root:#?}");
    poll(
        "LayoutUpdated for the new item",
        Duration::from_secs(10),
        || (tray.signals("LayoutUpdated") > reshaped).then_some(()),
        || dw.context(),
    );
    assert_eq!(tray.icon(), pixmaps(IconState::Paused));

    tray.click(RESUME);
    let resumed = dw.wait_for("the resume", 20, |ev| {
        of_kind(ev, "resumed").into_iter().next()
    });
    assert_eq!(resumed["watch"], Value::Null, "{resumed}");
    wait_menu(&tray, &dw, "Pause back in the menu", |root| {
        label_of(root, RESUME).is_none() && label_of(root, PAUSE_MENU).is_some()
    });

    let socket = dw.socket.display().to_string();
    tray.activate();
    let overview = window.wait_started(1, || dw.context());
    assert_eq!(overview.args, ["--socket", &socket]);
    let web_line = line(&tray.layout().1, "Web").unwrap().id;
    tray.click(web_line);
    let web = window.wait_started(2, || dw.context());
    assert_eq!(web.args, ["--watch", "Web", "--socket", &socket]);
    let resident = dw.pid().unwrap();
    for started in [overview, web] {
        assert_eq!(
            started.ppid, resident,
            "{started:?}: not started by the resident"
        );
        wait_reaped(started.pid, || dw.context());
    }

    let entry = xdg_config.join("autostart/Downwatch.desktop");
    assert!(!entry.exists());
    tray.click(START_AT_LOGIN);
    wait_menu(&tray, &dw, "Start at login checked", |root| {
        root.flatten()
            .iter()
            .any(|l| l.id == START_AT_LOGIN && l.toggled == Some(1))
    });
    let text = std::fs::read_to_string(&entry).unwrap();
    let program = downwatch_e2e::bin("downwatch");
    assert!(
        text.contains(&format!("Exec={} run", program.display())),
        "{text}"
    );
    tray.click(START_AT_LOGIN);
    wait_menu(&tray, &dw, "Start at login unchecked", |root| {
        root.flatten()
            .iter()
            .any(|l| l.id == START_AT_LOGIN && l.toggled == Some(0))
    });
    assert!(!entry.exists());
    assert!(!s.home().join(".config/autostart").exists());

    tray.click(QUIT);
    assert_eq!(dw.wait_exit(15), Some(0));
}

/// The watch and group lines of the menu, top to bottom (between the summary's separator
/// and the commands' separator): each line's label and its submenu's labels.
fn watch_area(root: &Line) -> Vec<(String, Vec<String>)> {
    root.children
        .iter()
        .skip_while(|l| !l.separator)
        .skip(1)
        .take_while(|l| !l.separator)
        .map(|l| {
            let children = l.children.iter().map(|c| c.label.clone()).collect();
            (l.label.clone(), children)
        })
        .collect()
}

/// With more watches than fit one line each (13 here, over 12), the menu has one line per
/// group with its watches in a submenu, and ungrouped watches on their own lines, in the
/// configuration's order while all are up. A fault taking down every watch of the last
/// group moves that group's line first ("Google: Down (4 services)", each submenu line
/// "Down for"), the change told by LayoutUpdated; after the repair the order is back.
#[test]
fn groups_get_a_line_each_and_a_group_with_a_problem_comes_first() {
    let Some(s) = Scene::start("tray_groups") else {
        return;
    };
    let watcher = Watcher::start(&s.desktop.bus.address);
    let group = |name: &str, server: &str, watches: &[&str]| -> Vec<_> {
        watches
            .iter()
            .map(|w| s.https(w, server, "/").in_group(name))
            .collect()
    };
    let mut watches = vec![s.http("Home", "/"), s.http("Blog", "/")];
    watches.extend(group(
        "Meta",
        "https_valid",
        &["WhatsApp", "Facebook", "Instagram", "Threads"],
    ));
    watches.extend(
        ["Wiki", "Docs", "Forum"]
            .iter()
            .map(|w| s.http(w, "/").in_group("Pages")),
    );
    watches.extend(group(
        "Google",
        "https_h1",
        &["Gmail", "Drive", "Maps", "Meet"],
    ));
    assert!(watches.len() > downwatch_tray::view::FLAT_MAX);
    let config = s.config(&Timings::default(), &watches);
    let dw = s.run_tray(&config, &[]);
    let tray = TrayClient::connect(&s.desktop.bus.address, &registered(&watcher, &dw));

    let up = |l: &String| l.contains(": Up (") && l.ends_with(" ms)");
    let all_up = |root: &Line| {
        let area = watch_area(root);
        area.len() == 5
            && area.iter().all(|(label, children)| {
                if children.is_empty() {
                    up(label)
                } else {
                    label.contains(": Up (") && children.iter().all(up)
                }
            })
    };
    let root = wait_menu(&tray, &dw, "every watch up, groups in submenus", all_up);
    let area = watch_area(&root);
    let heads: Vec<&str> = area
        .iter()
        .map(|(l, _)| l.split(':').next().unwrap())
        .collect();
    assert_eq!(
        heads,
        ["Home", "Blog", "Meta", "Pages", "Google"],
        "{area:#?}"
    );
    assert_eq!(area[2].0, "Meta: Up (4 services)");
    assert_eq!(area[3].0, "Pages: Up (3 services)");
    assert_eq!(area[4].0, "Google: Up (4 services)");
    let names = |children: &[String]| -> Vec<String> {
        children
            .iter()
            .map(|c| c.split(':').next().unwrap().to_owned())
            .collect()
    };
    assert_eq!(
        names(&area[4].1),
        ["Gmail", "Drive", "Maps", "Meet"],
        "{area:#?}"
    );
    let reshaped = tray.signals("LayoutUpdated");

    s.ns.drop_port("tcp", s.bed.port("https_h1"), "", "reject with tcp reset");
    let root = wait_menu(&tray, &dw, "Google down and first", |root| {
        watch_area(root).first().is_some_and(|(label, children)| {
            label == "Google: Down (4 services)"
                && children.iter().all(|c| c.contains(": Down for "))
        })
    });
    let area = watch_area(&root);
    let heads: Vec<&str> = area
        .iter()
        .map(|(l, _)| l.split(':').next().unwrap())
        .collect();
    assert_eq!(
        heads,
        ["Google", "Home", "Blog", "Meta", "Pages"],
        "{area:#?}"
    );
    assert!(
        area[0]
            .1
            .iter()
            .all(|c| c.contains(" - TCP: connection refused by ")),
        "{area:#?}"
    );
    assert_eq!(area[3].0, "Meta: Up (4 services)");
    let summary = label_of(&root, SUMMARY).unwrap();
    assert!(summary.starts_with("Google is down"), "{summary}");
    poll(
        "LayoutUpdated for the group that moved",
        Duration::from_secs(10),
        || (tray.signals("LayoutUpdated") > reshaped).then_some(()),
        || dw.context(),
    );

    s.ns.nft("delete table inet dwfault\n");
    let root = wait_menu(&tray, &dw, "every watch up again", all_up);
    let area = watch_area(&root);
    assert!(area[0].0.starts_with("Home: Up ("), "{area:#?}");
    assert_eq!(area[4].0, "Google: Up (4 services)", "{area:#?}");
}

/// Text inside isolates (U+2066-U+2068 … U+2069), nested or not, removed: what is left is
/// the catalog's own words.
fn without_isolates(text: &str) -> String {
    let mut depth = 0usize;
    let mut out = String::new();
    for c in text.chars() {
        match c {
            '\u{2066}'..='\u{2068}' => depth += 1,
            '\u{2069}' => depth = depth.saturating_sub(1),
            c if depth == 0 => out.push(c),
            _ => {}
        }
    }
    out
}

/// With `locale = "ar"` every menu line (submenus included) and the tooltip are Arabic:
/// each starts with a right-to-left mark, names and numbers sit in isolates, and outside
/// them there is no Latin letter. An edit of `locale` back to `en` turns the menu English.
#[test]
fn an_arabic_locale_gives_an_arabic_menu() {
    let Some(s) = Scene::start("tray_arabic") else {
        return;
    };
    let watcher = Watcher::start(&s.desktop.bus.address);
    let config = s
        .config(&Timings::default(), &[s.https("Web", "https_valid", "/")])
        .replace("locale = \"en\"", "locale = \"ar\"");
    let dw = s.run_tray(&config, &[]);
    let tray = TrayClient::connect(&s.desktop.bus.address, &registered(&watcher, &dw));
    // "Web: تعمل (12 م.ث)", the name and the number isolated.
    let root = wait_menu(&tray, &dw, "Web up, in Arabic", |root| {
        root.flatten().iter().any(|l| {
            l.label
                .contains("\u{2068}Web\u{2069}: \u{2068}تعمل\u{2069} (")
                && l.label.contains("م.ث")
        })
    });
    let lines: Vec<&Line> = root
        .flatten()
        .into_iter()
        .filter(|l| l.id != 0 && !l.separator)
        .collect();
    assert!(lines.len() >= 10, "{root:#?}");
    let (title, _) = tray.tooltip();
    for text in lines
        .iter()
        .map(|l| l.label.as_str())
        .chain([title.as_str()])
    {
        assert!(
            text.starts_with('\u{200F}'),
            "no right-to-left mark: {text:?}"
        );
        let own = without_isolates(text);
        assert!(
            text.chars().any(|c| ('\u{0600}'..='\u{06FF}').contains(&c)),
            "not Arabic: {text:?}"
        );
        assert!(
            !own.chars().any(|c| c.is_ascii_alphabetic()),
            "Latin letters outside isolates: {text:?}"
        );
    }

    // The tray follows a change of the language: `locale = "en"` written over the file
    // (the resident reloads it) turns every line English, without marks.
    hand_edit(
        &s.config_path(),
        &config.replace("locale = \"ar\"", "locale = \"en\""),
    );
    let root = wait_menu(&tray, &dw, "the menu in English after the edit", |root| {
        line(root, "Web").is_some_and(|l| l.label.starts_with("Web: Up ("))
    });
    assert_eq!(label_of(&root, QUIT).as_deref(), Some("Quit Downwatch"));
    assert!(
        root.flatten().iter().all(|l| !l.label.contains('\u{200F}')),
        "{root:#?}"
    );
}

/// No StatusNotifierWatcher at start (stock GNOME): the resident says so once in its log,
/// monitors and notifies (a click on the notification's Details starts the history window,
/// a stand-in for it, at its incident); a watcher started later gets the tray, with the
/// current state.
#[test]
fn a_tray_host_that_comes_later_gets_the_tray() {
    let Some(s) = Scene::start("tray_later") else {
        return;
    };
    let config = s.config(&Timings::default(), &[s.https("Web", "https_valid", "/")]);
    let window = StandIn::new();
    let dw = s.run_tray(&config, &[("PATH", &window.path_env())]);
    dw.wait_up(&["Web"], 30);
    let no_host = "no tray host on the session bus";
    assert!(dw.stderr().contains(no_host), "{}", dw.context());

    s.ns.drop_port(
        "tcp",
        s.bed.port("https_valid"),
        "",
        "reject with tcp reset",
    );
    let down = dw.wait_for("the down notification", 30, |ev| {
        notices(ev, "down").first().map(|n| (*n).clone())
    });
    s.desktop.click_newest();
    let incident = down["incident"].as_str().unwrap();
    let opened = window.wait_started(1, || dw.context());
    let socket = dw.socket.display().to_string();
    assert_eq!(opened.args, ["--incident", incident, "--socket", &socket]);
    assert_eq!(delivered(&s, &dw), ["Web is down"]);

    let watcher = Watcher::start(&s.desktop.bus.address);
    let tray = TrayClient::connect(&s.desktop.bus.address, &registered(&watcher, &dw));
    wait_menu(&tray, &dw, "Web down in the late tray", |root| {
        line(root, "Web").is_some_and(|l| l.label.starts_with("Web: Down for "))
    });
    assert_eq!(tray.icon(), pixmaps(IconState::Down));
    assert_eq!(dw.stderr().matches(no_host).count(), 1, "{}", dw.context());
}

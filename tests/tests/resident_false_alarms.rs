//! What must never alarm: packet loss and jitter, a sleep with faults during it, and
//! starting while a service is already down. The resident runs for a counted number of
//! rounds and then nothing may have reached the notification daemon or the command hook.
//! Root only (namespaces, nftables); see `tests/src/resident.rs`.

#![allow(clippy::unwrap_used)] // test helpers outside #[test] functions

use std::time::Duration;

use downwatch_e2e::resident::{
    Scene, Timings, assert_silent, judged_checks, of_kind, poll, without_notifications,
};
use serde_json::Value;

/// State changes that are not the silent start-up baseline.
fn loud_changes(events: &[Value]) -> Vec<Value> {
    of_kind(events, "state")
        .into_iter()
        .filter(|e| e["silent"] != true)
        .collect()
}

/// 10 % of the packets to and from the watched servers dropped (every tenth, counted by
/// nftables: the same packets every run) and 100 to 300 ms added to every chunk by a
/// delaying proxy, over 30 checks and more: no down, no degraded, no notification.
#[test]
fn loss_and_jitter_over_many_rounds_give_no_alarm() {
    let Some(s) = Scene::start("loss_and_jitter") else {
        return;
    };
    let (valid, jittery) = (s.bed.port("https_valid"), s.bed.port("https_jittery"));
    // Both directions: requests (dport) and answers (sport), each every tenth packet.
    s.ns.nft(&format!(
        "table inet dwloss {{\n chain inbound {{\n  type filter hook input priority 0;\n  \
         tcp dport {{ {valid}, {jittery} }} numgen inc mod 10 == 0 counter drop\n  \
         tcp sport {{ {valid}, {jittery} }} numgen inc mod 10 == 0 counter drop\n }}\n}}\n"
    ));
    // The proxied path takes about 0.9 s (several round trips of 100-300 ms each way): the
    // timeout leaves room for a lost SYN's retransmissions (1 s, then 2 s more) on top, as
    // the default 8 s does, and slower than 4 s is degraded.
    let timings = Timings {
        interval: "6s",
        timeout: "5s",
        degraded_after: Some("4s"),
        ..Timings::default()
    };
    let names = ["Chat", "Status", "Web", "API", "Search"];
    let watches = [
        s.https("Chat", "https_valid", "/"),
        s.https("Status", "https_valid", "/status/204"),
        s.https("Web", "https_jittery", "/"),
        s.https("API", "https_jittery", "/method"),
        s.https("Search", "https_jittery", "/headers"),
    ];
    let dw = s.run(&s.config(&timings, &watches));
    dw.wait_for("30 judged checks", 120, |ev| {
        let all: usize = names.iter().map(|w| judged_checks(ev, w)).sum();
        (all >= 30 && names.iter().all(|w| judged_checks(ev, w) >= 6)).then_some(())
    });
    // A notice confirmed by the last check would still be waiting out group_wait.
    dw.wait_rounds("Chat", 1, 10);

    let events = dw.events();
    let checks = of_kind(&events, "check");
    let slow = checks
        .iter()
        .filter(|c| c["total_ms"].as_f64().unwrap_or(0.0) > 1000.0)
        .count();
    let failed = checks.iter().filter(|c| c["status"] != "up").count();
    for c in checks.iter().filter(|c| c["status"] != "up") {
        eprintln!(
            "loss_and_jitter: {} {} {} {}",
            c["watch"], c["cause"], c["total_ms"], c["summary"]
        );
    }
    eprintln!(
        "loss_and_jitter: {} checks, {failed} not up, {slow} slower than 1 s",
        checks.len()
    );
    assert!(
        failed + slow > 0,
        "the fault had no visible effect: {}",
        dw.context()
    );
    assert_eq!(
        loud_changes(&events),
        Vec::<Value>::new(),
        "{}",
        dw.context()
    );
    assert_silent(&s, &dw);
}

/// logind says the machine goes to sleep; every watched server becomes unreachable
/// meanwhile (the network is gone during a suspend); logind says it woke up and the
/// network is back within `settle`: no notification at all, and no probe ran asleep.
///
/// The sleep lasts until a second resident, awake in the same namespace with the same
/// watches, has confirmed both outages: awake, the first one would have alarmed by then.
#[test]
fn sleep_with_faults_gives_no_notification() {
    let Some(s) = Scene::with_logind("sleep") else {
        return;
    };
    let logind = s.logind.as_ref().unwrap();
    let names = ["Web", "Mail"];
    let watches = [
        s.https("Web", "https_valid", "/"),
        s.https("Mail", "https_h1", "/"),
    ];
    let config = s.config(&Timings::default(), &watches);
    let dw = s.run(&config);
    dw.wait_up(&names, 20);
    poll(
        "the resident listening for PrepareForSleep",
        Duration::from_secs(10),
        || logind.has_listener().then_some(()),
        || dw.context(),
    );

    logind.prepare_for_sleep(true);
    let ports = format!("{}, {}", s.bed.port("https_valid"), s.bed.port("https_h1"));
    s.ns.nft(&format!(
        "table inet dwfault {{\n chain inbound {{\n  type filter hook input priority 0;\n  \
         tcp dport {{ {ports} }} drop\n }}\n}}\n"
    ));
    dw.wait_for("the resident going to sleep", 10, |ev| {
        of_kind(ev, "settling")
            .iter()
            .any(|e| e["summary"] == "the computer is going to sleep")
            .then_some(())
    });
    let awake = s.run_second("awake", &without_notifications(&config));
    awake.wait_for("the awake resident confirming both outages", 60, |ev| {
        names
            .iter()
            .all(|w| {
                ev.iter()
                    .any(|e| e["event"] == "state" && e["watch"] == *w && e["to"] == "down")
            })
            .then_some(())
    });
    drop(awake);

    logind.prepare_for_sleep(false);
    dw.wait_for("settling after the wake-up", 10, |ev| {
        of_kind(ev, "settling")
            .iter()
            .any(|e| e["summary"] == "the computer woke up")
            .then_some(())
    });
    // The network comes back within `settle` (2 s), as a Wi-Fi reconnecting does.
    s.ns.nft("delete table inet dwfault\n");
    for w in names {
        dw.wait_rounds(w, 3, 30);
    }

    let events = dw.events();
    // Between the two signals, only the probe of each watch already in flight when the
    // first came may have ended; none may have started.
    let asleep = events
        .iter()
        .skip_while(|e| e["summary"] != "the computer is going to sleep")
        .take_while(|e| e["summary"] != "the computer woke up");
    for w in names {
        let checks: Vec<&Value> = asleep
            .clone()
            .filter(|e| e["event"] == "check" && e["watch"] == w)
            .collect();
        assert!(
            checks.len() <= 1,
            "{w} was probed while asleep: {checks:?}\n{}",
            dw.context()
        );
    }
    assert_eq!(
        loud_changes(&events),
        Vec::<Value>::new(),
        "{}",
        dw.context()
    );
    assert_silent(&s, &dw);
}

/// Two watches whose server is already refusing connections when the resident starts,
/// and one that works: the first round shows them down (silently: `state` events with
/// `silent: true`), and no alarm burst follows over several rounds.
#[test]
fn starting_while_a_server_is_down_sends_no_alarm_burst() {
    let Some(s) = Scene::start("start_down") else {
        return;
    };
    s.ns.drop_port(
        "tcp",
        s.bed.port("https_valid"),
        "",
        "reject with tcp reset",
    );
    let watches = [
        s.https("Web", "https_valid", "/"),
        s.https("Web API", "https_valid", "/method"),
        s.https("Mail", "https_h1", "/"),
    ];
    let dw = s.run(&s.config(&Timings::default(), &watches));
    let is_down = |ev: &[Value], w: &str| {
        ev.iter()
            .any(|e| e["event"] == "state" && e["watch"] == w && e["to"] == "down")
    };
    dw.wait_for("both watches of the dead server down", 30, |ev| {
        (is_down(ev, "Web") && is_down(ev, "Web API")).then_some(())
    });
    for w in ["Web", "Web API", "Mail"] {
        dw.wait_rounds(w, 4, 30);
    }

    let events = dw.events();
    let states = of_kind(&events, "state");
    for w in ["Web", "Web API"] {
        let change = states.iter().find(|e| e["watch"] == w).unwrap();
        assert_eq!(
            (&change["from"], &change["to"], &change["silent"]),
            (&"unknown".into(), &"down".into(), &true.into()),
            "{change}"
        );
        assert_eq!(change["cause"], "tcp_refused", "{change}");
    }
    let mail = states.iter().find(|e| e["watch"] == "Mail").unwrap();
    assert_eq!((&mail["to"], &mail["silent"]), (&"up".into(), &true.into()));
    assert_eq!(
        loud_changes(&events),
        Vec::<Value>::new(),
        "{}",
        dw.context()
    );
    assert_silent(&s, &dw);
}

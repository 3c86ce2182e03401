//! What the user was told survives a restart of the resident (issue 15; issue 14 item 3):
//! a "down" told before a restart gets its "back up" after it, with the same incident and
//! the whole duration, and no second "down"; an outage never told gets no recovery notice;
//! the once-a-day certificate warning is not repeated at every start. Each resident of a
//! scene uses the scene's data directory, so a second one is a restart. Root only
//! (namespaces, nftables); see `tests/src/resident.rs`.

#![allow(clippy::unwrap_used)] // test helpers outside #[test] functions

use std::time::Duration;

use downwatch_e2e::resident::{Resident, Scene, Timings, of_kind, poll};
use serde_json::Value;

/// The first `event` of kind `kind` about `watch`.
fn first<'a>(events: &'a [Value], kind: &str, watch: &str) -> Option<&'a Value> {
    events
        .iter()
        .find(|e| e["event"] == kind && e["watch"] == watch)
}

fn is_state(events: &[Value], watch: &str, to: &str) -> bool {
    events
        .iter()
        .any(|e| e["event"] == "state" && e["watch"] == watch && e["to"] == to)
}

/// Black hole on Solo's server: "Solo is down" told; the resident restarted; the black
/// hole lifted: one "Solo is back up" with the incident id of the "down" and the whole
/// duration, and no second "down". Quiet's server was black-holed before the first start:
/// its outage was never told (the silent start-up baseline), so its end is not told either,
/// though its incident closes.
#[test]
fn a_down_told_before_a_restart_gets_its_back_up_after_it() {
    let Some(s) = Scene::start("restart_open_incident") else {
        return;
    };
    s.ns.drop_port("tcp", s.bed.port("https_h1"), "", "drop");
    let watches = [
        s.https("Solo", "https_valid", "/"),
        s.https("Quiet", "https_h1", "/"),
    ];
    let config = s.config(&Timings::default(), &watches);
    let dw = s.run(&config);
    dw.wait_up(&["Solo"], 20);
    dw.wait_for("Quiet down (silently)", 30, |ev| {
        is_state(ev, "Quiet", "down").then_some(())
    });
    s.ns.drop_port("tcp", s.bed.port("https_valid"), "", "drop");
    let down = dw.wait_for("the down notice of Solo", 30, |ev| {
        of_kind(ev, "notification").first().cloned()
    });
    assert_eq!(down["summary"], "Solo is down", "{down}");
    let opened = first(&dw.events(), "incident_opened", "Solo")
        .unwrap()
        .clone();
    // Deliveries run apart from the loop: stop only once the hook has it.
    wait_hooked(&dw, 1);
    assert_eq!(dw.stop(), Some(0));

    let dw = s.run(&config);
    dw.wait_for("Solo and Quiet judged down again", 30, |ev| {
        (is_state(ev, "Solo", "down") && is_state(ev, "Quiet", "down")).then_some(())
    });
    s.ns.nft("delete table inet dwfault\n");
    let back = dw.wait_for("the back-up notice of Solo", 30, |ev| {
        of_kind(ev, "notification").first().cloned()
    });
    dw.wait_for("Quiet back up", 30, |ev| {
        is_state(ev, "Quiet", "up").then_some(())
    });
    for w in ["Solo", "Quiet"] {
        dw.wait_rounds(w, 4, 30);
    }

    let events = dw.events();
    let told = of_kind(&events, "notification");
    assert_eq!(told.len(), 1, "only Solo's back up\n{}", dw.context());
    assert_eq!(back["summary"], "Solo is back up", "{}", dw.context());
    assert_eq!(back["incident"], down["incident"], "the same incident");
    assert_eq!(back["incident"], opened["incident"], "{opened}");
    let closed = first(&events, "incident_closed", "Solo").unwrap();
    assert_eq!(
        closed["start"], opened["start"],
        "the incident began before the restart"
    );
    let whole = closed["duration_s"].as_u64().unwrap();
    let after = back["after"].as_u64().unwrap();
    assert!(
        after >= whole && after <= whole + 1,
        "back up after {after} s, the incident lasted {whole} s\n{}",
        dw.context()
    );
    let quiet = first(&events, "incident_closed", "Quiet");
    assert!(quiet.is_some(), "Quiet's incident closes\n{}", dw.context());
    wait_hooked(&dw, 2);
    let hooked: Vec<String> = dw
        .hooked()
        .iter()
        .map(|h| h["title"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(
        hooked,
        ["Solo is down", "Solo is back up"],
        "the hook heard both runs"
    );
}

/// Waits until the command hook has received `n` notifications (over every run).
fn wait_hooked(dw: &Resident, n: usize) {
    poll(
        &format!("{n} notifications at the hook"),
        Duration::from_secs(15),
        || (dw.hooked().len() >= n).then_some(()),
        || dw.context(),
    );
}

/// Runs the resident until `Bank` has been judged `rounds` times; returns its events.
fn run_rounds(s: &Scene, config: &str, rounds: usize) -> Vec<Value> {
    let dw: Resident = s.run(config);
    dw.wait_up(&["Bank"], 20);
    // Each check after the first is at least an interval (2 s) later: a warning queued by
    // the first has passed its 1 s group wait and been released by then.
    dw.wait_rounds("Bank", rounds, 30);
    let events = dw.events();
    assert_eq!(dw.stop(), Some(0));
    events
}

/// A certificate that expires in 5 days (under the 14 days of `cert_warn_days`); the
/// resident started three times: one warning in all, not one per start.
#[test]
fn the_daily_certificate_warning_is_not_repeated_at_every_start() {
    let Some(s) = Scene::start("cert_warning_restarts") else {
        return;
    };
    let config = s.config(
        &Timings::default(),
        &[s.https("Bank", "https_expiring", "/")],
    );
    let mut per_run = Vec::new();
    for _ in 0..3 {
        let events = run_rounds(&s, &config, 3);
        let warnings: Vec<Value> = of_kind(&events, "notification")
            .into_iter()
            .filter(|n| n["kind"] == "cert_expiring")
            .collect();
        per_run.push(warnings);
    }
    assert_eq!(per_run[0].len(), 1, "{:?}", per_run[0]);
    assert_eq!(per_run[0][0]["watch"], "Bank", "{}", per_run[0][0]);
    assert!(
        per_run[1].is_empty() && per_run[2].is_empty(),
        "warned again after a restart: {per_run:?}"
    );
}

//! Real outages seen by the resident (`downwatch run --headless`) inside a private network
//! namespace, and what a real notification daemon (dunst) and the command hook receive:
//! one "down" and one "back up" per outage, and one grouped notification when a provider's
//! watches fail together. Root only (namespaces, nftables); see `tests/src/resident.rs`.

#![allow(clippy::unwrap_used)] // test helpers outside #[test] functions

use downwatch_e2e::resident::{Scene, Timings, delivered, notices};
use serde_json::{Value, json};

/// Checks of `watch` that failed after its `state` event to `down`.
fn failed_while_down(events: &[Value], watch: &str) -> usize {
    let Some(down_at) = events
        .iter()
        .position(|e| e["event"] == "state" && e["watch"] == watch && e["to"] == "down")
    else {
        return 0;
    };
    events[down_at..]
        .iter()
        .filter(|e| e["event"] == "check" && e["watch"] == watch && e["status"] == "down")
        .count()
}

/// A black hole on a watch's port (every probe times out) that lasts a while, then heals:
/// exactly one "down" and one "back up", on the daemon and through the hook, and nothing
/// about the watch that kept working.
#[test]
fn hard_outage_gives_one_down_and_one_recovered_notification() {
    outage("hard_outage", 5);
}

/// The same outage healed as soon as it is told (no failed check while down, or one).
#[test]
fn brief_hard_outage_gives_one_down_and_one_recovered_notification() {
    outage("brief_hard_outage", 0);
}

/// Black-holes the `Web` watch until it is told down and `failed_after` more checks failed,
/// then heals it; asserts on what was told.
fn outage(test: &str, failed_after: usize) {
    let Some(s) = Scene::start(test) else {
        return;
    };
    let watches = [
        s.https("Web", "https_valid", "/"),
        s.https("Mail", "https_h1", "/"),
    ];
    let dw = s.run(&s.config(&Timings::default(), &watches));
    dw.wait_up(&["Web", "Mail"], 20);

    s.ns.drop_port("tcp", s.bed.port("https_valid"), "", "drop");
    let down = dw.wait_for("the down notification", 30, |ev| {
        notices(ev, "down").first().map(|n| (*n).clone())
    });
    assert_eq!(down["watches"], json!(["Web"]), "{down}");
    assert_eq!(down["summary"], "Web is down", "{down}");
    assert_eq!(
        (&down["reason"]["layer"], &down["reason"]["cause"]),
        (&json!("tcp"), &json!("tcp_timeout")),
        "{down}"
    );
    assert!(down["incident"].is_string(), "{down}");
    // A real outage lasts: the service stays down for more checks.
    dw.wait_for(
        &format!("{failed_after} failed checks while down"),
        40,
        |ev| (failed_while_down(ev, "Web") >= failed_after).then_some(()),
    );

    s.ns.nft("delete table inet dwfault\n");
    dw.wait_for("Web back up", 30, |ev| {
        ev.iter()
            .rev()
            .find(|e| e["event"] == "state" && e["watch"] == "Web")
            .is_some_and(|e| e["from"] == "down")
            .then_some(())
    });
    // Then a few quiet rounds: nothing more may be said.
    dw.wait_rounds("Web", 4, 30);

    let titles = delivered(&s, &dw);
    assert_eq!(
        titles,
        ["Web is down", "Web is back up"],
        "{}",
        dw.context()
    );
    let events = dw.events();
    let recovered = notices(&events, "recovered");
    assert_eq!(recovered[0]["watches"], json!(["Web"]));
    assert!(
        recovered[0]["body"]
            .as_str()
            .unwrap()
            .starts_with("Down for "),
        "{}",
        recovered[0]
    );
    assert_eq!(
        recovered[0]["incident"], down["incident"],
        "the same incident"
    );
}

/// Three watches of one provider failing together (their server refuses connections):
/// one notification naming the group and the three watches, not three; the provider's
/// neighbour in another group says nothing.
#[test]
fn group_failing_together_gives_one_grouped_notification() {
    let Some(s) = Scene::start("group_outage") else {
        return;
    };
    let watches = [
        s.https("WhatsApp", "https_valid", "/").in_group("Meta"),
        s.https("Facebook", "https_valid", "/status/200")
            .in_group("Meta"),
        s.https("Instagram", "https_valid", "/method")
            .in_group("Meta"),
        s.https("Gmail", "https_h1", "/").in_group("Google"),
    ];
    // The three are confirmed within a second of each other (their checks are pulled
    // together); a 3 s group wait leaves room for a loaded machine to stretch that.
    let timings = Timings {
        group_wait: "3s",
        ..Timings::default()
    };
    let dw = s.run(&s.config(&timings, &watches));
    dw.wait_up(&["WhatsApp", "Facebook", "Instagram", "Gmail"], 20);

    s.ns.drop_port(
        "tcp",
        s.bed.port("https_valid"),
        "",
        "reject with tcp reset",
    );
    dw.wait_for("all three Meta watches down", 30, |ev| {
        ["WhatsApp", "Facebook", "Instagram"]
            .iter()
            .all(|w| {
                ev.iter()
                    .any(|e| e["event"] == "state" && e["watch"] == *w && e["to"] == "down")
            })
            .then_some(())
    });
    // Long enough for any straggler to have been told separately.
    for w in ["WhatsApp", "Facebook", "Instagram"] {
        dw.wait_rounds(w, 3, 30);
    }

    // In the configuration's order, whichever failure arrived first (issue 6).
    let titles = delivered(&s, &dw);
    assert_eq!(
        titles,
        ["Meta: WhatsApp, Facebook and Instagram are down"],
        "{}",
        dw.context()
    );
    let events = dw.events();
    let down = notices(&events, "down")[0];
    assert_eq!(down["group"], "Meta");
    assert_eq!(
        down["watches"],
        json!(["WhatsApp", "Facebook", "Instagram"])
    );
    assert_eq!(down["reason"]["cause"], "tcp_refused", "{down}");
    let hook = dw.hooked();
    assert_eq!(hook[0]["kind"], "down");
    assert_eq!(hook[0]["group"], "Meta");
    assert_eq!(
        hook[0]["watches"],
        json!(["WhatsApp", "Facebook", "Instagram"])
    );
}

/// A page that fails every other time (the bed's `/flaky`: 200, 503, 200...) never
/// reaches the failure threshold, but fails far too often to be fine: exactly one
/// "unstable" notice, no "down", however long it goes on.
#[test]
fn watch_failing_every_other_check_gives_one_unstable_notice() {
    let Some(s) = Scene::start("unstable") else {
        return;
    };
    let watches = [
        s.http("Flaky", "/flaky"),
        s.https("Web", "https_valid", "/"),
    ];
    let dw = s.run(&s.config(&Timings::default(), &watches));
    let unstable = dw.wait_for("the unstable notification", 45, |ev| {
        notices(ev, "unstable").first().map(|n| (*n).clone())
    });
    assert_eq!(unstable["watch"], "Flaky", "{unstable}");
    assert_eq!(unstable["summary"], "Flaky is unstable", "{unstable}");
    // It goes on failing every other check: nothing more may be said.
    dw.wait_rounds("Flaky", 8, 40);

    let titles = delivered(&s, &dw);
    assert_eq!(titles, ["Flaky is unstable"], "{}", dw.context());
    let events = dw.events();
    let failed = events
        .iter()
        .filter(|e| e["event"] == "check" && e["watch"] == "Flaky" && e["status"] == "down")
        .count();
    let ok = events
        .iter()
        .filter(|e| e["event"] == "check" && e["watch"] == "Flaky" && e["status"] == "up")
        .count();
    assert!(failed >= 6 && ok >= 6, "{failed} failed, {ok} up");
    let hook = dw.hooked();
    assert_eq!(
        (&hook[0]["kind"], &hook[0]["watch"]),
        (&json!("unstable"), &json!("Flaky"))
    );
}

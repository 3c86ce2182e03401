//! What leaves the resident: a secret header's value never does (not in the events, the
//! hook's JSON, the notification or the debug log), and a delivery that fails (no
//! notification daemon, a hook that exits non-zero or hangs) is recorded as a
//! `delivery_failed` event while monitoring goes on. Root only (namespaces, nftables); see
//! `tests/src/resident.rs`.

#![allow(clippy::unwrap_used)] // test helpers outside #[test] functions

use downwatch_e2e::resident::{Scene, Timings, delivered, hand_edit, notices, of_kind, quote};
use serde_json::Value;

/// `config` (from `Scene::config`) with the hook running `script` under `/bin/sh`, killed
/// after `timeout`.
fn with_hook(config: &str, script: &str, timeout: &str) -> String {
    let mut replaced = 0;
    let lines: Vec<String> = config
        .lines()
        .map(|l| {
            if l.starts_with("command = ") {
                replaced += 1;
                format!("command = [\"/bin/sh\", \"-c\", {}]", quote(script))
            } else if l.starts_with("command_timeout = ") {
                replaced += 1;
                format!("command_timeout = {}", quote(timeout))
            } else {
                l.to_owned()
            }
        })
        .collect();
    assert_eq!(replaced, 2, "no hook in {config}");
    lines.join("\n") + "\n"
}

/// The value of the secret header: it must never be seen outside the request.
const SECRET: &str = "dw-secret-4f1b9e27c3a5";

/// A watch sending a secret header to the bed's `/headers` (which echoes the request's
/// headers in its body, so the keyword `x-api-key` proves the header was sent) fails, is
/// notified down, then recovers, with the resident logging at debug level. The value is
/// nowhere: events, hook lines, the daemon's notifications, standard error.
#[test]
fn a_secret_header_value_never_leaves_the_request() {
    let Some(s) = Scene::start("secret_header") else {
        return;
    };
    let mut api = s.https("API", "https_valid", "/headers");
    api.body.push_str(&format!(
        "headers = {{ X-Api-Key = {{ value = {}, secret = true }} }}\n",
        quote(SECRET)
    ));
    let with_keyword = |keyword: &str| {
        let mut watch = api.clone();
        watch
            .body
            .push_str(&format!("keyword = {}\n", quote(keyword)));
        s.config(
            &Timings::default(),
            &[watch, s.https("Web", "https_h1", "/")],
        )
    };
    let dw = s.run_with_env(&with_keyword("x-api-key"), &[("DOWNWATCH_LOG", "debug")]);
    dw.wait_up(&["API", "Web"], 20);

    // The API's answer stops carrying what is expected: the watch fails (the secret still
    // sent with every check, and echoed back in every body read).
    hand_edit(&s.config_path(), &with_keyword("x-missing-header"));
    dw.wait_for("the down notification", 30, |ev| {
        notices(ev, "down").first().map(|_| ())
    });
    hand_edit(&s.config_path(), &with_keyword("x-api-key"));
    dw.wait_for("the recovered notification", 30, |ev| {
        notices(ev, "recovered").first().map(|_| ())
    });
    let titles = delivered(&s, &dw);
    assert_eq!(
        titles,
        ["API is down", "API is back up"],
        "{}",
        dw.context()
    );

    let events = dw.events();
    let down = notices(&events, "down")[0].clone();
    assert_eq!(down["cause"], "http_keyword", "{down}");
    let sent_with_the_header = of_kind(&events, "check")
        .iter()
        .filter(|c| c["watch"] == "API" && c["status"] == "up")
        .count();
    assert!(sent_with_the_header >= 2, "{}", dw.context());

    let stderr = std::fs::read_to_string(&dw.stderr_path).unwrap();
    assert!(stderr.contains("DEBUG"), "debug logging is on: {stderr}");
    let places: [(&str, String); 4] = [
        ("events", std::fs::read_to_string(&dw.events_path).unwrap()),
        ("hook", std::fs::read_to_string(&dw.hook_path).unwrap()),
        ("daemon", format!("{:?}", s.desktop.received())),
        ("stderr", stderr),
    ];
    for (place, text) in places {
        assert!(!text.is_empty(), "{place}: nothing to look at");
        assert!(
            !text.contains(SECRET),
            "the secret is in the {place}:\n{}",
            text.lines()
                .filter(|l| l.contains(SECRET))
                .collect::<Vec<_>>()
                .join("\n")
        );
    }
}

/// No notification daemon on the session bus, and a hook that exits with code 3: both
/// deliveries of the "down" notice are recorded as failed, with why. Then the hook hangs
/// past its timeout on the "back up" notice: recorded too. Monitoring goes on throughout.
#[test]
fn failed_deliveries_are_recorded_and_monitoring_goes_on() {
    let Some(s) = Scene::start("failed_deliveries") else {
        return;
    };
    let watches = [
        s.https("Web", "https_valid", "/"),
        s.https("Mail", "https_h1", "/"),
    ];
    let config = s.config(&Timings::default(), &watches);
    let exits_3 = "cat > /dev/null; echo 'the pager is unplugged' >&2; exit 3";
    let no_daemon = s.no_bus("no_session_bus");
    let dw = s.run_with_env(
        &with_hook(&config, exits_3, "5s"),
        &[("DBUS_SESSION_BUS_ADDRESS", &no_daemon)],
    );
    dw.wait_up(&["Web", "Mail"], 20);

    s.ns.drop_port(
        "tcp",
        s.bed.port("https_valid"),
        "",
        "reject with tcp reset",
    );
    let failed = dw.wait_for("both deliveries of the down notice failing", 30, |ev| {
        let failed = of_kind(ev, "delivery_failed");
        (failed.len() >= 2).then_some(failed)
    });
    let by_channel = |failed: &[Value], channel: &str| -> Vec<String> {
        failed
            .iter()
            .filter(|f| f["channel"] == channel)
            .map(|f| f["summary"].as_str().unwrap().to_owned())
            .collect()
    };
    let desktop = by_channel(&failed, "desktop");
    assert_eq!(desktop.len(), 1, "{failed:?}");
    assert!(
        desktop[0].starts_with("desktop notification not shown: "),
        "{desktop:?}"
    );
    assert_eq!(
        by_channel(&failed, "command"),
        ["hook `/bin/sh` failed (exit code 3): the pager is unplugged"],
        "{failed:?}"
    );

    // Now the hook hangs; the service comes back.
    hand_edit(&s.config_path(), &with_hook(&config, "sleep 30", "1s"));
    dw.wait_for("config_reloaded", 15, |ev| {
        of_kind(ev, "config_reloaded").first().map(|_| ())
    });
    s.ns.nft("delete table inet dwfault\n");
    dw.wait_for("the hook of the recovery timing out", 30, |ev| {
        (by_channel(&of_kind(ev, "delivery_failed"), "command").len() >= 2).then_some(())
    });
    // Monitoring goes on after failed deliveries.
    dw.wait_rounds("Web", 2, 20);
    dw.wait_rounds("Mail", 2, 20);

    let events = dw.events();
    let failed = of_kind(&events, "delivery_failed");
    assert_eq!(
        by_channel(&failed, "command"),
        [
            "hook `/bin/sh` failed (exit code 3): the pager is unplugged",
            "hook `/bin/sh` killed after its timeout of 1s"
        ],
        "{}",
        dw.context()
    );
    assert_eq!(by_channel(&failed, "desktop").len(), 2, "{}", dw.context());
    let told: Vec<Value> = of_kind(&events, "notification")
        .iter()
        .map(|n| n["kind"].clone())
        .collect();
    assert_eq!(told, ["down", "recovered"], "{}", dw.context());
    assert!(
        s.desktop.received().is_empty(),
        "no daemon on the resident's bus"
    );
}

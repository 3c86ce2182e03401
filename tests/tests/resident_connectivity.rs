//! "Is it me or them" end to end: when the user's own network fails (every packet dropped)
//! or a captive portal answers in place of the internet, the resident says so once, holds
//! every watch alarm, and says "Back online" once the network is back. The controls are the
//! test bed's (an HTTP control by name with a keyword, a TCP control by address), set in
//! the config. Root only (namespaces, nftables); see `tests/src/resident.rs`.

#![allow(clippy::unwrap_used)] // test helpers outside #[test] functions

use downwatch_e2e::resident::{Resident, Scene, Timings, delivered, notices, of_kind};
use serde_json::{Value, json};

/// State changes that are not the silent start-up baseline.
fn loud_changes(events: &[Value]) -> Vec<Value> {
    of_kind(events, "state")
        .into_iter()
        .filter(|e| e["silent"] != true)
        .collect()
}

/// Waits until every watch in `names` had `n` checks held (not judged) under `verdict`.
fn wait_held(dw: &Resident, names: &[&str], verdict: &str, n: usize) {
    dw.wait_for(
        &format!("{n} checks of each watch held ({verdict})"),
        30,
        |ev| {
            names
                .iter()
                .all(|w| {
                    ev.iter()
                        .filter(|e| {
                            e["event"] == "check"
                                && e["watch"] == *w
                                && e["judged"] == false
                                && e["verdict"] == verdict
                        })
                        .count()
                        >= n
                })
                .then_some(())
        },
    );
}

/// Every packet in the namespace dropped (the Wi-Fi is gone): one "You are offline", no
/// watch alarm while it lasts; once the network is back, one "Back online".
#[test]
fn cutting_every_route_gives_one_offline_and_one_back_online() {
    let Some(s) = Scene::start("offline") else {
        return;
    };
    let names = ["Web", "Mail"];
    let watches = [
        s.https("Web", "https_valid", "/"),
        s.https("Mail", "https_h1", "/"),
    ];
    let dw = s.run(&s.config(&Timings::default(), &watches));
    dw.wait_up(&names, 20);

    s.ns.nft(
        "table inet dwcut {\n chain inbound {\n  type filter hook input priority 0;\n  drop\n }\n}\n",
    );
    let offline = dw.wait_for("the offline notification", 30, |ev| {
        notices(ev, "offline").first().map(|n| (*n).clone())
    });
    assert_eq!(offline["summary"], "You are offline", "{offline}");
    assert_eq!(offline["verdict"], "offline", "{offline}");
    // Offline for a while: the watches keep failing, and none of it is held against them.
    wait_held(&dw, &names, "offline", 3);

    s.ns.nft("delete table inet dwcut\n");
    let online = dw.wait_for("the back-online notification", 30, |ev| {
        notices(ev, "online").first().map(|n| (*n).clone())
    });
    assert!(
        online["body"]
            .as_str()
            .unwrap()
            .starts_with("Your connection is back after "),
        "{online}"
    );
    for w in names {
        dw.wait_rounds(w, 3, 30);
    }

    let titles = delivered(&s, &dw);
    assert_eq!(
        titles,
        ["You are offline", "Back online"],
        "{}",
        dw.context()
    );
    let events = dw.events();
    let verdicts: Vec<(Value, Value)> = of_kind(&events, "verdict")
        .into_iter()
        .map(|v| (v["from"].clone(), v["to"].clone()))
        .collect();
    // One round of controls straddling the network's return may see a mixed picture
    // (the TCP control back, the DNS answer still lost): a verdict in between is fine,
    // as long as nothing was said about it.
    assert_eq!(
        verdicts.first(),
        Some(&(json!("online"), json!("offline"))),
        "{verdicts:?}"
    );
    assert_eq!(
        verdicts.last().map(|v| &v.1),
        Some(&json!("online")),
        "{verdicts:?}"
    );
    assert_eq!(
        verdicts.iter().filter(|v| v.1 == "online").count(),
        1,
        "{verdicts:?}"
    );
    assert_eq!(
        loud_changes(&events),
        Vec::<Value>::new(),
        "{}",
        dw.context()
    );
}

/// The HTTP control's connections land on a captive portal (DNAT to the bed's portal,
/// which redirects everything to a sign-in page) and the watched HTTPS servers are cut
/// off, as behind a hotel's Wi-Fi before signing in: the notification names the portal,
/// no watch alarm; once signed in (faults removed), "Back online".
#[test]
fn captive_portal_is_named_as_such() {
    let Some(s) = Scene::start("captive_portal") else {
        return;
    };
    let names = ["Web", "Mail"];
    let watches = [
        s.https("Web", "https_valid", "/"),
        s.https("Mail", "https_h1", "/"),
    ];
    let dw = s.run(&s.config(&Timings::default(), &watches));
    dw.wait_up(&names, 20);

    let (control, portal) = (s.http_control_port(), s.bed.port("portal"));
    let https = format!("{}, {}", s.bed.port("https_valid"), s.bed.port("https_h1"));
    s.ns.nft(&format!(
        "table ip dwportal {{\n chain out {{\n  type nat hook output priority -100;\n  \
         ip daddr 127.0.0.1 tcp dport {control} dnat to 127.0.0.1:{portal}\n }}\n}}\n\
         table inet dwfault {{\n chain inbound {{\n  type filter hook input priority 0;\n  \
         tcp dport {{ {https} }} drop\n }}\n}}\n"
    ));
    let notice = dw.wait_for("the captive-portal notification", 30, |ev| {
        notices(ev, "offline").first().map(|n| (*n).clone())
    });
    assert_eq!(notice["verdict"], "captive_portal", "{notice}");
    assert_eq!(
        notice["summary"], "This network wants you to sign in",
        "{notice}"
    );
    assert!(
        notice["body"].as_str().unwrap().contains("captive portal"),
        "{notice}"
    );
    wait_held(&dw, &names, "captive_portal", 3);

    s.ns.nft("delete table ip dwportal\ndelete table inet dwfault\n");
    dw.wait_for("the back-online notification", 30, |ev| {
        notices(ev, "online").first().map(|_| ())
    });
    for w in names {
        dw.wait_rounds(w, 3, 30);
    }

    let titles = delivered(&s, &dw);
    assert_eq!(
        titles,
        ["This network wants you to sign in", "Back online"],
        "{}",
        dw.context()
    );
    let events = dw.events();
    assert_eq!(
        loud_changes(&events),
        Vec::<Value>::new(),
        "{}",
        dw.context()
    );
}

//! System-level faults inside a private network namespace (root only): black holes and
//! unreachable hosts made with nftables, deterministic packet loss, and IPv6 on ::1.
//! Only loopback exists in the namespace, so nothing can leave the machine.

#![allow(clippy::unwrap_used)] // test helpers outside #[test] functions

use downwatch_e2e::{Bed, Netns, downwatch, netns_available};

struct Scene {
    ns: Netns,
    bed: Bed,
}

fn scene(test: &str) -> Option<Scene> {
    if !netns_available(test) {
        return None;
    }
    let ns = Netns::create();
    let bed = Bed::start(Some(&ns));
    Some(Scene { ns, bed })
}

impl Scene {
    fn check(&self, target: &str, extra: &[&str]) -> serde_json::Value {
        let dns = self.bed.addr("dns");
        let ca = self.bed.ca();
        let mut argv = vec!["check", target, "--resolver", &dns, "--ca", &ca, "--json"];
        argv.extend_from_slice(extra);
        let run = downwatch(Some(&self.ns), &argv);
        assert!(run.stderr.is_empty(), "{}", run.stderr);
        run.json()
    }
}

fn total_ms(doc: &serde_json::Value) -> f64 {
    doc["phases_ms"]["total"].as_f64().unwrap()
}

#[test]
fn black_holed_port_is_a_tcp_timeout_at_the_deadline() {
    let Some(s) = scene("black_holed_port") else {
        return;
    };
    let port = s.bed.port("https_valid");
    let target = format!("https://ok.test:{port}/");
    assert_eq!(
        s.check(&target, &[])["status"],
        "up",
        "reachable before the fault"
    );
    s.ns.drop_port("tcp", port, "", "drop");
    let doc = s.check(&target, &["--timeout", "2s"]);
    assert_eq!(
        (doc["layer"].as_str(), doc["cause"].as_str()),
        (Some("tcp"), Some("tcp_timeout")),
        "{doc}"
    );
    assert!((2000.0..3000.0).contains(&total_ms(&doc)), "{doc}");
    assert!(
        doc["phases_ms"]["dns"].as_f64().is_some(),
        "DNS still worked: {doc}"
    );
}

#[test]
fn black_holed_resolver_is_a_dns_timeout() {
    let Some(s) = scene("black_holed_resolver") else {
        return;
    };
    let dns_port = s.bed.port("dns");
    s.ns.drop_port("udp", dns_port, "", "drop");
    s.ns.nft(&format!(
        "table inet dwfault2 {{\n chain inbound {{\n  type filter hook input priority 0;\n  tcp dport {dns_port} drop\n }}\n}}\n"
    ));
    let doc = s.check("https://ok.test/", &["--timeout", "2s"]);
    assert_eq!(doc["cause"], "dns_timeout", "{doc}");
    assert!(
        doc["message"]
            .as_str()
            .unwrap()
            .contains(&s.bed.addr("dns"))
    );
    assert!((2000.0..3000.0).contains(&total_ms(&doc)), "{doc}");
    assert!(doc["phases_ms"]["connect"].is_null());
}

#[test]
fn rejected_with_host_unreachable_is_tcp_unreachable() {
    let Some(s) = scene("host_unreachable") else {
        return;
    };
    let port = s.bed.port("http");
    s.ns.drop_port("tcp", port, "", "reject with icmpx type host-unreachable");
    let doc = s.check(&format!("tcp://127.0.0.1:{port}"), &["--timeout", "3s"]);
    assert_eq!(doc["cause"], "tcp_unreachable", "{doc}");
    assert!(total_ms(&doc) < 3000.0);
}

#[test]
fn lost_dns_datagrams_are_retransmitted() {
    let Some(s) = scene("dns_packet_loss") else {
        return;
    };
    // Every other datagram to the resolver is lost, the first one included.
    s.ns.drop_port("udp", s.bed.port("dns"), "numgen inc mod 2 == 0", "drop");
    let doc = s.check("dns://ok.test", &["--timeout", "4s"]);
    assert_eq!(doc["status"], "up", "{doc}");
    let dns_ms = doc["phases_ms"]["dns"].as_f64().unwrap();
    assert!(
        dns_ms >= 700.0,
        "the answer came only after a retransmission: {dns_ms} ms"
    );
}

#[test]
fn ten_percent_tcp_loss_still_completes() {
    let Some(s) = scene("tcp_packet_loss") else {
        return;
    };
    let port = s.bed.port("https_valid");
    s.ns.drop_port("tcp", port, "numgen inc mod 10 == 5", "drop");
    for _ in 0..5 {
        let doc = s.check(&format!("https://ok.test:{port}/"), &["--timeout", "8s"]);
        assert_eq!(doc["status"], "up", "{doc}");
    }
}

#[test]
fn ipv6_loopback_paths() {
    if !netns_available("ipv6_paths") {
        return;
    }
    // A namespace of its own: nothing listens on 127.0.0.1 there.
    let ns = Netns::create();
    let v6 = Bed::start_on("::1", Some(&ns));
    let dns = v6.addr("dns");
    assert!(dns.starts_with("[::1]:"), "{dns}");
    let ca = v6.ca();
    // ok.test has A 127.0.0.1 (tried first, refused: nothing listens there) and AAAA ::1.
    let target = format!("https://ok.test:{}/", v6.port("https_valid"));
    let run = downwatch(
        Some(&ns),
        &["check", &target, "--resolver", &dns, "--ca", &ca, "--json"],
    );
    let doc = run.json();
    assert_eq!(doc["status"], "up", "{doc}");
    assert!(
        doc["address"].as_str().unwrap().starts_with("[::1]:"),
        "{doc}"
    );
    assert_eq!(
        doc["dns"]["answers"],
        serde_json::json!(["127.0.0.1", "::1"])
    );
    let run = downwatch(
        Some(&ns),
        &[
            "check",
            "dns://v6only.test",
            "--type",
            "AAAA",
            "--resolver",
            &dns,
            "--json",
        ],
    );
    assert_eq!(run.json()["dns"]["answers"][0], "::1");
}

#[test]
fn a_black_holed_first_address_costs_a_quarter_second_not_the_deadline() {
    if !netns_available("happy_eyeballs") {
        return;
    }
    let ns = Netns::create();
    let v6 = Bed::start_on("::1", Some(&ns));
    let (dns, ca) = (v6.addr("dns"), v6.ca());
    let port = v6.port("https_valid");
    // ok.test has A 127.0.0.1 (tried first) and AAAA ::1. The IPv4 attempt hangs in a black
    // hole; the IPv6 one, started 250 ms later, wins.
    ns.nft(&format!(
        "table ip dwfault {{\n chain inbound {{\n  type filter hook input priority 0;\n  tcp dport {port} drop\n }}\n}}\n"
    ));
    let target = format!("https://ok.test:{port}/");
    let run = downwatch(
        Some(&ns),
        &[
            "check",
            &target,
            "--resolver",
            &dns,
            "--ca",
            &ca,
            "--timeout",
            "5s",
            "--json",
        ],
    );
    let doc = run.json();
    assert_eq!(doc["status"], "up", "{doc}");
    assert!(
        doc["address"].as_str().unwrap().starts_with("[::1]:"),
        "{doc}"
    );
    let connect = doc["phases_ms"]["connect"].as_f64().unwrap();
    assert!(
        (250.0..1500.0).contains(&connect),
        "connect took {connect} ms"
    );
}

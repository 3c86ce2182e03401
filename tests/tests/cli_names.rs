//! Host names as people type them, through `downwatch check`: an internationalized name in
//! every target kind reaches the test bed's servers (which know only its A-label,
//! `xn--bcher-kva.test`), and the output shows the name as the user wrote it, in Unicode.

#![allow(clippy::unwrap_used)] // test helpers outside #[test] functions

use downwatch_e2e::{Bed, downwatch};

fn check(bed: &Bed, target: &str, extra: &[&str]) -> downwatch_e2e::Run {
    let dns = bed.addr("dns");
    let ca = bed.ca();
    let mut args = vec!["check", target, "--resolver", &dns, "--ca", &ca];
    args.extend_from_slice(extra);
    downwatch(None, &args)
}

#[test]
fn an_internationalized_name_works_in_every_target_kind() {
    let bed = Bed::start(None);
    let https = bed.port("https_valid");
    let http = bed.port("http");
    for (target, detail) in [
        (format!("https://bücher.test:{https}/"), "HTTP/2 200"),
        (format!("http://bücher.test:{http}/"), "HTTP/1.1 200"),
        (
            format!("tcp://bücher.test:{http}"),
            "connected to 127.0.0.1",
        ),
        (format!("tls://bücher.test:{https}"), "certificate valid"),
        ("dns://bücher.test".to_owned(), "127.0.0.1"),
    ] {
        let run = check(&bed, &target, &[]);
        assert_eq!(run.code, Some(0), "{target}: {}{}", run.stdout, run.stderr);
        let first = run.stdout.lines().next().unwrap_or_default();
        assert!(
            first.starts_with(&format!("UP  {target}")),
            "{target}: {first}"
        );
        assert!(run.stdout.contains(detail), "{target}: {}", run.stdout);

        let run = check(&bed, &target, &["--json"]);
        assert_eq!(run.code, Some(0), "{target}: {}", run.stdout);
        let doc = run.json();
        assert_eq!(doc["target"], *target, "{doc}");
        assert_eq!(doc["status"], "up");
        assert_eq!(doc["dns"]["answers"][0], "127.0.0.1", "{doc}");
    }
}

#[test]
fn absolute_names_and_other_spellings_work_and_bad_ones_say_why() {
    let bed = Bed::start(None);
    let https = bed.port("https_valid");
    for (target, shown) in [
        (
            format!("tls://BÜCHER.test.:{https}"),
            format!("tls://bücher.test:{https}"),
        ),
        (
            format!("tcp://ok.test.:{https}"),
            format!("tcp://ok.test:{https}"),
        ),
        (
            "dns://xn--bcher-kva.test.".to_owned(),
            "dns://bücher.test".to_owned(),
        ),
        (
            format!("https://ok.test.:{https}/"),
            format!("https://ok.test.:{https}/"),
        ),
    ] {
        let run = check(&bed, &target, &[]);
        assert_eq!(run.code, Some(0), "{target}: {}{}", run.stdout, run.stderr);
        assert!(
            run.stdout.starts_with(&format!("UP  {shown}")),
            "{target}: {}",
            run.stdout
        );
    }
    let run = check(&bed, "tcp://bü cher.test:80", &[]);
    assert_eq!(run.code, Some(3));
    assert!(
        run.stderr
            .contains("`bü cher.test` is not a valid host name"),
        "{}",
        run.stderr
    );
}

/// Happy Eyeballs v2 (RFC 8305) through the CLI: `shop.test` answers A at once and never
/// AAAA, `shop6.test` the reverse, `noreply.test` neither.
#[test]
fn a_family_the_resolver_never_answers_costs_nothing_and_dns_deadlines_stay_dns() {
    let bed = Bed::start(None);
    let dns = bed.addr("dns");
    let http = bed.port("http");

    // The command: UP in milliseconds (before: 4,001 ms in DNS, DOWN tcp_timeout).
    let target = format!("http://shop.test:{http}/");
    let run = check(&bed, &target, &["--timeout", "4s", "--json"]);
    assert_eq!(run.code, Some(0), "{}{}", run.stdout, run.stderr);
    let doc = run.json();
    assert_eq!(doc["status"], "up", "{doc}");
    assert!(doc["layer"].is_null() && doc["cause"].is_null(), "{doc}");
    assert!(
        doc["phases_ms"]["total"].as_f64().unwrap() < 2000.0,
        "{doc}"
    );
    assert_eq!(doc["dns"]["answers"], serde_json::json!(["127.0.0.1"]));
    assert_eq!(doc["dns"]["rcode"], "NOERROR");
    let run = check(&bed, &target, &["--timeout", "4s"]);
    assert!(
        run.stdout
            .starts_with(&format!("UP  {target} — HTTP/1.1 200")),
        "{}",
        run.stdout
    );

    // The reverse works when ::1 is reachable: something listens there.
    if bed.info["v6"].is_null() {
        println!("SKIPPED the IPv6 half: ::1 cannot be bound here");
    } else {
        let listener = std::net::TcpListener::bind("[::1]:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let run = check(
            &bed,
            &format!("tcp://shop6.test:{port}"),
            &["--timeout", "4s", "--json"],
        );
        let doc = run.json();
        assert_eq!((run.code, &doc["status"]), (Some(0), &"up".into()), "{doc}");
        assert_eq!(doc["address"], format!("[::1]:{port}"));
        assert!(
            doc["phases_ms"]["total"].as_f64().unwrap() < 2000.0,
            "{doc}"
        );
    }

    // Neither family answers: the deadline runs out in DNS, and that is what is said.
    for target in [
        format!("http://noreply.test:{http}/"),
        format!("tcp://noreply.test:{http}"),
    ] {
        let run = check(&bed, &target, &["--timeout", "1s", "--json"]);
        let doc = run.json();
        assert_eq!(run.code, Some(2), "{doc}");
        assert_eq!(
            (doc["layer"].as_str(), doc["cause"].as_str()),
            (Some("dns"), Some("dns_timeout")),
            "{doc}"
        );
        assert_eq!(doc["message"], format!("no answer from {dns}"), "{doc}");
        assert!(doc["phases_ms"]["connect"].is_null(), "{doc}");
        let run = check(&bed, &target, &["--timeout", "1s"]);
        assert!(
            run.stdout
                .starts_with(&format!("DOWN  {target} — DNS: no answer from {dns}")),
            "{}",
            run.stdout
        );
    }
}

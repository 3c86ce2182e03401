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

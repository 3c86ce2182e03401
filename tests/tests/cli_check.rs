//! `downwatch check` as a user and a script see it: text, JSON, the plugin line, exit codes.

#![allow(clippy::unwrap_used)] // test helpers outside #[test] functions

use downwatch_e2e::{Bed, downwatch};

fn args<'a>(bed: &'a Bed, dns: &'a str, target: &'a str, extra: &[&'a str]) -> Vec<&'a str> {
    let mut v = vec!["check", target, "--resolver", dns, "--ca"];
    v.push(Box::leak(bed.ca().into_boxed_str()));
    v.extend_from_slice(extra);
    v
}

#[test]
fn up_in_text_json_and_nagios() {
    let bed = Bed::start(None);
    let dns = bed.addr("dns");
    let target = format!("https://ok.test:{}/", bed.port("https_valid"));

    let run = downwatch(None, &args(&bed, &dns, &target, &[]));
    assert_eq!(run.code, Some(0), "{}{}", run.stdout, run.stderr);
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert!(
        lines[0].starts_with(&format!("UP  {target} — HTTP/2 200")),
        "{}",
        run.stdout
    );
    assert!(
        lines[1].trim_start().starts_with("DNS")
            && lines[1].contains(&format!("NOERROR from {dns}"))
    );
    assert!(lines[2].contains("connected to 127.0.0.1:"));
    assert!(lines[3].contains("TLSv1.3, h2, certificate valid"));
    assert!(lines[4].contains("HTTP/2 200"));
    assert!(lines[5].trim_start().starts_with("total"));

    let run = downwatch(None, &args(&bed, &dns, &target, &["--json"]));
    assert_eq!(run.code, Some(0));
    let doc = run.json();
    assert_eq!(doc["status"], "up");
    assert!(doc["layer"].is_null() && doc["cause"].is_null());
    for phase in ["dns", "connect", "tls", "ttfb", "total"] {
        assert!(
            doc["phases_ms"][phase].as_f64().is_some_and(|v| v > 0.0),
            "{phase}: {doc}"
        );
    }
    assert_eq!(doc["http"]["status"], 200);
    assert_eq!(doc["http"]["version"], "HTTP/2");
    assert_eq!(doc["tls"]["version"], "TLSv1.3");
    assert!(doc["tls"]["days_left"].as_i64().is_some_and(|d| d > 300));
    assert_eq!(doc["dns"]["rcode"], "NOERROR");
    assert_eq!(doc["dns"]["answers"][0], "127.0.0.1");
    assert!(doc["address"].as_str().unwrap().starts_with("127.0.0.1:"));

    let run = downwatch(None, &args(&bed, &dns, &target, &["--nagios"]));
    assert_eq!(run.code, Some(0));
    let first = run.stdout.lines().next().unwrap();
    assert!(first.starts_with("HTTP OK - HTTP/2 200 | DNS="), "{first}");
    for label in ["CONNECT=", "TLS=", "TTFB=", "TOTAL="] {
        assert!(first.contains(label), "{first}");
    }
    assert!(
        first
            .split(" | ")
            .nth(1)
            .unwrap()
            .split(' ')
            .all(|p| p.ends_with("ms;;;")),
        "{first}"
    );
}

#[test]
fn each_layer_fails_with_its_cause_and_exit_2() {
    let bed = Bed::start(None);
    let dns = bed.addr("dns");
    let cases = [
        (
            format!("https://ok.test:{}/", bed.port("https_expired")),
            "tls",
            "tls_expired",
            "TLS: certificate expired 12 days ago",
        ),
        (
            "https://servfail.test/".to_owned(),
            "dns",
            "dns_servfail",
            &*format!("DNS: SERVFAIL from {dns}"),
        ),
        (
            "https://missing.test/".to_owned(),
            "dns",
            "dns_nxdomain",
            "DNS: NXDOMAIN",
        ),
        (
            format!("https://ok.test:{}/", bed.port("https_wrong_host")),
            "tls",
            "tls_hostname_mismatch",
            "TLS: certificate is for wrong.test",
        ),
        (
            format!("https://ok.test:{}/", bed.port("garbage")),
            "tls",
            "tls_handshake",
            "TLS: the server did not speak TLS",
        ),
        (
            format!("http://ok.test:{}/status/503", bed.port("http")),
            "http",
            "http_status",
            "HTTP: status 503 Service Unavailable",
        ),
        (
            format!("http://ok.test:{}/loop", bed.port("http")),
            "http",
            "http_too_many_redirects",
            "HTTP: more than 10 redirects",
        ),
        (
            "tcp://127.0.0.1:1".to_owned(),
            "tcp",
            "tcp_refused",
            "TCP: connection refused by 127.0.0.1:1",
        ),
    ];
    for (target, layer, cause, words) in &cases {
        let run = downwatch(None, &args(&bed, &dns, target, &[]));
        assert_eq!(run.code, Some(2), "{target}: {}", run.stdout);
        let first = run.stdout.lines().next().unwrap();
        assert!(
            first.starts_with("DOWN  ") && first.contains(words),
            "{target}: {first}"
        );
        assert!(run.stdout.contains(&format!("[{cause}]")), "{}", run.stdout);
        let doc = downwatch(None, &args(&bed, &dns, target, &["--json"])).json();
        assert_eq!(
            (
                doc["status"].as_str(),
                doc["layer"].as_str(),
                doc["cause"].as_str()
            ),
            (Some("down"), Some(*layer), Some(*cause))
        );
        // The message as data beside its English rendering.
        assert!(
            doc["message_id"].as_str().is_some_and(|id| !id.is_empty()),
            "{doc}"
        );
        assert!(doc["message_args"].is_object(), "{doc}");
        let nagios = downwatch(None, &args(&bed, &dns, target, &["--nagios"]));
        assert_eq!(nagios.code, Some(2));
        assert!(nagios.stdout.contains(" CRITICAL - "), "{}", nagios.stdout);
    }
    // Layers after the failing one are shown as not reached.
    let run = downwatch(None, &args(&bed, &dns, "https://servfail.test/", &[]));
    assert_eq!(
        run.stdout.matches("not reached").count(),
        3,
        "{}",
        run.stdout
    );
}

#[test]
fn degraded_exits_1() {
    let bed = Bed::start(None);
    let dns = bed.addr("dns");
    let target = format!("tls://ok.test:{}", bed.port("https_expiring"));
    let run = downwatch(None, &args(&bed, &dns, &target, &[]));
    assert_eq!(run.code, Some(1), "{}", run.stdout);
    assert!(run.stdout.starts_with("DEGRADED  ") && run.stdout.contains("[tls_expiring]"));
    let nagios = downwatch(None, &args(&bed, &dns, &target, &["--nagios"]));
    assert!(
        nagios
            .stdout
            .starts_with("TLS WARNING - TLS: certificate expires in "),
        "{}",
        nagios.stdout
    );
    let slow = format!("http://ok.test:{}/delay/300", bed.port("http"));
    let run = downwatch(
        None,
        &args(&bed, &dns, &slow, &["--degraded-after", "100ms", "--json"]),
    );
    assert_eq!(run.code, Some(1));
    assert_eq!(run.json()["cause"], "too_slow");
}

#[test]
fn dns_targets_with_record_types() {
    let bed = Bed::start(None);
    let dns = bed.addr("dns");
    let run = downwatch(
        None,
        &[
            "check",
            "dns://mail.test",
            "--type",
            "mx",
            "--resolver",
            &dns,
            "--json",
        ],
    );
    assert_eq!(run.code, Some(0));
    let doc = run.json();
    assert_eq!(doc["dns"]["answers"][0], "10 mx.ok.test.");
    assert_eq!(
        (doc["target"].as_str(), doc["dns"]["type"].as_str()),
        (Some("dns://mail.test"), Some("MX"))
    );
    let run = downwatch(
        None,
        &[
            "check",
            "dns://big.test",
            "--type",
            "TXT",
            "--resolver",
            &dns,
        ],
    );
    assert_eq!(run.code, Some(0), "{}", run.stdout);
    assert!(run.stdout.contains("over TCP"), "{}", run.stdout);
    let run = downwatch(
        None,
        &[
            "check",
            "dns://noreply.test",
            "--resolver",
            &dns,
            "--timeout",
            "1s",
            "--json",
        ],
    );
    assert_eq!(
        (run.code, run.json()["cause"].as_str()),
        (Some(2), Some("dns_timeout"))
    );
}

#[test]
fn bad_input_is_one_clear_line_and_exit_3() {
    for (argv, needle) in [
        (vec!["check", "example.com"], "has no scheme"),
        (vec!["check", "ftp://example.com"], "unknown scheme"),
        (
            vec!["check", "https://x.test/", "--timeout", "3"],
            "is not a duration",
        ),
        (
            vec!["check", "https://x.test/", "--timeout", "500000000000years"],
            "longest allowed duration",
        ),
        (
            vec!["check", "tcp://x.test:80", "--keyword", "hello"],
            "--keyword applies only to http:// and https:// targets",
        ),
        (
            vec!["check", "https://x.test/", "--type", "MX"],
            "--type applies only to dns:// targets",
        ),
        (
            vec!["check", "dns://x.test", "--expect-rcode", "BOGUS"],
            "is not a DNS response code",
        ),
        (vec!["check", "https://a..b/"], "is not a valid host name"),
        (
            vec!["check", "https://x.test/", "--resolver", "dns.google"],
            "is not `system`, an IP address or IP:PORT",
        ),
        (
            vec!["check", "https://x.test/", "--expect-status", "abc"],
            "is not a status code",
        ),
        (
            vec!["check", "https://x.test/", "--ca", "/nonexistent/ca.pem"],
            "cannot read CA file /nonexistent/ca.pem",
        ),
        (
            vec!["check", "https://x.test/", "--ca", "/etc/hostname"],
            "holds no usable PEM certificate",
        ),
        (
            vec!["check", "https://x.test/", "--regex", "("],
            "invalid regular expression",
        ),
        (
            vec!["check", "https://x.test/", "--header", "novalue"],
            "must be written `Name: value`",
        ),
        (
            vec!["check", "https://x.test/", "--absent"],
            "--absent needs --keyword or --regex",
        ),
        (
            vec!["check", "dns://x.test", "--type", "SRV"],
            "unknown record type",
        ),
        (
            vec!["check", "https://x.test/", "--bogus"],
            "unexpected argument",
        ),
        (vec!["check"], "required"),
    ] {
        let run = downwatch(None, &argv);
        assert_eq!(run.code, Some(3), "{argv:?}: {}", run.stderr);
        assert!(run.stderr.contains(needle), "{argv:?}: {}", run.stderr);
        assert!(
            !run.stderr.contains("panicked") && !run.stderr.contains("backtrace"),
            "{}",
            run.stderr
        );
        assert_eq!(
            run.stderr.trim_end().lines().count(),
            1,
            "{argv:?}: {}",
            run.stderr
        );
        assert!(run.stdout.is_empty());
    }
    let help = downwatch(None, &["check", "--help"]);
    assert_eq!(help.code, Some(0));
    assert!(help.stdout.contains("--resolver"));
}

/// Issue 7's inputs as a user types them: each was a false "down" before.
#[test]
fn the_web_as_browsers_speak_it() {
    let bed = Bed::start(None);
    let dns = bed.addr("dns");
    let http = bed.port("http");
    let raw = bed.port("raw");
    let check = |target: &str, extra: &[&str]| {
        let mut argv = args(&bed, &dns, target, extra);
        argv.push("--json");
        let run = downwatch(None, &argv);
        (run.code, run.json())
    };
    // A gzipped page, asked for with -H: the keyword is in the decoded page.
    let (code, doc) = check(
        &format!("http://ok.test:{http}/compressed"),
        &["-H", "Accept-Encoding: gzip", "--keyword", "Status: OK"],
    );
    assert_eq!(code, Some(0), "{doc}");
    assert_eq!(doc["http"]["content_encoding"], "gzip");
    let (wire, decoded) = (
        doc["http"]["wire_bytes"].as_u64().unwrap(),
        doc["http"]["body_bytes"].as_u64().unwrap(),
    );
    assert!(wire > 0 && wire < decoded, "{doc}");
    // Credentials in the URL are sent as Basic auth and never printed.
    let run = downwatch(
        None,
        &args(
            &bed,
            &dns,
            &format!("http://monitor:s3cret@127.0.0.1:{http}/basic-auth/monitor/s3cret"),
            &[],
        ),
    );
    assert_eq!(run.code, Some(0), "{}", run.stdout);
    assert!(!run.stdout.contains("monitor:s3cret"), "{}", run.stdout);
    // A Host of the user's replaces the probe's.
    let (code, doc) = check(
        &format!("http://127.0.0.1:{http}/host"),
        &["-H", "Host: site.test", "--keyword", "host: site.test"],
    );
    assert_eq!(code, Some(0), "{doc}");
    // 60 Set-Cookie and 60 Link fields.
    let (code, doc) = check(&format!("http://ok.test:{http}/many-headers/60"), &[]);
    assert_eq!(code, Some(0), "{doc}");
    // A cookie set by a redirect comes back on the next hop.
    let (code, doc) = check(&format!("http://ok.test:{http}/cookie-gate"), &[]);
    assert_eq!(code, Some(0), "{doc}");
    assert_eq!(doc["http"]["redirects"], 1);
    // A body cut short is down, keyword found or not.
    for extra in [&[][..], &["--keyword", "Status: OK"][..]] {
        let (code, doc) = check(&format!("http://127.0.0.1:{raw}/short-body"), extra);
        assert_eq!(code, Some(2), "{doc}");
        assert_eq!(doc["cause"], "http_protocol");
        assert!(
            doc["message"]
                .as_str()
                .unwrap()
                .contains("after sending 99 of the 5000 body bytes it announced"),
            "{doc}"
        );
    }
    // A coding Downwatch cannot undo is named.
    let (code, doc) = check(&format!("http://ok.test:{http}/encoded/zstd"), &[]);
    assert_eq!(
        (code, doc["layer"].as_str()),
        (Some(2), Some("http")),
        "{doc}"
    );
    assert_eq!(doc["cause"], "http_content_encoding");
    assert!(doc["message"].as_str().unwrap().contains("`zstd`"), "{doc}");
}

/// Issue 16's inputs as a user types them: what the user trusts and asks for is honoured.
#[test]
fn what_the_user_trusts_and_asks_for_is_honoured() {
    let bed = Bed::start(None);
    let dns = bed.addr("dns");
    let dir = std::path::Path::new(&bed.ca()).parent().unwrap().to_owned();
    let pem = dir.join("self_signed_ca.pem").display().to_string();
    let der = dir.join("self_signed_ca.der").display().to_string();
    let self_signed = format!("https://127.0.0.1:{}/", bed.port("https_self_signed_ca"));
    // A self-signed CA:TRUE certificate given with --ca.
    let run = downwatch(None, &["check", &self_signed, "--ca", &pem]);
    assert_eq!(run.code, Some(0), "{}{}", run.stdout, run.stderr);
    assert!(run.stdout.starts_with("UP"), "{}", run.stdout);
    let run = downwatch(None, &["check", &self_signed]);
    assert_eq!(run.code, Some(2), "{}", run.stdout);
    assert!(run.stdout.contains("[tls_untrusted]"), "{}", run.stdout);
    // The same certificate in DER: one clear line, exit 3.
    let run = downwatch(None, &["check", &self_signed, "--ca", &der]);
    assert_eq!(run.code, Some(3), "{}", run.stdout);
    assert!(
        run.stderr
            .contains("is a DER (binary) certificate; give it in PEM form"),
        "{}",
        run.stderr
    );
    // A redirect as the answer.
    let http = bed.port("http");
    let redirect = format!("http://127.0.0.1:{http}/location?to=%2Fx");
    let run = downwatch(
        None,
        &[
            "check",
            &redirect,
            "--max-redirects",
            "0",
            "--expect-status",
            "302",
            "--json",
        ],
    );
    assert_eq!(run.code, Some(0), "{}", run.stdout);
    let doc = run.json();
    assert_eq!(
        (
            doc["http"]["status"].as_u64(),
            doc["http"]["redirects"].as_u64()
        ),
        (Some(302), Some(0))
    );
    // Up has words too: the expected NXDOMAIN.
    let run = downwatch(
        None,
        &[
            "check",
            "dns://missing.test",
            "--resolver",
            &dns,
            "--expect-rcode",
            "NXDOMAIN",
            "--json",
        ],
    );
    assert_eq!(run.code, Some(0), "{}", run.stdout);
    let doc = run.json();
    assert_eq!(
        doc["message"],
        format!("NXDOMAIN from {dns}, as expected"),
        "{doc}"
    );
}

/// Issue 8: under an Arabic locale the text output is Arabic, the probe's message included,
/// with the address kept as a left-to-right run; `--json` stays English with the message's
/// id and arguments.
#[test]
fn the_text_output_speaks_the_users_language_and_json_stays_english() {
    let bed = Bed::start(None);
    let dns = bed.addr("dns");
    let target = format!("https://ok.test:{}/", bed.port("https_leaf_only"));
    let run = |locale: &str, extra: &[&str]| {
        let out = std::process::Command::new(downwatch_e2e::bin("downwatch"))
            .args(args(&bed, &dns, &target, extra))
            .env("NO_COLOR", "1")
            .env_remove("LC_ALL")
            .env_remove("LC_MESSAGES")
            .env("LANG", locale)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2));
        String::from_utf8(out.stdout).unwrap()
    };
    let arabic = run("ar_EG.UTF-8", &[]);
    let lines: Vec<&str> = arabic.lines().collect();
    assert!(lines[0].starts_with("\u{2068}متوقفة\u{2069}  "), "{arabic}");
    assert!(
        lines[0].contains("لم يُرسل الخادم شهادته الوسيطة"),
        "{arabic}"
    );
    assert!(
        lines[2].contains(&format!(
            "تم الاتصال بـ\u{2068}\u{2066}127.0.0.1:{}\u{2069}\u{2069}",
            bed.port("https_leaf_only")
        )),
        "{arabic}"
    );
    assert!(lines[4].contains("لم يُبلَغ"), "{arabic}");
    assert!(!arabic.contains("intermediate certificate"), "{arabic}");
    assert!(!arabic.contains("not reached"), "{arabic}");
    let doc: serde_json::Value = serde_json::from_str(&run("ar_EG.UTF-8", &["--json"])).unwrap();
    assert_eq!(doc["cause"], "tls_untrusted");
    assert_eq!(doc["message_id"], "tls-missing-intermediate");
    assert_eq!(
        doc["message_args"]["issuer"]["name"],
        "CN=Downwatch Test Intermediate CA"
    );
    assert!(
        doc["message"]
            .as_str()
            .unwrap()
            .starts_with("the server did not send its intermediate certificate"),
        "{doc}"
    );
    let english = run("en_US.UTF-8", &[]);
    assert!(english.starts_with("DOWN  "), "{english}");
    assert!(english.contains("not reached"), "{english}");
}

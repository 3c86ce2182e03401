//! The configuration layer: one bad-config fixture per validation rule with the line, column
//! and message it must produce; a full config landing in the model; the default file.
//! Edits and reloads are in `config_edit.rs` and `config_reload.rs`.
#![allow(clippy::unwrap_used)]

use std::path::{Path, PathBuf};
use std::time::Duration;

use downwatch_config::{ConfigError, DEFAULT_CONFIG, QuietHours};
use downwatch_probe::{HostName, Method, Pattern, RecordKind, Resolver, Target};

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

/// Fixture in `fixtures/bad/` -> `line:column: message` (a prefix of the message is enough
/// where the rest comes from a library, e.g. the OS error text).
const BAD: &[(&str, &str)] = &[
    (
        "bad_metrics_address",
        "3:11: `metrics` must be an address and a port, such as \"127.0.0.1:9464\" (got \"localhost\")",
    ),
    (
        "bad_duration",
        "5:12: watch \"Gmail\": `abc` is not a duration (e.g. 30s, 5m)",
    ),
    ("zero_interval", "3:12: `interval` must be more than zero"),
    (
        "duration_too_long",
        "2:12: `500000000000years` is longer than the longest allowed duration (24h)",
    ),
    (
        "zero_timeout",
        "5:11: watch \"Gmail\": `timeout` must be more than zero",
    ),
    (
        "zero_retry_interval",
        "3:18: `retry_interval` must be more than zero",
    ),
    (
        "zero_command_timeout",
        "3:19: `command_timeout` must be more than zero",
    ),
    (
        "zero_connectivity_interval",
        "3:12: `interval` must be more than zero",
    ),
    (
        "timeout_not_shorter",
        "5:11: watch \"Gmail\": timeout (30s) must be shorter than interval (30s)",
    ),
    (
        "defaults_interval_below_timeout",
        "3:12: timeout (8s) must be shorter than interval (5s)",
    ),
    (
        "threshold_zero",
        "5:20: watch \"Gmail\": `failures_to_down` must be between 1 and 100",
    ),
    (
        "threshold_too_high",
        "3:19: `successes_to_up` must be between 1 and 100",
    ),
    ("concurrency_zero", "3:15: `concurrency` must be at least 1"),
    (
        "unknown_field",
        "5:1: unknown field `intervall`, expected one of `name`",
    ),
    (
        "unknown_table",
        "2:2: unknown field `notification`, expected one of `defaults`, `connectivity`, `notifications`, `api`, `watch`",
    ),
    (
        "wrong_type",
        "3:12: invalid type: integer `30`, expected a string",
    ),
    ("missing_name", "2:1: watch #1: missing `name`"),
    ("missing_target", "2:1: watch \"Gmail\": missing `target`"),
    (
        "duplicate_name",
        "7:8: watch \"gmail\": duplicate name (first used at line 3)",
    ),
    ("empty_name", "3:8: watch #1: `name` is empty"),
    (
        "long_name",
        "3:8: watch #1: `name` is longer than 80 characters",
    ),
    (
        "bad_target",
        "4:10: watch \"Gmail\": `mail.google.com` has no scheme: use https://, http://, tcp://, tls:// or dns://",
    ),
    (
        "bad_port",
        "4:10: watch \"Gmail\": `99999` is not a port number (1-65535)",
    ),
    (
        "keyword_and_regex",
        "6:9: watch \"Gmail\": set `keyword` or `regex`, not both",
    ),
    (
        "absent_alone",
        "5:10: watch \"Gmail\": `absent` needs `keyword` or `regex`",
    ),
    (
        "bad_regex",
        "5:9: watch \"Gmail\": invalid regular expression `(Gmail`: unclosed group",
    ),
    (
        "bad_expect_status",
        "5:17: watch \"Gmail\": `2xx` is not a status code or range (expected e.g. 200, 200-299 or 200-299,404)",
    ),
    (
        "bad_method",
        "5:10: watch \"Gmail\": `GE T` is not an HTTP method",
    ),
    (
        "bad_header_name",
        "5:29: watch \"Gmail\": `Bad Header` is not a valid header name",
    ),
    (
        "bad_header_value",
        "5:23: watch \"Gmail\": the value of header `x-api` has invalid characters",
    ),
    (
        "bad_header_shape",
        "5:31: watch \"Gmail\": header `authorization` must be a text or { value = \"...\", secret = true }",
    ),
    (
        "bad_resolver",
        "5:12: watch \"Gmail\": `dns.google` is not `system`, an IP address or IP:PORT",
    ),
    (
        "missing_ca",
        "5:6: watch \"Gmail\": cannot read CA file {dir}/no-such-ca.pem: ",
    ),
    (
        "not_pem_ca",
        "5:6: watch \"Gmail\": CA file {dir}/not_pem_ca.toml holds no usable PEM certificate",
    ),
    (
        "bad_dns_type",
        "5:12: watch \"Gmail\": unknown record type `SRV` (expected A, AAAA, CNAME, MX, TXT or NS)",
    ),
    (
        "bad_rcode",
        "5:16: watch \"Gmail\": `NOTFOUND` is not a DNS response code",
    ),
    (
        "option_not_for_target",
        "5:11: watch \"Gmail\": `keyword` applies only to http:// and https:// targets",
    ),
    (
        "bad_cert_warn_days",
        "5:18: watch \"Gmail\": `cert_warn_days` must be between 0 and 365",
    ),
    (
        "bad_body_cap",
        "5:12: watch \"Gmail\": `body_cap` must be between 1 and 67108864",
    ),
    (
        "bad_max_redirects",
        "5:17: watch \"Gmail\": `max_redirects` must be between 0 and 100",
    ),
    ("empty_group", "5:9: watch \"Gmail\": `group` is empty"),
    (
        "quiet_hours_bad_time",
        "3:25: quiet_hours: `25:00` is not a time of day (HH:MM, from 00:00 to 23:59)",
    ),
    (
        "quiet_hours_same",
        "3:40: quiet_hours: `start` and `end` are the same time",
    ),
    (
        "rate_limit_zero",
        "3:24: rate_limit: `count` must be at least 1",
    ),
    (
        "command_empty",
        "3:11: `command` is empty: give the program and its arguments",
    ),
    (
        "bad_locale",
        "3:10: `arabic please` is not a language tag (e.g. en, ar, ar-EG)",
    ),
    (
        "control_watch_option",
        "4:12: control \"tcp://1.1.1.1:443\": `interval` is a watch option, not a control option",
    ),
    (
        "control_missing_target",
        "4:1: control #1: missing `target`",
    ),
    (
        "control_bad_target",
        "4:10: control \"Google\": `http//connectivitycheck.gstatic.com/generate_204` has no scheme",
    ),
    ("syntax_error", "2:10: "),
];

#[test]
fn each_rule_points_at_the_offending_value() {
    let dir = fixtures().join("bad");
    let mut failures = Vec::new();
    for (name, expected) in BAD {
        let path = dir.join(format!("{name}.toml"));
        let expected = expected.replace("{dir}", &dir.display().to_string());
        let message = match downwatch_config::load(&path) {
            Ok(_) => "loaded without error".to_owned(),
            Err(e) => e.to_string(),
        };
        let wanted = format!("{}:{expected}", path.display());
        if !message.starts_with(&wanted) {
            failures.push(format!("{name}:\n  want {wanted}\n  got  {message}"));
        }
        assert!(!message.contains('\n'), "{name}: one line: {message}");
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
    // Every fixture is in the table.
    for file in std::fs::read_dir(&dir).unwrap() {
        let name = file.unwrap().path();
        let stem = name.file_stem().unwrap().to_str().unwrap().to_owned();
        assert!(BAD.iter().any(|(n, _)| *n == stem), "{stem} is not in BAD");
    }
}

#[test]
fn errors_carry_line_and_column_as_fields() {
    let err = downwatch_config::load(&fixtures().join("bad/bad_duration.toml")).unwrap_err();
    let ConfigError::Invalid { line, column, .. } = err else {
        panic!("{err:?}")
    };
    assert_eq!((line, column), (5, 12));
}

#[test]
fn unreadable_file() {
    let err = downwatch_config::load(Path::new("/nonexistent/config.toml")).unwrap_err();
    assert!(
        err.to_string()
            .starts_with("cannot read /nonexistent/config.toml: "),
        "{err}"
    );
}

#[test]
fn empty_file_means_all_defaults_and_no_watches() {
    let config = downwatch_config::parse("", Path::new("config.toml")).unwrap();
    assert!(config.watches.is_empty());
    let d = &config.defaults;
    assert_eq!(d.interval, Duration::from_secs(30));
    assert_eq!(d.timeout, Duration::from_secs(8));
    assert_eq!(d.retry_interval, Duration::from_secs(5));
    assert_eq!((d.failures_to_down, d.successes_to_up), (3, 2));
    assert_eq!((d.degraded_after, d.concurrency), (None, 64));
    let c = &config.connectivity;
    assert_eq!(
        (c.interval, c.settle),
        (Duration::from_secs(60), Duration::from_secs(20))
    );
    let targets: Vec<String> = c
        .controls
        .iter()
        .map(|c| c.check.target.to_string())
        .collect();
    assert_eq!(
        targets,
        [
            "http://connectivitycheck.gstatic.com/generate_204",
            "http://detectportal.firefox.com/success.txt",
            "http://captive.apple.com/hotspot-detect.html",
            "tcp://1.1.1.1:443",
            "tcp://8.8.8.8:443",
        ]
    );
    let n = &config.notifications;
    assert!(n.desktop && n.degraded && n.recovered && n.offline && n.online);
    assert_eq!(n.locale, None);
    assert_eq!(
        (n.group_wait, n.group_window),
        (Duration::from_secs(5), Duration::from_secs(60))
    );
    assert_eq!(
        (n.rate_limit_count, n.rate_limit_window),
        (5, Duration::from_secs(600))
    );
    assert_eq!((n.quiet_hours, n.cert_warn_days), (None, 14));
    assert_eq!(
        (&n.command, n.command_timeout),
        (&None, Duration::from_secs(10))
    );
}

#[test]
fn full_config_lands_in_the_model() {
    let path = fixtures().join("full.toml");
    let config = downwatch_config::load(&path).unwrap();
    let d = &config.defaults;
    assert_eq!(
        (d.interval, d.timeout),
        (Duration::from_secs(45), Duration::from_secs(6))
    );
    assert_eq!(d.retry_interval, Duration::from_secs(3));
    assert_eq!(
        (d.failures_to_down, d.successes_to_up, d.concurrency),
        (4, 3, 16)
    );
    assert_eq!(d.degraded_after, Some(Duration::from_secs(2)));

    let c = &config.connectivity;
    assert_eq!(
        (c.interval, c.settle),
        (Duration::from_secs(90), Duration::ZERO)
    );
    assert_eq!(c.controls.len(), 2);
    assert_eq!(c.controls[0].name, "Local portal check");
    assert!(c.controls[0].check.http.expect_status.contains(204));
    assert!(!c.controls[0].check.http.expect_status.contains(200));
    assert_eq!(c.controls[0].check.timeout, Duration::from_secs(2));
    assert_eq!(
        c.controls[0].probe.resolver,
        Resolver::Server("192.0.2.53:53".parse().unwrap())
    );
    assert_eq!(c.controls[1].name, "tcp://192.0.2.1:443");
    assert_eq!(
        c.controls[1].check.timeout,
        downwatch_config::CONTROL_TIMEOUT
    );

    let n = &config.notifications;
    assert!(!n.desktop && !n.degraded && n.recovered && !n.offline && n.online);
    assert_eq!(n.locale.as_deref(), Some("ar"));
    assert_eq!(
        (n.group_wait, n.group_window),
        (Duration::from_secs(10), Duration::from_secs(120))
    );
    assert_eq!(
        (n.rate_limit_count, n.rate_limit_window),
        (3, Duration::from_secs(900))
    );
    assert_eq!(
        n.quiet_hours,
        Some(QuietHours {
            start: 22 * 60 + 30,
            end: 7 * 60
        })
    );
    assert_eq!(n.cert_warn_days, 21);
    assert_eq!(
        n.command.as_deref(),
        Some(&["/usr/local/bin/my-hook".to_owned(), "--flag".to_owned()][..])
    );
    assert_eq!(n.command_timeout, Duration::from_secs(20));

    let names: Vec<&str> = config.watches.iter().map(|w| w.name.as_str()).collect();
    assert_eq!(
        names,
        ["WhatsApp Web", "WhatsApp DNS", "Meta certificate", "Status"]
    );
    let w = &config.watches[0];
    assert_eq!(w.group.as_deref(), Some("Meta"));
    assert!(w.enabled && w.muted);
    assert_eq!(
        (w.interval, w.retry_interval),
        (Duration::from_secs(60), Duration::from_secs(2))
    );
    assert_eq!((w.failures_to_down, w.successes_to_up), (2, 1));
    assert_eq!(w.check.timeout, Duration::from_secs(10));
    let http = &w.check.http;
    assert_eq!(http.degraded_after, Some(Duration::from_secs(4)));
    assert_eq!(http.method, Method::HEAD);
    assert!(http.expect_status.contains(304) && !http.expect_status.contains(301));
    let body = http.body_match.as_ref().unwrap();
    assert!(matches!(&body.pattern, Pattern::Keyword(k) if k == "WhatsApp"));
    assert!(!body.must_appear);
    let headers: Vec<(&str, &str, bool)> = http
        .headers
        .iter()
        .map(|(k, v)| (k.as_str(), v.to_str().unwrap(), v.is_sensitive()))
        .collect();
    assert_eq!(
        headers,
        [
            ("authorization", "Bearer abc", true),
            ("x-api", "v1", false)
        ]
    );
    assert_eq!(w.secret_headers, ["authorization"]);
    assert_eq!((http.max_redirects, http.body_cap), (3, 65536));
    assert_eq!(
        w.probe.resolver,
        Resolver::Server("[2001:db8::53]:5353".parse().unwrap())
    );
    assert_eq!(
        w.probe.ca.as_deref(),
        Some(fixtures().join("ca.pem").as_path())
    );
    assert!(!w.probe.verify_tls);
    assert_eq!(w.check.cert_warn_days, Some(7));

    let dns = &config.watches[1];
    assert!(!dns.enabled && !dns.muted);
    assert_eq!(
        dns.check.target,
        Target::Dns {
            name: HostName::parse("whatsapp.net").unwrap(),
            kind: RecordKind::Aaaa
        }
    );
    assert_eq!(dns.check.dns.rcode.as_deref(), Some("NOERROR"));
    assert_eq!(dns.check.dns.answer.as_deref(), Some("2a03:2880"));
    assert_eq!(dns.probe.resolver, Resolver::System);
    // Defaults applied where the watch says nothing.
    assert_eq!(
        (dns.interval, dns.check.timeout),
        (Duration::from_secs(45), Duration::from_secs(6))
    );
    assert_eq!((dns.failures_to_down, dns.successes_to_up), (4, 3));
    assert_eq!(dns.check.http.degraded_after, Some(Duration::from_secs(2)));
    assert_eq!(dns.check.cert_warn_days, None);

    // tls:// keeps the probe's 14-day warning when the watch sets none.
    assert_eq!(config.watches[2].check.cert_warn_days, Some(14));
    let status = config.watches[3].check.http.body_match.as_ref().unwrap();
    assert!(matches!(&status.pattern, Pattern::Regex(r) if r.is_match(b"All System Operational")));
    assert!(status.must_appear);
}

#[test]
fn default_file_parses_with_its_watches() {
    let config = downwatch_config::parse(DEFAULT_CONFIG, Path::new("config.toml")).unwrap();
    let watches: Vec<(&str, Option<&str>, String)> = config
        .watches
        .iter()
        .map(|w| {
            (
                w.name.as_str(),
                w.group.as_deref(),
                w.check.target.to_string(),
            )
        })
        .collect();
    let expected = [
        ("WhatsApp Web", "Meta", "https://web.whatsapp.com/"),
        ("WhatsApp chat", "Meta", "tcp://e1.whatsapp.net:443"),
        ("Facebook", "Meta", "https://www.facebook.com/"),
        ("Instagram", "Meta", "https://www.instagram.com/"),
        ("Gmail", "Google", "https://mail.google.com/"),
        ("YouTube", "Google", "https://www.youtube.com/"),
    ];
    let expected: Vec<_> = expected
        .iter()
        .map(|(n, g, t)| (*n, Some(*g), (*t).to_owned()))
        .collect();
    assert_eq!(watches, expected);
    assert_eq!(config.connectivity.controls.len(), 5);
    assert_eq!(config.defaults.interval, Duration::from_secs(30));
}

#[test]
fn commented_defaults_in_the_default_file_are_valid_and_match() {
    // Uncommenting the example values must give a valid file with the same defaults.
    let uncommented: String = DEFAULT_CONFIG
        .lines()
        .map(|l| match l.strip_prefix("# ") {
            Some(rest)
                if (rest.contains(" = ") && !rest.starts_with(' ')) || rest.starts_with("[[") =>
            {
                rest
            }
            _ => l,
        })
        .collect::<Vec<_>>()
        .join("\n");
    let config = downwatch_config::parse(&uncommented, Path::new("config.toml")).unwrap();
    let plain = downwatch_config::parse(DEFAULT_CONFIG, Path::new("config.toml")).unwrap();
    assert_eq!(config.defaults.interval, plain.defaults.interval);
    assert_eq!(config.defaults.timeout, plain.defaults.timeout);
    assert_eq!(config.connectivity.controls.len(), 5);
    assert_eq!(
        config.notifications.rate_limit_count,
        plain.notifications.rate_limit_count
    );
}

#[test]
fn load_or_create_writes_the_default_file_once() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("nested/downwatch/config.toml");
    let (config, created) = downwatch_config::load_or_create(&path).unwrap();
    assert!(created);
    assert_eq!(config.watches.len(), 6);
    assert_eq!(std::fs::read_to_string(&path).unwrap(), DEFAULT_CONFIG);
    std::fs::write(&path, "").unwrap();
    let (config, created) = downwatch_config::load_or_create(&path).unwrap();
    assert!(!created);
    assert!(config.watches.is_empty());
}

#[test]
fn default_path_is_in_the_config_directory() {
    if let Some(path) = downwatch_config::default_path() {
        assert!(
            path.ends_with("downwatch/config.toml"),
            "{}",
            path.display()
        );
    }
}

#[test]
fn controls_default_or_explicitly_none() {
    let path = std::path::Path::new("t.toml");
    let defaults = downwatch_config::parse("", path).unwrap();
    assert_eq!(defaults.connectivity.controls.len(), 5);
    let none = downwatch_config::parse("[connectivity]\ncontrol = []\n", path).unwrap();
    assert!(
        none.connectivity.controls.is_empty(),
        "an empty list means no controls"
    );
}

#[test]
fn host_names_as_typed_in_watches_and_controls() {
    // An internationalized name, upper case, a trailing dot (an absolute name), an A-label:
    // every kind of target takes them, the wire form is the A-label, shown in Unicode.
    let text = "\
[[connectivity.control]]
target = \"https://Bücher.test./\"

[[watch]]
name = \"Bücher TCP\"
target = \"tcp://bücher.test:5222\"

[[watch]]
name = \"Bücher TLS\"
target = \"tls://BÜCHER.test.\"

[[watch]]
name = \"Bücher DNS\"
target = \"dns://xn--bcher-kva.test.\"

[[watch]]
name = \"Absolute\"
target = \"https://example.test./\"
";
    let config = downwatch_config::parse(text, Path::new("config.toml")).unwrap();
    let shown: Vec<String> = config
        .watches
        .iter()
        .map(|w| w.check.target.to_string())
        .collect();
    assert_eq!(
        shown,
        [
            "tcp://bücher.test:5222",
            "tls://bücher.test:443",
            "dns://bücher.test (A)",
            "https://example.test./",
        ]
    );
    let Target::Dns { name, .. } = &config.watches[2].check.target else {
        panic!("not a DNS target");
    };
    assert_eq!(name.ascii(), "xn--bcher-kva.test");
    let Target::Http(url) = &config.connectivity.controls[0].check.target else {
        panic!("not an HTTP control");
    };
    assert_eq!(url.host_str(), Some("xn--bcher-kva.test."));

    // A name that is not one still points at its value.
    let err = downwatch_config::parse(
        "[[watch]]\nname = \"Bad\"\ntarget = \"tcp://bü cher.test:80\"\n",
        Path::new("config.toml"),
    )
    .unwrap_err()
    .to_string();
    assert!(
        err.starts_with("config.toml:3:10: ")
            && err.contains("`bü cher.test` is not a valid host name"),
        "{err}"
    );
}

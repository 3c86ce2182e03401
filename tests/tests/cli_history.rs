//! `downwatch status` and `downwatch export` through the real binary, on a history written
//! through the store's own write path (the writer thread, as the resident writes it).
//! CSV is read back with a CSV reader, JSON Lines with serde_json; filters, a hostile watch
//! name, a missing history and bad arguments.
#![allow(clippy::unwrap_used)]

use std::path::Path;
use std::process::{Command, Output};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use downwatch_e2e::bin;
use downwatch_probe::{Cause, Layer, Phases, Status};
use downwatch_store::{
    CheckRecord, Failure, IncidentKind, IncidentRecord, MessageRef, NotificationRecord, Record,
    Store,
};
use serde_json::Value;

/// A name a CSV writer must quote: a comma, quotes, a line break, Arabic.
const HOSTILE: &str = "Mail, \"prod\"\nواتساب";

/// 2025-11-30T00:00:00Z: the exports read a history from the past.
fn t0() -> SystemTime {
    UNIX_EPOCH + Duration::from_secs(1_764_460_800)
}

/// A time as the commands print it (RFC 3339, UTC).
fn rfc3339(t: SystemTime) -> String {
    jiff::Timestamp::try_from(t).unwrap().to_string()
}

fn min(n: u64) -> Duration {
    Duration::from_secs(60 * n)
}

fn check(watch: &str, at: SystemTime, status: Status) -> Record {
    Record::Check(CheckRecord {
        watch: watch.into(),
        at,
        interval: min(1),
        status,
        judged: true,
        failure: (status == Status::Down).then(|| Failure {
            layer: Layer::Tcp,
            cause: Cause::TcpRefused,
            message: MessageRef {
                id: "tcp-refused".into(),
                args: serde_json::json!({"addr": "127.0.0.1:9, \"x\""})
                    .as_object()
                    .unwrap()
                    .clone(),
            },
        }),
        phases: Phases {
            dns: Some(Duration::from_micros(1500)),
            connect: Some(Duration::from_micros(250)),
            tls: None,
            ttfb: None,
            total: Duration::from_micros(2250),
        },
        address: Some("127.0.0.1:9".parse().unwrap()),
        http_status: None,
    })
}

/// Two watches, a check a minute from `t0` for 10 minutes each; the hostile one down from
/// minute 6 with an open incident and a notification.
fn fill(dir: &Path, t0: SystemTime) {
    let opened = Store::open(dir, t0).unwrap();
    let sender = opened.store.sender();
    for k in 0..10 {
        let at = t0 + min(k);
        sender
            .blocking_record(check("Gmail", at, Status::Up))
            .unwrap();
        let status = if k >= 6 { Status::Down } else { Status::Up };
        sender.blocking_record(check(HOSTILE, at, status)).unwrap();
    }
    sender
        .blocking_record(Record::Incident(IncidentRecord {
            id: "inc-1".into(),
            watch: HOSTILE.into(),
            group_incident: None,
            kind: IncidentKind::Down,
            start: t0 + min(6),
            end: None,
            failure: None,
        }))
        .unwrap();
    sender
        .blocking_record(Record::Notification(NotificationRecord {
            at: t0 + min(7),
            incident: Some("inc-1".into()),
            watches: vec![HOSTILE.into()],
            message: MessageRef {
                id: "notify-down".into(),
                args: serde_json::Map::new(),
            },
        }))
        .unwrap();
    sender.blocking_flush().unwrap();
    drop(sender);
    opened.store.close();
}

fn downwatch(dir: &Path, args: &[&str]) -> Output {
    Command::new(bin("downwatch"))
        .args(args)
        .arg("--data-dir")
        .arg(dir)
        .env("LANG", "C.UTF-8")
        // `status` asks a resident on the default socket first: none here, whatever runs
        // on the machine.
        .env("XDG_RUNTIME_DIR", dir)
        .env_remove("LC_ALL")
        .env_remove("LC_MESSAGES")
        .output()
        .unwrap()
}

fn stdout(o: &Output) -> String {
    assert!(
        o.status.success(),
        "exit {:?}: {}",
        o.status.code(),
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8(o.stdout.clone()).unwrap()
}

fn csv_rows(text: &str) -> (Vec<String>, Vec<Vec<String>>) {
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let header = reader.headers().unwrap().iter().map(String::from).collect();
    let rows = reader
        .records()
        .map(|r| r.unwrap().iter().map(String::from).collect())
        .collect();
    (header, rows)
}

fn json_lines(text: &str) -> Vec<Value> {
    text.lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

#[test]
fn export_csv_round_trips_through_a_csv_reader_with_a_hostile_name() {
    let dir = tempfile::tempdir().unwrap();
    fill(dir.path(), t0());
    let text = stdout(&downwatch(
        dir.path(),
        &[
            "export",
            "--format",
            "csv",
            "--until",
            "2025-12-01T00:00:00Z",
        ],
    ));
    let (header, rows) = csv_rows(&text);
    assert_eq!(header[..3], ["watch", "at", "status"]);
    assert_eq!(rows.len(), 20);
    let hostile: Vec<_> = rows.iter().filter(|r| r[0] == HOSTILE).collect();
    assert_eq!(hostile.len(), 10, "the name survives quoting intact");
    // Oldest first within a watch; times RFC 3339 UTC.
    assert_eq!(hostile[0][1], "2025-11-30T00:00:00Z");
    assert_eq!(hostile[9][1], "2025-11-30T00:09:00Z");
    let down = hostile[9];
    assert_eq!(down[2], "down");
    assert_eq!((down[4].as_str(), down[5].as_str()), ("tcp", "tcp_refused"));
    let args: Value = serde_json::from_str(&down[7]).unwrap();
    assert_eq!(args["addr"], "127.0.0.1:9, \"x\"");
    assert_eq!(down[10], "1.5", "dns_ms");
    assert_eq!(down[12], "", "no TLS phase: an empty field");
    assert_eq!(hostile[0][7], "", "an up check has no message");
}

#[test]
fn export_json_lines_filtered_by_time_and_watch() {
    let dir = tempfile::tempdir().unwrap();
    fill(dir.path(), t0());
    let text = stdout(&downwatch(
        dir.path(),
        &[
            "export",
            "--format",
            "json",
            "--watch",
            HOSTILE,
            "--since",
            "2025-11-30T00:03:00Z",
            "--until",
            "2025-11-30T02:07:00+02:00",
        ],
    ));
    let rows = json_lines(&text);
    let times: Vec<_> = rows.iter().map(|r| r["at"].as_str().unwrap()).collect();
    assert_eq!(
        times,
        [
            "2025-11-30T00:03:00Z",
            "2025-11-30T00:04:00Z",
            "2025-11-30T00:05:00Z",
            "2025-11-30T00:06:00Z"
        ],
        "--since included, --until excluded"
    );
    assert!(rows.iter().all(|r| r["watch"] == HOSTILE));
    assert_eq!(rows[3]["message_args"]["addr"], "127.0.0.1:9, \"x\"");
    assert_eq!(rows[3]["total_ms"], 2.25);
    assert_eq!(rows[0]["tls_ms"], Value::Null);
    // A duration ago: the history is in the past, so "the last 7 days" from now is empty,
    // and a long one takes everything.
    let recent = stdout(&downwatch(
        dir.path(),
        &["export", "--format", "json", "--since", "7d"],
    ));
    assert_eq!(recent, "");
    let all = stdout(&downwatch(
        dir.path(),
        &["export", "--format", "json", "--since", "3650d"],
    ));
    assert_eq!(json_lines(&all).len(), 20);
}

#[test]
fn export_incidents_and_notifications_to_a_file() {
    let dir = tempfile::tempdir().unwrap();
    fill(dir.path(), t0());
    let file = dir.path().join("incidents.csv");
    let out = downwatch(
        dir.path(),
        &[
            "export",
            "--format",
            "csv",
            "--what",
            "incidents",
            "--output",
            file.to_str().unwrap(),
        ],
    );
    assert_eq!(stdout(&out), "", "the rows went to the file");
    let (header, rows) = csv_rows(&std::fs::read_to_string(&file).unwrap());
    assert_eq!(
        header,
        [
            "id",
            "watch",
            "group_incident",
            "kind",
            "layer",
            "cause",
            "start",
            "end"
        ]
    );
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0][1], HOSTILE);
    assert_eq!(rows[0][6], "2025-11-30T00:06:00Z");
    assert_eq!(rows[0][7], "", "still open");
    let text = stdout(&downwatch(
        dir.path(),
        &[
            "export",
            "--format",
            "json",
            "--what",
            "notifications",
            "--watch",
            HOSTILE,
        ],
    ));
    let rows = json_lines(&text);
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0]["watches"][0], HOSTILE);
    assert_eq!(rows[0]["incident"], "inc-1");
    let none = stdout(&downwatch(
        dir.path(),
        &[
            "export",
            "--format",
            "json",
            "--what",
            "notifications",
            "--watch",
            "Gmail",
        ],
    ));
    assert_eq!(none, "", "Gmail was named in no notification");
}

#[test]
fn bad_arguments_and_a_missing_history_get_one_precise_line_and_exit_3() {
    let dir = tempfile::tempdir().unwrap();
    let empty = tempfile::tempdir().unwrap();
    fill(dir.path(), t0());
    let cases: [(&Path, &[&str], &str); 6] = [
        (empty.path(), &["status"], "No history in"),
        (
            empty.path(),
            &["export", "--format", "csv"],
            "no history database at",
        ),
        (dir.path(), &["export", "--format", "xml"], "xml"),
        (
            dir.path(),
            &["export", "--format", "csv", "--since", "yesterday"],
            "neither an RFC 3339 time",
        ),
        (
            dir.path(),
            &["export", "--format", "csv", "--watch", "Nope"],
            "no watch named \"Nope\"",
        ),
        (
            dir.path(),
            &[
                "export",
                "--format",
                "csv",
                "--since",
                "2025-12-01T00:00:00Z",
                "--until",
                "2025-11-30T00:00:00Z",
            ],
            "is after --until",
        ),
    ];
    for (data, args, says) in cases {
        let out = downwatch(data, args);
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(3), "{args:?}: {err}");
        assert!(err.contains(says), "{args:?}: {err}");
        assert_eq!(err.trim_end().lines().count(), 1, "{args:?}: {err}");
        assert!(out.stdout.is_empty(), "{args:?}");
    }
    assert!(
        !empty.path().join(downwatch_store::FILE_NAME).exists(),
        "reading creates no database"
    );
}

#[test]
fn status_tells_each_watch_since_when_with_uptime_and_open_incidents() {
    let dir = tempfile::tempdir().unwrap();
    // Twenty minutes ago (the last check's time ends well before now), on a whole second,
    // so uptime over 24 h has something to weigh.
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs();
    let base = UNIX_EPOCH + Duration::from_secs(now - 1200);
    fill(dir.path(), base);
    let out = downwatch(dir.path(), &["status", "--json"]);
    assert_eq!(out.status.code(), Some(2), "a watch is down: exit 2");
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    let watches = doc["watches"].as_array().unwrap();
    assert_eq!(watches.len(), 2);
    let gmail = &watches[0];
    assert_eq!(gmail["watch"], "Gmail");
    assert_eq!(gmail["status"], "up");
    assert_eq!(gmail["since"].as_str(), Some(rfc3339(base).as_str()));
    assert_eq!(
        gmail["last_check"].as_str(),
        Some(rfc3339(base + min(9)).as_str())
    );
    assert_eq!(gmail["last_total_ms"], 2.25);
    assert_eq!(gmail["uptime_24h"], 1.0);
    let hostile = &watches[1];
    assert_eq!(hostile["watch"], HOSTILE);
    assert_eq!(hostile["status"], "down");
    assert_eq!(
        hostile["since"].as_str(),
        Some(rfc3339(base + min(6)).as_str())
    );
    assert_eq!(hostile["cause"], "tcp_refused");
    assert_eq!(hostile["open_incidents"][0]["id"], "inc-1");
    // Up 6 minutes, down 4.5 (the last check speaks for its interval and half again).
    let uptime = hostile["uptime_24h"].as_f64().unwrap();
    assert!((uptime - 6.0 / 10.5).abs() < 1e-9, "{uptime}");
    // Text, in English and in Arabic.
    let text = downwatch(dir.path(), &["status"]);
    let text = String::from_utf8(text.stdout).unwrap();
    assert!(text.contains("Gmail") && text.contains("UP"), "{text}");
    assert!(text.contains("uptime over 24 h 100.00 %"), "{text}");
    assert!(text.contains("open incident since"), "{text}");
    assert!(text.contains("The server refused the connection"), "{text}");
    let arabic = Command::new(bin("downwatch"))
        .args(["status", "--data-dir"])
        .arg(dir.path())
        .env("LANG", "ar_EG.UTF-8")
        .env_remove("LC_ALL")
        .env_remove("LC_MESSAGES")
        .output()
        .unwrap();
    let arabic = String::from_utf8(arabic.stdout).unwrap();
    assert!(arabic.contains("حادثة مفتوحة منذ"), "{arabic}");
    // The Arabic line joins its two parts with the Arabic semicolon, not ";".
    assert!(arabic.contains('؛') && !arabic.contains(';'), "{arabic}");
}

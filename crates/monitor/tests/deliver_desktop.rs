//! The desktop notifier against a real notification daemon (dunst on Xvfb, on a private
//! D-Bus session), and without any daemon.
//!
//! The process environment (`DBUS_SESSION_BUS_ADDRESS`, `DISPLAY`) decides which bus
//! notify-rust talks to, and tests share one process: so each case re-runs this test binary
//! as a child with its own environment, selecting a `child_*` test that does the work and
//! prints a marker. Run directly (no `DOWNWATCH_TEST_CHILD`), the `child_*` tests do nothing.
#![allow(clippy::unwrap_used)]

/// dunst's control interface over D-Bus, shared with the end-to-end harness.
#[path = "../../../tests/src/dunst.rs"]
mod dunst;

use std::process::Stdio;
use std::time::{Duration, Instant, SystemTime};

use downwatch_monitor::deliver::{Deliver, DeliverError, DesktopNotifier, escape_markup};
use downwatch_monitor::messages::{Lang, Messages};
use downwatch_monitor::{IncidentId, Notice, NoticeKind, Reason};
use downwatch_probe::{Cause, Layer};
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::Command;

const CHILD: &str = "DOWNWATCH_TEST_CHILD";

fn down(detail: &str) -> Notice {
    Notice {
        kind: NoticeKind::Down {
            group: None,
            watches: vec!["WhatsApp Web".into()],
            reason: Reason {
                layer: Layer::Http,
                cause: Cause::HttpStatus,
                detail: detail.into(),
            },
        },
        incident: Some(IncidentId("inc-7".into())),
        at: SystemTime::now(),
    }
}

/// Runs the `child_*` test `name` of this binary in `env`, wrapped in `wrapper` (a command
/// prefix, may be empty); asserts it passed and printed its marker.
async fn run_child(name: &str, wrapper: &[&str], env: &[(&str, String)]) {
    let exe = std::env::current_exe().unwrap();
    let mut argv: Vec<String> = wrapper.iter().map(|s| (*s).to_owned()).collect();
    argv.push(exe.to_str().unwrap().to_owned());
    argv.extend(["--exact", name, "--nocapture", "--test-threads=1"].map(String::from));
    let mut command = Command::new(&argv[0]);
    command.args(&argv[1..]).env(CHILD, name).kill_on_drop(true);
    for (key, value) in env {
        command.env(key, value);
    }
    let output = tokio::time::timeout(Duration::from_secs(60), command.output())
        .await
        .expect("child test within 60 s")
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success() && stdout.contains(&format!("CHILD {name} OK")),
        "{name}: {}\n{stdout}\n{stderr}",
        output.status
    );
}

fn is_child(name: &str) -> bool {
    std::env::var(CHILD).is_ok_and(|v| v == name)
}

#[tokio::test]
async fn desktop_without_a_daemon_returns_an_error() {
    let bus = "unix:path=/nonexistent/downwatch-test/bus".to_owned();
    run_child("child_no_daemon", &[], &[("DBUS_SESSION_BUS_ADDRESS", bus)]).await;
}

#[tokio::test]
async fn child_no_daemon() {
    if !is_child("child_no_daemon") {
        return;
    }
    let (tx, _rx) = tokio::sync::mpsc::unbounded_channel();
    let notifier = DesktopNotifier::new(&Messages::new(Lang::En), tx);
    let notice = down("503");
    let rendered = Messages::new(Lang::En).render(&notice);
    let result = tokio::time::timeout(
        Duration::from_secs(10),
        notifier.deliver(&notice, &rendered),
    )
    .await
    .expect("an error, not a hang");
    assert!(
        matches!(result, Err(DeliverError::Desktop(_))),
        "{result:?}"
    );
    println!("CHILD child_no_daemon OK");
}

fn on_path(tool: &str) -> bool {
    std::env::var_os("PATH")
        .is_some_and(|path| std::env::split_paths(&path).any(|dir| dir.join(tool).is_file()))
}

#[tokio::test]
async fn desktop_notification_reaches_a_real_daemon() {
    // dunst is read over D-Bus (`dunst` module), not with dunstctl (its history needs busctl).
    let tools = ["Xvfb", "dbus-run-session", "dbus-send", "dunst"];
    let missing: Vec<_> = tools.iter().filter(|tool| !on_path(tool)).collect();
    if !missing.is_empty() {
        let required = std::env::var("DOWNWATCH_REQUIRE_DESKTOP");
        assert!(
            required.as_deref() != Ok("1"),
            "DOWNWATCH_REQUIRE_DESKTOP=1 but {missing:?} missing"
        );
        println!("SKIPPED: {missing:?} not installed");
        return;
    }
    // Xvfb picks a free display itself and writes its number on the given descriptor.
    let mut xvfb = Command::new("Xvfb")
        .args([
            "-displayfd",
            "1",
            "-nolisten",
            "tcp",
            "-screen",
            "0",
            "640x480x24",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(xvfb.stdout.take().unwrap()).lines();
    let display = tokio::time::timeout(Duration::from_secs(20), lines.next_line())
        .await
        .expect("Xvfb ready within 20 s")
        .unwrap()
        .expect("Xvfb display number");
    let env = [("DISPLAY", format!(":{}", display.trim()))];
    run_child("child_real_daemon", &["dbus-run-session", "--"], &env).await;
    xvfb.kill().await.unwrap();
}

async fn run(program: &str, args: &[&str]) -> String {
    let output = Command::new(program).args(args).output().await.unwrap();
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// Polls `check` every 50 ms until it returns `Some`, failing at the deadline.
async fn poll<T, F: Future<Output = Option<T>>>(what: &str, mut check: impl FnMut() -> F) -> T {
    let deadline = Instant::now() + Duration::from_secs(15);
    loop {
        if let Some(value) = check().await {
            return value;
        }
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn child_real_daemon() {
    if !is_child("child_real_daemon") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("dunstrc");
    std::fs::write(&config, "[global]\n    markup = full\n").unwrap();
    let _dunst = Command::new("dunst")
        .args(["-config", config.to_str().unwrap()])
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    let has_owner = [
        "--session",
        "--print-reply",
        "--dest=org.freedesktop.DBus",
        "/org/freedesktop/DBus",
        "org.freedesktop.DBus.NameHasOwner",
        "string:org.freedesktop.Notifications",
    ];
    poll("dunst on the bus", || async {
        run("dbus-send", &has_owner)
            .await
            .contains("boolean true")
            .then_some(())
    })
    .await;
    let address = std::env::var("DBUS_SESSION_BUS_ADDRESS").unwrap();
    let dunst = dunst::Dunst::connect(&address).await.unwrap();

    let (tx, mut clicks) = tokio::sync::mpsc::unbounded_channel();
    let english = Messages::new(Lang::En);
    let notifier = DesktopNotifier::new(&english, tx);
    // Markup characters from a server must arrive as text.
    let notice = down("503 <b>Service Unavailable</b> & more");
    let rendered = english.render(&notice);
    notifier.deliver(&notice, &rendered).await.unwrap();

    // A click on it sends its incident.
    poll("the notification on screen", || async {
        (dunst.displayed().await.unwrap() >= 1).then_some(())
    })
    .await;
    dunst.action(0).await.unwrap();
    let clicked = tokio::time::timeout(Duration::from_secs(15), clicks.recv()).await;
    assert_eq!(
        clicked.expect("a click within 15 s"),
        Some(IncidentId("inc-7".into()))
    );

    // An Arabic recovery (normal urgency) without an incident, then everything into the history to read it back.
    let arabic = Messages::new(Lang::Ar);
    let mut recovered = down("x");
    recovered.kind = NoticeKind::Recovered {
        group: None,
        watches: vec!["WhatsApp Web".into()],
        after: Duration::from_secs(720),
    };
    recovered.incident = None;
    let rendered_ar = arabic.render(&recovered);
    DesktopNotifier::new(&arabic, clicks_sink())
        .deliver(&recovered, &rendered_ar)
        .await
        .unwrap();
    let seen = poll("both notifications in the history", || async {
        dunst.close_all().await.unwrap();
        let seen = dunst.history().await.unwrap();
        (seen.len() >= 2).then_some(seen)
    })
    .await;
    let english_seen = seen
        .iter()
        .find(|n| n.summary == rendered.title)
        .expect("English summary");
    assert_eq!(english_seen.appname, "Downwatch");
    assert_eq!(english_seen.timeout, 0, "critical: never expires");
    assert_eq!(english_seen.body, escape_markup(&rendered.body));
    assert!(
        english_seen
            .body
            .ends_with("503 &lt;b&gt;Service Unavailable&lt;/b&gt; &amp; more")
    );
    let arabic_seen = seen
        .iter()
        .find(|n| n.summary == rendered_ar.title)
        .expect("Arabic summary");
    assert_eq!(arabic_seen.body, rendered_ar.body);
    assert_ne!(arabic_seen.timeout, 0, "normal urgency: expires");
    assert!(
        arabic_seen.summary.contains("\u{2068}WhatsApp Web\u{2069}"),
        "{arabic_seen:?}"
    );
    println!("CHILD child_real_daemon OK");
}

fn clicks_sink() -> tokio::sync::mpsc::UnboundedSender<IncidentId> {
    tokio::sync::mpsc::unbounded_channel().0
}

//! The command hook: exact JSON on stdin, errors naming the exit code, killed at its timeout.
#![allow(clippy::unwrap_used)]

use std::time::{Duration, Instant, SystemTime};

use downwatch_monitor::deliver::{CommandHook, Deliver, DeliverError, hook_payload};
use downwatch_monitor::messages::{Lang, Messages};
use downwatch_monitor::{IncidentId, Notice, NoticeKind, Reason};
use downwatch_probe::{Cause, Layer};

fn down() -> Notice {
    Notice {
        kind: NoticeKind::Down {
            group: Some("Meta".into()),
            watches: vec!["WhatsApp Web".into(), "Facebook".into()],
            reason: Reason {
                layer: Layer::Dns,
                cause: Cause::DnsServfail,
                detail: "SERVFAIL from 127.0.0.53:53".into(),
            },
        },
        incident: Some(IncidentId("inc-42".into())),
        at: SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000),
    }
}

fn sh(script: &str, args: &[&str], timeout: Duration) -> CommandHook {
    let mut argv = vec![
        "sh".to_owned(),
        "-c".to_owned(),
        script.to_owned(),
        "sh".to_owned(),
    ];
    argv.extend(args.iter().map(|a| (*a).to_owned()));
    CommandHook::new(argv, timeout)
}

#[tokio::test]
async fn hook_receives_the_notice_as_one_json_object() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("notice.json");
    let hook = sh(
        r#"cat > "$1""#,
        &[file.to_str().unwrap()],
        Duration::from_secs(10),
    );
    let notice = down();
    let rendered = Messages::try_new(Lang::Ar)
        .unwrap()
        .try_render(&notice)
        .unwrap();
    hook.deliver(&notice, &rendered).await.unwrap();

    let received: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
    assert_eq!(received, hook_payload(&notice, &rendered).unwrap());
    let expected = serde_json::json!({
        "kind": "down",
        "group": "Meta",
        "watches": ["WhatsApp Web", "Facebook"],
        "reason": {
            "layer": "dns",
            "cause": "dns_servfail",
            "detail": "SERVFAIL from 127.0.0.53:53",
            "message": {"id": "verbatim", "args": {"text": {"text": "SERVFAIL from 127.0.0.53:53"}}},
        },
        "incident": "inc-42",
        "at": 1_700_000_000,
        "title": rendered.title,
        "body": rendered.body,
        "lang": "ar",
    });
    assert_eq!(received, expected);
}

#[tokio::test]
async fn hook_that_fails_names_its_exit_code_and_stderr() {
    let hook = sh(
        "echo ignored; echo 'no route to chat' >&2; exit 3",
        &[],
        Duration::from_secs(10),
    );
    let notice = down();
    let rendered = Messages::new(Lang::En).render(&notice);
    let error = hook.deliver(&notice, &rendered).await.unwrap_err();
    match &error {
        DeliverError::HookFailed {
            program,
            code,
            stderr,
            stdout,
            ..
        } => {
            assert_eq!(program, "sh");
            assert_eq!(*code, Some(3));
            assert_eq!(stderr, "no route to chat");
            assert_eq!(stdout, "ignored");
        }
        other => panic!("{other:?}"),
    }
    let text = error.to_string();
    assert!(
        text.contains("exit code 3") && text.contains("no route to chat"),
        "{text}"
    );
}

#[tokio::test]
async fn hook_output_is_kept_to_4_kib() {
    let hook = sh(
        "head -c 100000 /dev/zero | tr '\\0' x >&2; exit 1",
        &[],
        Duration::from_secs(10),
    );
    let notice = down();
    let rendered = Messages::new(Lang::En).render(&notice);
    match hook.deliver(&notice, &rendered).await.unwrap_err() {
        DeliverError::HookFailed { stderr, .. } => assert_eq!(stderr.len(), 4096),
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn hook_that_hangs_is_killed_at_its_timeout_with_its_children() {
    let dir = tempfile::tempdir().unwrap();
    let pid_file = dir.path().join("pid");
    // A background child holding the pipes, and a foreground wait: both must go.
    let script = r#"sleep 60 & echo $! > "$1"; wait"#;
    let timeout = Duration::from_millis(500);
    let hook = sh(script, &[pid_file.to_str().unwrap()], timeout);
    let notice = down();
    let rendered = Messages::new(Lang::En).render(&notice);
    let started = Instant::now();
    let error = hook.deliver(&notice, &rendered).await.unwrap_err();
    assert!(
        started.elapsed() < timeout + Duration::from_secs(2),
        "{:?}",
        started.elapsed()
    );
    assert!(
        matches!(error, DeliverError::HookTimeout { .. }),
        "{error:?}"
    );

    // The background sleep was killed too: it is gone or a zombie awaiting its reaper.
    let pid = std::fs::read_to_string(&pid_file)
        .unwrap()
        .trim()
        .to_owned();
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
        let state = stat
            .rsplit(')')
            .next()
            .unwrap_or("")
            .trim_start()
            .chars()
            .next();
        if matches!(state, None | Some('Z' | 'X')) {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "sleep {pid} still running: {stat}"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

#[tokio::test]
async fn hook_that_ignores_its_input_and_succeeds_is_fine() {
    let hook = sh("exit 0", &[], Duration::from_secs(10));
    let notice = down();
    let rendered = Messages::new(Lang::En).render(&notice);
    hook.deliver(&notice, &rendered).await.unwrap();
}

#[tokio::test]
async fn hook_without_a_program_fails_clearly() {
    let notice = down();
    let rendered = Messages::new(Lang::En).render(&notice);
    let empty = CommandHook::new(vec![], Duration::from_secs(1));
    assert!(matches!(
        empty.deliver(&notice, &rendered).await,
        Err(DeliverError::HookEmpty)
    ));
    let missing = CommandHook::new(vec!["/nonexistent/hook".into()], Duration::from_secs(1));
    let error = missing.deliver(&notice, &rendered).await.unwrap_err();
    assert!(matches!(error, DeliverError::HookSpawn { .. }), "{error:?}");
    assert!(error.to_string().contains("/nonexistent/hook"), "{error}");
}

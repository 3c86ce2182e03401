//! Hand edits are picked up: a valid one is published, an invalid one is reported while the
//! last good config stays, and a later valid one is published again. Every wait is on an
//! event (with a generous deadline), never a sleep.
#![allow(clippy::unwrap_used)]

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use downwatch_config::{Config, ConfigError};
use tokio::sync::{mpsc, watch};
use tokio::time::timeout;

const WAIT: Duration = Duration::from_secs(10);

fn text(interval: &str) -> String {
    format!(
        "[[watch]]\nname = \"Gmail\"\ntarget = \"https://mail.google.com/\"\ninterval = \"{interval}\"\n"
    )
}

/// Replaces the file the way most editors do: a new file renamed over the old one.
fn save_by_rename(path: &Path, text: &str) {
    let temp = path.with_extension("toml.swp");
    std::fs::write(&temp, text).unwrap();
    std::fs::rename(&temp, path).unwrap();
}

async fn next_config(rx: &mut watch::Receiver<Arc<Config>>) -> Arc<Config> {
    timeout(WAIT, rx.changed())
        .await
        .expect("no reload within 10 s")
        .unwrap();
    rx.borrow_and_update().clone()
}

async fn next_error(rx: &mut mpsc::UnboundedReceiver<ConfigError>) -> ConfigError {
    timeout(WAIT, rx.recv())
        .await
        .expect("no error within 10 s")
        .unwrap()
}

fn interval_of(config: &Config) -> Duration {
    config.watches[0].interval
}

#[tokio::test]
async fn hand_edits_are_reloaded_and_bad_ones_reported() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("config.toml");
    std::fs::write(&path, text("30s")).unwrap();
    let first = downwatch_config::load(&path).unwrap();
    let (mut configs, mut errors, handle) =
        downwatch_config::reload_on_edit(path.clone(), first).unwrap();
    assert_eq!(interval_of(&configs.borrow()), Duration::from_secs(30));

    // An in-place write.
    std::fs::write(&path, text("1m")).unwrap();
    assert_eq!(
        interval_of(&*next_config(&mut configs).await),
        Duration::from_secs(60)
    );

    // An invalid edit: the error with its position, and the last good config stays.
    save_by_rename(&path, &text("soon"));
    let err = next_error(&mut errors).await.to_string();
    assert!(
        err.ends_with("config.toml:4:12: watch \"Gmail\": `soon` is not a duration (e.g. 30s, 5m)"),
        "{err}"
    );
    assert_eq!(interval_of(&configs.borrow()), Duration::from_secs(60));
    assert!(!configs.has_changed().unwrap());

    // A later valid edit, saved by rename, is picked up.
    save_by_rename(&path, &text("2m"));
    assert_eq!(
        interval_of(&*next_config(&mut configs).await),
        Duration::from_secs(120)
    );

    // Dropping the handle stops watching: the sender side goes away.
    drop(handle);
    timeout(WAIT, configs.changed()).await.unwrap().unwrap_err();
}

#[cfg(unix)]
#[tokio::test]
async fn edits_of_a_symlink_target_are_reloaded() {
    let dir = tempfile::tempdir().unwrap();
    let real_dir = dir.path().join("dotfiles");
    std::fs::create_dir_all(&real_dir).unwrap();
    let real = real_dir.join("downwatch.toml");
    std::fs::write(&real, text("30s")).unwrap();
    let link = dir.path().join("config.toml");
    std::os::unix::fs::symlink(&real, &link).unwrap();
    let first = downwatch_config::load(&link).unwrap();
    let (mut configs, _errors, _handle) =
        downwatch_config::reload_on_edit(link.clone(), first).unwrap();

    save_by_rename(&real, &text("45s"));
    assert_eq!(
        interval_of(&*next_config(&mut configs).await),
        Duration::from_secs(45)
    );
}

#[tokio::test]
async fn saves_from_the_editor_are_reloaded() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("config.toml");
    std::fs::write(&path, text("30s")).unwrap();
    let first = downwatch_config::load(&path).unwrap();
    let (mut configs, _errors, _handle) =
        downwatch_config::reload_on_edit(path.clone(), first).unwrap();

    let mut editor = downwatch_config::ConfigEditor::open(&path).unwrap();
    editor.set_watch_field("Gmail", "muted", true).unwrap();
    editor.save().unwrap();
    assert!(next_config(&mut configs).await.watches[0].muted);
}

//! Edits from the settings screen: comments and formatting kept, invalid edits refused with
//! nothing written, symlinks kept as links.
#![allow(clippy::unwrap_used)]

use std::path::Path;

use downwatch_config::{ConfigEditor, ConfigError, DEFAULT_CONFIG};
use toml_edit::{Table, value};

fn default_file(dir: &Path) -> std::path::PathBuf {
    let path = dir.join("config.toml");
    std::fs::write(&path, DEFAULT_CONFIG).unwrap();
    path
}

/// Files in `dir` (to see that no temporary file is left behind).
fn listing(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[test]
fn edits_keep_comments_and_untouched_formatting() {
    let dir = tempfile::tempdir().unwrap();
    let path = default_file(dir.path());
    let mut editor = ConfigEditor::open(&path).unwrap();
    editor.set_watch_field("gmail", "interval", "1m").unwrap();
    editor.set_watch_field("Gmail", "muted", true).unwrap();
    editor.set("notifications", "locale", "ar").unwrap();
    editor.set("defaults", "failures_to_down", 4).unwrap();
    editor.remove_watch("YouTube").unwrap();
    let mut discord = Table::new();
    discord["name"] = value("Discord");
    discord["target"] = value("https://discord.com/");
    editor.add_watch(discord);
    let config = editor.save().unwrap();

    let text = std::fs::read_to_string(&path).unwrap();
    // Every comment line of the default file is still there, in the same order.
    let comments = |t: &str| -> Vec<String> {
        t.lines()
            .filter(|l| l.starts_with('#'))
            .map(str::to_owned)
            .collect()
    };
    assert_eq!(comments(&text), comments(DEFAULT_CONFIG));
    assert!(text.contains(
        "name = \"WhatsApp Web\"\ngroup = \"Meta\"\ntarget = \"https://web.whatsapp.com/\"\n"
    ));
    assert!(!text.contains("YouTube"));

    let names: Vec<&str> = config.watches.iter().map(|w| w.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "WhatsApp Web",
            "WhatsApp chat",
            "Facebook",
            "Instagram",
            "Gmail",
            "Discord"
        ]
    );
    let gmail = &config.watches[4];
    assert_eq!(gmail.interval, std::time::Duration::from_secs(60));
    assert!(gmail.muted);
    assert_eq!(config.notifications.locale.as_deref(), Some("ar"));
    assert_eq!(config.defaults.failures_to_down, 4);
    // What was saved is what a fresh load reads.
    assert_eq!(downwatch_config::load(&path).unwrap().watches.len(), 6);
    assert_eq!(listing(dir.path()), ["config.toml"]);
}

#[test]
fn replacing_a_value_keeps_its_trailing_comment() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("config.toml");
    let text = "# mine\n[[watch]]\nname = \"Gmail\"\ntarget = \"https://mail.google.com/\"\ninterval = \"30s\"   # fast enough\n";
    std::fs::write(&path, text).unwrap();
    let mut editor = ConfigEditor::open(&path).unwrap();
    editor.set_watch_field("Gmail", "interval", "2m").unwrap();
    editor.remove_watch_field("Gmail", "nothing-there").unwrap();
    editor.save().unwrap();
    assert_eq!(
        std::fs::read_to_string(&path).unwrap(),
        text.replace("\"30s\"", "\"2m\"")
    );
}

#[test]
fn an_invalid_edit_is_refused_and_nothing_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let path = default_file(dir.path());
    let mut editor = ConfigEditor::open(&path).unwrap();
    editor.set_watch_field("Gmail", "interval", "abc").unwrap();
    let err = editor.save().unwrap_err().to_string();
    assert!(
        err.ends_with("watch \"Gmail\": `abc` is not a duration (e.g. 30s, 5m)"),
        "{err}"
    );
    assert!(err.starts_with(&format!("{}:", path.display())), "{err}");

    let mut editor = ConfigEditor::open(&path).unwrap();
    let mut twin = Table::new();
    twin["name"] = value("GMAIL");
    twin["target"] = value("https://mail.google.com/");
    editor.add_watch(twin);
    let err = editor.save().unwrap_err().to_string();
    assert!(err.contains("duplicate name"), "{err}");

    assert_eq!(std::fs::read_to_string(&path).unwrap(), DEFAULT_CONFIG);
    assert_eq!(listing(dir.path()), ["config.toml"]);
}

#[test]
fn unknown_watch_and_non_table_paths_are_errors() {
    let dir = tempfile::tempdir().unwrap();
    let path = default_file(dir.path());
    let mut editor = ConfigEditor::open(&path).unwrap();
    let err = editor
        .set_watch_field("Myspace", "muted", true)
        .unwrap_err();
    assert!(matches!(err, ConfigError::NoSuchWatch { .. }), "{err}");
    assert_eq!(err.to_string(), "no watch named \"Myspace\"");
    assert!(editor.remove_watch("Myspace").is_err());
    editor.set("notifications", "desktop", false).unwrap();
    let err = editor.set("notifications.desktop", "x", 1).unwrap_err();
    assert_eq!(err.to_string(), "`notifications.desktop` is not a table");
}

#[test]
fn tables_are_created_when_missing() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("config.toml");
    std::fs::write(&path, "# empty\n").unwrap();
    let mut editor = ConfigEditor::open(&path).unwrap();
    editor.set("notifications", "locale", "ar-EG").unwrap();
    let config = editor.save().unwrap();
    assert_eq!(config.notifications.locale.as_deref(), Some("ar-EG"));
    assert_eq!(
        std::fs::read_to_string(&path).unwrap(),
        "# empty\n\n[notifications]\nlocale = \"ar-EG\"\n"
    );
}

#[cfg(unix)]
#[test]
fn a_symlinked_config_stays_a_symlink() {
    let dir = tempfile::tempdir().unwrap();
    let real_dir = dir.path().join("dotfiles");
    let link_dir = dir.path().join("config");
    std::fs::create_dir_all(&real_dir).unwrap();
    std::fs::create_dir_all(&link_dir).unwrap();
    let real = default_file(&real_dir);
    let link = link_dir.join("config.toml");
    std::os::unix::fs::symlink("../dotfiles/config.toml", &link).unwrap();

    let mut editor = ConfigEditor::open(&link).unwrap();
    editor.set_watch_field("Gmail", "muted", true).unwrap();
    editor.save().unwrap();

    assert!(
        std::fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink()
    );
    assert_eq!(
        std::fs::read_link(&link).unwrap(),
        Path::new("../dotfiles/config.toml")
    );
    let text = std::fs::read_to_string(&real).unwrap();
    assert!(text.contains("muted = true"), "{text}");
    assert_eq!(listing(&link_dir), ["config.toml"]);
    assert_eq!(listing(&real_dir), ["config.toml"]);
}

#[cfg(unix)]
#[test]
fn saving_keeps_the_file_permissions() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let path = default_file(dir.path());
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o640)).unwrap();
    let mut editor = ConfigEditor::open(&path).unwrap();
    editor.set("defaults", "interval", "1m").unwrap();
    editor.save().unwrap();
    let mode = std::fs::metadata(&path).unwrap().permissions().mode();
    assert_eq!(mode & 0o777, 0o640);
}

#[test]
fn a_hand_edit_made_meanwhile_is_never_overwritten() {
    let dir = tempfile::tempdir().unwrap();
    let path = default_file(dir.path());
    let mut editor = ConfigEditor::open(&path).unwrap();
    editor.set("notifications", "locale", "ar").unwrap();
    // The user edits the file by hand while the settings screen has it open.
    let hand = std::fs::read_to_string(&path).unwrap() + "\n# a note added by hand\n";
    std::fs::write(&path, &hand).unwrap();
    let err = editor.save().unwrap_err().to_string();
    assert!(err.contains("changed since it was opened"), "{err}");
    assert_eq!(
        std::fs::read_to_string(&path).unwrap(),
        hand,
        "the hand edit is kept"
    );
}

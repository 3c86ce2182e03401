//! Reloading the file when it is edited by hand. The file's directory is watched, not the
//! file: editors save by writing a new file and renaming it over the old one, which a watch
//! on the old file would never see. Bursts of events are debounced, the text re-parsed, and
//! either the new config published or the error sent while the last good config stays.

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use notify::event::{AccessKind, AccessMode};
use notify::{Event, EventKind, RecursiveMode, Watcher};
use tokio::sync::{mpsc, watch as latest};
use tokio::time::{Instant, timeout_at};

use crate::atomic::resolve_link;
use crate::error::ConfigError;
use crate::model::Config;
use crate::parse::parse;

/// Quiet time after the last event before the file is read.
pub const DEBOUNCE: Duration = Duration::from_millis(300);
/// A file that keeps changing is still read this long after the first event.
const MAX_DELAY: Duration = Duration::from_secs(2);

/// Keeps the reloading alive; dropping it stops watching.
#[derive(Debug)]
pub struct ReloadHandle {
    _watcher: notify::RecommendedWatcher,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for ReloadHandle {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// What [`reload_on_edit`] returns: the latest good config (starting with `last_good`), the errors
/// of invalid edits, and the handle that keeps it running.
pub type Reloads = (
    latest::Receiver<Arc<Config>>,
    mpsc::UnboundedReceiver<ConfigError>,
    ReloadHandle,
);

/// Watches the file at `path` (and, when it is a symlink, its target) for changes, starting
/// from `last_good`. Must be called inside a tokio runtime.
pub fn reload_on_edit(path: PathBuf, last_good: Config) -> Result<Reloads, ConfigError> {
    let (config_tx, config_rx) = latest::channel(Arc::new(last_good));
    let (error_tx, error_rx) = mpsc::unbounded_channel();
    let (event_tx, event_rx) = mpsc::unbounded_channel();
    let target = resolve_link(&path)?;
    let names: Vec<OsString> = [&path, &target]
        .iter()
        .filter_map(|p| p.file_name().map(OsString::from))
        .collect();
    let mut watcher = notify::recommended_watcher(move |event: notify::Result<Event>| {
        if let Ok(event) = event {
            if is_edit(&event, &names) {
                let _ = event_tx.send(());
            }
        }
    })
    .map_err(|source| ConfigError::Watch {
        path: path.clone(),
        source,
    })?;
    let mut dirs = vec![directory(&path)];
    if directory(&target) != dirs[0] {
        dirs.push(directory(&target));
    }
    for dir in dirs {
        watcher
            .watch(&dir, RecursiveMode::NonRecursive)
            .map_err(|source| ConfigError::Watch { path: dir, source })?;
    }
    let task = tokio::spawn(run(path, event_rx, config_tx, error_tx));
    Ok((
        config_rx,
        error_rx,
        ReloadHandle {
            _watcher: watcher,
            task,
        },
    ))
}

/// The directory holding `path` (`.` for a bare file name).
fn directory(path: &Path) -> PathBuf {
    match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

/// Whether `event` may have changed the file: anything but reads (our own reads must not
/// trigger another reload) touching one of `names`.
fn is_edit(event: &Event, names: &[OsString]) -> bool {
    let read = matches!(event.kind, EventKind::Access(kind)
        if kind != AccessKind::Close(AccessMode::Write));
    !read
        && event
            .paths
            .iter()
            .any(|p| p.file_name().is_some_and(|n| names.iter().any(|m| m == n)))
}

async fn run(
    path: PathBuf,
    mut events: mpsc::UnboundedReceiver<()>,
    config_tx: latest::Sender<Arc<Config>>,
    error_tx: mpsc::UnboundedSender<ConfigError>,
) {
    // The text last parsed, so that a touch or a save without change publishes nothing.
    let mut last_text: Option<String> = None;
    while events.recv().await.is_some() {
        let latest = Instant::now() + MAX_DELAY;
        loop {
            let quiet = (Instant::now() + DEBOUNCE).min(latest);
            match timeout_at(quiet, events.recv()).await {
                Ok(Some(())) => {}
                Ok(None) => return,
                Err(_elapsed) => break,
            }
        }
        let text = match tokio::fs::read_to_string(&path).await {
            Ok(text) => text,
            Err(source) => {
                last_text = None;
                let _ = error_tx.send(ConfigError::Read {
                    path: path.clone(),
                    source,
                });
                continue;
            }
        };
        if last_text.as_deref() == Some(text.as_str()) {
            continue;
        }
        match parse(&text, &path) {
            Ok(config) => {
                config_tx.send_replace(Arc::new(config));
            }
            Err(error) => {
                let _ = error_tx.send(error);
            }
        }
        last_text = Some(text);
    }
}

//! Downwatch's tray: the icon, tooltip and menu of the resident (`downwatch run` without
//! `--headless`), rebuilt live from the resident's snapshot, and the commands its menu
//! sends back (check all now, pause, resume, open the history, start at login, quit).
//!
//! - [`view`]: what is shown, built from a [`Snapshot`] by a pure function (icon, summary
//!   line, one line per watch or per group, the commands), in the user's language;
//! - [`menu`]: items with typed ids ([`menu::MenuId`]) and what a click asks for
//!   ([`menu::Action`]);
//! - [`icon`]: the icon per state, from `icons/tray/`;
//! - [`window`]: opening the history window (also `downwatch open`);
//! - [`autostart`]: start at login;
//! - the platform's tray behind the small [`Host`] trait: on Linux a StatusNotifierItem
//!   with a dbusmenu menu over D-Bus (`sni`, no GTK). Windows and macOS would plug the
//!   `tray-icon` crate in behind the same trait (`native`; not built here: no such target
//!   can be installed on this machine).
//!
//! [`Snapshot`]: downwatch_monitor::snapshot::Snapshot

pub mod autostart;
pub mod icon;
pub mod menu;
pub mod view;
pub mod window;

#[cfg(not(target_os = "linux"))]
mod native;
#[cfg(target_os = "linux")]
mod sni;

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use downwatch_monitor::events::Event;
use downwatch_monitor::resident::ResidentHandle;
use downwatch_monitor::runner::Scope;
use downwatch_text::{Catalog, Lang};
use tokio::sync::{broadcast, mpsc};

use crate::autostart::Autostart;
use crate::menu::{Action, MenuId};
use crate::view::{Context, View};
use crate::window::{At, Opener};

#[cfg(not(target_os = "linux"))]
type Platform = native::Native;
#[cfg(target_os = "linux")]
type Platform = sni::Sni;

/// The menu's durations ("down for 12 min", "paused, 14 min left") are refreshed this often
/// when nothing else changes, and latencies held back (see [`Host::stage`]) are sent.
const REFRESH: Duration = Duration::from_secs(30);

/// What the user did to the tray.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Click {
    /// Clicked a menu item.
    Item(MenuId),
    /// Clicked the icon itself (left click).
    Activate,
}

/// A platform's tray: shows views and reports clicks. One implementation per platform,
/// chosen at compile time.
pub(crate) trait Host: Sized {
    /// Shows `view`, sending the user's clicks to `clicks`.
    async fn start(
        view: Arc<View>,
        clicks: mpsc::UnboundedSender<Click>,
    ) -> Result<Self, TrayError>;

    /// Replaces what is shown with `view` (telling the panel what changed).
    async fn show(&mut self, view: Arc<View>) -> Result<(), TrayError>;

    /// Holds `view`, which differs from what is shown only in latencies, without telling
    /// the panel: it is shown when the menu is next opened or at the next [`Host::show`].
    /// Every check changes a latency; telling the panel each time would wake it (and this
    /// process, answering its reads) about once a second with 20 watches, for a menu that
    /// is closed nearly all the time.
    fn stage(&mut self, view: Arc<View>);
}

/// Why the tray is not shown.
#[derive(Debug, thiserror::Error)]
pub enum TrayError {
    /// The session bus could not be reached or refused a call.
    #[cfg(target_os = "linux")]
    #[error("session bus: {0}")]
    Bus(#[source] zbus::Error),
    /// This platform's tray is not built yet.
    #[cfg(not(target_os = "linux"))]
    #[error("the tray icon is not built for this platform yet")]
    Unsupported,
}

/// How the tray is set up.
#[derive(Clone, Debug)]
pub struct Options {
    /// The language of its texts.
    pub lang: Lang,
    /// The program that start at login runs (`downwatch`).
    pub program: PathBuf,
    /// How Open history starts the window.
    pub window: Opener,
}

impl Options {
    /// The tray of the resident whose configuration is at `config`: the language of its
    /// `[notifications] locale` (see [`lang_of`]), and this program. The tray follows later
    /// changes of `locale` itself (when the resident reloads its configuration).
    /// The window it opens reads the resident at `socket`.
    pub fn for_config(config: &Path, socket: &Path) -> Options {
        Options {
            lang: lang_of(config),
            program: std::env::current_exe().unwrap_or_else(|_| PathBuf::from("downwatch")),
            window: Opener::new(socket),
        }
    }
}

/// The language of the configuration at `config`: its `[notifications] locale`, the
/// system's when not set or when the file cannot be read (the notifications choose theirs
/// the same way).
pub fn lang_of(config: &Path) -> Lang {
    downwatch_config::load(config)
        .ok()
        .and_then(|c| c.notifications.locale)
        .as_deref()
        .map_or_else(Lang::system, Lang::from_locale)
}

/// The running tray.
pub struct Tray {
    host: Platform,
    clicks: mpsc::UnboundedReceiver<Click>,
    catalog: Catalog,
    autostart: Option<Autostart>,
    /// The view last given to the host, shown or staged.
    view: Arc<View>,
    /// Its outline ([`View::outline`]): a change in it is shown at once.
    outline: View,
    /// Whether `view` is staged, not yet shown.
    staged: bool,
    window: Opener,
}

impl Tray {
    /// Shows the tray of `resident`.
    ///
    /// # Errors
    /// The platform's tray cannot be set up (no session bus): the resident runs without it.
    pub async fn start(resident: &ResidentHandle, options: Options) -> Result<Tray, TrayError> {
        let catalog = Catalog::new(options.lang);
        let autostart = match Autostart::new(&options.program) {
            Ok(autostart) => Some(autostart),
            Err(error) => {
                tracing::warn!(%error, "tray: start at login unavailable");
                None
            }
        };
        let on = start_at_login(autostart.as_ref());
        let snapshot = resident.snapshot();
        let view = Arc::new(View::build(&snapshot, context(&catalog, on)));
        let outline = View::outline(&snapshot, context(&catalog, on));
        let (clicks_tx, clicks) = mpsc::unbounded_channel();
        let host = Platform::start(view.clone(), clicks_tx).await?;
        Ok(Tray {
            host,
            clicks,
            catalog,
            autostart,
            view,
            outline,
            staged: false,
            window: options.window,
        })
    }

    /// Keeps the tray up to date with `resident` and carries out what the user clicks,
    /// until Quit is clicked (or the resident stops).
    ///
    /// The menu's language follows the configuration's `locale`: when the resident has
    /// reloaded its configuration (`ConfigReloaded`), the file's language is read again.
    pub async fn run(mut self, resident: &ResidentHandle) {
        let mut snapshots = resident.watch_snapshot();
        let mut events = resident.subscribe();
        let mut refresh = tokio::time::interval(REFRESH);
        loop {
            // Whether everything, latencies too, goes to the panel now.
            let now = tokio::select! {
                changed = snapshots.changed() => {
                    if changed.is_err() {
                        return;
                    }
                    false
                }
                event = events.recv() => match event {
                    Ok(stamped) if matches!(stamped.event, Event::ConfigReloaded { .. }) => {
                        self.follow_language(resident.config_path());
                        true
                    }
                    // Events missed while busy: one of them may have been a reload.
                    Err(broadcast::error::RecvError::Lagged(_)) => {
                        self.follow_language(resident.config_path());
                        true
                    }
                    Ok(_) => continue,
                    Err(broadcast::error::RecvError::Closed) => return,
                },
                _ = refresh.tick() => true,
                click = self.clicks.recv() => {
                    let Some(click) = click else { return };
                    if self.carry_out(click, resident).await == Flow::Quit {
                        return;
                    }
                    true
                }
            };
            let snapshot = snapshots.borrow_and_update().clone();
            self.update(&snapshot, now).await;
        }
    }

    /// Switches the texts to the language of the configuration at `config` if it changed.
    fn follow_language(&mut self, config: &Path) {
        let lang = lang_of(config);
        if lang != self.catalog.lang() {
            tracing::info!(?lang, "tray: the language changed");
            self.catalog = Catalog::new(lang);
        }
    }

    /// Gives the host the view of `snapshot`: shown at once if more than latencies
    /// changed or `now`, else staged (see [`Host::stage`]).
    async fn update(&mut self, snapshot: &downwatch_monitor::snapshot::Snapshot, now: bool) {
        let on = start_at_login(self.autostart.as_ref());
        let view = View::build(snapshot, context(&self.catalog, on));
        if view != *self.view {
            let outline = View::outline(snapshot, context(&self.catalog, on));
            let latencies_only = outline == self.outline;
            self.view = Arc::new(view);
            self.outline = outline;
            if latencies_only && !now {
                self.host.stage(self.view.clone());
                self.staged = true;
                return;
            }
        } else if !(now && self.staged) {
            return;
        }
        self.staged = false;
        if let Err(error) = self.host.show(self.view.clone()).await {
            tracing::warn!(%error, "tray: cannot update the icon");
        }
    }

    async fn carry_out(&mut self, click: Click, resident: &ResidentHandle) -> Flow {
        let action = match click {
            Click::Activate => Some(Action::Open(At::Overview)),
            Click::Item(id) => self.view.action(id),
        };
        let Some(action) = action else {
            return Flow::Go;
        };
        tracing::info!(?action, "tray: clicked");
        let done = match action {
            Action::Quit => return Flow::Quit,
            Action::CheckAll => resident.check_now(Scope::All).await,
            Action::Pause(for_) => resident.pause(Scope::All, for_.duration()).await,
            Action::Resume => resident.resume(Scope::All).await,
            Action::Open(at) => {
                open(&self.window, at, &self.catalog);
                Ok(())
            }
            Action::ToggleStartAtLogin => {
                if let Some(autostart) = &self.autostart {
                    let on = start_at_login(Some(autostart));
                    if let Err(error) = autostart.set(!on) {
                        tracing::warn!(%error, "tray: start at login");
                    }
                }
                Ok(())
            }
        };
        if let Err(error) = done {
            tracing::warn!(%error, "tray: the resident did not do it");
        }
        Flow::Go
    }
}

/// Whether to go on after a click.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Flow {
    Go,
    Quit,
}

fn context(catalog: &Catalog, start_at_login: bool) -> Context<'_> {
    Context {
        catalog,
        now: SystemTime::now(),
        start_at_login,
    }
}

fn start_at_login(autostart: Option<&Autostart>) -> bool {
    autostart.is_some_and(|a| a.is_on().unwrap_or(false))
}

/// Opens the history window at `at` (the tray's Open history, a watch's line, a
/// notification's Details); says why in the log when it cannot.
pub fn open(window: &Opener, at: At, catalog: &Catalog) {
    match window.open(at.clone()) {
        Ok(()) => tracing::info!(?at, "opened the history window"),
        Err(error) => tracing::warn!("{}", error.text(catalog)),
    }
}

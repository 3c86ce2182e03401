//! The Linux tray: a StatusNotifierItem with a dbusmenu menu, spoken over D-Bus on the
//! session bus with zbus (the zbus the notifications already use: no GTK, no second zbus;
//! see docs/architecture.md, "Tray").
//!
//! The item registers with the `org.kde.StatusNotifierWatcher` (the panel's side). Where
//! there is none (stock GNOME, a tiling window manager, no panel yet at login), the
//! resident says so once in its log and registers as soon as one appears, and again when
//! the panel restarts: it follows the watcher's name on the bus (`NameOwnerChanged`).

mod item;
mod menu;

use std::sync::{Arc, Mutex, PoisonError};

use futures_util::StreamExt;
use tokio::sync::mpsc::UnboundedSender;
use tokio::task::JoinHandle;
use zbus::Connection;
use zbus::fdo::DBusProxy;
use zbus::names::BusName;

use crate::view::View;
use crate::{Click, Host, TrayError};

const ITEM_PATH: &str = "/StatusNotifierItem";
pub(crate) const MENU_PATH: &str = "/MenuBar";
const WATCHER: &str = "org.kde.StatusNotifierWatcher";
const WATCHER_PATH: &str = "/StatusNotifierWatcher";

/// The item on the session bus.
pub(crate) struct Sni {
    connection: Connection,
    item_view: Arc<Mutex<Arc<View>>>,
    shown: Arc<Mutex<menu::Shown>>,
    registrar: JoinHandle<()>,
}

impl Host for Sni {
    async fn start(view: Arc<View>, clicks: UnboundedSender<Click>) -> Result<Sni, TrayError> {
        let item_view = Arc::new(Mutex::new(view.clone()));
        let shown = Arc::new(Mutex::new(menu::Shown {
            view,
            revision: 1,
            staged: None,
        }));
        // The name the specification asks for: org.kde.StatusNotifierItem-PID-ID.
        let name = format!("org.kde.StatusNotifierItem-{}-1", std::process::id());
        let connection = zbus::connection::Builder::session()
            .name(name.as_str())
            .serve_at(
                ITEM_PATH,
                item::Item {
                    view: item_view.clone(),
                    clicks: clicks.clone(),
                },
            )
            .serve_at(
                MENU_PATH,
                menu::Menu {
                    shown: shown.clone(),
                    clicks,
                },
            )
            .build()
            .await
            .map_err(TrayError::Bus)?;
        let registrar = tokio::spawn(register_whenever_a_watcher_appears(
            connection.clone(),
            name,
        ));
        Ok(Sni {
            connection,
            item_view,
            shown,
            registrar,
        })
    }

    async fn show(&mut self, view: Arc<View>) -> Result<(), TrayError> {
        let old = std::mem::replace(
            &mut *self
                .item_view
                .lock()
                .unwrap_or_else(PoisonError::into_inner),
            view.clone(),
        );
        // The menu the panel has: the last shown, or a staged one it read on opening.
        let (old_menu, reshaped, revision) = {
            let mut shown = self.shown.lock().unwrap_or_else(PoisonError::into_inner);
            shown.staged = None;
            let old_menu = std::mem::replace(&mut shown.view, view.clone());
            let reshaped = !menu::same_shape(&old_menu.menu, &view.menu);
            if reshaped {
                shown.revision = shown.revision.wrapping_add(1);
            }
            (old_menu, reshaped, shown.revision)
        };
        let server = self.connection.object_server();
        let item = server
            .interface::<_, item::Item>(ITEM_PATH)
            .await
            .map_err(TrayError::Bus)?;
        let emitter = item.signal_emitter();
        if old.icon != view.icon {
            item::Item::new_icon(emitter)
                .await
                .map_err(TrayError::Bus)?;
            item::Item::new_attention_icon(emitter)
                .await
                .map_err(TrayError::Bus)?;
            let (before, now) = (item::status(old.icon), item::status(view.icon));
            if before != now {
                item::Item::new_status(emitter, now)
                    .await
                    .map_err(TrayError::Bus)?;
            }
        }
        if (&old.summary, &old.details) != (&view.summary, &view.details) {
            item::Item::new_tool_tip(emitter)
                .await
                .map_err(TrayError::Bus)?;
        }
        if old_menu.menu != view.menu {
            let menu = server
                .interface::<_, menu::Menu>(MENU_PATH)
                .await
                .map_err(TrayError::Bus)?;
            let emitter = menu.signal_emitter();
            if reshaped {
                menu::Menu::layout_updated(emitter, revision, 0).await
            } else {
                let updated = menu::changed(&old_menu.menu, &view.menu);
                menu::Menu::items_properties_updated(emitter, updated, Vec::new()).await
            }
            .map_err(TrayError::Bus)?;
        }
        Ok(())
    }

    fn stage(&mut self, view: Arc<View>) {
        self.shown
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .staged = Some(view);
    }
}

impl Drop for Sni {
    fn drop(&mut self) {
        self.registrar.abort();
    }
}

/// Registers the item with the watcher now if there is one, and every time one takes the
/// name later (a panel started, or restarted). Ends with the connection.
async fn register_whenever_a_watcher_appears(connection: Connection, name: String) {
    let dbus = match DBusProxy::new(&connection).await {
        Ok(dbus) => dbus,
        Err(error) => {
            tracing::warn!(%error, "tray: cannot ask the session bus about a tray host");
            return;
        }
    };
    // Subscribed before asking, so a watcher appearing in between is not missed.
    let owners = dbus
        .receive_name_owner_changed_with_args(&[(0, WATCHER)])
        .await;
    let has_watcher = match BusName::from_static_str(WATCHER) {
        Ok(watcher) => dbus.name_has_owner(watcher).await.unwrap_or(false),
        Err(_) => false,
    };
    if has_watcher {
        register(&connection, &name).await;
    } else {
        tracing::warn!(
            "tray: no tray host on the session bus (no {WATCHER}); monitoring and \
             notifications go on, and the icon appears when a panel with a tray starts"
        );
    }
    let Ok(mut owners) = owners else {
        return;
    };
    while let Some(signal) = owners.next().await {
        let Ok(args) = signal.args() else { continue };
        if args.new_owner().is_some() {
            register(&connection, &name).await;
        }
    }
}

async fn register(connection: &Connection, name: &str) {
    let reply = connection
        .call_method(
            Some(WATCHER),
            WATCHER_PATH,
            Some(WATCHER),
            "RegisterStatusNotifierItem",
            &(name,),
        )
        .await;
    match reply {
        Ok(_) => tracing::info!("tray: registered with the tray host"),
        Err(error) => tracing::warn!(%error, "tray: the tray host refused the icon"),
    }
}

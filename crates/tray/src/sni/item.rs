//! `org.kde.StatusNotifierItem` (freedesktop's StatusNotifierItem specification, as KDE,
//! XFCE, LXQt, Cinnamon and GNOME's AppIndicator extension host it): the icon, the tooltip,
//! and a left click (`Activate`).

use std::sync::{Arc, Mutex, PoisonError};

use tokio::sync::mpsc::UnboundedSender;
use zbus::object_server::SignalEmitter;
use zbus::{ObjectPath, interface};

use super::MENU_PATH;
use crate::Click;
use crate::icon::IconState;
use crate::view::View;

/// An icon in the protocol's form: width, height, ARGB32 big-endian.
pub(super) type Pixmap = (i32, i32, Vec<u8>);

/// The item: it reads the view the host last showed.
pub(super) struct Item {
    pub(super) view: Arc<Mutex<Arc<View>>>,
    pub(super) clicks: UnboundedSender<Click>,
}

impl Item {
    fn view(&self) -> Arc<View> {
        self.view
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }
}

/// The pixmaps of an icon at every shipped size.
pub(super) fn pixmaps(icon: IconState) -> Vec<Pixmap> {
    icon.pixmaps()
        .iter()
        .map(|(size, argb)| (*size, *size, argb.to_vec()))
        .collect()
}

/// `Passive`, `Active` or `NeedsAttention` (hosts may hide a passive item and highlight one
/// that needs attention): attention while something is down or the user is offline.
pub(super) fn status(icon: IconState) -> &'static str {
    match icon {
        IconState::Down | IconState::Offline => "NeedsAttention",
        IconState::Up
        | IconState::Degraded
        | IconState::Unstable
        | IconState::Paused
        | IconState::Starting
        | IconState::Maintenance => "Active",
    }
}

#[interface(name = "org.kde.StatusNotifierItem", introspection_docs = false)]
impl Item {
    #[zbus(property)]
    fn category(&self) -> &str {
        "ApplicationStatus"
    }

    #[zbus(property)]
    fn id(&self) -> &str {
        "downwatch"
    }

    #[zbus(property)]
    fn title(&self) -> &str {
        "Downwatch"
    }

    #[zbus(property)]
    fn status(&self) -> &str {
        status(self.view().icon)
    }

    #[zbus(property)]
    fn window_id(&self) -> i32 {
        0
    }

    /// Empty: the icons are not in any icon theme; hosts then use `IconPixmap`.
    #[zbus(property)]
    fn icon_name(&self) -> &str {
        ""
    }

    #[zbus(property)]
    fn icon_pixmap(&self) -> Vec<Pixmap> {
        pixmaps(self.view().icon)
    }

    #[zbus(property)]
    fn overlay_icon_name(&self) -> &str {
        ""
    }

    #[zbus(property)]
    fn overlay_icon_pixmap(&self) -> Vec<Pixmap> {
        Vec::new()
    }

    #[zbus(property)]
    fn attention_icon_name(&self) -> &str {
        ""
    }

    /// The same icon: its shape already says what is wrong.
    #[zbus(property)]
    fn attention_icon_pixmap(&self) -> Vec<Pixmap> {
        pixmaps(self.view().icon)
    }

    #[zbus(property)]
    fn attention_movie_name(&self) -> &str {
        ""
    }

    /// (icon name, icon pixmaps, title, description): the summary line, then the line of
    /// each watch with a problem.
    #[zbus(property)]
    fn tool_tip(&self) -> (String, Vec<Pixmap>, String, String) {
        let view = self.view();
        (
            String::new(),
            Vec::new(),
            view.summary.clone(),
            view.details.clone(),
        )
    }

    /// False: a left click opens the history; the menu is at `Menu`.
    #[zbus(property)]
    fn item_is_menu(&self) -> bool {
        false
    }

    #[zbus(property)]
    fn menu(&self) -> ObjectPath<'static> {
        ObjectPath::from_static_str_unchecked(MENU_PATH)
    }

    /// A left click: open the history.
    fn activate(&self, _x: i32, _y: i32) {
        let _ = self.clicks.send(Click::Activate);
    }

    /// A middle click: nothing (the menu and the left click cover everything).
    fn secondary_activate(&self, _x: i32, _y: i32) {}

    /// Hosts that draw the menu themselves ask for it at `Menu`; nothing to do here.
    fn context_menu(&self, _x: i32, _y: i32) {}

    fn scroll(&self, _delta: i32, _orientation: &str) {}

    #[zbus(signal)]
    pub(super) async fn new_icon(emitter: &SignalEmitter<'_>) -> zbus::Result<()>;

    #[zbus(signal)]
    pub(super) async fn new_attention_icon(emitter: &SignalEmitter<'_>) -> zbus::Result<()>;

    #[zbus(signal)]
    pub(super) async fn new_tool_tip(emitter: &SignalEmitter<'_>) -> zbus::Result<()>;

    #[zbus(signal)]
    pub(super) async fn new_status(emitter: &SignalEmitter<'_>, status: &str) -> zbus::Result<()>;
}

//! `com.canonical.dbusmenu` (the menu protocol StatusNotifierItem hosts read, libdbusmenu's
//! `dbus-menu.xml`, version 3): the host asks for the layout (`GetLayout`), draws it, and
//! reports clicks (`Event` "clicked"); `LayoutUpdated` says the menu changed.
//!
//! Item properties sent: `type` ("separator"), `label` (underscores doubled: a single one
//! marks an access key), `enabled`, `toggle-type` / `toggle-state` (a check box) and
//! `children-display` ("submenu"). Absent properties have the protocol's defaults.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};

use serde::Serialize;
use tokio::sync::mpsc::UnboundedSender;
use zbus::object_server::SignalEmitter;
use zbus::{OwnedVariant, Structure, Type, Variant, fdo, interface};

use crate::Click;
use crate::menu::{Item, Kind, MenuId};
use crate::view::View;

/// What the menu reads: the view last shown and its revision (raised at every change of
/// shape), and a view staged to be shown when the menu is next opened.
pub(super) struct Shown {
    pub(super) view: Arc<View>,
    pub(super) revision: u32,
    /// The same menu with newer latencies (`Host::stage`), not announced to the panel.
    pub(super) staged: Option<Arc<View>>,
}

impl Shown {
    /// Shows the staged view, if any; whether there was one.
    fn unstage(&mut self) -> bool {
        match self.staged.take() {
            Some(view) => {
                self.view = view;
                true
            }
            None => false,
        }
    }
}

/// The menu object.
pub(super) struct Menu {
    pub(super) shown: Arc<Mutex<Shown>>,
    pub(super) clicks: UnboundedSender<Click>,
}

/// One node of the layout: `(ia{sv}av)`, the children being nodes in variants.
#[derive(Debug, Serialize, Type)]
pub(super) struct Node {
    id: i32,
    properties: HashMap<String, OwnedVariant>,
    children: Vec<OwnedVariant>,
}

/// The properties of `item`, limited to `names` (empty: all).
fn properties(item: &Item, names: &[String]) -> HashMap<String, OwnedVariant> {
    let mut out: Vec<(&str, Variant<'static>)> = Vec::new();
    match item.kind {
        Kind::Separator => out.push(("type", Variant::from("separator"))),
        Kind::Standard | Kind::Toggle(_) => {
            out.push(("label", Variant::from(item.label.replace('_', "__"))));
        }
    }
    if !item.enabled {
        out.push(("enabled", Variant::from(false)));
    }
    if let Kind::Toggle(on) = item.kind {
        out.push(("toggle-type", Variant::from("checkmark")));
        out.push(("toggle-state", Variant::from(i32::from(on))));
    }
    if !item.children.is_empty() {
        out.push(("children-display", Variant::from("submenu")));
    }
    out.into_iter()
        .filter(|(name, _)| names.is_empty() || names.iter().any(|n| n == name))
        .filter_map(|(name, value)| Some((name.to_owned(), OwnedVariant::try_from(value).ok()?)))
        .collect()
}

/// Whether two menus have the same items in the same places (ids, kinds and submenus),
/// whatever their labels and states: then a change is sent as `ItemsPropertiesUpdated`,
/// which hosts apply in place, rather than `LayoutUpdated`, which makes them read the
/// whole menu again.
pub(super) fn same_shape(a: &[Item], b: &[Item]) -> bool {
    a.len() == b.len()
        && a.iter().zip(b).all(|(a, b)| {
            a.id == b.id
                && std::mem::discriminant(&a.kind) == std::mem::discriminant(&b.kind)
                && same_shape(&a.children, &b.children)
        })
}

/// The items of `new` whose properties differ from those in `old` (same shape), with all
/// their properties.
pub(super) fn changed(old: &[Item], new: &[Item]) -> Vec<(i32, HashMap<String, OwnedVariant>)> {
    let mut out = Vec::new();
    for (a, b) in old.iter().zip(new) {
        if (&a.label, &a.kind, a.enabled) != (&b.label, &b.kind, b.enabled) {
            out.push((b.id.to_i32(), properties(b, &[])));
        }
        out.extend(changed(&a.children, &b.children));
    }
    out
}

/// The layout of `item` and its children down to `depth` levels (-1: all).
fn node(item: &Item, depth: i32, names: &[String]) -> Node {
    let children = if depth == 0 {
        Vec::new()
    } else {
        item.children
            .iter()
            .filter_map(|child| {
                let child = node(child, depth - 1, names);
                let structure = Structure::builder()
                    .add_field(child.id)
                    .add_field(child.properties)
                    .add_field(child.children)
                    .build()
                    .ok()?;
                OwnedVariant::try_from(Variant::from(structure)).ok()
            })
            .collect()
    };
    Node {
        id: item.id.to_i32(),
        properties: properties(item, names),
        children,
    }
}

/// The menu as one item: the root, whose children are the view's items.
fn root(view: &View) -> Item {
    Item {
        children: view.menu.clone(),
        ..Item::label(MenuId::Root, String::new())
    }
}

impl Menu {
    fn unstage(&self) -> bool {
        self.shown
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .unstage()
    }

    fn shown(&self) -> (Arc<View>, u32) {
        let shown = self.shown.lock().unwrap_or_else(PoisonError::into_inner);
        (shown.view.clone(), shown.revision)
    }

    fn item(view: &View, id: i32) -> fdo::Result<Item> {
        let unknown = || fdo::Error::InvalidArgs(format!("no menu item {id}"));
        match MenuId::from_i32(id).ok_or_else(unknown)? {
            MenuId::Root => Ok(root(view)),
            id => view.item(id).cloned().ok_or_else(unknown),
        }
    }

    fn click(&self, id: i32, event: &str) {
        if event == "clicked" {
            if let Some(id) = MenuId::from_i32(id) {
                let _ = self.clicks.send(Click::Item(id));
            }
        }
    }
}

#[interface(name = "com.canonical.dbusmenu", introspection_docs = false)]
impl Menu {
    #[zbus(property)]
    fn version(&self) -> u32 {
        3
    }

    /// The protocol has this property, but few hosts read it: right-to-left lines also
    /// start with a right-to-left mark (see the Arabic catalog).
    #[zbus(property)]
    fn text_direction(&self) -> &str {
        if self.shown().0.rtl { "rtl" } else { "ltr" }
    }

    #[zbus(property)]
    fn status(&self) -> &str {
        "normal"
    }

    #[zbus(property)]
    fn icon_theme_path(&self) -> Vec<String> {
        Vec::new()
    }

    #[zbus(out_args("revision", "layout"))]
    fn get_layout(
        &self,
        parent_id: i32,
        recursion_depth: i32,
        property_names: Vec<String>,
    ) -> fdo::Result<(u32, Node)> {
        let (view, revision) = self.shown();
        let parent = Menu::item(&view, parent_id)?;
        Ok((revision, node(&parent, recursion_depth, &property_names)))
    }

    fn get_group_properties(
        &self,
        ids: Vec<i32>,
        property_names: Vec<String>,
    ) -> Vec<(i32, HashMap<String, OwnedVariant>)> {
        let (view, _) = self.shown();
        let root = root(&view);
        let items: Vec<Item> = if ids.is_empty() {
            let mut all = Vec::new();
            let mut stack = vec![&root];
            while let Some(item) = stack.pop() {
                all.push(item.clone());
                stack.extend(item.children.iter());
            }
            all
        } else {
            ids.iter()
                .filter_map(|id| Menu::item(&view, *id).ok())
                .collect()
        };
        items
            .iter()
            .map(|item| (item.id.to_i32(), properties(item, &property_names)))
            .collect()
    }

    fn get_property(&self, id: i32, name: String) -> fdo::Result<OwnedVariant> {
        let (view, _) = self.shown();
        let item = Menu::item(&view, id)?;
        properties(&item, std::slice::from_ref(&name))
            .remove(&name)
            .ok_or_else(|| fdo::Error::InvalidArgs(format!("item {id} has no property {name}")))
    }

    fn event(&self, id: i32, event_id: &str, _data: OwnedVariant, _timestamp: u32) {
        self.click(id, event_id);
    }

    fn event_group(&self, events: Vec<(i32, String, OwnedVariant, u32)>) -> Vec<i32> {
        for (id, event, _, _) in &events {
            self.click(*id, event);
        }
        Vec::new()
    }

    /// The menu is about to open: the staged latencies are shown, and the host told to
    /// read the menu again (true) if there were any.
    fn about_to_show(&self, _id: i32) -> bool {
        self.unstage()
    }

    #[zbus(out_args("updates_needed", "id_errors"))]
    fn about_to_show_group(&self, ids: Vec<i32>) -> (Vec<i32>, Vec<i32>) {
        let updated = if self.unstage() { ids } else { Vec::new() };
        (updated, Vec::new())
    }

    #[zbus(signal)]
    pub(super) async fn layout_updated(
        emitter: &SignalEmitter<'_>,
        revision: u32,
        parent: i32,
    ) -> zbus::Result<()>;

    #[zbus(signal)]
    pub(super) async fn items_properties_updated(
        emitter: &SignalEmitter<'_>,
        updated: Vec<(i32, HashMap<String, OwnedVariant>)>,
        removed: Vec<(i32, Vec<String>)>,
    ) -> zbus::Result<()>;

    #[zbus(signal)]
    async fn item_activation_requested(
        emitter: &SignalEmitter<'_>,
        id: i32,
        timestamp: u32,
    ) -> zbus::Result<()>;
}

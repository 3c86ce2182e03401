//! The panel's side of the tray, for the end-to-end tests: a small
//! `org.kde.StatusNotifierWatcher` (none is packaged in Debian 12) that records the items
//! registering with it, and a client that reads an item the way a panel does: its
//! properties, its menu through `com.canonical.dbusmenu` (`GetLayout`), clicks (`Event`
//! "clicked", `Activate`), and the signals it sends (counted by name).
//!
//! Each runs on a runtime of its own with one worker thread, so the watcher answers calls
//! while the (synchronous) test waits.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};

use futures_util::StreamExt;
use zbus::message::Header;
use zbus::{Connection, MatchRule, MessageStream, OwnedVariant, interface};

const WATCHER: &str = "org.kde.StatusNotifierWatcher";
const ITEM: &str = "org.kde.StatusNotifierItem";
const MENU: &str = "com.canonical.dbusmenu";

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .expect("a runtime for the D-Bus side of the panel")
}

/// An item that registered: the name it gave and the connection it called from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Registered {
    /// The service (bus name) it asked to be shown under.
    pub service: String,
    /// The caller's unique name.
    pub sender: String,
}

struct WatcherIface {
    items: Arc<Mutex<Vec<Registered>>>,
}

#[interface(name = "org.kde.StatusNotifierWatcher")]
impl WatcherIface {
    fn register_status_notifier_item(&self, service: &str, #[zbus(header)] header: Header<'_>) {
        let sender = header.sender().map(ToString::to_string).unwrap_or_default();
        self.items
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(Registered {
                service: service.to_owned(),
                sender,
            });
    }

    fn register_status_notifier_host(&self, _service: &str) {}

    #[zbus(property)]
    fn registered_status_notifier_items(&self) -> Vec<String> {
        self.items
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .iter()
            .map(|r| r.service.clone())
            .collect()
    }

    #[zbus(property)]
    fn is_status_notifier_host_registered(&self) -> bool {
        true
    }

    #[zbus(property)]
    fn protocol_version(&self) -> i32 {
        0
    }
}

/// A StatusNotifierWatcher on a bus, until dropped.
pub struct Watcher {
    items: Arc<Mutex<Vec<Registered>>>,
    connection: Option<Connection>,
    runtime: tokio::runtime::Runtime,
}

impl Watcher {
    /// Takes the watcher's name on the bus at `address` and serves the interface.
    pub fn start(address: &str) -> Watcher {
        let runtime = runtime();
        let items = Arc::new(Mutex::new(Vec::new()));
        let iface = WatcherIface {
            items: items.clone(),
        };
        let connection = runtime
            .block_on(async {
                zbus::connection::Builder::address(address)
                    .name(WATCHER)
                    .serve_at("/StatusNotifierWatcher", iface)
                    .build()
                    .await
            })
            .unwrap_or_else(|e| panic!("serve a StatusNotifierWatcher on {address}: {e}"));
        Watcher {
            items,
            connection: Some(connection),
            runtime,
        }
    }

    /// The items registered so far.
    pub fn items(&self) -> Vec<Registered> {
        self.items
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }
}

impl Drop for Watcher {
    fn drop(&mut self) {
        let _context = self.runtime.enter();
        self.connection.take();
    }
}

/// One menu item as read through `GetLayout`.
#[derive(Clone, Debug, PartialEq)]
pub struct Line {
    /// Its id.
    pub id: i32,
    /// `label` (empty for separators).
    pub label: String,
    /// `type` is "separator".
    pub separator: bool,
    /// `enabled` (true when absent).
    pub enabled: bool,
    /// `toggle-state` for a check box.
    pub toggled: Option<i32>,
    /// Its submenu.
    pub children: Vec<Line>,
}

impl Line {
    /// This line and every line below it, depth first.
    pub fn flatten(&self) -> Vec<&Line> {
        let mut out = vec![self];
        for child in &self.children {
            out.extend(child.flatten());
        }
        out
    }
}

type Node = (i32, HashMap<String, OwnedVariant>, Vec<OwnedVariant>);

fn line((id, properties, children): Node) -> Line {
    let text = |name: &str| {
        properties
            .get(name)
            .and_then(|v| String::try_from(v.try_clone().ok()?).ok())
    };
    Line {
        id,
        label: text("label").unwrap_or_default(),
        separator: text("type").as_deref() == Some("separator"),
        enabled: properties
            .get("enabled")
            .and_then(|v| bool::try_from(v.try_clone().ok()?).ok())
            .unwrap_or(true),
        toggled: properties
            .get("toggle-state")
            .and_then(|v| i32::try_from(v.try_clone().ok()?).ok()),
        children: children
            .into_iter()
            .map(|child| line(Node::try_from(child).expect("a child is a (ia{sv}av)")))
            .collect(),
    }
}

/// An icon as `IconPixmap` gives it: width, height, ARGB32.
pub type Pixmap = (i32, i32, Vec<u8>);

/// A panel's view of one item.
pub struct TrayClient {
    connection: Option<Connection>,
    service: String,
    signals: Arc<Mutex<HashMap<String, usize>>>,
    runtime: tokio::runtime::Runtime,
}

impl TrayClient {
    /// Connects to the bus at `address` to read the item registered as `item`, and counts
    /// the signals its sender emits.
    pub fn connect(address: &str, item: &Registered) -> TrayClient {
        let runtime = runtime();
        let signals = Arc::new(Mutex::new(HashMap::new()));
        let connection = runtime
            .block_on(async {
                let connection = zbus::connection::Builder::address(address).build().await?;
                let rule = MatchRule::builder()
                    .msg_type(zbus::message::Type::Signal)
                    .sender(item.sender.as_str())
                    .build()?;
                let mut stream = MessageStream::for_match_rule(rule, &connection, None).await?;
                let counts = signals.clone();
                tokio::spawn(async move {
                    while let Some(Ok(message)) = stream.next().await {
                        if let Some(member) = message.header().member() {
                            *counts
                                .lock()
                                .unwrap_or_else(PoisonError::into_inner)
                                .entry(member.to_string())
                                .or_insert(0) += 1;
                        }
                    }
                });
                zbus::Result::Ok(connection)
            })
            .unwrap_or_else(|e| panic!("connect to {address}: {e}"));
        TrayClient {
            connection: Some(connection),
            service: item.service.clone(),
            signals,
            runtime,
        }
    }

    fn connection(&self) -> &Connection {
        self.connection.as_ref().expect("connected until dropped")
    }

    /// How many signals named `member` the item sent since this client connected.
    pub fn signals(&self, member: &str) -> usize {
        self.signals
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .get(member)
            .copied()
            .unwrap_or(0)
    }

    fn property(&self, path: &str, iface: &str, name: &str) -> zbus::Result<OwnedVariant> {
        self.runtime.block_on(async {
            let reply = self
                .connection()
                .call_method(
                    Some(self.service.as_str()),
                    path,
                    Some("org.freedesktop.DBus.Properties"),
                    "Get",
                    &(iface, name),
                )
                .await?;
            reply.body().deserialize::<OwnedVariant>()
        })
    }

    /// The item's `IconPixmap`.
    pub fn icon(&self) -> Vec<Pixmap> {
        let value = self
            .property("/StatusNotifierItem", ITEM, "IconPixmap")
            .expect("IconPixmap");
        Vec::<Pixmap>::try_from(value).expect("IconPixmap is a(iiay)")
    }

    /// The item's `ToolTip`: its title and its description.
    pub fn tooltip(&self) -> (String, String) {
        let value = self
            .property("/StatusNotifierItem", ITEM, "ToolTip")
            .expect("ToolTip");
        let (_, _, title, text): (String, Vec<Pixmap>, String, String) =
            value.try_into().expect("ToolTip is (sa(iiay)ss)");
        (title, text)
    }

    /// The item's `Status`.
    pub fn status(&self) -> String {
        let value = self
            .property("/StatusNotifierItem", ITEM, "Status")
            .expect("Status");
        String::try_from(value).expect("Status is a string")
    }

    /// The object path of the item's menu (`Menu`).
    pub fn menu_path(&self) -> String {
        let value = self
            .property("/StatusNotifierItem", ITEM, "Menu")
            .expect("Menu");
        zbus::OwnedObjectPath::try_from(value)
            .expect("Menu is an object path")
            .to_string()
    }

    /// The whole menu (`GetLayout(0, -1, [])`): the root and its revision.
    pub fn layout(&self) -> (u32, Line) {
        let reply = self.menu_call("GetLayout", &(0i32, -1i32, Vec::<String>::new()));
        let (revision, root): (u32, Node) = reply
            .body()
            .deserialize()
            .expect("GetLayout's (u(ia{sv}av))");
        (revision, line(root))
    }

    /// Says the menu is about to open (`AboutToShow(0)`), as a host does; whether the item
    /// answers that the menu must be read again.
    pub fn about_to_show(&self) -> bool {
        self.menu_call("AboutToShow", &(0i32,))
            .body()
            .deserialize::<bool>()
            .expect("AboutToShow's b")
    }

    /// Clicks the menu item `id` (`Event(id, "clicked", 0, 0)`).
    pub fn click(&self, id: i32) {
        self.menu_call("Event", &(id, "clicked", zbus::Variant::from(0i32), 0u32));
    }

    /// Calls `method` of the item's menu (com.canonical.dbusmenu) with `body`; its reply.
    /// Fails the test when the call fails.
    fn menu_call<B>(&self, method: &str, body: &B) -> zbus::Message
    where
        B: serde::Serialize + zbus::zvariant::DynamicType,
    {
        let path = self.menu_path();
        self.runtime.block_on(async {
            self.connection()
                .call_method(
                    Some(self.service.as_str()),
                    path.as_str(),
                    Some(MENU),
                    method,
                    body,
                )
                .await
                .unwrap_or_else(|e| panic!("{method}: {e}"))
        })
    }

    /// A left click on the icon (`Activate(0, 0)`).
    pub fn activate(&self) {
        self.runtime.block_on(async {
            self.connection()
                .call_method(
                    Some(self.service.as_str()),
                    "/StatusNotifierItem",
                    Some(ITEM),
                    "Activate",
                    &(0i32, 0i32),
                )
                .await
                .expect("Activate");
        });
    }
}

impl Drop for TrayClient {
    fn drop(&mut self) {
        let _context = self.runtime.enter();
        self.connection.take();
    }
}

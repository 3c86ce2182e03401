//! dunst's control interface, spoken over D-Bus directly: the tests read what the daemon
//! received without `dunstctl`, whose `history` needs `busctl` (Debian's `systemd` package,
//! which a fresh machine does not have and the project does not need otherwise).
//!
//! The interface is `org.dunstproject.cmd0` on `/org/freedesktop/Notifications`, as dunst
//! 1.9 (Debian 12) offers it: `NotificationListHistory` (`aa{sv}`), `NotificationCloseAll`,
//! `NotificationAction(u)` and the `displayedLength` property (`u`).
//!
//! Async, so `crates/monitor/tests/deliver_desktop.rs` shares this file (`#[path]`); the
//! end-to-end harness drives it on a runtime of its own.

use zbus::{Connection, DeserializeDict, OwnedVariant, Type};

const NAME: &str = "org.freedesktop.Notifications";
const PATH: &str = "/org/freedesktop/Notifications";
const CONTROL: &str = "org.dunstproject.cmd0";

/// A notification as dunst keeps it in its history (one `a{sv}` of
/// `NotificationListHistory`; the keys dunst adds beyond these are ignored).
#[derive(Clone, Debug, PartialEq, Eq, DeserializeDict, Type)]
#[zbus(signature = "a{sv}")]
pub struct Shown {
    /// dunst's id, increasing in arrival order.
    pub id: i32,
    /// Application name.
    pub appname: String,
    /// Title.
    pub summary: String,
    /// Body, as sent (markup characters stay escaped).
    pub body: String,
    /// How long it stays on screen, in microseconds; 0 (never expires) for critical
    /// notifications only. dunst keeps no urgency in its history, but this shows it.
    pub timeout: i64,
}

/// A client of one dunst, on the bus at a given address.
pub struct Dunst {
    connection: Connection,
}

impl Dunst {
    /// Connects to the bus at `address` (a D-Bus address, `unix:path=...`).
    ///
    /// # Errors
    /// An invalid address, or a bus that does not answer.
    pub async fn connect(address: &str) -> zbus::Result<Dunst> {
        let connection = zbus::connection::Builder::address(address).build().await?;
        Ok(Dunst { connection })
    }

    /// Closes every notification on screen, which moves it into the history.
    ///
    /// # Errors
    /// No dunst on the bus, or a D-Bus failure.
    pub async fn close_all(&self) -> zbus::Result<()> {
        self.connection
            .call_method(Some(NAME), PATH, Some(CONTROL), "NotificationCloseAll", &())
            .await?;
        Ok(())
    }

    /// Invokes the default action of the notification at `position` on screen (0: the
    /// newest), as a click on it does.
    ///
    /// # Errors
    /// No dunst on the bus, or a D-Bus failure.
    pub async fn action(&self, position: u32) -> zbus::Result<()> {
        self.connection
            .call_method(
                Some(NAME),
                PATH,
                Some(CONTROL),
                "NotificationAction",
                &(position,),
            )
            .await?;
        Ok(())
    }

    /// How many notifications are on screen now.
    ///
    /// # Errors
    /// No dunst on the bus, a D-Bus failure, or a property that is not a `u32`.
    pub async fn displayed(&self) -> zbus::Result<u32> {
        let reply = self
            .connection
            .call_method(
                Some(NAME),
                PATH,
                Some("org.freedesktop.DBus.Properties"),
                "Get",
                &(CONTROL, "displayedLength"),
            )
            .await?;
        let value: OwnedVariant = reply.body().deserialize()?;
        u32::try_from(value)
    }

    /// The notifications in the history (closed or expired ones), in arrival order.
    ///
    /// # Errors
    /// No dunst on the bus, a D-Bus failure, or a history entry without one of the keys of
    /// [`Shown`] (or with another type).
    pub async fn history(&self) -> zbus::Result<Vec<Shown>> {
        let reply = self
            .connection
            .call_method(
                Some(NAME),
                PATH,
                Some(CONTROL),
                "NotificationListHistory",
                &(),
            )
            .await?;
        let mut shown: Vec<Shown> = reply.body().deserialize()?;
        shown.sort_by_key(|n| n.id);
        Ok(shown)
    }
}

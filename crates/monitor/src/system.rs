//! What the operating system tells the monitor: suspend and resume (logind's
//! `PrepareForSleep` on the system bus) and network changes (the routing tables).

use std::hash::{DefaultHasher, Hash, Hasher};

use tokio::sync::mpsc::UnboundedSender;
use zbus::MatchRule;
use zbus::message::Type;

use crate::runner::PowerSignal;

/// Listens for logind's `PrepareForSleep(bool)` and forwards it until the receiver is
/// dropped. Without a system bus (containers, other systems) it returns at once: the clock
/// gap detector still notices suspends. `DBUS_SYSTEM_BUS_ADDRESS` selects the bus.
pub async fn watch_power(tx: UnboundedSender<PowerSignal>) {
    if let Err(e) = listen(&tx).await {
        tracing::debug!("no logind sleep signals: {e}");
    }
}

async fn listen(tx: &UnboundedSender<PowerSignal>) -> zbus::Result<()> {
    use futures_util::StreamExt;
    let connection = zbus::Connection::system().await?;
    let rule = MatchRule::builder()
        .msg_type(Type::Signal)
        .interface("org.freedesktop.login1.Manager")
        .member("PrepareForSleep")
        .build()?;
    let mut stream = zbus::MessageStream::for_match_rule(rule, &connection, None).await?;
    while let Some(message) = stream.next().await {
        let Ok(message) = message else { continue };
        let Ok(going) = message.body().deserialize::<bool>() else {
            continue;
        };
        let signal = if going {
            PowerSignal::Suspending
        } else {
            PowerSignal::Resumed
        };
        if tx.send(signal).is_err() {
            break;
        }
    }
    Ok(())
}

/// A fingerprint of the routing tables (Linux: `/proc/net/route` and
/// `/proc/net/ipv6_route`): it changes when an interface comes or goes, a default route
/// changes, or DHCP hands out another address. `None` where the files do not exist.
pub fn network_fingerprint() -> Option<u64> {
    let v4 = std::fs::read_to_string("/proc/net/route").ok()?;
    let v6 = std::fs::read_to_string("/proc/net/ipv6_route").unwrap_or_default();
    let mut hasher = DefaultHasher::new();
    // Only the route definitions, not the use counters that change all the time.
    for line in v4.lines().skip(1) {
        let fields: Vec<&str> = line.split_whitespace().collect();
        if fields.len() >= 8 {
            (fields[0], fields[1], fields[2], fields[7]).hash(&mut hasher);
        }
    }
    for line in v6.lines() {
        let fields: Vec<&str> = line.split_whitespace().collect();
        if fields.len() >= 10 {
            (fields[0], fields[1], fields[4], fields[9]).hash(&mut hasher);
        }
    }
    Some(hasher.finish())
}

//! Following the resident's live events from a client that must outlive it (the history
//! window): subscribe, pass every line on, and when the resident goes away say so and try
//! again, with a growing delay, until it is back.

use std::path::Path;
use std::time::Duration;

use crate::bridge::WindowEvent;
use crate::call::{Answer, Call};
use crate::client::{Client, ClientError};
use crate::wire::Body;

/// The delays between attempts to reach the resident: `first`, doubled after each failed
/// attempt up to `max`, back to `first` once an attempt succeeds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Backoff {
    first: Duration,
    max: Duration,
    next: Duration,
}

impl Backoff {
    /// A backoff from `first` to `max`.
    pub fn new(first: Duration, max: Duration) -> Backoff {
        Backoff {
            first,
            max,
            next: first,
        }
    }

    /// The window's: 100 ms to 2 s. Connecting to a local socket costs next to nothing,
    /// and a resident restarted by the user should be seen back within about 2 s.
    pub fn window() -> Backoff {
        Backoff::new(Duration::from_millis(100), Duration::from_secs(2))
    }

    /// The delay before the next attempt; the one after it is doubled.
    pub fn delay(&mut self) -> Duration {
        let delay = self.next;
        self.next = (self.next * 2).min(self.max);
        delay
    }

    /// An attempt succeeded: start from `first` again.
    pub fn reset(&mut self) {
        self.next = self.first;
    }
}

/// Follows the resident at `socket` for ever: each line of its subscription goes to `sink`
/// as [`WindowEvent::Event`] or [`WindowEvent::Missed`]; [`WindowEvent::Connected`] when
/// a subscription opens, [`WindowEvent::Disconnected`] when the first attempt fails or an
/// open one ends. Between failed attempts it waits as `backoff` says (on tokio's clock).
/// It returns only when `sink` returns `false` (nobody listens any more).
pub async fn follow(
    socket: &Path,
    mut backoff: Backoff,
    mut sink: impl FnMut(WindowEvent) -> bool,
) {
    // `None` until the first attempt: the first failure is told too.
    let mut connected: Option<bool> = None;
    loop {
        if let Ok(mut client) = subscribe(socket).await {
            backoff.reset();
            connected = Some(true);
            if !sink(WindowEvent::Connected) {
                return;
            }
            while let Ok(response) = client.receive().await {
                let event = match response.body {
                    Body::Event(event) => WindowEvent::Event { event },
                    Body::Missed(count) => WindowEvent::Missed { count },
                    Body::Ok(_) | Body::Error(_) => continue,
                };
                if !sink(event) {
                    return;
                }
            }
        }
        if connected != Some(false) {
            connected = Some(false);
            if !sink(WindowEvent::Disconnected) {
                return;
            }
        }
        tokio::time::sleep(backoff.delay()).await;
    }
}

/// Connects and subscribes; the client then reads the subscription's lines.
async fn subscribe(socket: &Path) -> Result<Client, ClientError> {
    let mut client = Client::connect(socket).await?;
    match client.call(Call::Subscribe).await? {
        Answer::Subscribed => Ok(client),
        other => Err(ClientError::Decode(format!(
            "subscribe was answered with {other:?}"
        ))),
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn the_delay_doubles_up_to_its_bound_and_starts_over_after_a_success() {
        let ms = Duration::from_millis;
        let mut backoff = Backoff::new(ms(100), ms(500));
        let delays: Vec<_> = (0..5).map(|_| backoff.delay()).collect();
        assert_eq!(delays, [ms(100), ms(200), ms(400), ms(500), ms(500)]);
        backoff.reset();
        assert_eq!(backoff.delay(), ms(100));
    }
}

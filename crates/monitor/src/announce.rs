//! The real [`Announcer`]: the message catalog in the user's language, then the desktop
//! notification and the command hook, as the `[notifications]` settings say. Rebuilt on a
//! configuration reload (language, hook and desktop switch can change while running).

use std::sync::{Arc, Mutex, PoisonError};

use downwatch_config::Notifications;
use tokio::sync::mpsc::UnboundedSender;

use crate::deliver::{Channel, CommandHook, Deliver, DeliveryFailure, DesktopNotifier};
use crate::messages::{Lang, Messages, Rendered};
use crate::notice::{IncidentId, Notice};
use crate::runner::{Announcer, BoxFuture};

struct Inner {
    messages: Arc<Messages>,
    channels: Vec<(Channel, Arc<dyn Deliver>)>,
}

/// Renders with [`Messages`] and delivers through the configured channels.
pub struct Announce {
    inner: Mutex<Arc<Inner>>,
    clicks: UnboundedSender<IncidentId>,
}

impl Announce {
    /// Built for `cfg`; clicks on "Details" send the incident id to `clicks`.
    pub fn new(cfg: &Notifications, clicks: UnboundedSender<IncidentId>) -> Self {
        let inner = Mutex::new(Arc::new(build(cfg, &clicks)));
        Announce { inner, clicks }
    }

    fn current(&self) -> Arc<Inner> {
        self.inner
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }
}

fn build(cfg: &Notifications, clicks: &UnboundedSender<IncidentId>) -> Inner {
    let lang = cfg
        .locale
        .as_deref()
        .map_or_else(Lang::system, Lang::from_locale);
    let messages = Arc::new(Messages::new(lang));
    let mut channels: Vec<(Channel, Arc<dyn Deliver>)> = Vec::new();
    if cfg.desktop {
        channels.push((
            Channel::Desktop,
            Arc::new(DesktopNotifier::new(&messages, clicks.clone())),
        ));
    }
    if let Some(argv) = &cfg.command {
        channels.push((
            Channel::Command,
            Arc::new(CommandHook::new(argv.clone(), cfg.command_timeout)),
        ));
    }
    Inner { messages, channels }
}

impl Announcer for Announce {
    fn render(&self, notice: &Notice) -> Rendered {
        self.current().messages.render(notice)
    }

    fn deliver(&self, notice: Notice, rendered: Rendered) -> BoxFuture<Vec<DeliveryFailure>> {
        let inner = self.current();
        Box::pin(async move {
            let mut failures = Vec::new();
            for (channel, deliver) in &inner.channels {
                if let Err(error) = deliver.deliver(&notice, &rendered).await {
                    let failure = DeliveryFailure {
                        channel: *channel,
                        error,
                    };
                    tracing::warn!("{failure}");
                    failures.push(failure);
                }
            }
            failures
        })
    }

    fn reconfigure(&self, cfg: &Notifications) {
        let fresh = Arc::new(build(cfg, &self.clicks));
        *self.inner.lock().unwrap_or_else(PoisonError::into_inner) = fresh;
    }
}

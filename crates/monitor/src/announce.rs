//! The real [`Announcer`]: the message catalog in the user's language, then the desktop
//! notification and the command hook, as the `[notifications]` settings say. Rebuilt on a
//! configuration reload (language, hook and desktop switch can change while running).

use std::sync::{Arc, Mutex, PoisonError};

use downwatch_config::Notifications;
use tokio::sync::mpsc::UnboundedSender;

use crate::deliver::{CommandHook, Deliver, DesktopNotifier};
use crate::messages::{Lang, Messages, Rendered};
use crate::notice::{IncidentId, Notice};
use crate::runner::{Announcer, BoxFuture};

struct Inner {
    messages: Arc<Messages>,
    channels: Vec<(&'static str, Arc<dyn Deliver>)>,
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
    let mut channels: Vec<(&'static str, Arc<dyn Deliver>)> = Vec::new();
    if cfg.desktop {
        channels.push((
            "desktop",
            Arc::new(DesktopNotifier::new(&messages, clicks.clone())),
        ));
    }
    if let Some(argv) = &cfg.command {
        channels.push((
            "command",
            Arc::new(CommandHook::new(argv.clone(), cfg.command_timeout)),
        ));
    }
    Inner { messages, channels }
}

impl Announcer for Announce {
    fn render(&self, notice: &Notice) -> (String, String) {
        let Rendered { title, body, .. } = self.current().messages.render(notice);
        (title, body)
    }

    fn deliver(
        &self,
        notice: Notice,
        title: String,
        body: String,
    ) -> BoxFuture<Vec<(String, String)>> {
        let inner = self.current();
        Box::pin(async move {
            let rendered = Rendered {
                title,
                body,
                lang: inner.messages.lang(),
            };
            let mut failures = Vec::new();
            for (name, channel) in &inner.channels {
                if let Err(e) = channel.deliver(&notice, &rendered).await {
                    tracing::warn!("{name} notification failed: {e}");
                    failures.push(((*name).to_owned(), e.to_string()));
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

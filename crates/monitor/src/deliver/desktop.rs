//! Desktop notifications through the OS notification service (on Linux the
//! `org.freedesktop.Notifications` daemon on the session bus), with a "Details" action that
//! opens the history at the incident.

use tokio::sync::mpsc::UnboundedSender;

use super::{Deliver, DeliverError, DeliverFuture};
use crate::messages::{Messages, Rendered};
use crate::notice::{IncidentId, Notice, NoticeKind};

/// The app name the daemon shows and groups by.
/// How long a "Details" click on a notification is listened for.
const CLICK_WINDOW: std::time::Duration = std::time::Duration::from_secs(6 * 3600);

const APP_NAME: &str = "Downwatch";
/// The action a click on the notification itself sends (by the spec's convention).
const ACTION_DEFAULT: &str = "default";
/// The "Details" button.
const ACTION_DETAILS: &str = "details";

/// Shows notices as desktop notifications. A click on one that belongs to an incident sends
/// the incident's id on the channel given to [`DesktopNotifier::new`].
#[derive(Clone, Debug)]
pub struct DesktopNotifier {
    clicks: UnboundedSender<IncidentId>,
    details: String,
}

/// How a notice looks: an icon name of the freedesktop icon theme, and whether it is urgent.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Look {
    /// Icon name ("network-error").
    pub icon: &'static str,
    /// Critical urgency: the daemon keeps it until the user dismisses it.
    pub critical: bool,
}

impl Look {
    /// The look of a notice: errors for outages and being offline, a working network for
    /// recoveries, a warning for everything else.
    pub fn of(kind: &NoticeKind) -> Look {
        const ERROR: &str = "network-error";
        const BACK: &str = "network-transmit-receive";
        const WARNING: &str = "dialog-warning";
        let (icon, critical) = match kind {
            NoticeKind::Down { .. } => (ERROR, true),
            NoticeKind::Offline { .. } => (ERROR, true),
            NoticeKind::Recovered { .. }
            | NoticeKind::Steady { .. }
            | NoticeKind::Online { .. } => (BACK, false),
            NoticeKind::Degraded { .. }
            | NoticeKind::Unstable { .. }
            | NoticeKind::CertExpiring { .. }
            | NoticeKind::Summary { .. }
            | NoticeKind::HistoryMovedAside { .. } => (WARNING, false),
        };
        Look { icon, critical }
    }
}

impl DesktopNotifier {
    /// A notifier labelling its button in the language of `messages`, sending clicked
    /// incidents to `clicks`.
    pub fn new(messages: &Messages, clicks: UnboundedSender<IncidentId>) -> DesktopNotifier {
        DesktopNotifier {
            clicks,
            details: messages.text("action-details", &[]),
        }
    }

    #[cfg(all(unix, not(target_os = "macos")))]
    async fn show(&self, notice: &Notice, rendered: &Rendered) -> Result<(), DeliverError> {
        use notify_rust::{Hint, Notification, NotificationResponse, Urgency};

        let look = Look::of(&notice.kind);
        let mut notification = Notification::new();
        notification
            .appname(APP_NAME)
            .summary(&rendered.title)
            // Daemons parse the body as markup; probe output is text and must stay text.
            .body(&escape_markup(&rendered.body))
            .icon(look.icon)
            .hint(Hint::Category("network".into()))
            .urgency(if look.critical {
                Urgency::Critical
            } else {
                Urgency::Normal
            });
        if notice.incident.is_some() {
            notification.action(ACTION_DEFAULT, &self.details);
            notification.action(ACTION_DETAILS, &self.details);
        }
        // The async API speaks D-Bus on the runtime's own I/O: nothing blocks a worker.
        let handle = notification
            .show_async()
            .await
            .map_err(DeliverError::Desktop)?;
        if let Some(incident) = notice.incident.clone() {
            let clicks = self.clicks.clone();
            // Waits for a click or for the notification to close (expired, dismissed,
            // replaced); the task ends either way, and with the runtime. A critical
            // notification can stay on screen for days, and a daemon restart loses its
            // "closed" signal: after CLICK_WINDOW the task (and its D-Bus connection) goes,
            // so a resident that runs for weeks does not accumulate them.
            tokio::spawn(async move {
                let wait = handle.wait_for_action_async(|response| {
                    if let NotificationResponse::Default | NotificationResponse::Action(_) =
                        response
                    {
                        let _ = clicks.send(incident);
                    }
                });
                let _ = tokio::time::timeout(CLICK_WINDOW, wait).await;
            });
        }
        Ok(())
    }

    #[cfg(not(all(unix, not(target_os = "macos"))))]
    async fn show(&self, _notice: &Notice, rendered: &Rendered) -> Result<(), DeliverError> {
        // Windows and macOS: the platform call is synchronous; keep it off the runtime.
        let mut notification = notify_rust::Notification::new();
        notification
            .appname(APP_NAME)
            .summary(&rendered.title)
            .body(&rendered.body);
        tokio::task::spawn_blocking(move || notification.show().map(drop))
            .await
            .map_err(DeliverError::DesktopTask)?
            .map_err(DeliverError::Desktop)
    }
}

impl Deliver for DesktopNotifier {
    fn deliver<'a>(&'a self, notice: &'a Notice, rendered: &'a Rendered) -> DeliverFuture<'a> {
        Box::pin(self.show(notice, rendered))
    }
}

/// Escapes the characters the notification body markup gives meaning to.
pub fn escape_markup(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            c => out.push(c),
        }
    }
    out
}

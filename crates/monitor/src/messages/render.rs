//! Putting a [`Notice`] into words, and the composite pieces (lists, durations) it needs.

use std::time::Duration;

use downwatch_text::Errors;

use super::{Arg, MessageError, Messages, Rendered};
use crate::notice::{Notice, NoticeKind, Reason};
use crate::state::OfflineVerdict;

impl Messages {
    /// The title and body of a notice in this catalog's language. Never fails: a catalog bug
    /// is logged and the text Fluent could produce is used.
    pub fn render(&self, notice: &Notice) -> Rendered {
        let mut errors = Errors::new();
        let rendered = self.render_in(notice, &mut errors);
        for error in errors {
            tracing::warn!(%error, "message catalog");
        }
        rendered
    }

    /// Like [`Messages::render`], but any missing message or Fluent error is returned.
    pub fn try_render(&self, notice: &Notice) -> Result<Rendered, MessageError> {
        let mut errors = Errors::new();
        let rendered = self.render_in(notice, &mut errors);
        match errors.into_iter().next() {
            Some(error) => Err(error),
            None => Ok(rendered),
        }
    }

    /// Formats strictly, recording an error and falling back to the lossy text.
    fn t(&self, id: &str, args: &[(&str, Arg<'_>)], errors: &mut Errors) -> String {
        self.catalog.t(id, args, errors)
    }

    fn list_in<S: AsRef<str>>(&self, items: &[S], errors: &mut Errors) -> String {
        self.catalog.list_in(items, errors)
    }

    fn duration_in(&self, duration: Duration, errors: &mut Errors) -> String {
        self.catalog.duration_in(duration, errors)
    }

    fn render_in(&self, notice: &Notice, errors: &mut Errors) -> Rendered {
        let (title, body) = match &notice.kind {
            NoticeKind::Down {
                group,
                watches,
                reason,
            } => (
                self.watches_title("down-title", group.as_deref(), watches, errors),
                self.reason_body(reason, errors),
            ),
            NoticeKind::Recovered {
                group,
                watches,
                after,
            } => {
                let duration = self.duration_in(*after, errors);
                (
                    self.watches_title("recovered-title", group.as_deref(), watches, errors),
                    self.t("recovered-body", &[("duration", duration.into())], errors),
                )
            }
            NoticeKind::Degraded {
                group,
                watches,
                reason,
            } => {
                let id = match reason.cause {
                    downwatch_probe::Cause::TooSlow => "slow-title",
                    _ => "degraded-title",
                };
                (
                    self.watches_title(id, group.as_deref(), watches, errors),
                    self.reason_body(reason, errors),
                )
            }
            NoticeKind::Unstable {
                watch,
                failures,
                checks,
            } => {
                let args = [
                    ("name", watch.into()),
                    ("failures", (*failures).into()),
                    ("checks", (*checks).into()),
                ];
                (
                    self.t("unstable-title", &args, errors),
                    self.t("unstable-body", &args, errors),
                )
            }
            NoticeKind::Steady { watch, after } => {
                let duration = self.duration_in(*after, errors);
                (
                    self.t("steady-title", &[("name", watch.into())], errors),
                    self.t("steady-body", &[("duration", duration.into())], errors),
                )
            }
            NoticeKind::CertExpiring { watch, days_left } => {
                let args = [("name", watch.into()), ("days", (*days_left).into())];
                let (title, body) = match days_left {
                    ..0 => ("cert-expired-title", "cert-expired-body"),
                    _ => ("cert-title", "cert-body"),
                };
                (self.t(title, &args, errors), self.t(body, &args, errors))
            }
            NoticeKind::Offline { verdict } => {
                let (title, body) = match verdict {
                    OfflineVerdict::Offline => ("offline-title", "offline-body"),
                    OfflineVerdict::CaptivePortal => ("portal-title", "portal-body"),
                    OfflineVerdict::LocalDnsBroken => ("local-dns-title", "local-dns-body"),
                };
                (self.t(title, &[], errors), self.t(body, &[], errors))
            }
            NoticeKind::Online { after } => {
                let duration = self.duration_in(*after, errors);
                (
                    self.t("online-title", &[], errors),
                    self.t("online-body", &[("duration", duration.into())], errors),
                )
            }
            NoticeKind::Summary {
                held,
                down,
                recovered,
            } => {
                let title = self.t("summary-title", &[("held", (*held).into())], errors);
                let args = [
                    ("down", self.list_in(down, errors).into()),
                    ("up", self.list_in(recovered, errors).into()),
                ];
                let id = match (down.is_empty(), recovered.is_empty()) {
                    (false, false) => "summary-body-both",
                    (false, true) => "summary-down",
                    (true, false) => "summary-up",
                    (true, true) => "summary-body-none",
                };
                (title, self.t(id, &args, errors))
            }
            NoticeKind::HistoryMovedAside { kept_as } => {
                let body = downwatch_text::Message::new("history-moved-body")
                    .arg("path", downwatch_text::Value::address(kept_as));
                (
                    self.t("history-moved-title", &[], errors),
                    body.render_in(&self.catalog, errors),
                )
            }
        };
        Rendered {
            title: self.base_direction(title),
            body: self.base_direction(body),
            lang: self.lang(),
        }
    }

    /// Starts every line of right-to-left text with a RIGHT-TO-LEFT MARK. A line that opens
    /// with a Latin name ("Meta: ...") would otherwise be laid out left to right by
    /// renderers that take the paragraph direction from the first strong letter and do not
    /// skip isolates (seen in dunst/Pango).
    fn base_direction(&self, text: String) -> String {
        if !self.lang().is_rtl() {
            return text;
        }
        text.lines()
            .map(|line| format!("\u{200F}{line}"))
            .collect::<Vec<_>>()
            .join("\n")
    }

    /// "WhatsApp Web is down", or with the provider when several watches of one group fail
    /// together: "Meta: WhatsApp Web, Facebook and Instagram are down". A single watch keeps
    /// its own name only: watch names already say which service they are.
    fn watches_title(
        &self,
        id: &str,
        group: Option<&str>,
        watches: &[String],
        errors: &mut Errors,
    ) -> String {
        let unnamed;
        let names: &[String] = match (watches, group) {
            ([], Some(group)) => {
                unnamed = [group.to_owned()];
                &unnamed
            }
            ([], None) => {
                unnamed = [self.t("watch-unnamed", &[], errors)];
                &unnamed
            }
            (names, _) => names,
        };
        let mut args = vec![
            ("list", self.list_in(names, errors).into()),
            ("count", names.len().into()),
        ];
        match group {
            Some(group) if names.len() > 1 => {
                args.push(("group", group.into()));
                self.t(&format!("{id}-group"), &args, errors)
            }
            _ => self.t(id, &args, errors),
        }
    }

    /// "<cause phrase>\n<layer>: <detail>".
    fn reason_body(&self, reason: &Reason, errors: &mut Errors) -> String {
        let cause = self.t(&format!("cause-{}", reason.cause.code()), &[], errors);
        let layer = self.t(&format!("layer-{}", reason.layer.as_str()), &[], errors);
        let args = [
            ("cause", cause.into()),
            ("layer", layer.into()),
            (
                "detail",
                reason.detail.render_in(&self.catalog, errors).into(),
            ),
        ];
        self.t("reason-body", &args, errors)
    }
}

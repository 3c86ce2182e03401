//! Putting a [`Notice`] into words, and the composite pieces (lists, durations) it needs.

use std::time::Duration;

use super::{Arg, MessageError, Messages, Rendered};
use crate::notice::{Notice, NoticeKind, Reason};
use crate::state::OfflineVerdict;

/// Errors met while rendering; the lossy paths log them, the strict ones return the first.
type Errors = Vec<MessageError>;

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
        self.format(id, args).unwrap_or_else(|error| {
            errors.push(error);
            self.text(id, args)
        })
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
        };
        Rendered {
            title: self.base_direction(title),
            body: self.base_direction(body),
            lang: self.lang,
        }
    }

    /// Starts every line of right-to-left text with a RIGHT-TO-LEFT MARK. A line that opens
    /// with a Latin name ("Meta: ...") would otherwise be laid out left to right by
    /// renderers that take the paragraph direction from the first strong letter and do not
    /// skip isolates (seen in dunst/Pango).
    fn base_direction(&self, text: String) -> String {
        if !self.lang.is_rtl() {
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
            ("detail", (&reason.detail).into()),
        ];
        self.t("reason-body", &args, errors)
    }

    pub(super) fn list_in<S: AsRef<str>>(&self, items: &[S], errors: &mut Errors) -> String {
        // Built from the end: "C", "B and C", "A, B and C"; each step isolates the names.
        let mut items = items.iter().rev().map(AsRef::as_ref);
        let Some(last) = items.next() else {
            return String::new();
        };
        let Some(before_last) = items.next() else {
            return last.to_owned();
        };
        let pair = [("first", before_last.into()), ("second", last.into())];
        let mut list = self.t("list-pair", &pair, errors);
        for item in items {
            list = self.t(
                "list-more",
                &[("first", item.into()), ("rest", list.into())],
                errors,
            );
        }
        list
    }

    pub(super) fn duration_in(&self, duration: Duration, errors: &mut Errors) -> String {
        let secs = duration.as_secs();
        if secs < 60 {
            return self.t(
                "duration-seconds",
                &[("seconds", to_i64(secs).into())],
                errors,
            );
        }
        // Rounded to the nearest minute: "Down for 2 min" after 1 min 50 s reads right.
        let minutes = (secs + 30) / 60;
        if minutes < 60 {
            return self.t(
                "duration-minutes",
                &[("minutes", to_i64(minutes).into())],
                errors,
            );
        }
        let (hours, minutes) = (minutes / 60, minutes % 60);
        if hours < 24 {
            let args = [
                ("hours", to_i64(hours).into()),
                ("minutes", to_i64(minutes).into()),
            ];
            let id = if minutes == 0 {
                "duration-hours"
            } else {
                "duration-hours-minutes"
            };
            return self.t(id, &args, errors);
        }
        let (days, hours) = (hours / 24, hours % 24);
        let args = [
            ("days", to_i64(days).into()),
            ("hours", to_i64(hours).into()),
        ];
        // Hours matter next to one or two days, not next to a week.
        let id = if hours == 0 || days >= 3 {
            "duration-days"
        } else {
            "duration-days-hours"
        };
        self.t(id, &args, errors)
    }
}

fn to_i64(n: u64) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

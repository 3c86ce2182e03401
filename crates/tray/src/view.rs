//! What the tray shows, built from a snapshot of the resident: the icon, the tooltip and the
//! menu, in the user's language. Pure (the snapshot, the catalog and the time are passed
//! in), so the words and the grouping are tested without a desktop.

use std::collections::BTreeMap;
use std::time::{Duration, SystemTime};

use downwatch_monitor::WatchState;
use downwatch_monitor::snapshot::{Pause, Snapshot, WatchSnapshot};
use downwatch_monitor::state::OfflineVerdict;
use downwatch_text::{Arg, Catalog};

use crate::icon::IconState;
use crate::menu::{Action, Item, Kind, MenuId, PauseFor};
use crate::window::At;

/// Up to this many watches get one line each at the top of the menu; beyond, watches of a
/// group share one line with a submenu.
pub const FLAT_MAX: usize = 12;
/// A probe's message is cut to this many characters in a menu line (the tooltip and the
/// history window have the whole text).
const DETAIL_MAX: usize = 72;

/// The tray's content at one moment.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct View {
    /// The icon.
    pub icon: IconState,
    /// The summary line ("All 6 services up"), also the tooltip's title.
    pub summary: String,
    /// The tooltip's text: the lines of the watches with a problem, one per line.
    pub details: String,
    /// The menu's items, top to bottom.
    pub menu: Vec<Item>,
    /// Whether the text is right to left.
    pub rtl: bool,
    /// The watch of each [`MenuId::Watch`] index.
    watch_names: Vec<String>,
}

/// What is known besides the snapshot.
#[derive(Clone, Copy, Debug)]
pub struct Context<'a> {
    /// The user's catalog.
    pub catalog: &'a Catalog,
    /// Now (wall clock), for "down for 12 min".
    pub now: SystemTime,
    /// Whether Downwatch starts at login.
    pub start_at_login: bool,
}

impl View {
    /// The view of `snapshot`.
    pub fn build(snapshot: &Snapshot, cx: Context<'_>) -> View {
        View::make(snapshot, cx, true)
    }

    /// The view of `snapshot` without the latencies of the watches that are up ("Web: Up"
    /// for "Web: Up (85 ms)"): what must reach the panel as soon as it changes. A change of
    /// latencies alone may wait until the menu is opened (see `Host::stage`).
    pub fn outline(snapshot: &Snapshot, cx: Context<'_>) -> View {
        View::make(snapshot, cx, false)
    }

    fn make(snapshot: &Snapshot, cx: Context<'_>, latency: bool) -> View {
        let words = Words(cx, latency);
        let lines: Vec<Item> = snapshot
            .watches
            .iter()
            .enumerate()
            .map(|(i, w)| {
                let index = u32::try_from(i).unwrap_or(u32::MAX);
                Item::action(MenuId::Watch(index), words.watch_line(w))
            })
            .collect();
        let details = snapshot
            .watches
            .iter()
            .zip(&lines)
            .filter(|(w, _)| rank(w.state) < rank(WatchState::Unknown))
            .map(|(_, line)| line.label.clone())
            .collect::<Vec<_>>()
            .join("\n");
        let summary = words.summary(snapshot);
        let mut menu = vec![
            Item::label(MenuId::Summary, summary.clone()),
            Item::separator(0),
        ];
        menu.extend(words.watch_lines(snapshot, lines));
        menu.push(Item::separator(1));
        let mut check = Item::action(MenuId::CheckAll, words.t("tray-check-now"));
        check.enabled = snapshot.paused.is_none();
        menu.push(check);
        let paused =
            snapshot.paused.is_some() || snapshot.watches.iter().any(|w| w.paused.is_some());
        if snapshot.paused.is_none() {
            let pause = |id, for_| Item::action(MenuId::Pause(id), words.t(for_));
            menu.push(Item::submenu(
                MenuId::PauseMenu,
                words.t("tray-pause"),
                vec![
                    pause(PauseFor::QuarterHour, "tray-pause-15-min"),
                    pause(PauseFor::Hour, "tray-pause-1-hour"),
                    pause(PauseFor::UntilResumed, "tray-pause-until-resumed"),
                ],
            ));
        }
        if paused {
            menu.push(Item::action(MenuId::Resume, words.t("tray-resume")));
        }
        menu.push(Item::separator(2));
        menu.push(Item::action(
            MenuId::OpenHistory,
            words.t("tray-open-history"),
        ));
        menu.push(Item::action(MenuId::Settings, words.t("tray-settings")));
        menu.push(Item {
            kind: Kind::Toggle(cx.start_at_login),
            ..Item::action(MenuId::StartAtLogin, words.t("tray-start-at-login"))
        });
        menu.push(Item::separator(3));
        menu.push(Item::action(MenuId::Quit, words.t("tray-quit")));
        let rtl = cx.catalog.lang().is_rtl();
        let (summary, details) = if rtl {
            let details = details
                .lines()
                .map(right_to_left)
                .collect::<Vec<_>>()
                .join("\n");
            (right_to_left(&summary), details)
        } else {
            (summary, details)
        };
        if rtl {
            menu.iter_mut().for_each(mark_right_to_left);
        }
        View {
            icon: IconState::of(snapshot),
            summary,
            details,
            menu,
            rtl,
            watch_names: snapshot.watches.iter().map(|w| w.name.clone()).collect(),
        }
    }

    /// The item with this id, anywhere in the menu.
    pub fn item(&self, id: MenuId) -> Option<&Item> {
        self.menu.iter().find_map(|item| item.find(id))
    }

    /// What a click on the item `id` asks for; `None` for an item that does nothing (a
    /// label, a separator, a submenu) or is not in the menu.
    pub fn action(&self, id: MenuId) -> Option<Action> {
        let item = self.item(id)?;
        if !item.enabled || !item.children.is_empty() {
            return None;
        }
        Some(match id {
            MenuId::Watch(i) => {
                let name = self.watch_names.get(usize::try_from(i).ok()?)?;
                Action::Open(At::Watch(name.clone()))
            }
            MenuId::CheckAll => Action::CheckAll,
            MenuId::Pause(for_) => Action::Pause(for_),
            MenuId::Resume => Action::Resume,
            MenuId::OpenHistory => Action::Open(At::Overview),
            MenuId::Settings => Action::Open(At::Settings),
            MenuId::StartAtLogin => Action::ToggleStartAtLogin,
            MenuId::Quit => Action::Quit,
            MenuId::Root
            | MenuId::Summary
            | MenuId::Group(_)
            | MenuId::PauseMenu
            | MenuId::Separator(_) => return None,
        })
    }
}

/// RIGHT-TO-LEFT MARK: as a line's first strong character it makes the line right to left.
const RLM: char = '\u{200F}';

/// `line` starting with a right-to-left mark. Panels lay each menu line out by its first
/// strong character (dbusmenu's `TextDirection` is rarely read), and an Arabic line that
/// starts with a watch's Latin name would otherwise be laid out left to right.
fn right_to_left(line: &str) -> String {
    if line.starts_with(RLM) || line.is_empty() {
        line.to_owned()
    } else {
        format!("{RLM}{line}")
    }
}

fn mark_right_to_left(item: &mut Item) {
    item.label = right_to_left(&item.label);
    item.children.iter_mut().for_each(mark_right_to_left);
}

/// Problems first: down, unstable, degraded, not judged yet, paused, up.
fn rank(state: WatchState) -> u8 {
    match state {
        WatchState::Down => 0,
        WatchState::Unstable => 1,
        WatchState::Degraded => 2,
        WatchState::Unknown => 3,
        WatchState::Paused => 4,
        WatchState::Up => 5,
    }
}

/// The catalog with the words of the tray, and whether a watch that is up shows its
/// latency.
struct Words<'a>(Context<'a>, bool);

impl Words<'_> {
    fn t(&self, id: &str) -> String {
        self.0.catalog.text(id, &[])
    }

    fn text(&self, id: &str, args: &[(&str, Arg<'_>)]) -> String {
        self.0.catalog.text(id, args)
    }

    fn state(&self, state: WatchState) -> String {
        self.t(&format!("state-{}", state.as_str()))
    }

    fn left(&self, pause: &Pause) -> Option<String> {
        let until = pause.until?;
        let left = until.duration_since(self.0.now).unwrap_or_default();
        Some(self.0.catalog.duration(left.max(Duration::from_secs(1))))
    }

    /// "All 6 services up", "Meta is down: WhatsApp, Facebook and Instagram", "You are
    /// offline"...
    fn summary(&self, snapshot: &Snapshot) -> String {
        if let Some(verdict) = snapshot.verdict.offline() {
            return self.t(match verdict {
                OfflineVerdict::Offline => "offline-title",
                OfflineVerdict::CaptivePortal => "portal-title",
                OfflineVerdict::LocalDnsBroken => "local-dns-title",
            });
        }
        if let Some(pause) = &snapshot.paused {
            return match self.left(pause) {
                Some(duration) => {
                    self.text("tray-summary-paused-for", &[("duration", duration.into())])
                }
                None => self.t("tray-summary-paused"),
            };
        }
        let watches = &snapshot.watches;
        if watches.is_empty() {
            return self.t("tray-summary-none");
        }
        let named = |state| -> Vec<&WatchSnapshot> {
            watches
                .iter()
                .filter(|w| w.state == state)
                .map(AsRef::as_ref)
                .collect()
        };
        let list = |ws: &[&WatchSnapshot]| {
            let names: Vec<&str> = ws.iter().map(|w| w.name.as_str()).collect();
            self.0.catalog.list(&names)
        };
        let down = named(WatchState::Down);
        if !down.is_empty() {
            let group = down[0].group.as_deref();
            let whole_group = group.is_some_and(|g| {
                down.len() > 1 && down.iter().all(|w| w.group.as_deref() == Some(g))
            });
            if let (Some(group), true) = (group, whole_group) {
                return self.text(
                    "tray-summary-group-down",
                    &[("group", group.into()), ("list", list(&down).into())],
                );
            }
            return self.text(
                "down-title",
                &[("list", list(&down).into()), ("count", down.len().into())],
            );
        }
        for (state, id) in [
            (WatchState::Unstable, "tray-summary-unstable"),
            (WatchState::Degraded, "degraded-title"),
        ] {
            let those = named(state);
            if !those.is_empty() {
                return self.text(
                    id,
                    &[("list", list(&those).into()), ("count", those.len().into())],
                );
            }
        }
        if watches.iter().any(|w| w.state == WatchState::Unknown) {
            return self.t("tray-summary-checking");
        }
        let up = named(WatchState::Up).len();
        if up == 0 {
            return self.t("tray-summary-paused");
        }
        self.text("tray-summary-all-up", &[("count", up.into())])
    }

    /// "Web: Up (85 ms)", "Web: Down for 12 min - DNS: SERVFAIL from 127.0.0.1:53".
    fn watch_line(&self, w: &WatchSnapshot) -> String {
        let name: Arg<'_> = w.name.as_str().into();
        let state = self.state(w.state);
        match w.state {
            WatchState::Up => match &w.last {
                Some(last) if last.judged && self.1 => {
                    let ms = i64::try_from(last.phases.total.as_millis()).unwrap_or(i64::MAX);
                    self.text(
                        "tray-watch-latency",
                        &[("name", name), ("state", state.into()), ("ms", ms.into())],
                    )
                }
                _ => self.text("tray-watch", &[("name", name), ("state", state.into())]),
            },
            WatchState::Paused => match w.paused.as_ref().and_then(|p| self.left(p)) {
                Some(left) => self.text(
                    "tray-watch-paused-for",
                    &[("name", name), ("duration", left.into())],
                ),
                None => self.text("tray-watch", &[("name", name), ("state", state.into())]),
            },
            WatchState::Unknown => {
                self.text("tray-watch", &[("name", name), ("state", state.into())])
            }
            WatchState::Down | WatchState::Degraded | WatchState::Unstable => {
                let since = w.since.unwrap_or(self.0.now);
                let duration = self
                    .0
                    .catalog
                    .duration(self.0.now.duration_since(since).unwrap_or_default());
                let failure = w.last.as_ref().and_then(|last| {
                    let layer = last.layer?;
                    let detail = last.message.as_ref()?.render(self.0.catalog);
                    Some((layer, detail))
                });
                match failure {
                    Some((layer, detail)) => self.text(
                        "tray-watch-problem",
                        &[
                            ("name", name),
                            ("state", state.into()),
                            ("duration", duration.into()),
                            ("layer", self.t(&format!("layer-{}", layer.as_str())).into()),
                            ("detail", shorten(&detail).into()),
                        ],
                    ),
                    None => self.text(
                        "tray-watch-problem-short",
                        &[
                            ("name", name),
                            ("state", state.into()),
                            ("duration", duration.into()),
                        ],
                    ),
                }
            }
        }
    }

    /// The lines of the watches: each its own up to [`FLAT_MAX`] watches (in the
    /// configuration's order), else one submenu per group and the watches without a group,
    /// problems first.
    fn watch_lines(&self, snapshot: &Snapshot, lines: Vec<Item>) -> Vec<Item> {
        let watches = &snapshot.watches;
        if watches.len() <= FLAT_MAX || watches.iter().all(|w| w.group.is_none()) {
            return lines;
        }
        // Entries keyed by (rank, first position) so that problems come first and the
        // configuration's order is kept among equals.
        let mut groups: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
        let mut entries: Vec<(u8, usize, Entry<'_>)> = Vec::new();
        for (i, w) in watches.iter().enumerate() {
            match w.group.as_deref() {
                Some(g) => groups.entry(g).or_default().push(i),
                None => entries.push((rank(w.state), i, Entry::Watch(i))),
            }
        }
        for (group, members) in groups {
            let worst = members
                .iter()
                .map(|&i| watches[i].state)
                .min_by_key(|s| rank(*s));
            let worst = worst.unwrap_or(WatchState::Unknown);
            entries.push((rank(worst), members[0], Entry::Group(group, worst, members)));
        }
        entries.sort_by_key(|(rank, first, _)| (*rank, *first));
        let mut lines: Vec<Option<Item>> = lines.into_iter().map(Some).collect();
        let mut groups_shown = 0;
        entries
            .into_iter()
            .filter_map(|(_, _, entry)| match entry {
                Entry::Watch(i) => lines[i].take(),
                Entry::Group(group, worst, mut members) => {
                    members.sort_by_key(|&i| (rank(watches[i].state), i));
                    let count = members.len();
                    let children = members
                        .into_iter()
                        .filter_map(|i| lines[i].take())
                        .collect();
                    let label = self.text(
                        "tray-group",
                        &[
                            ("group", group.into()),
                            ("state", self.state(worst).into()),
                            ("count", count.into()),
                        ],
                    );
                    groups_shown += 1;
                    Some(Item::submenu(
                        MenuId::Group(groups_shown - 1),
                        label,
                        children,
                    ))
                }
            })
            .collect()
    }
}

enum Entry<'a> {
    Watch(usize),
    Group(&'a str, WatchState, Vec<usize>),
}

/// `text` cut to [`DETAIL_MAX`] characters, with an ellipsis when cut.
fn shorten(text: &str) -> String {
    if text.chars().count() <= DETAIL_MAX {
        return text.to_owned();
    }
    let mut out: String = text.chars().take(DETAIL_MAX - 1).collect();
    out.push('…');
    // Close the isolates the cut left open (an address cut in its middle, in Arabic).
    let opened = out
        .chars()
        .filter(|c| matches!(c, '\u{2066}'..='\u{2068}'))
        .count();
    let closed = out.chars().filter(|c| *c == '\u{2069}').count();
    out.extend(std::iter::repeat_n(
        '\u{2069}',
        opened.saturating_sub(closed),
    ));
    out
}

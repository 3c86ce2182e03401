//! The menu as data: items with typed ids ([`MenuId`]), and what a click on one asks for
//! ([`Action`]). A platform tray turns items into its own menu (dbusmenu's layout on Linux)
//! and clicks back into ids.

use std::time::Duration;

use crate::window::At;

/// Watch lines' ids start here (`WATCH_BASE + index in the snapshot`).
const WATCH_BASE: i32 = 100_000;
/// Group lines' ids start here (`GROUP_BASE + index among the groups shown`).
const GROUP_BASE: i32 = 1_000;
/// Separators' ids start here.
const SEPARATOR_BASE: i32 = 100;

/// How long a pause lasts.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum PauseFor {
    /// 15 minutes.
    QuarterHour,
    /// One hour.
    Hour,
    /// Until the user resumes.
    UntilResumed,
}

impl PauseFor {
    /// The duration, `None` for until resumed.
    pub fn duration(self) -> Option<Duration> {
        match self {
            PauseFor::QuarterHour => Some(Duration::from_secs(15 * 60)),
            PauseFor::Hour => Some(Duration::from_secs(3600)),
            PauseFor::UntilResumed => None,
        }
    }
}

/// Identifies a menu item. Converted to and from the protocol's numbers with
/// [`MenuId::to_i32`] / [`MenuId::from_i32`]; never a bare string or number elsewhere.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum MenuId {
    /// The menu itself (dbusmenu's item 0).
    Root,
    /// The summary line.
    Summary,
    /// The line of the watch at this index of the snapshot.
    Watch(u32),
    /// The line (a submenu) of the group at this index of the groups shown.
    Group(u32),
    /// Check all now.
    CheckAll,
    /// The pause submenu.
    PauseMenu,
    /// Pause for a while.
    Pause(PauseFor),
    /// Resume.
    Resume,
    /// Open the history.
    OpenHistory,
    /// Open the settings.
    Settings,
    /// Start at login (a check box).
    StartAtLogin,
    /// Quit.
    Quit,
    /// A separator (the n-th).
    Separator(u8),
}

impl MenuId {
    /// The protocol's number for this item.
    pub fn to_i32(self) -> i32 {
        let index = |i: u32, base: i32| base.saturating_add(i32::try_from(i).unwrap_or(i32::MAX));
        match self {
            MenuId::Root => 0,
            MenuId::Summary => 1,
            MenuId::CheckAll => 2,
            MenuId::PauseMenu => 3,
            MenuId::Pause(PauseFor::QuarterHour) => 4,
            MenuId::Pause(PauseFor::Hour) => 5,
            MenuId::Pause(PauseFor::UntilResumed) => 6,
            MenuId::Resume => 7,
            MenuId::OpenHistory => 8,
            MenuId::Settings => 9,
            MenuId::StartAtLogin => 10,
            MenuId::Quit => 11,
            MenuId::Separator(n) => SEPARATOR_BASE + i32::from(n),
            MenuId::Group(i) => index(i, GROUP_BASE),
            MenuId::Watch(i) => index(i, WATCH_BASE),
        }
    }

    /// The item of a protocol number, `None` for a number no item has.
    pub fn from_i32(id: i32) -> Option<MenuId> {
        let index = |base: i32| u32::try_from(id - base).ok();
        Some(match id {
            0 => MenuId::Root,
            1 => MenuId::Summary,
            2 => MenuId::CheckAll,
            3 => MenuId::PauseMenu,
            4 => MenuId::Pause(PauseFor::QuarterHour),
            5 => MenuId::Pause(PauseFor::Hour),
            6 => MenuId::Pause(PauseFor::UntilResumed),
            7 => MenuId::Resume,
            8 => MenuId::OpenHistory,
            9 => MenuId::Settings,
            10 => MenuId::StartAtLogin,
            11 => MenuId::Quit,
            SEPARATOR_BASE..GROUP_BASE => {
                MenuId::Separator(u8::try_from(id - SEPARATOR_BASE).ok()?)
            }
            GROUP_BASE..WATCH_BASE => MenuId::Group(index(GROUP_BASE)?),
            WATCH_BASE.. => MenuId::Watch(index(WATCH_BASE)?),
            _ => return None,
        })
    }
}

/// What kind of item.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Kind {
    /// A line that can be clicked (or a submenu, when it has children).
    Standard,
    /// A check box, on or off.
    Toggle(bool),
    /// A separator line.
    Separator,
}

/// One menu item.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Item {
    /// Its id.
    pub id: MenuId,
    /// Its text, in the user's language (empty for a separator).
    pub label: String,
    /// Its kind.
    pub kind: Kind,
    /// Whether it can be clicked.
    pub enabled: bool,
    /// Its submenu (empty: none).
    pub children: Vec<Item>,
}

impl Item {
    /// A clickable line.
    pub fn action(id: MenuId, label: String) -> Item {
        Item {
            id,
            label,
            kind: Kind::Standard,
            enabled: true,
            children: Vec::new(),
        }
    }

    /// A line that cannot be clicked.
    pub fn label(id: MenuId, label: String) -> Item {
        Item {
            enabled: false,
            ..Item::action(id, label)
        }
    }

    /// A separator.
    pub fn separator(n: u8) -> Item {
        Item {
            kind: Kind::Separator,
            ..Item::action(MenuId::Separator(n), String::new())
        }
    }

    /// A line with a submenu.
    pub fn submenu(id: MenuId, label: String, children: Vec<Item>) -> Item {
        Item {
            children,
            ..Item::action(id, label)
        }
    }

    /// The item with this id, here or below.
    pub fn find(&self, id: MenuId) -> Option<&Item> {
        if self.id == id {
            return Some(self);
        }
        self.children.iter().find_map(|c| c.find(id))
    }
}

/// What a click (or the icon's activation) asks for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Action {
    /// Probe every watch now.
    CheckAll,
    /// Pause every watch.
    Pause(PauseFor),
    /// Resume every watch.
    Resume,
    /// Open the history window there.
    Open(At),
    /// Turn start at login on or off.
    ToggleStartAtLogin,
    /// Quit the resident.
    Quit,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_go_to_numbers_and_back() {
        let ids = [
            MenuId::Root,
            MenuId::Summary,
            MenuId::Watch(0),
            MenuId::Watch(41),
            MenuId::Group(0),
            MenuId::Group(7),
            MenuId::CheckAll,
            MenuId::PauseMenu,
            MenuId::Pause(PauseFor::QuarterHour),
            MenuId::Pause(PauseFor::Hour),
            MenuId::Pause(PauseFor::UntilResumed),
            MenuId::Resume,
            MenuId::OpenHistory,
            MenuId::Settings,
            MenuId::StartAtLogin,
            MenuId::Quit,
            MenuId::Separator(3),
        ];
        let mut numbers = std::collections::HashSet::new();
        for id in ids {
            assert!(numbers.insert(id.to_i32()), "{id:?} shares its number");
            assert_eq!(MenuId::from_i32(id.to_i32()), Some(id));
        }
        assert_eq!(MenuId::from_i32(-1), None);
        assert_eq!(MenuId::from_i32(50), None);
    }
}

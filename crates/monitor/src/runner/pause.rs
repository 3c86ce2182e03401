//! A pause as the loop holds it (its end on the monotonic and the wall clock) and the
//! pauses as `paused.json` keeps them across a restart (the global one and each watch's).

use std::collections::BTreeMap;
use std::time::{Duration, SystemTime};

use tokio::time::Instant;

use crate::snapshot::Pause;
use crate::walltime::from_millis;

/// A pause in the loop: its end on both clocks.
#[derive(Clone, Copy, Debug)]
pub(super) struct PauseRt {
    pub(super) until: Option<(Instant, SystemTime)>,
}

impl PauseRt {
    pub(super) fn new(duration: Option<Duration>, now: Instant, wall: SystemTime) -> Self {
        PauseRt {
            until: duration.map(|d| (now + d, wall + d)),
        }
    }

    /// A pause read back after a restart (`until` in Unix milliseconds; `None`:
    /// until resumed), or nothing when it ended meanwhile.
    pub(super) fn restored(saved: &SavedPause, now: Instant, wall: SystemTime) -> Option<Self> {
        match saved.until {
            None => Some(PauseRt { until: None }),
            Some(ms) => {
                let end = from_millis(ms);
                let left = end.duration_since(wall).ok().filter(|d| !d.is_zero())?;
                Some(PauseRt {
                    until: Some((now + left, end)),
                })
            }
        }
    }

    pub(super) fn ended(&self, now: Instant) -> bool {
        self.until.is_some_and(|(end, _)| now >= end)
    }

    pub(super) fn public(&self) -> Pause {
        Pause {
            until: self.until.map(|(_, wall)| wall),
        }
    }
}

/// One pause as kept in `paused.json` (an unknown key is an error, so a damaged file is
/// not read as "paused until resumed").
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct SavedPause {
    /// The end in Unix milliseconds; `None`: until resumed.
    pub(super) until: Option<u64>,
}

impl SavedPause {
    pub(super) fn of(pause: &PauseRt) -> Self {
        SavedPause {
            until: pause
                .until
                .map(|(_, wall)| crate::walltime::unix_millis(wall)),
        }
    }
}

/// Every pause as kept in `paused.json`:
/// `{"all": {"until": ms | null} | null, "watches": {"Gmail": {"until": ms | null}}}`.
/// A file of an earlier version (the global pause alone: `{"until": ...}` or `null`) reads
/// as that global pause.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(from = "PauseFile")]
pub(super) struct SavedPauses {
    /// The pause of every watch and the connectivity controls.
    pub(super) all: Option<SavedPause>,
    /// Each watch's own pause, by name.
    pub(super) watches: BTreeMap<String, SavedPause>,
}

/// The shapes `paused.json` has had.
#[derive(serde::Deserialize)]
#[serde(untagged)]
enum PauseFile {
    Current(Shape),
    GlobalOnly(Option<SavedPause>),
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct Shape {
    #[serde(default)]
    all: Option<SavedPause>,
    #[serde(default)]
    watches: BTreeMap<String, SavedPause>,
}

impl From<PauseFile> for SavedPauses {
    fn from(file: PauseFile) -> Self {
        match file {
            PauseFile::Current(Shape { all, watches }) => SavedPauses { all, watches },
            PauseFile::GlobalOnly(all) => SavedPauses {
                all,
                watches: BTreeMap::new(),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_file_reads_in_its_current_and_its_earlier_shape() {
        let read = |text: &str| serde_json::from_str::<SavedPauses>(text).unwrap();
        let global = SavedPause { until: Some(5) };
        assert_eq!(read("null"), SavedPauses::default());
        assert_eq!(read(r#"{"until":5}"#).all, Some(global.clone()));
        assert_eq!(
            read(r#"{"until":null}"#).all,
            Some(SavedPause { until: None })
        );
        let both = SavedPauses {
            all: Some(global),
            watches: BTreeMap::from([("Gmail".to_owned(), SavedPause { until: None })]),
        };
        let text = serde_json::to_string(&both).unwrap();
        assert_eq!(read(&text), both);
        assert!(serde_json::from_str::<SavedPauses>(r#"{"al":1}"#).is_err());
    }
}

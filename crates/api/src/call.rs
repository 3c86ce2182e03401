//! What a client asks ([`Call`]) and what a successful request answers ([`Answer`]).
//! A request is a [`Call`] with `v` and `id` beside its fields (see [`crate::wire`]):
//! `{"v":1,"id":4,"call":"pause","watch":"Gmail","for_s":900}`.

use serde::{Deserialize, Serialize};
#[cfg(feature = "ts")]
use ts_rs::TS;

use crate::model::{
    Check, Cursor, Day, Incident, LatencyPoint, LatestCheck, Phase, RollupRow, SeriesSource,
    Snapshot, Span, StoredNow, Uptime,
};

/// A request, tagged by `call`. Times are Unix milliseconds; a watch is named as in the
/// configuration (case-insensitively where the resident's own commands are).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(TS))]
#[serde(tag = "call", rename_all = "snake_case", deny_unknown_fields)]
pub enum Call {
    /// Every watch's state and the verdict: [`Answer::Snapshot`].
    Snapshot,
    /// Live events from now on, on this connection: [`Answer::Subscribed`], then lines
    /// with `event` (an object of the events file, see the README) or `missed` (how many
    /// events this client was too slow for), each with this request's `id`.
    Subscribe,
    /// Probe now: one watch, or every watch. [`Answer::Done`] once due.
    CheckNow {
        /// The watch; `None`: every watch.
        #[serde(default)]
        watch: Option<String>,
    },
    /// Pause one watch or everything, for `for_s` seconds or until resumed.
    Pause {
        /// The watch; `None`: every watch and the connectivity controls.
        #[serde(default)]
        watch: Option<String>,
        /// Seconds; `None`: until resumed.
        #[serde(default)]
        for_s: Option<u64>,
    },
    /// Resume one watch or everything.
    Resume {
        /// The watch; `None`: every watch.
        #[serde(default)]
        watch: Option<String>,
    },
    /// The latest stored check of every watch: [`Answer::Latest`].
    Latest,
    /// A page of a watch's stored checks, newest first: [`Answer::Checks`].
    Checks {
        /// The watch.
        watch: String,
        /// The `next` of the previous page; `None` for the first page.
        #[serde(default)]
        after: Option<Cursor>,
        /// Rows at most (1 to 200).
        limit: u32,
    },
    /// A page of the incidents overlapping `[from_ms, until_ms)` (of one watch, or of
    /// every watch), newest first by start: [`Answer::Incidents`]. Each page is a bounded
    /// read, however long the range.
    Incidents {
        /// Start of the window.
        from_ms: i64,
        /// End of the window.
        until_ms: i64,
        /// The watch (its name as stored); `None`: every watch.
        #[serde(default)]
        watch: Option<String>,
        /// The `next` of the previous page; `None` for the first page.
        #[serde(default)]
        after: Option<Cursor>,
        /// Rows at most (1 to 1,000).
        limit: u32,
    },
    /// One incident by its id: [`Answer::Incident`].
    Incident {
        /// The incident's id (`id` is the request's own).
        incident: String,
    },
    /// Uptime of a watch over `[from_ms, until_ms)`: [`Answer::Uptime`].
    Uptime {
        /// The watch.
        watch: String,
        /// Start of the window.
        from_ms: i64,
        /// End of the window.
        until_ms: i64,
    },
    /// Hour or day rollups of a watch starting in `[from_ms, until_ms)`:
    /// [`Answer::Rollups`].
    Rollups {
        /// The watch.
        watch: String,
        /// Hours or days.
        span: Span,
        /// Start of the window.
        from_ms: i64,
        /// End of the window.
        until_ms: i64,
    },
    /// Every stored watch's latest check, since when it has had that status, and its open
    /// incidents: [`Answer::Current`].
    Current,
    /// A watch's latency of one phase over `[from_ms, until_ms)` in at most `max_points`
    /// points, read from raw checks or rollups by the range: [`Answer::LatencySeries`].
    LatencySeries {
        /// The watch.
        watch: String,
        /// The phase.
        phase: Phase,
        /// Start of the window.
        from_ms: i64,
        /// End of the window.
        until_ms: i64,
        /// Points at most (1 to 10,000).
        max_points: u32,
    },
    /// A watch's availability per local day, `first` to `last` (`YYYY-MM-DD`), cut at the
    /// midnights of `time_zone` (an IANA name; `None`: the resident's): [`Answer::Days`].
    Days {
        /// The watch.
        watch: String,
        /// The first day.
        first: String,
        /// The last day (at most 400 days after the first).
        last: String,
        /// The time zone.
        #[serde(default)]
        time_zone: Option<String>,
    },
    /// Probe a watch definition once, as `downwatch check` does: [`Answer::Tested`].
    TestWatch {
        /// The body of one `[[watch]]` table, in TOML, as the configuration file holds it
        /// (`name = "API"`, `target = "https://..."`, ...). It is validated with the
        /// file's own rules and messages; `[defaults]` of the running file apply.
        watch: String,
    },
    /// The configuration file's text: [`Answer::Config`].
    ReadConfig,
    /// Edit the configuration file: every edit applied in order, the result validated with
    /// the file's own messages, written atomically with its comments kept, and applied.
    /// [`Answer::ConfigSaved`]; an invalid result writes nothing (`invalid_config`).
    EditConfig {
        /// The edits.
        edits: Vec<Edit>,
    },
    /// Open the history window (at a watch or an incident): the resident starts
    /// `downwatch-window` (or the open one shows the place) and answers [`Answer::Done`]
    /// once it is started; `not_available` when the window is not installed.
    OpenHistory {
        /// The watch to show.
        #[serde(default)]
        watch: Option<String>,
        /// The incident to show (when no watch is given).
        #[serde(default)]
        incident: Option<String>,
    },
}

impl Call {
    /// The `call` name of every request kind, to tell an unknown call from a known one
    /// with wrong fields.
    pub const NAMES: [&'static str; 18] = [
        "snapshot",
        "subscribe",
        "check_now",
        "pause",
        "resume",
        "latest",
        "checks",
        "incidents",
        "incident",
        "uptime",
        "rollups",
        "current",
        "latency_series",
        "days",
        "test_watch",
        "read_config",
        "edit_config",
        "open_history",
    ];
}

/// One edit of the configuration file. Values are JSON: strings, numbers, booleans,
/// arrays and objects become the TOML values of the same shape.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(TS))]
#[serde(tag = "op", rename_all = "snake_case", deny_unknown_fields)]
pub enum Edit {
    /// Set `key` in the table at the dotted path `table` (`notifications`, `defaults`).
    Set {
        /// The table.
        table: String,
        /// The key.
        key: String,
        /// The value.
        value: serde_json::Value,
    },
    /// Remove `key` from `table`, so its default applies.
    Remove {
        /// The table.
        table: String,
        /// The key.
        key: String,
    },
    /// Set `key` of the watch named `watch`.
    SetWatchField {
        /// The watch.
        watch: String,
        /// The key.
        key: String,
        /// The value.
        value: serde_json::Value,
    },
    /// Remove `key` from the watch named `watch`.
    RemoveWatchField {
        /// The watch.
        watch: String,
        /// The key.
        key: String,
    },
    /// Append a `[[watch]]` with these keys.
    AddWatch {
        /// Its keys (`name`, `target`...).
        fields: serde_json::Map<String, serde_json::Value>,
    },
    /// Remove the watch named `watch`.
    RemoveWatch {
        /// The watch.
        watch: String,
    },
}

/// A successful request's answer, tagged by `answer`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(TS))]
#[serde(tag = "answer", rename_all = "snake_case")]
pub enum Answer {
    /// For [`Call::Snapshot`].
    Snapshot(Snapshot),
    /// For [`Call::Subscribe`]: events follow.
    Subscribed,
    /// For commands that took effect (check now, pause, resume).
    Done,
    /// For [`Call::Latest`].
    Latest {
        /// By watch name.
        checks: Vec<LatestCheck>,
    },
    /// For [`Call::Checks`].
    Checks {
        /// Newest first.
        checks: Vec<Check>,
        /// The cursor for the next page; `None` when this page was not full.
        next: Option<Cursor>,
    },
    /// For [`Call::Incidents`].
    Incidents {
        /// Newest first.
        incidents: Vec<Incident>,
        /// The cursor for the next page; `None` when this page was not full.
        next: Option<Cursor>,
    },
    /// For [`Call::Incident`].
    Incident {
        /// The incident; `None` when no incident has that id.
        incident: Option<Incident>,
    },
    /// For [`Call::Uptime`].
    Uptime(Uptime),
    /// For [`Call::Rollups`].
    Rollups {
        /// Oldest first.
        rows: Vec<RollupRow>,
    },
    /// For [`Call::Current`].
    Current {
        /// By watch name.
        watches: Vec<StoredNow>,
    },
    /// For [`Call::LatencySeries`].
    LatencySeries {
        /// What it was read from.
        source: SeriesSource,
        /// Each bucket's length, ms.
        bucket_ms: i64,
        /// The non-empty buckets, oldest first.
        points: Vec<LatencyPoint>,
    },
    /// For [`Call::Days`].
    Days {
        /// Oldest first.
        days: Vec<Day>,
    },
    /// For [`Call::TestWatch`]: the object `downwatch check --json` prints (see the
    /// README's schema), and the verdict.
    Tested {
        /// `downwatch check --json`'s object.
        result: serde_json::Value,
    },
    /// For [`Call::ReadConfig`].
    Config {
        /// The file.
        path: String,
        /// Its text.
        text: String,
    },
    /// For [`Call::EditConfig`]: written and running.
    ConfigSaved {
        /// Enabled watches in the new configuration.
        watches: usize,
    },
}

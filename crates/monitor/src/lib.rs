//! Downwatch's always-on engine: the "is it me" connectivity verdict, the scheduler, the
//! detection state machine, incidents, and the notification policy with its message catalog
//! and deliveries. It runs the typed configuration of `downwatch-config`, talks to storage and
//! the clock through traits, and never depends on a GUI toolkit.
//!
//! Clients (the `downwatch run` command, the tray, the local API, the history store) attach
//! to the running monitor through [`resident::Resident::start`] and its
//! [`resident::ResidentHandle`]: owned snapshots, live events, lossless queues and commands.

pub mod announce;
pub mod clock;
pub mod connectivity;
pub mod deliver;
pub mod detector;
pub mod events;
pub mod ids;
pub mod incidents;
pub mod keeper;
pub mod memory;
pub mod messages;
pub mod notice;
pub mod persist;
pub mod policy;
pub mod probes;
pub mod reason;
pub mod resident;
pub mod runner;
pub mod schedule;
pub mod snapshot;
pub mod state;
pub mod system;
pub mod walltime;

pub use ids::IncidentId;
pub use notice::{Notice, NoticeKind};
pub use reason::Reason;
pub use state::{OfflineVerdict, Verdict, WatchState};

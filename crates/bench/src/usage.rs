//! The process's own resource usage, from getrusage(RUSAGE_SELF): user and system CPU time of
//! every thread of the process (dead ones included) and the peak resident set size.

use std::time::Duration;

use nix::sys::resource::{UsageWho, getrusage};

/// One reading of the process's usage.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Usage {
    /// CPU time spent in user mode.
    pub user: Duration,
    /// CPU time spent in the kernel on the process's behalf.
    pub system: Duration,
    /// Peak resident set size so far, in KiB (Linux reports `ru_maxrss` in KiB).
    pub max_rss_kib: u64,
}

impl Usage {
    /// Reads the usage now.
    pub(crate) fn now() -> anyhow::Result<Usage> {
        let usage = getrusage(UsageWho::RUSAGE_SELF)?;
        Ok(Usage {
            user: timeval(usage.user_time()),
            system: timeval(usage.system_time()),
            max_rss_kib: u64::try_from(usage.max_rss()).unwrap_or(0),
        })
    }
}

fn timeval(tv: nix::sys::time::TimeVal) -> Duration {
    let secs = u64::try_from(tv.tv_sec()).unwrap_or(0);
    let micros = u32::try_from(tv.tv_usec()).unwrap_or(0);
    Duration::from_secs(secs) + Duration::from_micros(u64::from(micros))
}

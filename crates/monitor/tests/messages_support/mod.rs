//! Helpers shared by the message catalog tests.
#![allow(clippy::unwrap_used, dead_code)]

use std::time::SystemTime;

use downwatch_monitor::{IncidentId, Notice, NoticeKind, Reason};
use downwatch_probe::{Cause, Layer};

/// First strong isolate.
pub const FSI: char = '\u{2068}';
/// Pop directional isolate.
pub const PDI: char = '\u{2069}';
/// RIGHT-TO-LEFT MARK, starting every line of right-to-left text.
pub const RLM: char = '\u{200F}';

pub fn notice(kind: NoticeKind) -> Notice {
    Notice {
        kind,
        incident: Some(IncidentId("i-1".into())),
        at: SystemTime::UNIX_EPOCH,
    }
}

pub fn servfail() -> Reason {
    Reason {
        layer: Layer::Dns,
        cause: Cause::DnsServfail,
        detail: "SERVFAIL from 127.0.0.53:53".into(),
    }
}

pub fn names(list: &[&str]) -> Vec<String> {
    list.iter().map(|s| (*s).to_owned()).collect()
}

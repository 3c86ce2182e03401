//! Wall-clock times as they are kept on disk and in events: milliseconds since the Unix
//! epoch (the monotonic clock means nothing to the next process).

use std::time::{Duration, SystemTime};

/// Milliseconds since the Unix epoch (0 before it, saturating far after it).
pub fn unix_millis(t: SystemTime) -> u64 {
    t.duration_since(SystemTime::UNIX_EPOCH)
        .map_or(0, |d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
}

/// The time `ms` milliseconds after the Unix epoch.
pub fn from_millis(ms: u64) -> SystemTime {
    SystemTime::UNIX_EPOCH + Duration::from_millis(ms)
}

/// Serde helpers: a `SystemTime` as Unix milliseconds.
pub mod unix_ms {
    use std::time::SystemTime;

    /// Writes the time as Unix milliseconds.
    pub fn serialize<S: serde::Serializer>(t: &SystemTime, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_u64(super::unix_millis(*t))
    }

    /// Reads Unix milliseconds.
    pub fn deserialize<'de, D: serde::Deserializer<'de>>(d: D) -> Result<SystemTime, D::Error> {
        let ms: u64 = serde::Deserialize::deserialize(d)?;
        Ok(super::from_millis(ms))
    }
}

/// Serde helpers: an optional `SystemTime` as Unix milliseconds or null.
pub mod unix_ms_opt {
    use std::time::SystemTime;

    /// Writes the time as Unix milliseconds, or null.
    pub fn serialize<S: serde::Serializer>(
        t: &Option<SystemTime>,
        s: S,
    ) -> Result<S::Ok, S::Error> {
        match t {
            Some(t) => s.serialize_some(&super::unix_millis(*t)),
            None => s.serialize_none(),
        }
    }

    /// Reads Unix milliseconds or null.
    pub fn deserialize<'de, D: serde::Deserializer<'de>>(
        d: D,
    ) -> Result<Option<SystemTime>, D::Error> {
        let ms: Option<u64> = serde::Deserialize::deserialize(d)?;
        Ok(ms.map(super::from_millis))
    }
}

//! Parsers of the small value kinds the file uses (durations, times of day, resolvers,
//! response codes...), each returning the sentence to show when the text is wrong.

use std::time::Duration;

use downwatch_probe::{Error as ProbeError, Resolver};

/// A humantime duration: `30s`, `5m`, `1h 30m`, `500ms`.
pub(crate) fn duration(text: &str) -> Result<Duration, String> {
    downwatch_probe::parse_duration(text).map_err(|e| e.to_string())
}

/// `HH:MM` (00:00 to 23:59), as minutes since midnight.
pub(crate) fn time_of_day(text: &str) -> Result<u16, String> {
    let bad = || format!("`{text}` is not a time of day (HH:MM, from 00:00 to 23:59)");
    let (h, m) = text.split_once(':').ok_or_else(bad)?;
    let two_digits = |s: &str| s.len() == 2 && s.bytes().all(|b| b.is_ascii_digit());
    if !two_digits(h) || !two_digits(m) {
        return Err(bad());
    }
    let (h, m): (u16, u16) = (h.parse().map_err(|_| bad())?, m.parse().map_err(|_| bad())?);
    if h > 23 || m > 59 {
        return Err(bad());
    }
    Ok(h * 60 + m)
}

/// `system`, `IP`, `IP:PORT` or `[v6]:PORT` (port 53 by default).
pub(crate) fn resolver(text: &str) -> Result<Resolver, String> {
    Resolver::parse(text).map_err(|e| e.to_string())
}

/// A DNS response code name as the probe reports them (`NOERROR`, `NXDOMAIN`... or
/// `RCODE<n>`), upper-cased.
pub(crate) fn rcode(text: &str) -> Result<String, String> {
    downwatch_probe::resolver::parse_rcode(text).map_err(|e| e.to_string())
}

/// A BCP 47 language tag (`en`, `ar`, `ar-EG`), in its canonical form.
pub(crate) fn locale(text: &str) -> Result<String, String> {
    text.parse::<unic_langid::LanguageIdentifier>()
        .ok()
        .filter(|_| !text.trim().is_empty())
        .map(|id| id.to_string())
        .ok_or_else(|| format!("`{text}` is not a language tag (e.g. en, ar, ar-EG)"))
}

/// The sentence inside a probe setup error, without the "invalid target:" prefix (our own
/// message names the context instead).
pub(crate) fn probe_message(err: ProbeError) -> String {
    match err {
        ProbeError::InvalidTarget(m) | ProbeError::InvalidOption(m) => m,
        other => other.to_string(),
    }
}

/// `value` within `lo..=hi`, or the sentence saying so.
pub(crate) fn in_range(key: &str, value: i64, lo: i64, hi: i64) -> Result<i64, String> {
    if (lo..=hi).contains(&value) {
        Ok(value)
    } else {
        Err(format!("`{key}` must be between {lo} and {hi}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn small_values() {
        assert_eq!(duration("1h 30m").unwrap(), Duration::from_secs(5400));
        assert!(duration("abc").is_err());
        assert_eq!(time_of_day("07:05").unwrap(), 425);
        for bad in ["25:00", "7:00", "12:60", "noon", "12:00:00"] {
            assert!(time_of_day(bad).is_err(), "{bad}");
        }
        assert_eq!(resolver("SYSTEM").unwrap(), Resolver::System);
        assert_eq!(
            resolver("[::1]:5353").unwrap(),
            Resolver::Server("[::1]:5353".parse().unwrap())
        );
        assert_eq!(
            resolver("9.9.9.9").unwrap(),
            Resolver::Server("9.9.9.9:53".parse().unwrap())
        );
        assert!(resolver("dns.google").is_err());
        assert_eq!(rcode("nxdomain").unwrap(), "NXDOMAIN");
        assert!(rcode("RCODE9").is_ok());
        assert!(rcode("NOPE").is_err());
        assert_eq!(locale("ar_EG").unwrap(), "ar-EG");
        assert!(locale("not a tag").is_err());
        assert!(locale("").is_err());
    }
}

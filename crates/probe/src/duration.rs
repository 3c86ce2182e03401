//! Durations as people write them (`500ms`, `30s`, `5m`, `1h 30m`), one parser for the
//! command line and the configuration file.

use std::time::Duration;

use crate::ValueError;

/// The longest duration accepted anywhere: a day. Longer values make no sense for probes or
/// schedules, and bounding them keeps every `Instant + duration` from overflowing.
pub const MAX_DURATION: Duration = Duration::from_secs(24 * 3600);

/// Parses a duration; at most [`MAX_DURATION`].
///
/// # Errors
/// [`ValueError::NotADuration`], [`ValueError::DurationTooLong`].
pub fn parse_duration(text: &str) -> Result<Duration, ValueError> {
    let duration =
        humantime::parse_duration(text.trim()).map_err(|_| ValueError::NotADuration {
            text: text.to_owned(),
        })?;
    if duration > MAX_DURATION {
        return Err(ValueError::DurationTooLong {
            text: text.to_owned(),
        });
    }
    Ok(duration)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spellings_and_bounds() {
        assert_eq!(parse_duration("1500ms"), Ok(Duration::from_millis(1500)));
        assert_eq!(parse_duration(" 1h 30m "), Ok(Duration::from_secs(5400)));
        assert!(
            parse_duration("3")
                .unwrap_err()
                .to_string()
                .contains("is not a duration")
        );
        assert!(
            parse_duration("25h")
                .unwrap_err()
                .to_string()
                .contains("longest allowed")
        );
        assert!(parse_duration("500000000000years").is_err());
    }
}

//! Reading the resident's `--events` file (one JSON object per line, README schema): the
//! timestamps, and the few fields the benchmark scripts count.

use std::io::BufRead;
use std::path::Path;

use anyhow::Context;
use serde_json::Value;

/// One event line, with its time as Unix milliseconds.
pub(crate) struct Line {
    /// `ts` as Unix milliseconds.
    pub ts_ms: i64,
    /// The whole object.
    pub value: Value,
}

impl Line {
    /// The `event` field.
    pub(crate) fn event(&self) -> &str {
        self.value["event"].as_str().unwrap_or("")
    }

    /// The `watch` field, when set.
    pub(crate) fn watch(&self) -> Option<&str> {
        self.value["watch"].as_str()
    }

    /// A number field, when set.
    pub(crate) fn num(&self, key: &str) -> Option<f64> {
        self.value[key].as_f64()
    }

    /// A string field, when set.
    pub(crate) fn str(&self, key: &str) -> Option<&str> {
        self.value[key].as_str()
    }
}

/// Every line of the file, in order. A line that is not JSON (a partly written last line of
/// a killed process) is skipped and counted.
pub(crate) fn read(path: &Path) -> anyhow::Result<(Vec<Line>, usize)> {
    let file = std::fs::File::open(path).with_context(|| format!("opening {}", path.display()))?;
    let mut lines = Vec::new();
    let mut bad = 0;
    for text in std::io::BufReader::new(file).lines() {
        let text = text.with_context(|| format!("reading {}", path.display()))?;
        if text.trim().is_empty() {
            continue;
        }
        let parsed = serde_json::from_str::<Value>(&text)
            .ok()
            .and_then(|value| Some((unix_ms(value["ts"].as_str()?)?, value)));
        match parsed {
            Some((ts_ms, value)) => lines.push(Line { ts_ms, value }),
            None => bad += 1,
        }
    }
    Ok((lines, bad))
}

/// Unix milliseconds of an RFC 3339 UTC time as the events file writes it
/// (`2026-11-26T06:10:00.123Z`; seconds fraction optional, `Z` or `+00:00`).
pub(crate) fn unix_ms(ts: &str) -> Option<i64> {
    let ts = ts.strip_suffix('Z').or_else(|| ts.strip_suffix("+00:00"))?;
    let (date, time) = ts.split_once('T')?;
    let mut d = date.splitn(3, '-').map(str::parse::<i64>);
    let (y, m, day) = (d.next()?.ok()?, d.next()?.ok()?, d.next()?.ok()?);
    let (hms, frac) = time.split_once('.').unwrap_or((time, ""));
    let mut t = hms.splitn(3, ':').map(str::parse::<i64>);
    let (hh, mm, ss) = (t.next()?.ok()?, t.next()?.ok()?, t.next()?.ok()?);
    let millis = if frac.is_empty() {
        0
    } else {
        let digits: String = frac.chars().chain("000".chars()).take(3).collect();
        digits.parse::<i64>().ok()?
    };
    let days = days_from_civil(y, m, day);
    Some((((days * 24 + hh) * 60 + mm) * 60 + ss) * 1000 + millis)
}

/// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The nearest-rank percentile `p` (0–100) of sorted values; 0 for none.
pub(crate) fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let rank = (p / 100.0 * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

/// The median of sorted values (mean of the two middle ones for an even count).
pub(crate) fn median(sorted: &[f64]) -> f64 {
    match sorted.len() {
        0 => 0.0,
        n if n % 2 == 1 => sorted[n / 2],
        n => (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0,
    }
}

/// Sorts floats (no NaN in what we read).
pub(crate) fn sorted(mut values: Vec<f64>) -> Vec<f64> {
    values.sort_by(f64::total_cmp);
    values
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps() {
        assert_eq!(unix_ms("1970-01-01T00:00:00.000Z"), Some(0));
        assert_eq!(unix_ms("1970-01-01T00:00:01Z"), Some(1000));
        // date -u -d 2026-11-26T06:10:00Z +%s = 1795673400
        assert_eq!(unix_ms("2026-11-26T06:10:00.123Z"), Some(1_795_673_400_123));
        assert_eq!(
            unix_ms("2024-02-29T23:59:59.5+00:00"),
            Some(1_709_251_199_500)
        );
        assert_eq!(unix_ms("yesterday"), None);
    }

    #[test]
    fn percentiles() {
        let v = sorted((1..=100).map(f64::from).collect());
        assert_eq!(percentile(&v, 50.0), 50.0);
        assert_eq!(percentile(&v, 99.0), 99.0);
        assert_eq!(percentile(&v, 100.0), 100.0);
        assert_eq!(median(&[1.0, 2.0, 3.0, 4.0]), 2.5);
    }
}

//! A small fixed histogram of latencies with logarithmic buckets, so a percentile can be read
//! from rollups that were merged (an exact percentile cannot be merged; bucket counts can).
//!
//! The method is the log-bucketed sketch of HdrHistogram and DDSketch (Masson, Rim and Lee,
//! "DDSketch: a fast and fully-mergeable quantile sketch with relative-error guarantees",
//! VLDB 2019): bucket `i` holds values in `[B·γ^i, B·γ^(i+1))` µs with `B` = [`BASE_US`] and
//! `γ = 2^(1/2)`; a percentile is the geometric middle of the bucket holding its rank, clamped
//! to the row's exact min and max, so its relative error is at most `√γ − 1` ≈ 19 %. With
//! [`BUCKETS`] buckets the range is 64 µs to about 70 s; smaller and larger values go to the
//! first and last bucket.
//!
//! Stored as a BLOB of the non-empty buckets only, 5 bytes each (bucket index `u8`, count
//! `u32` little-endian), so an hour of steady latencies costs a few tens of bytes.

/// Lower bound of bucket 0, µs.
pub const BASE_US: f64 = 64.0;
/// Number of buckets (two per doubling).
pub const BUCKETS: usize = 40;

/// Bucket counts, index as in the module docs.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Histogram {
    counts: Vec<u32>,
}

fn bucket_of(us: i64) -> usize {
    let v = (us.max(1) as f64) / BASE_US;
    if v < 1.0 {
        return 0;
    }
    // Two buckets per doubling: index = floor(2·log2 v).
    let i = (2.0 * v.log2()).floor() as usize;
    i.min(BUCKETS - 1)
}

impl Histogram {
    /// Counts one value in µs.
    pub fn add(&mut self, us: i64) {
        if self.counts.is_empty() {
            self.counts = vec![0; BUCKETS];
        }
        let b = bucket_of(us);
        self.counts[b] = self.counts[b].saturating_add(1);
    }

    /// Adds another histogram's counts to these (merging two rollups).
    pub fn merge(&mut self, other: &Histogram) {
        if other.counts.is_empty() {
            return;
        }
        if self.counts.is_empty() {
            self.counts = vec![0; BUCKETS];
        }
        for (a, b) in self.counts.iter_mut().zip(&other.counts) {
            *a = a.saturating_add(*b);
        }
    }

    /// Values counted.
    pub fn total(&self) -> u64 {
        self.counts.iter().map(|c| u64::from(*c)).sum()
    }

    /// The `q` quantile (0.0..=1.0, e.g. 0.95) in µs, clamped to `[min_us, max_us]`, the exact
    /// extremes kept beside the histogram; `None` when empty.
    pub fn quantile(&self, q: f64, min_us: i64, max_us: i64) -> Option<i64> {
        let total = self.total();
        if total == 0 {
            return None;
        }
        // The rank of the q quantile, 1-based (nearest-rank method).
        let rank = ((q.clamp(0.0, 1.0) * total as f64).ceil() as u64).max(1);
        let mut seen = 0;
        for (i, c) in self.counts.iter().enumerate() {
            seen += u64::from(*c);
            if seen >= rank {
                let middle = BASE_US * 2f64.powf((i as f64 + 0.5) / 2.0);
                return Some((middle.round() as i64).clamp(min_us, max_us));
            }
        }
        None
    }

    /// The stored form (module docs).
    pub fn to_blob(&self) -> Vec<u8> {
        let mut out = Vec::new();
        for (i, c) in self.counts.iter().enumerate().filter(|(_, c)| **c > 0) {
            out.push(i as u8);
            out.extend_from_slice(&c.to_le_bytes());
        }
        out
    }

    /// Reads the stored form; entries with an index out of range are ignored (a blob written
    /// by a later build with more buckets still reads).
    pub fn from_blob(blob: &[u8]) -> Histogram {
        let mut h = Histogram::default();
        for entry in blob.chunks_exact(5) {
            let i = usize::from(entry[0]);
            if i < BUCKETS {
                if h.counts.is_empty() {
                    h.counts = vec![0; BUCKETS];
                }
                let c = u32::from_le_bytes([entry[1], entry[2], entry[3], entry[4]]);
                h.counts[i] = h.counts[i].saturating_add(c);
            }
        }
        h
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn p95_is_within_the_bucket_error_and_survives_merge_and_storage() {
        let mut a = Histogram::default();
        let mut b = Histogram::default();
        // 1..=1000 ms: the exact p95 is 950 ms.
        for ms in 1..=1000i64 {
            if ms % 2 == 0 {
                a.add(ms * 1000)
            } else {
                b.add(ms * 1000)
            }
        }
        a.merge(&Histogram::from_blob(&b.to_blob()));
        assert_eq!(a.total(), 1000);
        let p95 = a.quantile(0.95, 1000, 1_000_000).unwrap_or(0) as f64;
        assert!((p95 / 950_000.0 - 1.0).abs() < 0.19, "{p95}");
        assert_eq!(Histogram::default().quantile(0.95, 0, 0), None);
        // Clamped to the exact extremes.
        let mut one = Histogram::default();
        one.add(5_000);
        assert_eq!(one.quantile(0.95, 5_000, 5_000), Some(5_000));
    }
}

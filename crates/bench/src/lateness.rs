//! `downwatch-bench lateness`: how late the resident's checks started against their schedule
//! (`late_ms` of its `check` events), and what they found, over a window of its events file.

use std::collections::{BTreeMap, HashMap};
use std::fmt::Write as _;

use serde::Serialize;

use crate::LatenessArgs;
use crate::events::{self, percentile, sorted};

/// Lateness and throughput figures.
#[derive(Serialize, Debug)]
struct Figures {
    /// Check events in the file.
    checks_in_file: usize,
    /// Checks counted (in the window, after each watch's first `skip_first`).
    checks: usize,
    /// Distinct watches among them.
    watches: usize,
    /// Length of the window, seconds.
    window_s: f64,
    /// Checks counted per second of the window.
    probes_per_s: f64,
    late_p50_ms: f64,
    late_p90_ms: f64,
    late_p99_ms: f64,
    late_p999_ms: f64,
    late_max_ms: f64,
    /// Checks that started 1 s or more late.
    late_over_1s: usize,
    /// Checks that started 100 ms or more late.
    late_over_100ms: usize,
    total_p50_ms: f64,
    total_p99_ms: f64,
    total_max_ms: f64,
    /// Checks by status (`up`, `down`, ...).
    status: BTreeMap<String, usize>,
    /// Failed checks by cause code.
    causes: BTreeMap<String, usize>,
    /// Per kind (the watch name up to its first `-`): checks, late p50/p99/max (ms).
    by_kind: BTreeMap<String, KindFigures>,
    /// Per minute of the window: checks, late p99 and max (ms), to see a trend.
    by_minute: Vec<MinuteFigures>,
    /// Lines that were not JSON.
    unreadable_lines: usize,
}

#[derive(Serialize, Debug)]
struct KindFigures {
    checks: usize,
    late_p50_ms: f64,
    late_p99_ms: f64,
    late_max_ms: f64,
    total_p50_ms: f64,
}

#[derive(Serialize, Debug)]
struct MinuteFigures {
    minute: usize,
    checks: usize,
    late_p99_ms: f64,
    late_max_ms: f64,
}

/// Prints the figures; `Ok(false)` when nothing was counted.
pub(crate) fn run(args: &LatenessArgs) -> anyhow::Result<bool> {
    let (lines, unreadable_lines) = events::read(&args.events)?;
    let checks: Vec<&events::Line> = lines.iter().filter(|l| l.event() == "check").collect();
    let mut seen: HashMap<&str, usize> = HashMap::new();
    let mut counted = Vec::new();
    for line in &checks {
        let Some(watch) = line.watch() else { continue };
        let n = seen.entry(watch).or_insert(0);
        *n += 1;
        if *n <= args.skip_first {
            continue;
        }
        if args.from_ms.is_some_and(|f| line.ts_ms < f)
            || args.to_ms.is_some_and(|t| line.ts_ms > t)
        {
            continue;
        }
        counted.push(*line);
    }
    let first = counted.iter().map(|l| l.ts_ms).min().unwrap_or(0);
    let last = counted.iter().map(|l| l.ts_ms).max().unwrap_or(0);
    let from = args.from_ms.unwrap_or(first);
    let to = args.to_ms.unwrap_or(last);
    let window_s = (to - from).max(1) as f64 / 1000.0;

    let late = |ls: &[&events::Line]| sorted(ls.iter().filter_map(|l| l.num("late_ms")).collect());
    let total =
        |ls: &[&events::Line]| sorted(ls.iter().filter_map(|l| l.num("total_ms")).collect());
    let all_late = late(&counted);
    let all_total = total(&counted);

    let mut status = BTreeMap::new();
    let mut causes = BTreeMap::new();
    let mut kinds: BTreeMap<String, Vec<&events::Line>> = BTreeMap::new();
    let mut minutes: BTreeMap<usize, Vec<&events::Line>> = BTreeMap::new();
    let mut watches = std::collections::HashSet::new();
    for line in &counted {
        *status
            .entry(line.str("status").unwrap_or("?").to_owned())
            .or_insert(0) += 1;
        if let Some(cause) = line.str("cause") {
            *causes.entry(cause.to_owned()).or_insert(0) += 1;
        }
        let watch = line.watch().unwrap_or("");
        watches.insert(watch);
        let kind = watch.split('-').next().unwrap_or(watch).to_owned();
        kinds.entry(kind).or_default().push(line);
        let minute = usize::try_from((line.ts_ms - from).max(0) / 60_000).unwrap_or(0);
        minutes.entry(minute).or_default().push(line);
    }
    let by_kind = kinds
        .into_iter()
        .map(|(kind, ls)| {
            let (l, t) = (late(&ls), total(&ls));
            let figures = KindFigures {
                checks: ls.len(),
                late_p50_ms: percentile(&l, 50.0),
                late_p99_ms: percentile(&l, 99.0),
                late_max_ms: l.last().copied().unwrap_or(0.0),
                total_p50_ms: percentile(&t, 50.0),
            };
            (kind, figures)
        })
        .collect();
    let by_minute = minutes
        .into_iter()
        .map(|(minute, ls)| {
            let l = late(&ls);
            MinuteFigures {
                minute,
                checks: ls.len(),
                late_p99_ms: percentile(&l, 99.0),
                late_max_ms: l.last().copied().unwrap_or(0.0),
            }
        })
        .collect();

    let figures = Figures {
        checks_in_file: checks.len(),
        checks: counted.len(),
        watches: watches.len(),
        window_s,
        probes_per_s: counted.len() as f64 / window_s,
        late_p50_ms: percentile(&all_late, 50.0),
        late_p90_ms: percentile(&all_late, 90.0),
        late_p99_ms: percentile(&all_late, 99.0),
        late_p999_ms: percentile(&all_late, 99.9),
        late_max_ms: all_late.last().copied().unwrap_or(0.0),
        late_over_1s: all_late.iter().filter(|l| **l >= 1000.0).count(),
        late_over_100ms: all_late.iter().filter(|l| **l >= 100.0).count(),
        total_p50_ms: percentile(&all_total, 50.0),
        total_p99_ms: percentile(&all_total, 99.0),
        total_max_ms: all_total.last().copied().unwrap_or(0.0),
        status,
        causes,
        by_kind,
        by_minute,
        unreadable_lines,
    };
    if args.json {
        println!("{}", serde_json::to_string(&figures)?);
    } else {
        print!("{}", text(&figures));
    }
    Ok(figures.checks > 0)
}

fn text(f: &Figures) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{} checks of {} watches over {:.0} s: {:.1} probes/s",
        f.checks, f.watches, f.window_s, f.probes_per_s
    );
    let _ = writeln!(
        out,
        "  late:  p50 {:.1} ms, p90 {:.1} ms, p99 {:.1} ms, p99.9 {:.1} ms, max {:.1} ms; {} at 1 s or more, {} at 100 ms or more",
        f.late_p50_ms,
        f.late_p90_ms,
        f.late_p99_ms,
        f.late_p999_ms,
        f.late_max_ms,
        f.late_over_1s,
        f.late_over_100ms
    );
    let _ = writeln!(
        out,
        "  probe: p50 {:.1} ms, p99 {:.1} ms, max {:.1} ms",
        f.total_p50_ms, f.total_p99_ms, f.total_max_ms
    );
    let _ = writeln!(out, "  status: {:?}; causes: {:?}", f.status, f.causes);
    for (kind, k) in &f.by_kind {
        let _ = writeln!(
            out,
            "  {kind:<8} {:>6} checks, late p50 {:.1} / p99 {:.1} / max {:.1} ms, probe p50 {:.1} ms",
            k.checks, k.late_p50_ms, k.late_p99_ms, k.late_max_ms, k.total_p50_ms
        );
    }
    out
}

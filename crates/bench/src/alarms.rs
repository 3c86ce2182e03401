//! `downwatch-bench alarms`: time from each injected fault to the "down" notification that
//! names its watch, from the resident's events file (and, when given, the command hook's
//! log of what it received and when).
//!
//! Faults file: one JSON object per line, `{"watch": NAME, "kind": KIND, "at_ms": UNIX_MS}`.
//! Hook log: one line per notification, `RECEIVED_UNIX_MS JSON` (the JSON the hook read).

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::io::BufRead;
use std::path::Path;

use anyhow::Context;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::AlarmsArgs;
use crate::events::{self, Line, median, sorted};

#[derive(Deserialize, Debug)]
struct Fault {
    watch: String,
    kind: String,
    at_ms: i64,
}

/// One sample: a fault and what followed, in seconds after the injection.
#[derive(Serialize, Debug)]
struct Sample {
    watch: String,
    kind: String,
    at_ms: i64,
    /// Time since the start of the watch's last check before the injection: where in its
    /// schedule the fault fell.
    phase_s: Option<f64>,
    /// Start of the first failed check after the injection.
    first_failure_s: Option<f64>,
    /// Failed checks between the injection and the down state.
    failures: usize,
    /// The watch's `state` event to `down`.
    down_s: Option<f64>,
    /// The `notification` event of kind `down` naming the watch.
    notified_s: Option<f64>,
    /// Watches named in that notification.
    notified_with: usize,
    /// When the command hook received it.
    hook_s: Option<f64>,
}

#[derive(Serialize, Debug)]
struct Summary {
    samples: usize,
    notified: usize,
    median_s: f64,
    min_s: f64,
    max_s: f64,
    mean_s: f64,
    hook_median_s: Option<f64>,
    hook_max_s: Option<f64>,
    /// Median time from the injection to the first failed check (waiting for the schedule).
    median_first_failure_s: f64,
    /// Median time from the down state to the notification (group wait).
    median_down_to_notified_s: f64,
}

#[derive(Serialize, Debug)]
struct Figures {
    samples: Vec<Sample>,
    by_kind: BTreeMap<String, Summary>,
    /// Notifications by kind, over the whole run.
    notifications: BTreeMap<String, usize>,
    /// `down` notifications naming a watch that had no fault yet: false alarms.
    false_downs: Vec<String>,
}

/// Prints the figures; `Ok(false)` when a fault was never notified or a false alarm was sent.
pub(crate) fn run(args: &AlarmsArgs) -> anyhow::Result<bool> {
    let (lines, _) = events::read(&args.events)?;
    let faults = read_faults(&args.faults)?;
    let hook = match &args.hook {
        Some(path) => read_hook(path)?,
        None => Vec::new(),
    };
    let samples: Vec<Sample> = faults.iter().map(|f| sample(f, &lines, &hook)).collect();

    let mut notifications = BTreeMap::new();
    let mut false_downs = Vec::new();
    for line in lines.iter().filter(|l| l.event() == "notification") {
        let kind = line.str("kind").unwrap_or("?");
        *notifications.entry(kind.to_owned()).or_insert(0) += 1;
        if kind == "down" {
            for w in names(&line.value) {
                let faulted = faults.iter().any(|f| f.watch == w && f.at_ms <= line.ts_ms);
                if !faulted {
                    false_downs.push(format!("{w} at {}", line.str("ts").unwrap_or("?")));
                }
            }
        }
    }

    let mut by_kind = BTreeMap::new();
    let kinds: std::collections::BTreeSet<&str> = samples.iter().map(|s| s.kind.as_str()).collect();
    for kind in kinds {
        let of: Vec<&Sample> = samples.iter().filter(|s| s.kind == kind).collect();
        let lat = sorted(of.iter().filter_map(|s| s.notified_s).collect());
        let hook_lat = sorted(of.iter().filter_map(|s| s.hook_s).collect());
        let first = sorted(of.iter().filter_map(|s| s.first_failure_s).collect());
        let wait = sorted(
            of.iter()
                .filter_map(|s| Some(s.notified_s? - s.down_s?))
                .collect(),
        );
        by_kind.insert(
            kind.to_owned(),
            Summary {
                samples: of.len(),
                notified: lat.len(),
                median_s: median(&lat),
                min_s: lat.first().copied().unwrap_or(0.0),
                max_s: lat.last().copied().unwrap_or(0.0),
                mean_s: lat.iter().sum::<f64>() / lat.len().max(1) as f64,
                hook_median_s: (!hook_lat.is_empty()).then(|| median(&hook_lat)),
                hook_max_s: hook_lat.last().copied(),
                median_first_failure_s: median(&first),
                median_down_to_notified_s: median(&wait),
            },
        );
    }
    let ok = samples.iter().all(|s| s.notified_s.is_some()) && false_downs.is_empty();
    let figures = Figures {
        samples,
        by_kind,
        notifications,
        false_downs,
    };
    if args.json {
        println!("{}", serde_json::to_string(&figures)?);
    } else {
        print!("{}", text(&figures));
    }
    Ok(ok)
}

fn sample(fault: &Fault, lines: &[Line], hook: &[(i64, Value)]) -> Sample {
    let secs = |ms: i64| (ms - fault.at_ms) as f64 / 1000.0;
    let mine = |l: &&Line| l.watch() == Some(fault.watch.as_str());
    let check_start = |l: &Line| l.ts_ms - l.num("total_ms").unwrap_or(0.0).round() as i64;
    let checks: Vec<&Line> = lines
        .iter()
        .filter(|l| l.event() == "check")
        .filter(mine)
        .collect();
    let phase_s = checks
        .iter()
        .map(|l| check_start(l))
        .filter(|start| *start <= fault.at_ms)
        .max()
        .map(|start| -secs(start));
    let down = lines
        .iter()
        .filter(|l| l.ts_ms >= fault.at_ms && l.event() == "state" && l.str("to") == Some("down"))
        .find(mine);
    let after: Vec<&&Line> = checks
        .iter()
        .filter(|l| l.ts_ms >= fault.at_ms && l.str("status") == Some("down"))
        .filter(|l| down.is_none_or(|d| l.ts_ms <= d.ts_ms))
        .collect();
    let first_failure_s = after.first().map(|l| secs(check_start(l)));
    let notification = lines.iter().find(|l| {
        l.ts_ms >= fault.at_ms
            && l.event() == "notification"
            && l.str("kind") == Some("down")
            && names(&l.value).any(|w| w == fault.watch)
    });
    let hook_s = hook
        .iter()
        .find(|(at, v)| {
            *at >= fault.at_ms
                && v["kind"].as_str() == Some("down")
                && names(v).any(|w| w == fault.watch)
        })
        .map(|(at, _)| secs(*at));
    Sample {
        watch: fault.watch.clone(),
        kind: fault.kind.clone(),
        at_ms: fault.at_ms,
        phase_s,
        first_failure_s,
        failures: after.len(),
        down_s: down.map(|d| secs(d.ts_ms)),
        notified_s: notification.map(|n| secs(n.ts_ms)),
        notified_with: notification.map_or(0, |n| names(&n.value).count()),
        hook_s,
    }
}

/// The watch names of a notification (`watches`, or `watch` for single-watch kinds).
fn names(v: &Value) -> impl Iterator<Item = &str> {
    let list = v["watches"].as_array().into_iter().flatten();
    list.filter_map(Value::as_str).chain(v["watch"].as_str())
}

fn read_faults(path: &Path) -> anyhow::Result<Vec<Fault>> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    text.lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str(l).with_context(|| format!("fault line {l}")))
        .collect()
}

fn read_hook(path: &Path) -> anyhow::Result<Vec<(i64, Value)>> {
    let file = std::fs::File::open(path).with_context(|| format!("opening {}", path.display()))?;
    let mut out = Vec::new();
    for line in std::io::BufReader::new(file).lines() {
        let line = line?;
        let Some((at, json)) = line.split_once(' ') else {
            continue;
        };
        if let (Ok(at), Ok(value)) = (at.parse::<i64>(), serde_json::from_str::<Value>(json)) {
            out.push((at, value));
        }
    }
    out.sort_by_key(|(at, _)| *at);
    Ok(out)
}

fn opt(v: Option<f64>) -> String {
    v.map_or_else(|| "-".to_owned(), |v| format!("{v:.1}"))
}

fn text(f: &Figures) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{:<14} {:<10} {:>7} {:>9} {:>5} {:>7} {:>9} {:>7}",
        "watch", "kind", "phase", "1st fail", "fails", "down", "notified", "hook"
    );
    for s in &f.samples {
        let _ = writeln!(
            out,
            "{:<14} {:<10} {:>7} {:>9} {:>5} {:>7} {:>9} {:>7}",
            s.watch,
            s.kind,
            opt(s.phase_s),
            opt(s.first_failure_s),
            s.failures,
            opt(s.down_s),
            opt(s.notified_s),
            opt(s.hook_s)
        );
    }
    for (kind, k) in &f.by_kind {
        let _ = writeln!(
            out,
            "{kind}: {}/{} notified; median {:.1} s, min {:.1} s, max {:.1} s, mean {:.1} s \
             (hook: median {}, max {}); median wait for the first failed check {:.1} s, \
             down to notification {:.1} s",
            k.notified,
            k.samples,
            k.median_s,
            k.min_s,
            k.max_s,
            k.mean_s,
            opt(k.hook_median_s),
            opt(k.hook_max_s),
            k.median_first_failure_s,
            k.median_down_to_notified_s
        );
    }
    let _ = writeln!(out, "notifications: {:?}", f.notifications);
    if !f.false_downs.is_empty() {
        let _ = writeln!(out, "FALSE ALARMS: {:?}", f.false_downs);
    }
    out
}

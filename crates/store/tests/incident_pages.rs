//! Pages of incidents on a real file, against a plain filter of what was written: random
//! incidents of three watches (long ones, open ones, several sharing a start), random ranges,
//! both orders, with and without a watch, pages of 1 to 1,000 rows. Every overlapping incident
//! comes once, in `(start, id)` order, and nothing else; and one incident is found by its id.
#![allow(clippy::unwrap_used)]

use std::collections::BTreeSet;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use downwatch_store::{IncidentKind, IncidentRecord, Order, Record, Store, unix_ms};

fn t0() -> SystemTime {
    UNIX_EPOCH + Duration::from_secs(1_795_996_800)
}

const WATCHES: [&str; 3] = ["Gmail", "Bank", "API"];

/// What was written, to filter by hand: `(id, watch, start ms, end ms)`.
type Written = (String, &'static str, i64, Option<i64>);

fn random_incidents(rng: &mut fastrand::Rng, n: usize) -> Vec<Written> {
    let base = unix_ms(t0());
    (0..n)
        .map(|k| {
            // Starts on a coarse grid, so several share a millisecond.
            let start = base + 60_000 * rng.i64(0..400);
            let end = match rng.u8(0..10) {
                0 => None,
                1 => Some(start + 60_000 * rng.i64(100..300)),
                _ => Some(start + 60_000 * rng.i64(1..10)),
            };
            (format!("i{k}"), WATCHES[rng.usize(0..3)], start, end)
        })
        .collect()
}

fn record((id, watch, start, end): &Written) -> Record {
    Record::Incident(IncidentRecord {
        id: id.clone(),
        watch: (*watch).to_owned(),
        group_incident: None,
        kind: IncidentKind::Down,
        start: downwatch_store::from_unix_ms(*start),
        end: end.map(downwatch_store::from_unix_ms),
        failure: None,
    })
}

#[test]
fn pages_of_a_range_hold_every_overlapping_incident_once_in_order() {
    let dir = tempfile::tempdir().unwrap();
    let opened = Store::open(dir.path(), t0()).unwrap();
    let sender = opened.store.sender();
    let mut rng = fastrand::Rng::with_seed(10);
    let written = random_incidents(&mut rng, 120);
    for w in &written {
        sender.blocking_record(record(w)).unwrap();
    }
    sender.blocking_flush().unwrap();
    let reader = opened.store.reader().unwrap();
    let base = unix_ms(t0());
    for round in 0..60 {
        let from = base + 60_000 * rng.i64(-50..450);
        let until = from + 60_000 * rng.i64(1..200);
        let watch = [None, Some("Gmail"), Some("Bank")][round % 3];
        let expected: BTreeSet<&str> = written
            .iter()
            .filter(|(_, w, start, end)| {
                *start < until && end.is_none_or(|e| e > from) && watch.is_none_or(|x| x == *w)
            })
            .map(|(id, ..)| id.as_str())
            .collect();
        for order in [Order::OldestFirst, Order::NewestFirst] {
            for limit in [1, 3, 7, 1_000] {
                let (from_t, until_t) = (
                    downwatch_store::from_unix_ms(from),
                    downwatch_store::from_unix_ms(until),
                );
                let mut seen = Vec::new();
                let mut after = None;
                loop {
                    let page = reader
                        .incidents_page(from_t, until_t, watch, order, after, limit)
                        .unwrap();
                    assert!(page.len() <= limit as usize);
                    after = page.last().map(|(c, _)| *c);
                    let last = page.len() < limit as usize;
                    seen.extend(page);
                    if last {
                        break;
                    }
                }
                let what = format!("{from}..{until} {watch:?} {order:?} by {limit}");
                let ids: BTreeSet<&str> = seen.iter().map(|(_, i)| i.id.as_str()).collect();
                assert_eq!(ids, expected, "{what}");
                assert_eq!(ids.len(), seen.len(), "each once: {what}");
                let keys: Vec<(i64, i64)> = seen.iter().map(|(c, _)| (c.at_ms, c.id)).collect();
                let in_order = keys.windows(2).all(|k| match order {
                    Order::OldestFirst => k[0] < k[1],
                    Order::NewestFirst => k[0] > k[1],
                });
                assert!(in_order, "{what}: {keys:?}");
                for (cursor, i) in &seen {
                    assert_eq!(cursor.at_ms, unix_ms(i.start), "{what}");
                }
            }
        }
    }
    // All at once: the same as the pages, oldest first.
    let (from, until) = (t0(), t0() + Duration::from_secs(3_600 * 24));
    let all = reader.incidents(from, until).unwrap();
    let paged = reader
        .incidents_page(from, until, None, Order::OldestFirst, None, 1_000)
        .unwrap();
    assert_eq!(all, paged.into_iter().map(|(_, i)| i).collect::<Vec<_>>());
    // One by its id.
    let (id, watch, start, end) = &written[17];
    let found = reader.incident(id).unwrap().unwrap();
    assert_eq!(
        (
            found.watch.as_str(),
            unix_ms(found.start),
            found.end.map(unix_ms)
        ),
        (*watch, *start, *end)
    );
    assert_eq!(reader.incident("no-such-incident").unwrap(), None);
    drop(reader);
    drop(sender);
    opened.store.close();
}

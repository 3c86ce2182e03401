//! The detection state machine, walked step by step through scenarios. Each scenario is a
//! string of results taken 5 s apart (`u` up, `d` degraded, `f` failed) and the changes it
//! must produce, by step index.

use std::time::{Duration, SystemTime};

use downwatch_monitor::Reason;
use downwatch_monitor::WatchState::{self, *};
use downwatch_monitor::detector::{Detector, Outcome, Thresholds};
use downwatch_probe::{Cause, Layer};

const T: Thresholds = Thresholds {
    failures_to_down: 3,
    successes_to_up: 2,
};

fn reason(cause: Cause) -> Reason {
    Reason {
        layer: cause.layer(),
        cause,
        detail: format!("{} happened", cause.code()).into(),
    }
}

fn at(step: usize) -> SystemTime {
    SystemTime::UNIX_EPOCH + Duration::from_secs(1_000_000 + 5 * step as u64)
}

/// Runs `steps` from `start` (reached silently by a first success) and returns
/// (step, from, to, silent) for every change.
fn walk(steps: &str, warm: bool) -> (Detector, Vec<(usize, WatchState, WatchState, bool)>) {
    let mut d = Detector::new(T);
    let mut changes = Vec::new();
    let offset = if warm {
        let c = d
            .observe(&Outcome::Up, at(0))
            .expect("first success sets Up");
        assert!(c.silent && c.state() == Up);
        1
    } else {
        0
    };
    for (i, ch) in steps.chars().filter(|c| !c.is_whitespace()).enumerate() {
        let outcome = match ch {
            'u' => Outcome::Up,
            'd' => Outcome::Degraded(reason(Cause::TooSlow)),
            'f' => Outcome::Down(reason(Cause::DnsServfail)),
            other => panic!("bad step {other}"),
        };
        if let Some(c) = d.observe(&outcome, at(i + offset)) {
            changes.push((i, c.from, c.state(), c.silent));
        }
    }
    (d, changes)
}

#[test]
fn scenarios() {
    type Expected = &'static [(usize, WatchState, WatchState, bool)];
    let cases: &[(&str, &str, Expected)] = &[
        ("a single failure is never an alarm", "uuuf uuuu", &[]),
        ("two failures are not enough", "ff uuuuuuuu ff uu", &[]),
        (
            "four failures among ten checks are unstable, once the run is over",
            "ff uu ff u",
            &[(6, Up, Unstable, false)],
        ),
        (
            "three in a row confirm down",
            "uuu fff",
            &[(5, Up, Down, false)],
        ),
        (
            "two successes recover",
            "fff u u",
            &[(2, Up, Down, false), (4, Down, Up, false)],
        ),
        (
            "one success is not recovery",
            "fff u f u u",
            &[(2, Up, Down, false), (6, Down, Up, false)],
        ),
        (
            "degraded confirmed like down",
            "ddd uu",
            &[(2, Up, Degraded, false), (4, Degraded, Up, false)],
        ),
        ("degraded blips are ignored", "d u d u", &[]),
        (
            "every other check failing is unstable, once",
            "fu fu fu fu fu fu",
            &[(7, Up, Unstable, false)],
        ),
        (
            "flapping down and up is unstable, not a stream",
            "fffuu fffuu fffuu fffuu",
            &[
                (2, Up, Down, false),
                (4, Down, Up, false),
                (7, Up, Down, false),
                (9, Down, Unstable, false),
            ],
        ),
        (
            "unstable clears after a clean window",
            "fu fu fu fu uuuuuuuuuu",
            &[(7, Up, Unstable, false), (16, Unstable, Up, false)],
        ),
        (
            // The flaps lasted 5 s each: an outage of more than twice that is down.
            "an outage outlasting the flaps while unstable is a down",
            "fu fu fu fu ffffff",
            &[(7, Up, Unstable, false), (11, Unstable, Down, false)],
        ),
    ];
    for (name, steps, expected) in cases {
        let (_, changes) = walk(steps, true);
        assert_eq!(&changes, expected, "{name}");
    }
}

#[test]
fn a_high_failure_threshold_is_down_not_unstable() {
    let t = Thresholds {
        failures_to_down: 5,
        successes_to_up: 2,
    };
    let mut d = Detector::new(t);
    d.observe(&Outcome::Up, at(0));
    let mut changes = Vec::new();
    for step in 1..=5 {
        if let Some(c) = d.observe(&Outcome::Down(reason(Cause::TcpRefused)), at(step)) {
            changes.push((step, c.state(), c.since));
        }
    }
    assert_eq!(
        changes,
        vec![(5, Down, at(1))],
        "one confirmed down, back-dated"
    );
}

#[test]
fn down_then_slow_then_fine_is_down_back_up_then_degraded() {
    // A recovery that comes back slow is told as a recovery; the slowness is its own run.
    let (_, changes) = walk("fff dd d uu", true);
    assert_eq!(
        changes,
        vec![
            (2, Up, Down, false),
            (4, Down, Up, false),
            (5, Up, Degraded, false),
            (7, Degraded, Up, false)
        ]
    );
}

#[test]
fn first_judgement_is_silent_even_when_down() {
    let (d, changes) = walk("fff", false);
    assert_eq!(changes, vec![(2, Unknown, Down, true)]);
    assert_eq!(d.state(), Down);
    let (_, changes) = walk("u", false);
    assert_eq!(changes, vec![(0, Unknown, Up, true)]);
    // A slow first answer is not a state either (found by the e2e jitter scenario).
    let (_, changes) = walk("d u u", false);
    assert_eq!(changes, vec![(1, Unknown, Up, true)]);
    let (_, changes) = walk("ddd", false);
    assert_eq!(changes, vec![(2, Unknown, Degraded, true)]);
}

#[test]
fn down_is_back_dated_to_the_first_failure_of_the_run() {
    let mut d = Detector::new(T);
    d.observe(&Outcome::Up, at(0));
    d.observe(&Outcome::Down(reason(Cause::TcpRefused)), at(1));
    d.observe(&Outcome::Up, at(2));
    // A new run starts here: the earlier blip must not move the start back.
    d.observe(&Outcome::Down(reason(Cause::DnsServfail)), at(3));
    d.observe(&Outcome::Down(reason(Cause::DnsServfail)), at(4));
    let change = d
        .observe(&Outcome::Down(reason(Cause::TcpRefused)), at(5))
        .unwrap();
    assert_eq!((change.state(), change.since), (Down, at(3)));
    assert_eq!(
        change.to.reason().unwrap().cause,
        Cause::DnsServfail,
        "the dominant cause of the run"
    );
    d.observe(&Outcome::Up, at(6));
    let back = d.observe(&Outcome::Up, at(7)).unwrap();
    assert_eq!((back.state(), back.bad_since), (Up, Some(at(3))));
    assert_eq!(back.to.reason().unwrap().layer, Layer::Dns);
}

/// One rule for the dominant cause (issue 9): on a tie, the lower layer, whatever came last.
/// The detector used to let the latest cause win a tie, so this run said `tcp_refused`.
#[test]
fn a_tie_of_causes_goes_to_the_lower_layer_not_to_the_latest() {
    let t = Thresholds {
        failures_to_down: 2,
        successes_to_up: 2,
    };
    let mut d = Detector::new(t);
    d.observe(&Outcome::Up, at(0));
    d.observe(&Outcome::Down(reason(Cause::DnsServfail)), at(1));
    let change = d
        .observe(&Outcome::Down(reason(Cause::TcpRefused)), at(2))
        .unwrap();
    assert_eq!(change.state(), Down);
    assert_eq!(change.to.reason().unwrap().cause, Cause::DnsServfail);
}

#[test]
fn confirming_drives_fast_retries() {
    let mut d = Detector::new(T);
    d.observe(&Outcome::Up, at(0));
    assert!(!d.confirming());
    d.observe(&Outcome::Down(reason(Cause::TcpRefused)), at(1));
    assert!(d.confirming() && !d.next_failure_confirms());
    d.observe(&Outcome::Down(reason(Cause::TcpRefused)), at(2));
    assert!(d.next_failure_confirms());
    d.observe(&Outcome::Down(reason(Cause::TcpRefused)), at(3));
    assert!(
        !d.confirming(),
        "confirmed down: back to the normal interval"
    );
    d.observe(&Outcome::Up, at(4));
    assert!(d.confirming(), "a recovery is being confirmed");
}

#[test]
fn reset_and_pause() {
    let mut d = Detector::new(T);
    d.observe(&Outcome::Up, at(0));
    d.observe(&Outcome::Down(reason(Cause::TcpTimeout)), at(1));
    d.observe(&Outcome::Down(reason(Cause::TcpTimeout)), at(2));
    d.reset_streaks();
    assert!(
        d.observe(&Outcome::Down(reason(Cause::TcpTimeout)), at(3))
            .is_none(),
        "streak was reset"
    );
    let p = d.pause(at(4)).unwrap();
    assert_eq!((p.from, p.state()), (Up, Paused));
    assert!(
        d.observe(&Outcome::Down(reason(Cause::TcpTimeout)), at(5))
            .is_none()
    );
    let r = d.resume(at(6)).unwrap();
    assert_eq!(r.state(), Up);
}

/// Issue 6: after an outage that outlasted the flaps (told down), the recovery is "back up";
/// if the watch then goes back to flapping, its next short outage is unstable again, not a
/// new down; once steady long enough, it is up.
#[test]
fn back_from_an_outage_beyond_the_flaps_a_new_flap_is_unstable_not_down() {
    let (d, changes) = walk("fu fu fu fu ffffff uu fff uu", true);
    assert_eq!(
        changes,
        vec![
            (7, Up, Unstable, false),
            (11, Unstable, Down, false),
            (15, Down, Up, false),
            (18, Up, Unstable, false),
        ]
    );
    assert_eq!(d.state(), Unstable);
}

/// Unstable ends only after twice the longest healthy spell seen between its outages: a
/// service up 60 s between 5 s outages is not fine after a window of 10 clean checks (50 s).
#[test]
fn unstable_ends_after_twice_the_longest_healthy_spell() {
    // Outages of three checks separated by healthy spells of 60 s (from the first good
    // check to the next failure): unstable at the second recovery; then steady. 24 checks
    // (120 s) after the last outage ended it is up, not after a window of 10 (50 s).
    let flaps = "fff uu uuuuuuuuuu fff uu uuuuuuuuuu fff uu uuuuuuuuuu fff uu";
    let (_, changes) = walk(&format!("{flaps} {}", "u".repeat(22)), true);
    let last = changes.last().copied();
    assert_eq!(last.map(|c| c.2), Some(Unstable), "{changes:?}");
    let (_, changes) = walk(&format!("{flaps} {}", "u".repeat(23)), true);
    assert_eq!(
        changes.last().map(|c| (c.1, c.2)),
        Some((Unstable, Up)),
        "{changes:?}"
    );
}

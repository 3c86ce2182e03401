//! A stand-in for a desktop panel, for `bench/resident.sh` (`TRAY=true`): it serves a
//! StatusNotifierWatcher on the session bus given as its argument, prints one line once it
//! does, and then reads the registered item the way a panel does — the icon, the tooltip
//! and the whole menu (`GetLayout`) once, and again after each second in which the item
//! sent a signal — so the resident's footprint is measured while a host is listening.
//! Ends when its standard input closes.
//!
//! `cargo run --release -p downwatch-e2e --example panel -- unix:path=/run/user/1000/bus`

use std::io::{BufRead, Write};
use std::time::Duration;

use downwatch_e2e::tray::{TrayClient, Watcher};

const SIGNALS: [&str; 4] = [
    "NewIcon",
    "NewToolTip",
    "LayoutUpdated",
    "ItemsPropertiesUpdated",
];

fn main() {
    let Some(address) = std::env::args().nth(1) else {
        eprintln!("usage: panel BUS_ADDRESS");
        std::process::exit(2);
    };
    let watcher = Watcher::start(&address);
    println!("{{\"watcher\": true}}");
    let _ = std::io::stdout().flush();
    // Stdin closing ends the panel.
    std::thread::spawn(|| {
        for _ in std::io::stdin().lock().lines() {}
        std::process::exit(0);
    });
    let item = loop {
        if let Some(item) = watcher.items().into_iter().next() {
            break item;
        }
        std::thread::sleep(Duration::from_millis(200));
    };
    eprintln!("panel: {} registered", item.service);
    let tray = TrayClient::connect(&address, &item);
    let mut seen = usize::MAX;
    let mut reads = 0u64;
    loop {
        let now: usize = SIGNALS.iter().map(|s| tray.signals(s)).sum();
        if now != seen {
            seen = now;
            let _ = tray.icon();
            let _ = tray.tooltip();
            let _ = tray.layout();
            reads += 1;
            if reads.is_power_of_two() {
                eprintln!("panel: {reads} reads, {now} signals");
            }
        }
        std::thread::sleep(Duration::from_secs(1));
    }
}

//! A stand-in for a desktop panel, for `bench/resident.sh` (`TRAY=true`): it serves a
//! StatusNotifierWatcher on the session bus given as its argument, prints one line once it
//! does, and then reads the registered item the way a panel does — the icon, the tooltip
//! and the whole menu (`GetLayout`) once, and again after each second in which the item
//! sent a signal — so the resident's footprint is measured while a host is listening.
//! Ends when its standard input closes.
//!
//! With `--dump DIR` it also writes, after each read, what it read: `DIR/menu.txt` (one
//! line per menu item: depth, `-` for a separator or `x`/` ` for a check box, the label),
//! `DIR/tooltip.txt` and `DIR/icon.txt` (the icon's state name): the tray as text, where
//! no real panel can show it (the README's screenshots come from a real one,
//! `scripts/screenshots-tray.sh`).
//!
//! `cargo run --release -p downwatch-e2e --example panel -- unix:path=/run/user/1000/bus`

use std::io::{BufRead, Write};
use std::time::Duration;

use std::path::{Path, PathBuf};

use downwatch_e2e::tray::{Line, TrayClient, Watcher};
use downwatch_tray::icon::IconState;

const SIGNALS: [&str; 4] = [
    "NewIcon",
    "NewToolTip",
    "LayoutUpdated",
    "ItemsPropertiesUpdated",
];

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (Some(address), dump) = (args.first().cloned(), dump_dir(&args)) else {
        eprintln!("usage: panel BUS_ADDRESS [--dump DIR]");
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
            let icon = tray.icon();
            let tooltip = tray.tooltip();
            let (_, menu) = tray.layout();
            if let Some(dir) = &dump {
                write(dir, &icon, &tooltip, &menu);
            }
            reads += 1;
            if reads.is_power_of_two() {
                eprintln!("panel: {reads} reads, {now} signals");
            }
        }
        std::thread::sleep(Duration::from_secs(1));
    }
}

fn dump_dir(args: &[String]) -> Option<PathBuf> {
    let at = args.iter().position(|a| a == "--dump")?;
    args.get(at + 1).map(PathBuf::from)
}

fn write(dir: &Path, icon: &[(i32, i32, Vec<u8>)], tooltip: &(String, String), menu: &Line) {
    let state = IconState::ALL
        .iter()
        .find(|s| {
            s.pixmaps()
                .iter()
                .map(|(size, argb)| (*size, *size, argb.to_vec()))
                .eq(icon.iter().cloned())
        })
        .map_or("unknown", |s| s.name());
    let mut lines = String::new();
    add(&mut lines, menu, 0);
    let files = [
        ("icon.txt", format!("{state}\n")),
        ("tooltip.txt", format!("{}\n{}\n", tooltip.0, tooltip.1)),
        ("menu.txt", lines),
    ];
    for (name, text) in files {
        // Written whole, then renamed: a reader never sees half a file.
        let tmp = dir.join(format!(".{name}"));
        if std::fs::write(&tmp, text).is_ok() {
            let _ = std::fs::rename(&tmp, dir.join(name));
        }
    }
}

fn add(out: &mut String, line: &Line, depth: usize) {
    if line.id != 0 {
        let mark = match (line.separator, line.toggled) {
            (true, _) => "-",
            (false, Some(1)) => "x",
            (false, Some(_)) => "o",
            (false, None) if !line.enabled => "#",
            (false, None) => " ",
        };
        out.push_str(&format!("{}\t{mark}\t{}\n", depth - 1, line.label));
    }
    for child in &line.children {
        add(out, child, depth + 1);
    }
}

//! The window's queries through the local API on the year of history `history_year` wrote:
//! starts `downwatch run --headless` on that data directory, with a configuration naming the
//! same 50 watches (`watch 00`...) on loopback (each a TCP port nothing listens on; the
//! connectivity controls a listener of this process, so the verdict is online; nothing
//! leaves the machine), then times each query kind through `downwatch_api::Client`: a cold
//! call (the OS page cache dropped just before, when run as root) and RUNS warm calls, each
//! on the connection the window would hold. Prints one line per query: cold, warm p50 and
//! max, the answer's rows and bytes, the time to encode that line (as the resident does)
//! and to decode it (as the client does) measured apart in this process, and the load
//! average.
//!
//! The resident opens a new read-only SQLite connection per history call, so even a warm
//! call starts with SQLite's own page cache empty; only the OS page cache is warm.
//!
//! `cargo run --release -p downwatch-store --example api_year -- DOWNWATCH DATA_DIR [RUNS]`
//! (DATA_DIR: the DIR given to `history_year`; it gets the resident's few new checks).

use std::net::TcpListener;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use downwatch_api::model::{Cursor, Phase};
use downwatch_api::{Answer, Body, Call, Client, Response};

/// The year `history_year` writes ends at 2026-11-30T00:00:00Z.
const END_MS: i64 = 1_795_996_800_000;
const DAY_MS: i64 = 86_400_000;
const WATCHES: u64 = 50;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let usage = "usage: api_year DOWNWATCH DATA_DIR [RUNS]";
    let bin = args.next().ok_or(usage)?;
    let data = args.next().ok_or(usage)?;
    let runs: usize = args.next().map_or(Ok(10), |s| s.parse())?;
    let scratch = tempfile::tempdir()?;
    // The controls' target: a listener that accepts and drops (the verdict is online).
    let control = TcpListener::bind("127.0.0.1:0")?;
    let control_port = control.local_addr()?.port();
    std::thread::spawn(move || for _ in control.incoming() {});
    let config = scratch.path().join("config.toml");
    std::fs::write(&config, config_text(control_port, closed_port()?))?;
    let socket = scratch.path().join("api.sock");
    let log = std::fs::File::create(scratch.path().join("resident.log"))?;
    let mut resident = Resident(
        Command::new(&bin)
            .args(["run", "--headless", "--config"])
            .arg(&config)
            .arg("--data-dir")
            .arg(&data)
            .arg("--socket")
            .arg(&socket)
            .stdin(Stdio::null())
            .stdout(log.try_clone()?)
            .stderr(log)
            .spawn()?,
    );
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let result = runtime.block_on(bench(&socket, runs));
    resident.stop();
    if result.is_err() {
        eprintln!(
            "{}",
            std::fs::read_to_string(scratch.path().join("resident.log"))?
        );
    }
    result
}

/// The resident, stopped (SIGTERM, then waited for) when dropped.
struct Resident(Child);

impl Resident {
    fn stop(&mut self) {
        let pid = self.0.id().to_string();
        let _ = Command::new("kill").args(["-TERM", &pid]).status();
        let _ = self.0.wait();
    }
}

impl Drop for Resident {
    fn drop(&mut self) {
        if matches!(self.0.try_wait(), Ok(None)) {
            self.stop();
        }
    }
}

/// A loopback port nothing listens on (bound, then released).
fn closed_port() -> std::io::Result<u16> {
    Ok(TcpListener::bind("127.0.0.1:0")?.local_addr()?.port())
}

fn config_text(control_port: u16, closed_port: u16) -> String {
    let mut text = format!(
        "# api_year: the 50 watches of history_year, on loopback\n\
         [notifications]\ndesktop = false\n\n\
         [[connectivity.control]]\nname = \"control A\"\ntarget = \"tcp://127.0.0.1:{control_port}\"\n\n\
         [[connectivity.control]]\nname = \"control B\"\ntarget = \"tcp://127.0.0.1:{control_port}\"\n"
    );
    for w in 0..WATCHES {
        text.push_str(&format!(
            "\n[[watch]]\nname = \"watch {w:02}\"\ntarget = \"tcp://127.0.0.1:{closed_port}\"\n"
        ));
    }
    text
}

async fn connect(socket: &Path) -> Result<Client, Box<dyn std::error::Error>> {
    let began = Instant::now();
    loop {
        if let Ok(mut client) = Client::connect(socket).await
            && client.call(Call::Snapshot).await.is_ok()
        {
            return Ok(client);
        }
        if began.elapsed() > Duration::from_secs(120) {
            return Err("the resident did not answer on its socket within 120 s".into());
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Every query kind of the window, by name.
fn queries(deep: Option<Cursor>, deep_incident: Option<Cursor>) -> Vec<(String, Call)> {
    let w = "watch 07".to_owned();
    let mut out = vec![("current".to_owned(), Call::Current)];
    out.push(("snapshot (live)".to_owned(), Call::Snapshot));
    for days in [1, 7, 30, 90, 365] {
        out.push((
            format!("uptime {days} d"),
            Call::Uptime {
                watch: w.clone(),
                from_ms: END_MS - days * DAY_MS,
                until_ms: END_MS,
            },
        ));
    }
    for (label, ms) in [
        ("1 h", 3_600_000),
        ("24 h", DAY_MS),
        ("7 d", 7 * DAY_MS),
        ("30 d", 30 * DAY_MS),
        ("90 d", 90 * DAY_MS),
        ("365 d", 365 * DAY_MS),
    ] {
        out.push((
            format!("latency series {label}, 200 points"),
            Call::LatencySeries {
                watch: w.clone(),
                phase: Phase::Total,
                from_ms: END_MS - ms,
                until_ms: END_MS,
                max_points: 200,
            },
        ));
    }
    for (days, first) in [(90, "2026-09-01"), (365, "2025-11-30")] {
        out.push((
            format!("days {days} (Europe/Berlin)"),
            Call::Days {
                watch: w.clone(),
                first: first.to_owned(),
                last: "2026-11-29".to_owned(),
                time_zone: Some("Europe/Berlin".to_owned()),
            },
        ));
    }
    // The first page is the window's first call; the page 20,000 deep is one of the last
    // of the year (its second part, those started before the range, is read there).
    for (days, watch, after) in [
        (30, None, None),
        (365, None, None),
        (365, None, deep_incident),
        (90, Some(w.clone()), None),
    ] {
        let whose = if watch.is_some() {
            "one watch"
        } else {
            "every watch"
        };
        let deep = if after.is_some() { ", 20,000 deep" } else { "" };
        out.push((
            format!("incidents {days} d, {whose}, page of 1,000{deep}"),
            Call::Incidents {
                from_ms: END_MS - days * DAY_MS,
                until_ms: END_MS,
                watch,
                after,
                limit: 1_000,
            },
        ));
    }
    // The window's list of checks asks 50 rows a page (`PAGE` in ui/src/views/watch.ts).
    for limit in [50, 200] {
        out.push((
            format!("checks page of {limit}, 10,000 deep"),
            Call::Checks {
                watch: w.clone(),
                after: deep,
                limit,
            },
        ));
    }
    out
}

/// The number of rows or points an answer holds.
fn size(answer: &Answer) -> usize {
    match answer {
        Answer::Current { watches } => watches.len(),
        Answer::Snapshot(s) => s.watches.len(),
        Answer::Uptime(_) => 1,
        Answer::LatencySeries { points, .. } => points.len(),
        Answer::Days { days } => days.len(),
        Answer::Incidents { incidents, .. } => incidents.len(),
        Answer::Checks { checks, .. } => checks.len(),
        _ => 0,
    }
}

async fn bench(socket: &Path, runs: usize) -> Result<(), Box<dyn std::error::Error>> {
    let mut client = connect(socket).await?;
    // The cursor 10,000 checks deep, as a client holds it after fifty full pages.
    let mut deep = None;
    for _ in 0..50 {
        let Answer::Checks { next, .. } = client
            .call(Call::Checks {
                watch: "watch 07".into(),
                after: deep,
                limit: 200,
            })
            .await?
        else {
            return Err("checks: unexpected answer".into());
        };
        deep = next;
    }
    // The cursor 20,000 incidents deep into the year, after twenty pages of 1,000.
    let mut deep_incident = None;
    for _ in 0..20 {
        let Answer::Incidents { next, .. } = client
            .call(Call::Incidents {
                from_ms: END_MS - 365 * DAY_MS,
                until_ms: END_MS,
                watch: None,
                after: deep_incident,
                limit: 1_000,
            })
            .await?
        else {
            return Err("incidents: unexpected answer".into());
        };
        deep_incident = next;
    }
    println!(
        "query | cold ms | warm p50 ms | warm max ms | rows | bytes | encode / decode ms | load"
    );
    for (what, call) in queries(deep, deep_incident) {
        let dropped = drop_page_cache();
        let began = Instant::now();
        let answer = client.call(call.clone()).await?;
        let cold = began.elapsed();
        let mut warm = Vec::with_capacity(runs);
        for _ in 0..runs {
            let began = Instant::now();
            client.call(call.clone()).await?;
            warm.push(began.elapsed());
        }
        warm.sort();
        let rows = size(&answer);
        // Where the time goes besides the query: the answer's line encoded as the resident
        // does it and decoded as the client does, here in this (release) process.
        let began = Instant::now();
        let line = Response::new(Some(1), Body::Ok(answer)).to_line();
        let encode = began.elapsed();
        let began = Instant::now();
        serde_json::from_str::<Response>(&line)?;
        let decode = began.elapsed();
        let ms = |d: Duration| d.as_secs_f64() * 1e3;
        println!(
            "{what} | {:.2}{} | {:.2} | {:.2} | {rows} | {} | {:.2} / {:.2} | {}",
            ms(cold),
            if dropped { "" } else { " (cache not dropped)" },
            ms(warm[warm.len() / 2]),
            ms(warm[warm.len() - 1]),
            line.len(),
            ms(encode),
            ms(decode),
            load()
        );
    }
    Ok(())
}

/// Drops the OS page cache (Linux, as root), so the cold call reads from the disk.
fn drop_page_cache() -> bool {
    let synced = Command::new("sync").status().is_ok_and(|s| s.success());
    synced && std::fs::write("/proc/sys/vm/drop_caches", "3\n").is_ok()
}

/// The 1-minute load average (`/proc/loadavg`), or `?`.
fn load() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .ok()
        .and_then(|l| l.split_whitespace().next().map(str::to_owned))
        .unwrap_or_else(|| "?".into())
}

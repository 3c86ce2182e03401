//! `downwatch-testbed`: starts a [`downwatch_testbed::TestBed`], prints where everything listens
//! as one JSON line on stdout, and runs until stdin closes or it gets SIGTERM/SIGINT.

use std::io::{Read, Write};
use std::net::IpAddr;
use std::path::PathBuf;

use anyhow::Context;
use clap::Parser;
use downwatch_testbed::TestBed;

/// Real servers on loopback for Downwatch's end-to-end tests.
#[derive(Parser, Debug)]
#[command(version)]
struct Args {
    /// Address every server binds to; keep it on loopback.
    #[arg(long, default_value = "127.0.0.1")]
    bind: IpAddr,
    /// Directory for ca.pem (default: a new directory under the system's temp dir).
    #[arg(long)]
    dir: Option<PathBuf>,
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    if !args.bind.is_loopback() {
        anyhow::bail!(
            "refusing to bind {}: the test bed stays on loopback",
            args.bind
        );
    }
    let dir = match args.dir {
        Some(dir) => dir,
        None => std::env::temp_dir().join(format!("downwatch-testbed-{}", std::process::id())),
    };
    std::fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
    let bed = TestBed::start(args.bind, &dir)
        .await
        .with_context(|| format!("starting the test bed on {}", args.bind))?;

    let mut stdout = std::io::stdout().lock();
    writeln!(stdout, "{}", bed.describe()).context("writing to stdout")?;
    stdout.flush().context("flushing stdout")?;
    drop(stdout);

    // A plain thread, not tokio's stdin: its blocking read would hold up runtime shutdown.
    let (eof_tx, eof_rx) = tokio::sync::oneshot::channel::<()>();
    std::thread::spawn(move || {
        let mut sink = [0u8; 1024];
        let mut stdin = std::io::stdin().lock();
        while matches!(stdin.read(&mut sink), Ok(n) if n > 0) {}
        let _ = eof_tx.send(());
    });

    let why = tokio::select! {
        _ = eof_rx => "stdin closed",
        _ = terminate() => "SIGTERM",
        _ = tokio::signal::ctrl_c() => "SIGINT",
    };
    eprintln!("downwatch-testbed: {why}, stopping");
    drop(bed);
    Ok(())
}

#[cfg(unix)]
async fn terminate() {
    use tokio::signal::unix::{SignalKind, signal};
    match signal(SignalKind::terminate()) {
        Ok(mut sigterm) => {
            sigterm.recv().await;
        }
        Err(_) => std::future::pending().await,
    }
}

#[cfg(not(unix))]
async fn terminate() {
    std::future::pending().await
}

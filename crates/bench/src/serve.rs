//! `downwatch-bench serve`: N tiny HTTP/1.1 servers on loopback, one port each, so that a
//! benchmark can break one watch's server (nftables on its port) without touching the others.
//! Every request gets `200 OK` and `ok`; the connection is closed after the answer. Prints
//! `{"http": ["127.0.0.1:PORT", ...]}` and runs until stdin closes.

use std::io::{Read, Write};
use std::time::Duration;

use anyhow::{Context, ensure};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

use crate::ServeArgs;

const ANSWER: &[u8] =
    b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 3\r\nConnection: close\r\n\r\nok\n";

/// Serves until stdin closes.
pub(crate) fn run(args: &ServeArgs) -> anyhow::Result<bool> {
    ensure!(
        args.bind.is_loopback(),
        "refusing to bind {}: the benchmark stays on loopback",
        args.bind
    );
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("starting the tokio runtime")?;
    runtime.block_on(async {
        let mut addrs = Vec::with_capacity(args.count);
        for _ in 0..args.count {
            let listener = TcpListener::bind((args.bind, 0))
                .await
                .with_context(|| format!("binding {}", args.bind))?;
            addrs.push(listener.local_addr()?.to_string());
            tokio::spawn(accept(listener));
        }
        let mut stdout = std::io::stdout().lock();
        writeln!(stdout, "{}", serde_json::json!({ "http": addrs }))?;
        stdout.flush()?;
        drop(stdout);
        let (eof_tx, eof_rx) = tokio::sync::oneshot::channel::<()>();
        std::thread::spawn(move || {
            let mut sink = [0u8; 256];
            let mut stdin = std::io::stdin().lock();
            while matches!(stdin.read(&mut sink), Ok(n) if n > 0) {}
            let _ = eof_tx.send(());
        });
        let _ = eof_rx.await;
        anyhow::Ok(true)
    })
}

async fn accept(listener: TcpListener) {
    loop {
        if let Ok((stream, _)) = listener.accept().await {
            tokio::spawn(answer(stream));
        }
    }
}

async fn answer(mut stream: TcpStream) {
    let _ = stream.set_nodelay(true);
    let mut buf = vec![0u8; 8192];
    let mut have = 0;
    let read_head = async {
        while have < buf.len() {
            match stream.read(&mut buf[have..]).await {
                Ok(0) | Err(_) => return false,
                Ok(n) => have += n,
            }
            if buf[..have].windows(4).any(|w| w == b"\r\n\r\n") {
                return true;
            }
        }
        false
    };
    if let Ok(true) = tokio::time::timeout(Duration::from_secs(10), read_head).await {
        let _ = stream.write_all(ANSWER).await;
        let _ = stream.shutdown().await;
    }
}

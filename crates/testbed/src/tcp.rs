//! TCP servers that misbehave on purpose: one that answers garbage, one that never answers, and
//! a proxy that adds latency.

use std::io;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::tcp::{OwnedReadHalf, OwnedWriteHalf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::mpsc;
use tokio::time::Instant;

use crate::tasks::{Owner, Tasks};

/// What [`GarbageServer`] sends, 256 times over (4 KiB).
pub const GARBAGE_LINE: &[u8; 16] = b"this is not TLS\n";

/// A TCP port on 127.0.0.1 that refuses connections, kept for the tests that need one while
/// this handle lives.
///
/// The port is held by a socket that is bound but never listens: the kernel answers a
/// connection attempt with a reset, exactly as for a closed port, and no other socket (a
/// parallel test's server, the local end of an outgoing connection) can take the port until
/// the handle is dropped. A port that was bound and released again could be handed to one of
/// those in between, and "refused" would become "connected".
#[derive(Debug)]
pub struct ClosedPort {
    _socket: tokio::net::TcpSocket,
    addr: SocketAddr,
}

impl ClosedPort {
    /// Reserves an ephemeral port on 127.0.0.1 (no listen, no accept). No runtime needed.
    pub fn new() -> io::Result<ClosedPort> {
        let socket = tokio::net::TcpSocket::new_v4()?;
        socket.bind(SocketAddr::new(Ipv4Addr::LOCALHOST.into(), 0))?;
        let addr = socket.local_addr()?;
        Ok(ClosedPort {
            _socket: socket,
            addr,
        })
    }

    /// The port number.
    pub fn port(&self) -> u16 {
        self.addr.port()
    }

    /// `127.0.0.1:port`.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }
}

/// Binds a listener and runs `handle` for each accepted connection, each as its own task.
pub(crate) async fn accept_each<F, Fut>(bind: IpAddr, handle: F) -> io::Result<(SocketAddr, Owner)>
where
    F: Fn(TcpStream) -> Fut + Send + 'static,
    Fut: std::future::Future<Output = ()> + Send + 'static,
{
    let listener = TcpListener::bind(SocketAddr::new(bind, 0)).await?;
    let addr = listener.local_addr()?;
    let tasks = Tasks::default();
    let spawner = tasks.clone();
    tasks.spawn(async move {
        loop {
            match listener.accept().await {
                Ok((stream, _peer)) => spawner.spawn(handle(stream)),
                Err(_) => tokio::time::sleep(Duration::from_millis(10)).await,
            }
        }
    });
    Ok((addr, Owner(tasks)))
}

/// Reads and throws away whatever the peer sends, until it closes or `limit` passes.
pub(crate) async fn drain(stream: &mut TcpStream, limit: Duration) {
    let mut buf = [0u8; 4096];
    let _ = tokio::time::timeout(limit, async {
        while let Ok(n) = stream.read(&mut buf).await {
            if n == 0 {
                break;
            }
        }
    })
    .await;
}

/// A TCP server that, on every connection, writes 4 KiB of bytes that are not TLS and closes.
pub struct GarbageServer {
    addr: SocketAddr,
    _owner: Owner,
}

impl GarbageServer {
    /// Starts the server on `bind`, on an ephemeral port.
    pub async fn start(bind: IpAddr) -> io::Result<Self> {
        let (addr, owner) = accept_each(bind, |mut stream| async move {
            let garbage = GARBAGE_LINE.repeat(256);
            if stream.write_all(&garbage).await.is_ok() && stream.shutdown().await.is_ok() {
                // Closing with unread bytes would send a reset that can overtake the garbage.
                drain(&mut stream, Duration::from_secs(5)).await;
            }
        })
        .await?;
        Ok(GarbageServer {
            addr,
            _owner: owner,
        })
    }

    /// The address the server listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }
}

/// A TCP server that accepts connections and never writes a byte, keeping them open.
pub struct SilentServer {
    addr: SocketAddr,
    _owner: Owner,
}

impl SilentServer {
    /// Starts the server on `bind`, on an ephemeral port.
    pub async fn start(bind: IpAddr) -> io::Result<Self> {
        let (addr, owner) = accept_each(bind, |mut stream| async move {
            drain(&mut stream, Duration::MAX).await;
        })
        .await?;
        Ok(SilentServer {
            addr,
            _owner: owner,
        })
    }

    /// The address the server listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }
}

/// A TCP proxy to `upstream` that delays every chunk, in each direction, by `delay` plus a
/// pseudo-random jitter in `[0, jitter)`, keeping the bytes in order.
///
/// The jitter comes from a xorshift generator seeded with `seed`, the connection's number and
/// the direction, so a run with the same seed sees the same delays.
pub struct DelayProxy {
    addr: SocketAddr,
    _owner: Owner,
}

impl DelayProxy {
    /// Starts the proxy on `bind`, on an ephemeral port.
    pub async fn start(
        bind: IpAddr,
        upstream: SocketAddr,
        delay: Duration,
        jitter: Duration,
        seed: u64,
    ) -> io::Result<Self> {
        let connections = std::sync::atomic::AtomicU64::new(0);
        let (addr, owner) = accept_each(bind, move |client| {
            let n = connections.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            let seed = seed ^ n.wrapping_mul(0x9E37_79B9_7F4A_7C15);
            async move {
                let Ok(server) = TcpStream::connect(upstream).await else {
                    return;
                };
                let _ = client.set_nodelay(true);
                let _ = server.set_nodelay(true);
                let (client_rx, client_tx) = client.into_split();
                let (server_rx, server_tx) = server.into_split();
                let shape = |salt: u64| Shape {
                    delay,
                    jitter,
                    rng: XorShift::new(seed ^ salt),
                };
                tokio::join!(
                    pipe(client_rx, server_tx, shape(0x0C11_E417)),
                    pipe(server_rx, client_tx, shape(0x5E2F_E200)),
                );
            }
        })
        .await?;
        Ok(DelayProxy {
            addr,
            _owner: owner,
        })
    }

    /// The address the proxy listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }
}

struct Shape {
    delay: Duration,
    jitter: Duration,
    rng: XorShift,
}

impl Shape {
    fn next_delay(&mut self) -> Duration {
        let jitter = u64::try_from(self.jitter.as_nanos()).unwrap_or(u64::MAX);
        let extra = if jitter == 0 {
            0
        } else {
            self.rng.next() % jitter
        };
        self.delay + Duration::from_nanos(extra)
    }
}

/// Copies one direction: a reader stamps each chunk with when it is due, a writer sends it then.
async fn pipe(mut from: OwnedReadHalf, mut to: OwnedWriteHalf, mut shape: Shape) {
    let (tx, mut rx) = mpsc::unbounded_channel::<(Instant, Vec<u8>)>();
    let reader = async move {
        let mut buf = vec![0u8; 16 * 1024];
        loop {
            match from.read(&mut buf).await {
                Ok(0) | Err(_) => break,
                Ok(n) => {
                    let due = Instant::now() + shape.next_delay();
                    if tx.send((due, buf[..n].to_vec())).is_err() {
                        break;
                    }
                }
            }
        }
        // Dropping `tx` tells the writer to close its side once the queue is empty.
    };
    let writer = async move {
        while let Some((due, chunk)) = rx.recv().await {
            tokio::time::sleep_until(due).await;
            if to.write_all(&chunk).await.is_err() {
                return;
            }
        }
        let _ = to.shutdown().await;
    };
    tokio::join!(reader, writer);
}

/// Marsaglia's xorshift64: tiny, deterministic, good enough for jitter.
struct XorShift(u64);

impl XorShift {
    fn new(seed: u64) -> Self {
        XorShift(if seed == 0 {
            0x2545_F491_4F6C_DD1D
        } else {
            seed
        })
    }

    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.0 = x;
        x
    }
}

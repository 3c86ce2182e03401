//! An HTTP/1.1 + HTTP/2 server, plain or over TLS, with routes for every way a web service fails.

use std::convert::Infallible;
use std::future::Future;
use std::io;
use std::net::{IpAddr, SocketAddr};
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::task::{Context, Poll, ready};
use std::time::Duration;

use bytes::Bytes;
use http_body_util::BodyExt;
use hyper::body::{Body, Frame, Incoming};
use hyper::header::{CONTENT_LENGTH, CONTENT_TYPE, HeaderValue, LOCATION};
use hyper::{Request, Response, StatusCode};
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::conn::auto;
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::TcpListener;
use tokio::time::Sleep;
use tokio_rustls::TlsAcceptor;

use crate::reply::{ResBody, text};
use crate::tasks::{Owner, Tasks};

/// The body of `/`.
pub const INDEX_BODY: &str = "<html><body>hello from the downwatch test bed</body></html>";
/// The largest body `/big/{bytes}` serves, before its `TAIL`.
pub const BIG_MAX: usize = 64 * 1024 * 1024;
const CHUNK: usize = 64 * 1024;

/// A hyper server (HTTP/1.1 and h2) on a loopback port, plain or TLS, serving the test routes.
///
/// Routes: `/`, `/status/{code}`, `/redirect/{n}`, `/loop`, `/goto/{host:port}/{path}` (a
/// redirect to another origin), `/slow-headers`, `/delay/{ms}`,
/// `/drip`, `/endless`, `/huge-length`, `/headers`, `/method`, `/big/{bytes}`, `/flaky`
/// (200, then 503, then 200... counted per server), the web routes of [`crate::web::route`]
/// (compressed bodies, Basic auth, virtual hosts, cookies, `Location` forms); anything else is
/// 404. A captive-portal
/// server ([`HttpServer::portal`]) answers every path but `/login` with a 302 to `/login`,
/// and `/login` with a sign-in page. Dropping the handle stops the server and all its
/// connections.
pub struct HttpServer {
    addr: SocketAddr,
    requests: Arc<AtomicU64>,
    _owner: Owner,
}

impl HttpServer {
    /// Starts a plain-HTTP server on `bind`, on an ephemeral port.
    pub async fn plain(bind: IpAddr) -> io::Result<HttpServer> {
        Self::start(bind, None, Routes::Standard).await
    }

    /// Starts a plain-HTTP captive portal on `bind`, on an ephemeral port: what a hotel's
    /// Wi-Fi answers to every HTTP request before the user signs in ([`PORTAL_BODY`]).
    pub async fn portal(bind: IpAddr) -> io::Result<HttpServer> {
        Self::start(bind, None, Routes::Portal).await
    }

    /// Starts an HTTPS server on `bind`, on an ephemeral port, with the given TLS configuration.
    ///
    /// If the configuration offers only `http/1.1` by ALPN, the server speaks only HTTP/1.1.
    pub async fn tls(bind: IpAddr, cfg: Arc<rustls::ServerConfig>) -> io::Result<HttpServer> {
        Self::start(bind, Some(cfg), Routes::Standard).await
    }

    /// The address the server listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// How many requests the server has received so far.
    pub fn requests(&self) -> u64 {
        self.requests.load(Ordering::Relaxed)
    }

    async fn start(
        bind: IpAddr,
        tls: Option<Arc<rustls::ServerConfig>>,
        routes: Routes,
    ) -> io::Result<Self> {
        let listener = TcpListener::bind(SocketAddr::new(bind, 0)).await?;
        let addr = listener.local_addr()?;
        let requests = Arc::new(AtomicU64::new(0));
        let tasks = Tasks::default();
        let h1_only = tls
            .as_ref()
            .is_some_and(|cfg| !cfg.alpn_protocols.iter().any(|p| p == b"h2"));
        let acceptor = tls.map(TlsAcceptor::from);
        let flaky = Arc::new(AtomicU64::new(0));
        let (count, spawner) = (requests.clone(), tasks.clone());
        tasks.spawn(async move {
            loop {
                let Ok((stream, _peer)) = listener.accept().await else {
                    tokio::time::sleep(Duration::from_millis(10)).await;
                    continue;
                };
                // Like real servers: small responses must not wait for the client's delayed ACK.
                let _ = stream.set_nodelay(true);
                let (count, exec) = (count.clone(), spawner.clone());
                let acceptor = acceptor.clone();
                let state = State {
                    routes,
                    flaky: flaky.clone(),
                };
                spawner.spawn(async move {
                    match acceptor {
                        None => serve(stream, count, exec, h1_only, state).await,
                        Some(acceptor) => {
                            // A failed handshake is the client's business (that is the test).
                            if let Ok(tls) = acceptor.accept(stream).await {
                                serve(tls, count, exec, h1_only, state).await;
                            }
                        }
                    }
                });
            }
        });
        Ok(HttpServer {
            addr,
            requests,
            _owner: Owner(tasks),
        })
    }
}

impl std::fmt::Debug for HttpServer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HttpServer")
            .field("addr", &self.addr)
            .finish()
    }
}

/// Which set of routes a server answers with.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Routes {
    /// The test routes.
    Standard,
    /// A captive portal: everything leads to its sign-in page.
    Portal,
}

/// What the routes of one server share.
#[derive(Clone, Debug)]
struct State {
    routes: Routes,
    /// Requests to `/flaky` so far.
    flaky: Arc<AtomicU64>,
}

/// The sign-in page of [`HttpServer::portal`].
pub const PORTAL_BODY: &str = "<html><body><h1>Welcome to Hotel Wi-Fi</h1><form action=\"/login\">Sign in</form></body></html>";

/// Serves one connection until it ends; errors (clients hanging up mid-body) end it quietly.
async fn serve<S>(stream: S, count: Arc<AtomicU64>, exec: Tasks, h1_only: bool, state: State)
where
    S: AsyncRead + AsyncWrite + Send + Unpin + 'static,
{
    let mut builder = auto::Builder::new(exec);
    builder.http1().timer(TokioTimer::new());
    builder.http2().timer(TokioTimer::new());
    if h1_only {
        builder = builder.http1_only();
    }
    let service = hyper::service::service_fn(move |req| {
        count.fetch_add(1, Ordering::Relaxed);
        let state = state.clone();
        async move {
            match state.routes {
                Routes::Standard => route(req, &state).await,
                Routes::Portal => Ok(portal(&req)),
            }
        }
    });
    let _ = builder
        .serve_connection(TokioIo::new(stream), service)
        .await;
}

fn redirect(location: String) -> Response<ResBody> {
    let mut res = text(StatusCode::FOUND, format!("see {location}\n"));
    if let Ok(value) = location.parse() {
        res.headers_mut().insert(LOCATION, value);
    }
    res
}

fn streaming(body: Endless) -> Response<ResBody> {
    let mut res = Response::new(body.boxed());
    res.headers_mut().insert(
        CONTENT_TYPE,
        HeaderValue::from_static("application/octet-stream"),
    );
    res
}

/// The captive portal: a sign-in page at `/login`, a redirect to it from everywhere else.
fn portal(req: &Request<Incoming>) -> Response<ResBody> {
    if req.uri().path() == "/login" {
        let mut res = text(StatusCode::OK, PORTAL_BODY);
        res.headers_mut()
            .insert(CONTENT_TYPE, HeaderValue::from_static("text/html"));
        res
    } else {
        redirect("/login".to_owned())
    }
}

async fn route(req: Request<Incoming>, state: &State) -> Result<Response<ResBody>, Infallible> {
    let path = req.uri().path().to_owned();
    let segments: Vec<&str> = path.trim_start_matches('/').split('/').collect();
    let res = match segments.as_slice() {
        [""] => {
            let mut res = text(StatusCode::OK, INDEX_BODY);
            res.headers_mut()
                .insert(CONTENT_TYPE, HeaderValue::from_static("text/html"));
            res
        }
        ["status", code] => match code
            .parse::<u16>()
            .ok()
            .and_then(|c| StatusCode::from_u16(c).ok())
        {
            Some(status) => text(status, format!("status {}\n", status.as_u16())),
            None => text(StatusCode::BAD_REQUEST, "bad status code\n"),
        },
        ["redirect", n] => match n.parse::<u32>() {
            Ok(0) => text(StatusCode::OK, "arrived"),
            Ok(n) => redirect(format!("/redirect/{}", n - 1)),
            Err(_) => text(StatusCode::BAD_REQUEST, "bad redirect count\n"),
        },
        ["loop"] => redirect("/loop".to_owned()),
        // A redirect to another origin: `/goto/HOST:PORT/path` → `http://HOST:PORT/path`.
        ["goto", authority, rest @ ..] => {
            redirect(format!("http://{authority}/{}", rest.join("/")))
        }
        ["slow-headers"] => {
            tokio::time::sleep(Duration::from_secs(120)).await;
            text(StatusCode::OK, "too late")
        }
        ["delay", ms] => match ms.parse::<u64>() {
            Ok(ms) => {
                tokio::time::sleep(Duration::from_millis(ms)).await;
                text(StatusCode::OK, "late")
            }
            Err(_) => text(StatusCode::BAD_REQUEST, "bad delay\n"),
        },
        ["drip"] => streaming(Endless::new(
            Bytes::from_static(b"."),
            Some(Duration::from_secs(1)),
        )),
        ["endless"] => streaming(Endless::new(Bytes::from(vec![b'e'; CHUNK]), None)),
        ["huge-length"] => {
            let mut res = streaming(Endless::new(Bytes::from(vec![b'h'; CHUNK]), None));
            res.headers_mut()
                .insert(CONTENT_LENGTH, HeaderValue::from_static("10000000000000"));
            res
        }
        ["headers"] => {
            let mut body = String::new();
            for (name, value) in req.headers() {
                body.push_str(&format!(
                    "{}: {}\n",
                    name,
                    String::from_utf8_lossy(value.as_bytes())
                ));
            }
            text(StatusCode::OK, body)
        }
        ["method"] => text(StatusCode::OK, req.method().as_str().to_owned()),
        ["flaky"] => {
            if state.flaky.fetch_add(1, Ordering::Relaxed) % 2 == 0 {
                text(StatusCode::OK, "flaky: fine this time")
            } else {
                text(StatusCode::SERVICE_UNAVAILABLE, "flaky: failing this time")
            }
        }
        ["big", n] => match n.parse::<usize>() {
            Ok(n) => {
                let mut body = vec![b'a'; n.min(BIG_MAX)];
                body.extend_from_slice(b"TAIL");
                text(StatusCode::OK, body)
            }
            Err(_) => text(StatusCode::BAD_REQUEST, "bad size\n"),
        },
        _ => crate::web::route(&req, &segments)
            .unwrap_or_else(|| text(StatusCode::NOT_FOUND, "not found\n")),
    };
    Ok(res)
}

/// A body that never ends: `chunk` again and again, waiting `every` between chunks if set.
struct Endless {
    chunk: Bytes,
    every: Option<Duration>,
    wait: Option<Pin<Box<Sleep>>>,
}

impl Endless {
    fn new(chunk: Bytes, every: Option<Duration>) -> Self {
        Endless {
            chunk,
            every,
            wait: None,
        }
    }
}

impl Body for Endless {
    type Data = Bytes;
    type Error = Infallible;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Infallible>>> {
        let this = &mut *self;
        if let Some(wait) = this.wait.as_mut() {
            ready!(wait.as_mut().poll(cx));
            this.wait = None;
        }
        if let Some(every) = this.every {
            this.wait = Some(Box::pin(tokio::time::sleep(every)));
        }
        Poll::Ready(Some(Ok(Frame::data(this.chunk.clone()))))
    }
}

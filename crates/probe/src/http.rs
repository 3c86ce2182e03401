//! The HTTP(S) probe: DNS, TCP, TLS and the HTTP exchange on one connection that the probe
//! opens itself, so that each phase is timed; redirects followed hop by hop with the phases
//! summed; the body read only as far as needed and never beyond a cap.

use std::time::Duration;

use bytes::Bytes;
use http_body_util::{BodyExt, Empty};
use hyper::body::Incoming;
use hyper::header::{HOST, HeaderName, HeaderValue, LOCATION, USER_AGENT};
use hyper::{Method, Request, Response, StatusCode, Version};
use hyper_util::rt::{TokioExecutor, TokioIo};
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::task::JoinHandle;
use tokio::time::{Instant, timeout_at};
use url::Url;

use crate::Prober;
use crate::body::{BodyMatch, Scan};
use crate::outcome::{Cause, Failure, HttpInfo, Phases, ProbeResult};
use crate::status::StatusSet;
use crate::target::Host;

/// Options of an HTTP(S) probe.
#[derive(Clone, Debug)]
pub struct HttpOptions {
    /// Request method (GET by default).
    pub method: Method,
    /// Extra request headers.
    pub headers: Vec<(HeaderName, HeaderValue)>,
    /// Status codes that count as up (200-399 by default).
    pub expect_status: StatusSet,
    /// A keyword or pattern the body must (or must not) contain.
    pub body_match: Option<BodyMatch>,
    /// Above this total time the result is degraded (`too_slow`).
    pub degraded_after: Option<Duration>,
    /// Redirects to follow (10 by default; 0 to report the 3xx itself).
    pub max_redirects: u32,
    /// Never read more body than this (1 MiB by default).
    pub body_cap: usize,
}

impl Default for HttpOptions {
    fn default() -> Self {
        HttpOptions {
            method: Method::GET,
            headers: Vec::new(),
            expect_status: StatusSet::default(),
            body_match: None,
            degraded_after: None,
            max_redirects: 10,
            body_cap: 1024 * 1024,
        }
    }
}

/// Anything the HTTP client can run over: a TCP stream or a TLS stream on it.
trait Stream: AsyncRead + AsyncWrite + Unpin + Send + 'static {}
impl<T: AsyncRead + AsyncWrite + Unpin + Send + 'static> Stream for T {}

/// Aborts the connection task when the probe is done with it (an endless body must not
/// keep flowing in the background).
struct ConnTask(JoinHandle<()>);
impl Drop for ConnTask {
    fn drop(&mut self) {
        self.0.abort();
    }
}

enum Sender {
    H1(hyper::client::conn::http1::SendRequest<Empty<Bytes>>),
    H2(hyper::client::conn::http2::SendRequest<Empty<Bytes>>),
}

/// Runs an HTTP(S) probe into `result` (the caller sets the total time).
pub(crate) async fn probe(
    prober: &Prober,
    start_url: &Url,
    opts: &HttpOptions,
    deadline: Instant,
    result: &mut ProbeResult,
) {
    let mut url = start_url.clone();
    let mut method = opts.method.clone();
    let mut info = HttpInfo::default();
    // Credentials go only to the origin they were given for (as curl and browsers do).
    let mut hop_opts = std::borrow::Cow::Borrowed(opts);
    loop {
        if url.origin() != start_url.origin() && matches!(hop_opts, std::borrow::Cow::Borrowed(_)) {
            hop_opts = std::borrow::Cow::Owned(without_credentials(opts));
        }
        let mut hop = Phases::default();
        let outcome = exchange(prober, &url, &method, &hop_opts, deadline, &mut hop, result).await;
        result.phases.add_hop(&hop);
        let (response, _conn) = match outcome {
            Ok(pair) => pair,
            Err(failure) => return result.fail(failure),
        };
        info.status = Some(response.status().as_u16());
        info.version = Some(version_name(response.version()).to_owned());
        info.final_url = Some(crate::Target::Http(url.clone()).to_string());
        result.http = Some(info.clone());
        if let Some(next) = redirect_target(&url, &response) {
            let next = match next {
                Ok(next) => next,
                Err(failure) => return result.fail(failure),
            };
            if info.redirects >= opts.max_redirects {
                let failure = Failure::new(
                    Cause::HttpTooManyRedirects,
                    format!("more than {} redirects (next: {next})", opts.max_redirects),
                );
                return result.fail(failure);
            }
            info.redirects += 1;
            let status = response.status();
            if status == StatusCode::SEE_OTHER
                || (method == Method::POST && matches!(status.as_u16(), 301 | 302))
            {
                method = Method::GET;
            }
            url = next;
            continue;
        }
        let status = response.status();
        if !opts.expect_status.contains(status.as_u16()) {
            let reason = status.canonical_reason().unwrap_or("");
            let failure = Failure::new(
                Cause::HttpStatus,
                format!(
                    "status {} {reason} (expected {})",
                    status.as_u16(),
                    opts.expect_status
                ),
            );
            return result.fail(failure);
        }
        let body = read_body(response.into_body(), opts, deadline, &mut info).await;
        result.http = Some(info);
        if let Err(failure) = body {
            return result.fail(failure);
        }
        return;
    }
}

/// One hop: resolve, connect, handshake, send the request, wait for the response head.
async fn exchange(
    prober: &Prober,
    url: &Url,
    method: &Method,
    opts: &HttpOptions,
    deadline: Instant,
    hop: &mut Phases,
    result: &mut ProbeResult,
) -> Result<(Response<Incoming>, ConnTask), Failure> {
    let host_text = url.host_str().unwrap_or_default();
    let host =
        Host::parse(host_text).map_err(|e| Failure::new(Cause::HttpProtocol, e.to_string()))?;
    let port = url.port_or_known_default().unwrap_or(80);
    let https = url.scheme() == "https";

    let (stream, addr) =
        crate::prober::open(&prober.resolver, &host, port, deadline, hop, result).await?;

    let (io, h2): (Box<dyn Stream>, bool) = if https {
        let started = Instant::now();
        let (outcome, tls) = prober
            .tls
            .handshake(stream, &host, &[b"h2", b"http/1.1"], deadline)
            .await;
        hop.tls = Some(started.elapsed());
        let h2 = tls.alpn.as_deref() == Some("h2");
        result.tls = Some(tls);
        (Box::new(outcome?), h2)
    } else {
        (Box::new(stream), false)
    };

    let started = Instant::now();
    let request = build_request(url, method, opts, h2)?;
    let io = TokioIo::new(io);
    let sent = async {
        if h2 {
            let (sender, conn) =
                hyper::client::conn::http2::handshake(TokioExecutor::new(), io).await?;
            let task = ConnTask(tokio::spawn(async move {
                let _ = conn.await;
            }));
            Ok::<_, hyper::Error>((Sender::H2(sender), task))
        } else {
            let (sender, conn) = hyper::client::conn::http1::handshake(io).await?;
            let task = ConnTask(tokio::spawn(async move {
                let _ = conn.await;
            }));
            Ok((Sender::H1(sender), task))
        }
    };
    let waited = timeout_at(deadline, async {
        let (sender, task) = sent.await?;
        let response = match sender {
            Sender::H1(mut s) => s.send_request(request).await?,
            Sender::H2(mut s) => s.send_request(request).await?,
        };
        Ok::<_, hyper::Error>((response, task))
    })
    .await;
    match waited {
        Err(_) => Err(Failure::new(
            Cause::HttpTimeout,
            format!("no response headers from {addr} in time"),
        )),
        Ok(Err(e)) => Err(Failure::new(Cause::HttpProtocol, describe_hyper_error(&e))),
        Ok(Ok(pair)) => {
            hop.ttfb = Some(started.elapsed());
            Ok(pair)
        }
    }
}

/// The options minus the headers that carry credentials: `Authorization`,
/// `Proxy-Authorization`, `Cookie`, and any header marked sensitive (secret in the config).
fn without_credentials(opts: &HttpOptions) -> HttpOptions {
    use hyper::header::{AUTHORIZATION, COOKIE, PROXY_AUTHORIZATION};
    let mut stripped = opts.clone();
    stripped.headers.retain(|(name, value)| {
        !(value.is_sensitive() || [AUTHORIZATION, PROXY_AUTHORIZATION, COOKIE].contains(name))
    });
    stripped
}

fn build_request(
    url: &Url,
    method: &Method,
    opts: &HttpOptions,
    h2: bool,
) -> Result<Request<Empty<Bytes>>, Failure> {
    let bad = |e: hyper::http::Error| {
        Failure::new(
            Cause::HttpProtocol,
            format!("cannot build the request: {e}"),
        )
    };
    let uri = if h2 {
        url.as_str().to_owned()
    } else {
        let mut path = url.path().to_owned();
        if let Some(q) = url.query() {
            path.push('?');
            path.push_str(q);
        }
        path
    };
    let mut builder = Request::builder().method(method.clone()).uri(uri);
    if !h2 {
        let host = match url.port() {
            Some(port) => format!("{}:{port}", url.host_str().unwrap_or_default()),
            None => url.host_str().unwrap_or_default().to_owned(),
        };
        builder = builder.header(HOST, host);
    }
    if !opts.headers.iter().any(|(name, _)| name == USER_AGENT) {
        builder = builder.header(USER_AGENT, crate::USER_AGENT);
    }
    for (name, value) in &opts.headers {
        builder = builder.header(name, value);
    }
    builder.body(Empty::new()).map_err(bad)
}

fn redirect_target(url: &Url, response: &Response<Incoming>) -> Option<Result<Url, Failure>> {
    if !matches!(response.status().as_u16(), 301 | 302 | 303 | 307 | 308) {
        return None;
    }
    let location = response.headers().get(LOCATION)?;
    let parsed = location
        .to_str()
        .ok()
        .and_then(|l| url.join(l).ok())
        .filter(|u| matches!(u.scheme(), "http" | "https"));
    Some(parsed.ok_or_else(|| {
        Failure::new(
            Cause::HttpProtocol,
            format!("redirect to an invalid location {location:?}"),
        )
    }))
}

/// Reads the body until the pattern is settled, the cap, the end or the deadline.
async fn read_body(
    mut body: Incoming,
    opts: &HttpOptions,
    deadline: Instant,
    info: &mut HttpInfo,
) -> Result<(), Failure> {
    let mut scan = opts
        .body_match
        .as_ref()
        .map(|m| Scan::new(m, opts.body_cap));
    let cap = opts.body_cap as u64;
    loop {
        if scan.as_ref().is_some_and(Scan::settled) {
            break;
        }
        let frame = match timeout_at(deadline, body.frame()).await {
            Err(_) => {
                return Err(Failure::new(
                    Cause::HttpTimeout,
                    format!(
                        "body still incomplete at the deadline ({} bytes read)",
                        info.body_bytes
                    ),
                ));
            }
            Ok(None) => break,
            Ok(Some(Err(e))) => {
                return Err(Failure::new(
                    Cause::HttpProtocol,
                    format!(
                        "body broken after {} bytes: {}",
                        info.body_bytes,
                        describe_hyper_error(&e)
                    ),
                ));
            }
            Ok(Some(Ok(frame))) => frame,
        };
        let Ok(data) = frame.into_data() else {
            continue;
        };
        let room = usize::try_from(cap - info.body_bytes).unwrap_or(usize::MAX);
        let chunk = &data[..data.len().min(room)];
        info.body_bytes += chunk.len() as u64;
        if let Some(scan) = scan.as_mut() {
            scan.feed(chunk);
        }
        if info.body_bytes >= cap {
            info.body_truncated = true;
            break;
        }
    }
    match scan {
        Some(scan) => scan.verdict(info.body_bytes, info.body_truncated),
        None => Ok(()),
    }
}

fn version_name(version: Version) -> &'static str {
    match version {
        Version::HTTP_09 => "HTTP/0.9",
        Version::HTTP_10 => "HTTP/1.0",
        Version::HTTP_11 => "HTTP/1.1",
        Version::HTTP_2 => "HTTP/2",
        Version::HTTP_3 => "HTTP/3",
        _ => "HTTP/?",
    }
}

/// hyper's errors, with their cause chain, in one line.
fn describe_hyper_error(error: &hyper::Error) -> String {
    let mut text = error.to_string();
    let mut source = std::error::Error::source(error);
    while let Some(inner) = source {
        text.push_str(": ");
        text.push_str(&inner.to_string());
        source = inner.source();
    }
    if error.is_incomplete_message() {
        text = format!("the server closed the connection before a full response ({text})");
    }
    text
}

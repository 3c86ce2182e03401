//! The HTTP(S) probe: DNS, TCP, TLS and the HTTP exchange on one connection that the probe
//! opens itself, so that each phase is timed; redirects followed hop by hop with the phases
//! summed; the body read only as far as needed and never beyond a cap.

use std::time::Duration;

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use bytes::Bytes;
use http_body_util::Empty;
use hyper::body::Incoming;
use hyper::header::{HeaderName, HeaderValue, LOCATION};
use hyper::{Method, Response, StatusCode, Version};
use hyper_util::rt::{TokioExecutor, TokioIo};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite};
use tokio::task::JoinHandle;
use tokio::time::{Instant, timeout_at};
use url::Url;

use downwatch_text::{Message, Value};

use crate::body::{BodyMatch, Scan};
use crate::connect;
use crate::cookies::Jar;
use crate::decode::{self, WireBody, WireError};
use crate::host::Host;
use crate::limits;
use crate::outcome::{Cause, Failure, HttpInfo, Phases, ProbeResult};
use crate::outgoing::{self, Outgoing};
use crate::resolver::Resolver;
use crate::said::{MessageId, say};
use crate::status::StatusSet;
use crate::target;
use crate::tls::TlsContext;

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
    /// Redirects to follow (10 by default). With 0 the redirect itself is the answer, judged
    /// by `expect_status` like any other status.
    pub max_redirects: u32,
    /// Never read (nor decode) more body than this (1 MiB by default).
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

/// What the HTTP probe needs from its prober: how to resolve names and whom to trust.
pub(crate) struct Net<'a> {
    /// The nameservers to ask.
    pub resolver: &'a Resolver,
    /// The TLS trust and client configuration.
    pub tls: &'a TlsContext,
}

/// Runs an HTTP(S) probe into `result` (the caller sets the total time).
pub(crate) async fn probe(
    net: &Net<'_>,
    start_url: &Url,
    opts: &HttpOptions,
    deadline: Instant,
    result: &mut ProbeResult,
) {
    let mut url = start_url.clone();
    let mut method = opts.method.clone();
    let mut info = HttpInfo::default();
    let mut jar = Jar::default();
    // Credentials go only to the origin they were given for (as curl and browsers do).
    let mut hop_opts = std::borrow::Cow::Borrowed(opts);
    loop {
        if url.origin() != start_url.origin() && matches!(hop_opts, std::borrow::Cow::Borrowed(_)) {
            hop_opts = std::borrow::Cow::Owned(without_credentials(opts));
        }
        // A URL's own userinfo, else the first URL's while the chain stays on its origin.
        let basic = outgoing::basic_auth(&url).or_else(|| {
            (url.origin() == start_url.origin())
                .then(|| outgoing::basic_auth(start_url))
                .flatten()
        });
        let request = Hop {
            url: &url,
            method: &method,
            headers: &hop_opts.headers,
            basic,
            cookies: jar.header(&url),
        };
        let mut hop = Phases::default();
        let outcome = exchange(net, &request, deadline, &mut hop, result).await;
        result.phases.add_hop(&hop);
        let (response, _conn) = match outcome {
            Ok(pair) => pair,
            Err(failure) => return result.fail(failure),
        };
        info.status = Some(response.status().as_u16());
        info.version = Some(version_name(response.version()).to_owned());
        // A name the user typed is shown in Unicode; one a server sent keeps its A-labels.
        let typed = url.host() == start_url.host();
        info.final_url = Some(target::shown_url(&url, typed));
        result.http = Some(info.clone());
        jar.store(&url, response.headers());
        // With `max_redirects = 0` the redirect is the answer (a login page that must
        // redirect, a short link), judged by the expected statuses below.
        let follow = opts.max_redirects > 0;
        if let Some(next) = redirect_target(&url, &response).filter(|_| follow) {
            let next = match next {
                Ok(next) => next,
                Err(failure) => return result.fail(failure),
            };
            if info.redirects >= opts.max_redirects {
                let text = say(MessageId::HttpTooManyRedirects)
                    .arg("max", Value::count(opts.max_redirects))
                    .arg(
                        "next",
                        Value::address(target::shown_url(&next, next.host() == start_url.host())),
                    );
                let failure = Failure::new(Cause::HttpTooManyRedirects, text);
                return result.fail(failure);
            }
            info.redirects += 1;
            let status = response.status();
            // The Fetch standard's method rewrite (§4.4 step 12), as browsers do.
            if (status == StatusCode::SEE_OTHER && method != Method::HEAD)
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
            let text = say(MessageId::HttpStatus)
                .arg("status", Value::code(status.as_u16()))
                .arg("reason", Value::code(reason))
                .arg("expected", Value::code(&opts.expect_status));
            let failure = Failure::new(Cause::HttpStatus, text);
            return result.fail(failure);
        }
        let body = read_body(response, opts, deadline, &mut info).await;
        result.http = Some(info);
        if let Err(failure) = body {
            return result.fail(failure);
        }
        return;
    }
}

/// One hop's request, before it knows which HTTP version the connection speaks.
struct Hop<'a> {
    url: &'a Url,
    method: &'a Method,
    headers: &'a [(HeaderName, HeaderValue)],
    basic: Option<HeaderValue>,
    cookies: Option<String>,
}

/// One hop: resolve, connect, handshake, send the request, wait for the response head.
async fn exchange(
    net: &Net<'_>,
    request: &Hop<'_>,
    deadline: Instant,
    hop: &mut Phases,
    result: &mut ProbeResult,
) -> Result<(Response<Incoming>, ConnTask), Failure> {
    let url = request.url;
    let host_text = url.host_str().unwrap_or_default();
    let host = Host::parse(host_text).map_err(|e| {
        let text = say(MessageId::HttpBadHost)
            .arg("host", Value::name(host_text))
            .arg("error", Value::text(e));
        Failure::new(Cause::HttpProtocol, text)
    })?;
    let port = url.port_or_known_default().unwrap_or(80);
    let https = url.scheme() == "https";

    let (stream, addr) = connect::open(net.resolver, &host, port, deadline, hop, result).await?;

    let mut plain_head = None;
    let (io, h2): (Box<dyn Stream>, bool) = if https {
        let started = Instant::now();
        let (outcome, tls) = net
            .tls
            .handshake(stream, &host, &[b"h2", b"http/1.1"], deadline)
            .await;
        hop.tls = Some(started.elapsed());
        let h2 = tls.alpn.as_deref() == Some("h2");
        result.tls = Some(tls);
        (Box::new(outcome?), h2)
    } else {
        let (stream, head) = crate::first_bytes::Recorded::new(stream);
        plain_head = Some(head);
        (Box::new(stream), false)
    };

    let started = Instant::now();
    let request = Outgoing {
        url,
        method: request.method,
        headers: request.headers,
        basic: request.basic.clone(),
        cookies: request.cookies.clone(),
        h2,
    }
    .build()?;
    let io = TokioIo::new(io);
    let sent = async {
        if h2 {
            let (sender, conn) = hyper::client::conn::http2::Builder::new(TokioExecutor::new())
                .max_header_list_size(limits::H2_HEADER_LIST)
                .handshake(io)
                .await?;
            let task = ConnTask(tokio::spawn(async move {
                let _ = conn.await;
            }));
            Ok::<_, hyper::Error>((Sender::H2(sender), task))
        } else {
            let (sender, conn) = limits::http1().handshake(io).await?;
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
            say(MessageId::HttpNoHeaders).arg("addr", Value::address(addr)),
        )),
        // A TLS server answers plain HTTP with a TLS alert (or a handshake record): the
        // parse error would only say "invalid HTTP version".
        Ok(Err(_)) if plain_head.as_ref().and_then(|h| h.protocol()) == Some("TLS") => {
            Err(Failure::new(
                Cause::HttpProtocol,
                say(MessageId::HttpTlsOnPlain).arg("addr", Value::address(addr)),
            ))
        }
        Ok(Err(e)) => Err(Failure::new(Cause::HttpProtocol, limits::describe(&e))),
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

/// The next URL of a redirect, resolved against `url` the way browsers read `Location`
/// (WHATWG URL parsing: relative, scheme-relative, backslashes, spaces and tabs, non-ASCII
/// bytes). `None` when the response is not a redirect or has no `Location` (then it is the
/// answer). Only `http` and `https` targets are followed.
fn redirect_target(url: &Url, response: &Response<Incoming>) -> Option<Result<Url, Failure>> {
    if !matches!(response.status().as_u16(), 301 | 302 | 303 | 307 | 308) {
        return None;
    }
    let location = response.headers().get(LOCATION)?;
    let text = location_text(location.as_bytes());
    let message = match url.join(&text) {
        Ok(next) if matches!(next.scheme(), "http" | "https") && next.host_str().is_some() => {
            return Some(Ok(next));
        }
        Ok(next) if !matches!(next.scheme(), "http" | "https") => {
            say(MessageId::HttpRedirectScheme).arg("scheme", Value::code(next.scheme()))
        }
        _ => say(MessageId::HttpRedirectInvalid)
            .arg("location", Value::Text(text.escape_debug().to_string())),
    };
    Some(Err(Failure::new(Cause::HttpProtocol, message)))
}

/// A `Location` value as text: UTF-8 as is, any other byte above 0x7F percent-encoded (what
/// browsers send on for such bytes), surrounding white space dropped.
fn location_text(bytes: &[u8]) -> String {
    let text = match std::str::from_utf8(bytes) {
        Ok(text) => text.to_owned(),
        Err(_) => bytes
            .iter()
            .map(|&b| {
                if b.is_ascii() {
                    char::from(b).to_string()
                } else {
                    format!("%{b:02X}")
                }
            })
            .collect(),
    };
    text.trim().to_owned()
}

/// Reads the whole body, decoded, up to the cap or the deadline: the keyword is judged on
/// the decoded bytes, and a body that breaks (or cannot be decoded) is a failure even when
/// the keyword was already found.
async fn read_body(
    response: Response<Incoming>,
    opts: &HttpOptions,
    deadline: Instant,
    info: &mut HttpInfo,
) -> Result<(), Failure> {
    let codings = decode::codings(response.headers()).inspect_err(|_| {
        // A coding that cannot be undone is still reported as the server named it.
        let named: Vec<_> = response
            .headers()
            .get_all(hyper::header::CONTENT_ENCODING)
            .iter()
            .map(|v| String::from_utf8_lossy(v.as_bytes()).trim().to_owned())
            .collect();
        info.content_encoding = Some(named.join(", "));
    })?;
    if !codings.is_empty() {
        info.content_encoding = Some(decode::describe(&codings));
    }
    let announced = response
        .headers()
        .get(hyper::header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok()?.trim().parse::<u64>().ok());
    let wire = Arc::new(AtomicU64::new(0));
    let reader: decode::Reader = Box::pin(WireBody::new(response.into_body(), wire.clone()));
    let mut scan = opts
        .body_match
        .as_ref()
        .map(|m| Scan::new(m, opts.body_cap));
    let cap = opts.body_cap as u64;
    let outcome = timeout_at(deadline, async {
        let mut reader = decode::decoder(reader, &codings).await?;
        let mut buf = vec![0; 16 * 1024];
        loop {
            let room = usize::try_from(cap - info.body_bytes).unwrap_or(usize::MAX);
            let want = buf.len().min(room);
            let n = reader.read(&mut buf[..want]).await?;
            if n == 0 {
                return Ok(());
            }
            info.body_bytes += n as u64;
            info.wire_bytes = wire.load(Ordering::Relaxed);
            if let Some(scan) = scan.as_mut() {
                scan.feed(&buf[..n]);
            }
            if info.body_bytes >= cap {
                info.body_truncated = true;
                return Ok(());
            }
        }
    })
    .await;
    info.wire_bytes = wire.load(Ordering::Relaxed);
    match outcome {
        Err(_) => {
            return Err(Failure::new(
                Cause::HttpTimeout,
                sizes(say(MessageId::HttpBodyDeadline), info),
            ));
        }
        // An empty body with a coding (a HEAD answer, a 204) is empty, as browsers take it.
        Ok(Err(_)) if info.wire_bytes == 0 && info.body_bytes == 0 => {}
        Ok(Err(e)) => return Err(body_failure(&e, info, announced)),
        Ok(Ok(())) => {}
    }
    match scan {
        Some(scan) => scan.verdict(info.body_bytes, info.body_truncated),
        None => Ok(()),
    }
}

/// The sizes read so far as message arguments: `84 bytes` or `84 bytes on the wire, 2.1 KiB
/// decoded` once rendered.
fn sizes(message: Message, info: &HttpInfo) -> Message {
    crate::said::sizes(
        message,
        info.wire_bytes,
        info.body_bytes,
        info.content_encoding.is_some(),
    )
}

/// A broken wire (`http_protocol`) or a body its coding cannot undo (`http_content_encoding`).
/// `announced` is the response's Content-Length, if it gave one: a body cut short says how
/// much of it came.
fn body_failure(error: &std::io::Error, info: &HttpInfo, announced: Option<u64>) -> Failure {
    if let Some(wire) = error.get_ref().and_then(|e| e.downcast_ref::<WireError>()) {
        let text = match (wire.cut_short, announced) {
            (true, Some(length)) => say(MessageId::HttpBodyCut)
                .arg("wire", Value::count(info.wire_bytes))
                .arg("length", Value::count(length)),
            (true, None) => sizes(say(MessageId::HttpBodyChunkedCut), info),
            (false, _) => {
                sizes(say(MessageId::HttpBodyBroken), info).arg("detail", Value::text(wire))
            }
        };
        return Failure::new(Cause::HttpProtocol, text);
    }
    let coding = info.content_encoding.as_deref().unwrap_or("encoded");
    let text = if error.kind() == std::io::ErrorKind::UnexpectedEof {
        say(MessageId::HttpEncodingCut)
    } else {
        say(MessageId::HttpEncodingCorrupt).arg("error", Value::text(error))
    };
    Failure::new(
        Cause::HttpContentEncoding,
        sizes(text, info).arg("coding", Value::code(coding)),
    )
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

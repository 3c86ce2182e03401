//! Routes that behave like the ordinary web rather than like a broken server: compressed
//! bodies, Basic authentication, virtual hosts, big header sections, cookies set along a
//! redirect chain, and `Location` values in every form browsers follow.

use std::io::Write as _;

use bytes::Bytes;
use hyper::body::Incoming;
use hyper::header::{
    ACCEPT_ENCODING, AUTHORIZATION, CONTENT_ENCODING, COOKIE, HOST, HeaderName, HeaderValue,
    LOCATION, SET_COOKIE, WWW_AUTHENTICATE,
};
use hyper::{Request, Response, StatusCode};

use crate::reply::{ResBody, text};

/// The page `/compressed` and `/encoded/…` serve (decoded): a keyword in the middle of a few
/// KiB of markup, so that it never appears in the compressed bytes.
pub fn encoded_page() -> String {
    let filler = "<p>lorem ipsum dolor sit amet, consectetur adipiscing elit</p>\n".repeat(40);
    format!("<html><body>\n{filler}<h1>Status: OK</h1>\n{filler}</body></html>\n")
}

/// The size of the decoded body `/bomb/{coding}` sends (zeros).
pub const BOMB_DECODED: usize = 32 * 1024 * 1024;

/// Compresses `data` with one coding (`gzip`, `x-gzip`, `deflate` (zlib), `raw-deflate` (sent
/// as `deflate`), `br`); `None` for a coding this test bed does not make.
fn encode_one(coding: &str, data: &[u8]) -> Option<Vec<u8>> {
    use flate2::Compression;
    let level = Compression::fast();
    let out = match coding {
        "gzip" | "x-gzip" => {
            let mut e = flate2::write::GzEncoder::new(Vec::new(), level);
            e.write_all(data).ok()?;
            e.finish().ok()?
        }
        "deflate" => {
            let mut e = flate2::write::ZlibEncoder::new(Vec::new(), level);
            e.write_all(data).ok()?;
            e.finish().ok()?
        }
        "raw-deflate" => {
            let mut e = flate2::write::DeflateEncoder::new(Vec::new(), level);
            e.write_all(data).ok()?;
            e.finish().ok()?
        }
        "br" => {
            let mut out = Vec::new();
            {
                let mut e = brotli::CompressorWriter::new(&mut out, 4096, 5, 22);
                e.write_all(data).ok()?;
            }
            out
        }
        _ => return None,
    };
    Some(out)
}

/// A response whose body is `data` with `codings` applied in order.
/// A 200 whose body is already gzipped.
fn gzip_body(body: Vec<u8>) -> Response<ResBody> {
    let mut res = text(StatusCode::OK, body);
    res.headers_mut()
        .insert(CONTENT_ENCODING, HeaderValue::from_static("gzip"));
    res
}

fn encoded(codings: &[&str], data: &[u8]) -> Response<ResBody> {
    let mut body = data.to_vec();
    for coding in codings {
        match encode_one(coding, &body) {
            Some(next) => body = next,
            // A coding nobody knows: the bytes are what they are.
            None => body = b"\x28\xb5\x2f\xfd not really zstd".to_vec(),
        }
    }
    let mut res = text(StatusCode::OK, body);
    let names: Vec<&str> = codings
        .iter()
        .map(|c| if *c == "raw-deflate" { "deflate" } else { c })
        .collect();
    if let Ok(value) = HeaderValue::from_str(&names.join(", ")) {
        res.headers_mut().insert(CONTENT_ENCODING, value);
    }
    res
}

fn header_text<'a>(req: &'a Request<Incoming>, name: &HeaderName) -> &'a str {
    req.headers()
        .get(name)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
}

fn redirect_raw(location: &[u8]) -> Response<ResBody> {
    let mut res = text(StatusCode::FOUND, "moved\n");
    if let Ok(value) = HeaderValue::from_bytes(location) {
        res.headers_mut().insert(LOCATION, value);
    }
    res
}

/// Percent-decodes a query value (`+` is not special here).
fn unescape(text: &str) -> Vec<u8> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes.get(i + 1..i + 3).and_then(|h| {
            std::str::from_utf8(h)
                .ok()
                .and_then(|h| u8::from_str_radix(h, 16).ok())
        });
        match (bytes[i], hex) {
            (b'%', Some(b)) => {
                out.push(b);
                i += 3;
            }
            (b, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    out
}

/// The value of query parameter `key`, percent-decoded.
fn query(req: &Request<Incoming>, key: &str) -> Option<Vec<u8>> {
    req.uri().query()?.split('&').find_map(|pair| {
        let (k, v) = pair.split_once('=')?;
        (k == key).then(|| unescape(v))
    })
}

/// The web routes; `None` when the path is not one of them.
///
/// - `/compressed`: [`encoded_page`], compressed with the best coding the request accepts
///   (`br`, then `gzip`, then `deflate`), as is otherwise.
/// - `/encoded/{codings}`: the page with the comma-separated codings applied whatever was
///   asked (`gzip`, `x-gzip`, `deflate`, `raw-deflate`, `br`; anything else sends bytes no
///   decoder knows under that name). `/corrupt/gzip`: a gzip header then garbage.
///   `/truncated/gzip`: the first half of a gzip stream (a complete HTTP body).
///   `/members/gzip`: the page as two gzip members. `/trailing/gzip`: the page gzipped,
///   then a few bytes of padding (NULs and a newline) after the gzip trailer.
/// - `/bomb/{coding}`: [`BOMB_DECODED`] zeros, compressed.
/// - `/basic-auth/{user}/{password}`: 401 unless Basic credentials match, then 200.
/// - `/host`: 400 if `Host`, `User-Agent`, `Accept` or `Accept-Encoding` came twice, else 200
///   `host: {Host or :authority}`.
/// - `/many-headers/{n}`: 200 with `n` `Set-Cookie` and `n` `Link` fields.
///   `/big-header/{kib}`: 200 with one field of that many KiB.
/// - `/cookie-gate`: 302 to itself with `Set-Cookie: sid=42` until the cookie comes back.
///   `/set-cookie?c={cookie}&next={url}`: 302 to `next` setting `c`.
///   `/need-cookie/{name=value}`: 200 if that cookie came, 403 otherwise.
/// - `/location?to={raw}`: 302 with exactly those bytes as `Location`.
///   `/landing…`: 200 `landed at {path}`, for any path under it.
pub(crate) fn route(req: &Request<Incoming>, segments: &[&str]) -> Option<Response<ResBody>> {
    let page = encoded_page();
    let res = match segments {
        ["compressed"] => {
            let accepted = header_text(req, &ACCEPT_ENCODING).to_ascii_lowercase();
            let offers = |c: &str| accepted.split(',').any(|a| a.trim().starts_with(c));
            match ["br", "gzip", "deflate"].into_iter().find(|c| offers(c)) {
                Some(coding) => encoded(&[coding], page.as_bytes()),
                None => text(StatusCode::OK, page),
            }
        }
        ["encoded", codings] => {
            let list: Vec<&str> = codings.split(',').map(str::trim).collect();
            encoded(&list, page.as_bytes())
        }
        ["corrupt", "gzip"] => {
            let mut res = text(
                StatusCode::OK,
                Bytes::from_static(b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03this is not deflate"),
            );
            res.headers_mut()
                .insert(CONTENT_ENCODING, HeaderValue::from_static("gzip"));
            res
        }
        ["members", "gzip"] => {
            let (first, second) = page.as_bytes().split_at(page.len() / 2);
            let mut body = encode_one("gzip", first).unwrap_or_default();
            body.extend(encode_one("gzip", second).unwrap_or_default());
            gzip_body(body)
        }
        ["trailing", "gzip"] => {
            let mut body = encode_one("gzip", page.as_bytes()).unwrap_or_default();
            body.extend_from_slice(b"\0\0\0\0\n");
            gzip_body(body)
        }
        ["truncated", "gzip"] => {
            let full = encode_one("gzip", page.as_bytes()).unwrap_or_default();
            let mut res = text(StatusCode::OK, full[..full.len() / 2].to_vec());
            res.headers_mut()
                .insert(CONTENT_ENCODING, HeaderValue::from_static("gzip"));
            res
        }
        ["bomb", coding] => encoded(&[coding], &vec![0; BOMB_DECODED]),
        ["basic-auth", user, password] => {
            use base64::Engine as _;
            let token =
                base64::engine::general_purpose::STANDARD.encode(format!("{user}:{password}"));
            if header_text(req, &AUTHORIZATION) == format!("Basic {token}") {
                text(StatusCode::OK, format!("authenticated as {user}\n"))
            } else {
                let mut res = text(StatusCode::UNAUTHORIZED, "who are you?\n");
                res.headers_mut().insert(
                    WWW_AUTHENTICATE,
                    HeaderValue::from_static("Basic realm=\"test bed\""),
                );
                res
            }
        }
        ["host"] => {
            let names = [
                HOST,
                hyper::header::USER_AGENT,
                hyper::header::ACCEPT,
                ACCEPT_ENCODING,
            ];
            match names
                .iter()
                .find(|n| req.headers().get_all(*n).iter().count() > 1)
            {
                Some(twice) => text(StatusCode::BAD_REQUEST, format!("two {twice} fields\n")),
                None => {
                    let host = match req.headers().get(HOST) {
                        Some(h) => String::from_utf8_lossy(h.as_bytes()).into_owned(),
                        None => req
                            .uri()
                            .authority()
                            .map(|a| a.to_string())
                            .unwrap_or_default(),
                    };
                    text(StatusCode::OK, format!("host: {host}\n"))
                }
            }
        }
        ["many-headers", n] => {
            let n: usize = n.parse().ok()?;
            let mut res = text(StatusCode::OK, "Status: OK, many headers\n");
            for i in 0..n {
                let cookie = format!("c{i}=v{i}; Path=/; HttpOnly");
                let link = format!("</static/asset-{i}.css>; rel=preload; as=style");
                res.headers_mut()
                    .append(SET_COOKIE, HeaderValue::from_str(&cookie).ok()?);
                res.headers_mut()
                    .append(hyper::header::LINK, HeaderValue::from_str(&link).ok()?);
            }
            res
        }
        ["big-header", kib] => {
            let kib: usize = kib.parse().ok()?;
            let mut res = text(StatusCode::OK, "Status: OK, big header\n");
            let value = HeaderValue::from_str(&"x".repeat(kib * 1024)).ok()?;
            res.headers_mut()
                .insert(HeaderName::from_static("x-big"), value);
            res
        }
        ["cookie-gate"] => {
            if header_text(req, &COOKIE)
                .split(';')
                .any(|c| c.trim() == "sid=42")
            {
                text(StatusCode::OK, "welcome back\n")
            } else {
                let mut res = redirect_raw(b"/cookie-gate");
                res.headers_mut()
                    .insert(SET_COOKIE, HeaderValue::from_static("sid=42"));
                res
            }
        }
        ["set-cookie"] => {
            let mut res = redirect_raw(&query(req, "next")?);
            let cookie = HeaderValue::from_bytes(&query(req, "c")?).ok()?;
            res.headers_mut().insert(SET_COOKIE, cookie);
            res
        }
        ["need-cookie", pair] => {
            let pair = String::from_utf8_lossy(&unescape(pair)).into_owned();
            let cookies = header_text(req, &COOKIE);
            if cookies.split(';').any(|c| c.trim() == pair) {
                text(StatusCode::OK, format!("cookie {pair} received\n"))
            } else {
                text(
                    StatusCode::FORBIDDEN,
                    format!("cookie {pair} missing (got `{cookies}`)\n"),
                )
            }
        }
        ["location"] => redirect_raw(&query(req, "to")?),
        [first, ..] if first.starts_with("landing") => {
            text(StatusCode::OK, format!("landed at {}\n", req.uri()))
        }
        _ => return None,
    };
    Some(res)
}

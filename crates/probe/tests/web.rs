//! HTTP as browsers speak it (issue 7), against the test bed's real servers: decoded bodies,
//! what the user wrote is what is sent, lenient parsing, cookies and `Location` forms along
//! redirects, and a keyword that never hides a broken body.

#![allow(clippy::unwrap_used)]

mod common;

use std::time::Duration;

use common::{Env, assert_down, env};
use downwatch_probe::{BodyMatch, Check, HeaderName, HeaderValue, Method, ProbeResult, Status};

fn header(name: &str, value: &str) -> (HeaderName, HeaderValue) {
    (
        HeaderName::from_bytes(name.as_bytes()).unwrap(),
        HeaderValue::from_bytes(value.as_bytes()).unwrap(),
    )
}

/// Runs `target` with a keyword (if any) and extra headers.
async fn run(
    env: &Env,
    target: &str,
    keyword: Option<&str>,
    headers: &[(&str, &str)],
) -> ProbeResult {
    env.run_with(target, Duration::from_secs(5), |c: &mut Check| {
        c.http.body_match = keyword.map(BodyMatch::keyword);
        c.http.headers = headers.iter().map(|(n, v)| header(n, v)).collect();
    })
    .await
}

fn assert_up(r: &ProbeResult) {
    assert_eq!(r.status, Status::Up, "{r:?}");
}

#[tokio::test]
async fn keywords_are_found_in_the_decoded_body_whatever_the_coding() {
    let env = env().await;
    let http = format!("http://ok.test:{}", env.bed.http.addr().port());
    let https = format!("https://ok.test:{}", env.bed.https_valid.addr().port());
    let page = downwatch_testbed::encoded_page().len() as u64;
    // The issue's input: the user asks for gzip, the server gzips, the keyword is in the page.
    for (base, asked, coding) in [
        (&http, "gzip", Some("gzip")),
        (&https, "gzip", Some("gzip")),
        (&http, "deflate", Some("deflate")),
        (&http, "identity", None),
    ] {
        let r = run(
            &env,
            &format!("{base}/compressed"),
            Some("Status: OK"),
            &[("Accept-Encoding", asked)],
        )
        .await;
        assert_up(&r);
        let h = r.http.unwrap();
        assert_eq!(h.content_encoding.as_deref(), coding, "{base} {asked}");
        assert_eq!(h.body_bytes, page);
        assert!(coding.is_none() || h.wire_bytes < page / 4, "{h:?}");
    }
    // By default the probe asks as browsers do, and gets the server's favourite (br).
    let r = run(&env, &format!("{http}/compressed"), Some("Status: OK"), &[]).await;
    assert_up(&r);
    assert_eq!(r.http.unwrap().content_encoding.as_deref(), Some("br"));
    // Every coding, and stacks of them, sent whatever was asked.
    for codings in [
        "gzip",
        "x-gzip",
        "deflate",
        "raw-deflate",
        "br",
        "gzip,br",
        "br,deflate,gzip",
    ] {
        let r = run(
            &env,
            &format!("{https}/encoded/{codings}"),
            Some("Status: OK"),
            &[],
        )
        .await;
        assert_up(&r);
        assert_eq!(r.http.unwrap().body_bytes, page, "{codings}");
    }
    // Several gzip members are one body; padding after the last member is ignored, as
    // Chromium and curl ignore it, and not a corrupt header.
    for route in ["members/gzip", "trailing/gzip"] {
        let r = run(&env, &format!("{http}/{route}"), Some("Status: OK"), &[]).await;
        assert_up(&r);
        assert_eq!(r.http.unwrap().body_bytes, page, "{route}");
    }
    // A HEAD answer carries the coding but no body.
    let r = env
        .run_with(
            &format!("{http}/encoded/gzip"),
            Duration::from_secs(5),
            |c| {
                c.http.method = Method::HEAD;
            },
        )
        .await;
    assert_up(&r);
}

#[tokio::test]
async fn bodies_that_cannot_be_decoded_are_named_with_or_without_a_keyword() {
    let env = env().await;
    let http = format!("http://ok.test:{}", env.bed.http.addr().port());
    for keyword in [None, Some("Status: OK")] {
        let r = run(&env, &format!("{http}/encoded/zstd"), keyword, &[]).await;
        assert_down(
            &r,
            "http_content_encoding",
            "encoded with `zstd`, which Downwatch cannot decode",
        );
        let named = r.http.as_ref().and_then(|h| h.content_encoding.as_deref());
        assert_eq!(
            named,
            Some("zstd"),
            "the coding is reported as the server named it"
        );
        let r = run(&env, &format!("{http}/corrupt/gzip"), keyword, &[]).await;
        assert_down(&r, "http_content_encoding", "the gzip body is corrupt");
        let r = run(&env, &format!("{http}/truncated/gzip"), keyword, &[]).await;
        assert_down(
            &r,
            "http_content_encoding",
            "ends before its compressed data does",
        );
        let r = run(
            &env,
            &format!("{http}/encoded/gzip,gzip,gzip,gzip,gzip,gzip"),
            keyword,
            &[],
        )
        .await;
        assert_down(&r, "http_content_encoding", "encoded 6 times over");
    }
}

#[tokio::test]
async fn a_decompression_bomb_ends_at_the_cap() {
    let env = env().await;
    let http = format!("http://ok.test:{}", env.bed.http.addr().port());
    for coding in ["gzip", "br"] {
        let target = format!("{http}/bomb/{coding}");
        let r = run(&env, &target, Some("needle"), &[]).await;
        assert_down(
            &r,
            "http_keyword",
            "not found in the first 1.0 MiB of the body (the body cap)",
        );
        let h = r.http.unwrap();
        assert!(h.body_truncated && h.body_bytes == 1024 * 1024, "{h:?}");
        assert!(
            h.wire_bytes < 256 * 1024,
            "read far more than needed: {h:?}"
        );
        let r = run(&env, &target, None, &[]).await;
        assert_up(&r);
        assert!(r.http.unwrap().body_truncated);
    }
}

#[tokio::test]
async fn url_credentials_are_sent_as_basic_auth_to_their_origin_only() {
    let env = env().await;
    let port = env.bed.http.addr().port();
    let r = run(
        &env,
        &format!("http://monitor:s3cret@127.0.0.1:{port}/basic-auth/monitor/s3cret"),
        Some("authenticated as monitor"),
        &[],
    )
    .await;
    assert_up(&r);
    let shown = r.http.unwrap().final_url.unwrap();
    assert!(
        !shown.contains("monitor:s3cret") && shown.contains("monitor:***@"),
        "{shown}"
    );
    // Percent-encoded characters are decoded first (the password is `p@ss:w`).
    let r = run(
        &env,
        &format!("http://u:p%40ss%3Aw@127.0.0.1:{port}/basic-auth/u/p@ss:w"),
        None,
        &[],
    )
    .await;
    assert_up(&r);
    let r = run(
        &env,
        &format!("http://monitor:wrong@127.0.0.1:{port}/basic-auth/monitor/s3cret"),
        None,
        &[],
    )
    .await;
    assert_down(&r, "http_status", "401");
    // Kept on a redirect within the origin, never sent to another one.
    let same = format!(
        "http://monitor:s3cret@127.0.0.1:{port}/location?to=%2Fbasic-auth%2Fmonitor%2Fs3cret"
    );
    assert_up(&run(&env, &same, None, &[]).await);
    let other = format!(
        "http://monitor:s3cret@ok.test:{port}/goto/127.0.0.1:{port}/basic-auth/monitor/s3cret"
    );
    assert_down(&run(&env, &other, None, &[]).await, "http_status", "401");
}

#[tokio::test]
async fn user_headers_replace_the_probes_own() {
    let env = env().await;
    let http = env.bed.http.addr();
    let own = [
        ("Host", "site.test"),
        ("User-Agent", "curl/8"),
        ("Accept", "text/html"),
        ("Accept-Encoding", "identity"),
    ];
    let r = run(
        &env,
        &format!("http://{http}/host"),
        Some("host: site.test"),
        &own,
    )
    .await;
    assert_up(&r);
    // On HTTP/2 the Host becomes `:authority`; TLS still checks the URL's host.
    let https = env.bed.https_valid.addr();
    let r = run(
        &env,
        &format!("https://{https}/host"),
        Some("host: site.test"),
        &own,
    )
    .await;
    assert_up(&r);
    assert_eq!(r.http.unwrap().version.as_deref(), Some("HTTP/2"));
    let h1 = env.bed.https_h1.addr();
    let r = run(
        &env,
        &format!("https://{h1}/host"),
        Some("host: site.test"),
        &own[..1],
    )
    .await;
    assert_up(&r);
    // Without a Host of the user's, the URL's.
    let r = run(
        &env,
        &format!("http://{http}/host"),
        Some(&format!("host: {http}")),
        &[],
    )
    .await;
    assert_up(&r);
}

#[tokio::test]
async fn big_and_odd_response_heads_are_read_as_browsers_read_them() {
    let env = env().await;
    let http = format!("http://ok.test:{}", env.bed.http.addr().port());
    let https = format!("https://ok.test:{}", env.bed.https_valid.addr().port());
    let h1 = format!("https://ok.test:{}", env.bed.https_h1.addr().port());
    // The issue's input: 60 Set-Cookie and 60 Link fields.
    for base in [&http, &https, &h1] {
        let r = run(
            &env,
            &format!("{base}/many-headers/60"),
            Some("Status: OK"),
            &[],
        )
        .await;
        assert_up(&r);
        let r = run(
            &env,
            &format!("{base}/big-header/100"),
            Some("Status: OK"),
            &[],
        )
        .await;
        assert_up(&r);
    }
    let raw = env.bed.raw.addr();
    let r = run(
        &env,
        &format!("http://{raw}/lenient-head"),
        Some("Status: OK"),
        &[],
    )
    .await;
    assert_up(&r);
    // Over a real limit, the message names it and its value.
    let r = run(&env, &format!("{http}/many-headers/2100"), None, &[]).await;
    assert_down(&r, "http_protocol", "4096 header fields");
    for base in [&http, &https, &h1] {
        let r = run(&env, &format!("{base}/big-header/300"), None, &[]).await;
        assert_down(&r, "http_protocol", "limit");
        assert_down(&r, "http_protocol", "256 KiB");
    }
}

#[tokio::test]
async fn cookies_set_along_the_redirect_chain_are_sent_on_later_hops() {
    let env = env().await;
    let port = env.bed.http.addr().port();
    let base = format!("http://ok.test:{port}");
    // The issue's input: a 302 to itself with a cookie, 200 once the cookie comes back.
    let r = run(
        &env,
        &format!("{base}/cookie-gate"),
        Some("welcome back"),
        &[],
    )
    .await;
    assert_up(&r);
    assert_eq!(r.http.unwrap().redirects, 1);
    let chain = |cookie: &str, next: &str| {
        format!(
            "{base}/set-cookie?c={}&next={}",
            escape(cookie.as_bytes()),
            escape(next.as_bytes())
        )
    };
    let up = [
        ("sid=42; Path=/", "/need-cookie/sid=42".to_owned()),
        (
            "sid=42; Path=/need-cookie",
            "/need-cookie/sid=42".to_owned(),
        ),
        (
            "sid=42; Domain=ok.test",
            format!("http://www.ok.test:{port}/need-cookie/sid=42"),
        ),
        (
            "sid=42; Domain=.OK.test; Path=/",
            format!("http://www.ok.test:{port}/need-cookie/sid=42"),
        ),
    ];
    for (cookie, next) in up {
        let r = run(&env, &chain(cookie, &next), None, &[]).await;
        assert_eq!(r.status, Status::Up, "{cookie} then {next}: {r:?}");
    }
    let refused = [
        // Host-only: not for another host.
        (
            "sid=42; Path=/",
            format!("http://www.ok.test:{port}/need-cookie/sid=42"),
        ),
        // A public suffix as Domain is refused.
        (
            "sid=42; Domain=test; Path=/",
            format!("http://www.ok.test:{port}/need-cookie/sid=42"),
        ),
        // Another path.
        ("sid=42; Path=/admin", "/need-cookie/sid=42".to_owned()),
        // Secure cookies never travel over plain HTTP.
        ("sid=42; Secure; Path=/", "/need-cookie/sid=42".to_owned()),
        // Already expired.
        (
            "sid=42; Path=/; Max-Age=0",
            "/need-cookie/sid=42".to_owned(),
        ),
    ];
    for (cookie, next) in refused {
        let r = run(&env, &chain(cookie, &next), None, &[]).await;
        assert_down(&r, "http_status", "403");
    }
    // The user's own Cookie header and the chain's are sent together.
    let r = run(
        &env,
        &chain("sid=42; Path=/", "/need-cookie/mine=1"),
        None,
        &[("Cookie", "mine=1")],
    )
    .await;
    assert_up(&r);
}

/// `%XX` for every byte but letters and digits.
fn escape(bytes: &[u8]) -> String {
    bytes
        .iter()
        .map(|&b| {
            if b.is_ascii_alphanumeric() {
                char::from(b).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

#[tokio::test]
async fn location_is_followed_in_every_form_browsers_accept() {
    let env = env().await;
    let port = env.bed.http.addr().port();
    let base = format!("http://ok.test:{port}");
    let cases: Vec<(Vec<u8>, &str)> = vec![
        (b"/landing/abs".to_vec(), "/landing/abs"),
        (b"landing/rel".to_vec(), "/landing/rel"),
        (
            format!("//ok.test:{port}/landing/scheme-relative").into_bytes(),
            "/landing/scheme-relative",
        ),
        (
            format!("HTTP://OK.TEST:{port}/landing/upper").into_bytes(),
            "/landing/upper",
        ),
        (b"\\landing\\backslash".to_vec(), "/landing/backslash"),
        (b"/landing/a b".to_vec(), "/landing/a%20b"),
        (b"/landing/tab\there".to_vec(), "/landing/tabhere"),
        (b"/landing/caf\xc3\xa9".to_vec(), "/landing/caf%C3%A9"),
        (b"/landing/caf\xe9".to_vec(), "/landing/caf%E9"),
        (b"/landing/q?x=1#frag".to_vec(), "/landing/q?x=1"),
        (b"./landing/dot/../dotdot".to_vec(), "/landing/dotdot"),
    ];
    for (location, landed) in cases {
        let target = format!("{base}/location?to={}", escape(&location));
        let r = run(&env, &target, Some(&format!("landed at {landed}\n")), &[]).await;
        assert_eq!(
            r.status,
            Status::Up,
            "{}: {r:?}",
            String::from_utf8_lossy(&location)
        );
        assert_eq!(r.http.unwrap().redirects, 1);
    }
    for (bad, said) in [
        (
            "ftp://ok.test/file",
            "redirect to scheme `ftp`, which Downwatch does not follow",
        ),
        ("http://[::1", "redirect to an invalid location"),
    ] {
        let r = run(
            &env,
            &format!("{base}/location?to={}", escape(bad.as_bytes())),
            None,
            &[],
        )
        .await;
        assert_down(&r, "http_protocol", said);
    }
}

#[tokio::test]
async fn a_found_keyword_never_hides_a_broken_body() {
    let env = env().await;
    let raw = env.bed.raw.addr();
    // The issue's input: Content-Length 5000, 99 bytes holding the keyword, then a close.
    for keyword in [None, Some("Status: OK")] {
        let r = run(&env, &format!("http://{raw}/short-body"), keyword, &[]).await;
        assert_down(
            &r,
            "http_protocol",
            "closed the connection after sending 99 of the 5000 body bytes it announced",
        );
        // The same with a chunked body: no last chunk.
        let r = run(&env, &format!("http://{raw}/cut-chunked"), keyword, &[]).await;
        assert_down(
            &r,
            "http_protocol",
            "closed the connection in the middle of the chunked body",
        );
    }
    // An endless body with the keyword in its first bytes: read to the cap, up.
    let http = format!("http://ok.test:{}", env.bed.http.addr().port());
    let r = run(&env, &format!("{http}/endless"), Some("eee"), &[]).await;
    assert_up(&r);
    assert!(r.http.unwrap().body_truncated);
    // A body that drips forever: the deadline ends it, keyword found or not.
    for keyword in [None, Some(".")] {
        let r = env
            .run_with(&format!("{http}/drip"), Duration::from_secs(2), |c| {
                c.http.body_match = keyword.map(BodyMatch::keyword);
            })
            .await;
        assert_down(&r, "http_timeout", "body still incomplete at the deadline");
    }
}

//! The request one hop sends: the probe's own headers (those a browser or curl sends), each
//! replaced by a header of the same name the user gave, never sent twice (RFC 9110 §5.3), or
//! removed by one with an empty value (as in curl); a `Host` given twice is sent once, the
//! first (RFC 9112 §3.2);
//! credentials from the URL as Basic authentication (RFC 7617); the cookies of the chain.

use base64::Engine as _;
use bytes::Bytes;
use http_body_util::Empty;
use hyper::header::{
    ACCEPT, ACCEPT_ENCODING, AUTHORIZATION, COOKIE, HOST, HeaderName, HeaderValue, USER_AGENT,
};
use hyper::{Method, Request};
use percent_encoding::percent_decode_str;
use url::Url;

use crate::outcome::{Cause, Failure};

/// Headers HTTP/2 forbids (RFC 9113 §8.2.2): the probe leaves them out there, as curl does.
const H1_ONLY: &[&str] = &[
    "connection",
    "keep-alive",
    "proxy-connection",
    "transfer-encoding",
    "upgrade",
];

/// What one hop's request is made of.
pub(crate) struct Outgoing<'a> {
    /// The hop's URL (its userinfo is never sent as such).
    pub url: &'a Url,
    /// The method.
    pub method: &'a Method,
    /// The user's headers, in their order.
    pub headers: &'a [(HeaderName, HeaderValue)],
    /// `Authorization: Basic …` built from a URL's userinfo, when it applies to this hop.
    pub basic: Option<HeaderValue>,
    /// The cookie jar's `Cookie` value for this hop.
    pub cookies: Option<String>,
    /// Whether the connection speaks HTTP/2.
    pub h2: bool,
}

/// `Authorization: Basic` for the user name and password of `url` (percent-decoded), marked
/// sensitive; `None` when the URL carries no credentials.
pub(crate) fn basic_auth(url: &Url) -> Option<HeaderValue> {
    if url.username().is_empty() && url.password().is_none() {
        return None;
    }
    let mut raw: Vec<u8> = percent_decode_str(url.username()).collect();
    raw.push(b':');
    raw.extend(percent_decode_str(url.password().unwrap_or_default()));
    let token = base64::engine::general_purpose::STANDARD.encode(raw);
    let mut value = HeaderValue::from_str(&format!("Basic {token}")).ok()?;
    value.set_sensitive(true);
    Some(value)
}

impl Outgoing<'_> {
    /// Builds the request; a user header that cannot be sent (a `Host` that is not a valid
    /// authority, on HTTP/2) is a failure that says so.
    pub(crate) fn build(&self) -> Result<Request<Empty<Bytes>>, Failure> {
        let bad = |what: String| {
            let text = crate::said::say(crate::MessageId::HttpRequestInvalid)
                .arg("error", downwatch_text::Value::Text(what));
            Failure::new(Cause::HttpProtocol, text)
        };
        let user_sets = |name: &HeaderName| self.headers.iter().any(|(n, _)| n == name);
        let url_authority = match self.url.port() {
            Some(port) => format!("{}:{port}", self.url.host_str().unwrap_or_default()),
            None => self.url.host_str().unwrap_or_default().to_owned(),
        };
        let host_override = self
            .headers
            .iter()
            .find(|(n, _)| n == HOST)
            .map(|(_, v)| String::from_utf8_lossy(v.as_bytes()).into_owned());
        let mut path = self.url.path().to_owned();
        if let Some(q) = self.url.query() {
            path.push('?');
            path.push_str(q);
        }
        // HTTP/2 carries the host in `:authority`, taken from the URI: a `Host` the user gave
        // goes there (as curl does). The TLS name stays the URL's.
        let uri = if self.h2 {
            let authority = host_override.as_deref().unwrap_or(&url_authority);
            format!("{}://{authority}{path}", self.url.scheme())
        } else {
            path
        };
        let mut builder = Request::builder().method(self.method.clone()).uri(uri);
        let mut defaults: Vec<(HeaderName, HeaderValue)> = vec![
            (USER_AGENT, HeaderValue::from_static(crate::USER_AGENT)),
            (ACCEPT, HeaderValue::from_static("*/*")),
            (
                ACCEPT_ENCODING,
                HeaderValue::from_static(crate::decode::ACCEPT_ENCODING),
            ),
        ];
        if !self.h2 {
            let host = HeaderValue::from_str(&url_authority).map_err(|e| bad(e.to_string()))?;
            defaults.insert(0, (HOST, host));
        }
        if let Some(basic) = &self.basic {
            defaults.push((AUTHORIZATION, basic.clone()));
        }
        let user_cookie = self.headers.iter().find(|(n, _)| n == COOKIE);
        if let (Some(jar), None) = (&self.cookies, user_cookie) {
            let value = HeaderValue::from_str(jar).map_err(|e| bad(e.to_string()))?;
            defaults.push((COOKIE, value));
        }
        for (name, value) in defaults {
            if !user_sets(&name) {
                builder = builder.header(name, value);
            }
        }
        let mut host_sent = false;
        for (name, value) in self.headers {
            // `Name:` with nothing after it removes the probe's own and sends nothing (curl's
            // rule for `-H 'User-Agent:'`).
            if value.is_empty() || (self.h2 && (name == HOST || H1_ONLY.contains(&name.as_str()))) {
                continue;
            }
            // A request carries exactly one Host, and a server must answer 400 to more (RFC
            // 9112 §3.2): the first the user gave is sent, as on HTTP/2, where it becomes
            // `:authority`.
            if name == HOST {
                if host_sent {
                    continue;
                }
                host_sent = true;
            }
            if name == COOKIE {
                // The user's cookies first, then those the chain set (one field, RFC 6265 §5.4).
                if let Some(jar) = &self.cookies {
                    let both = format!("{}; {jar}", String::from_utf8_lossy(value.as_bytes()));
                    let mut joined =
                        HeaderValue::from_str(&both).map_err(|e| bad(e.to_string()))?;
                    joined.set_sensitive(value.is_sensitive());
                    builder = builder.header(COOKIE, joined);
                    continue;
                }
            }
            builder = builder.header(name, value);
        }
        builder.body(Empty::new()).map_err(|e| bad(e.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn url(text: &str) -> Url {
        Url::parse(text).unwrap_or_else(|e| panic!("{text}: {e}"))
    }

    #[test]
    fn userinfo_becomes_basic_auth() {
        let value = basic_auth(&url("http://monitor:s3cret@h.test/")).unwrap_or_else(|| panic!());
        assert_eq!(value.to_str().ok(), Some("Basic bW9uaXRvcjpzM2NyZXQ="));
        assert!(value.is_sensitive());
        // Percent-encoded characters are sent decoded (`p@ss:w`).
        let value = basic_auth(&url("http://u:p%40ss%3Aw@h.test/")).unwrap_or_else(|| panic!());
        assert_eq!(value.to_str().ok(), Some("Basic dTpwQHNzOnc="));
        assert!(basic_auth(&url("http://h.test/")).is_none());
    }

    #[test]
    fn user_headers_replace_defaults_and_host_becomes_authority_on_h2() {
        let headers = vec![
            (HOST, HeaderValue::from_static("site.test")),
            (USER_AGENT, HeaderValue::from_static("mine")),
            (ACCEPT_ENCODING, HeaderValue::from_static("identity")),
        ];
        let u = url("https://u:p@127.0.0.1:8443/a?b=1");
        let mut out = Outgoing {
            url: &u,
            method: &Method::GET,
            headers: &headers,
            basic: basic_auth(&u),
            cookies: Some("sid=42".into()),
            h2: false,
        };
        let req = out.build().unwrap_or_else(|e| panic!("{e:?}"));
        assert_eq!(req.uri(), "/a?b=1");
        for (name, want) in [
            (HOST, "site.test"),
            (USER_AGENT, "mine"),
            (ACCEPT_ENCODING, "identity"),
            (ACCEPT, "*/*"),
            (COOKIE, "sid=42"),
        ] {
            let all: Vec<_> = req.headers().get_all(&name).iter().collect();
            assert_eq!(all.len(), 1, "{name} sent {} times", all.len());
            assert_eq!(all[0], want, "{name}");
        }
        assert!(req.headers().get(AUTHORIZATION).is_some());
        out.h2 = true;
        let req = out.build().unwrap_or_else(|e| panic!("{e:?}"));
        assert_eq!(req.uri(), "https://site.test/a?b=1");
        assert!(req.headers().get(HOST).is_none());
        // Host given twice: the first is sent, once, on both protocols.
        let twice = vec![
            (HOST, HeaderValue::from_static("a.test")),
            (HOST, HeaderValue::from_static("b.test")),
        ];
        out.headers = &twice;
        let req = out.build().unwrap_or_else(|e| panic!("{e:?}"));
        assert_eq!(req.uri(), "https://a.test/a?b=1");
        out.h2 = false;
        let req = out.build().unwrap_or_else(|e| panic!("{e:?}"));
        let hosts: Vec<_> = req.headers().get_all(HOST).iter().collect();
        assert_eq!(hosts, ["a.test"]);
        out.h2 = true;
        // An empty value removes the probe's own header.
        let removing = vec![(ACCEPT, HeaderValue::from_static(""))];
        out.headers = &removing;
        let req = out.build().unwrap_or_else(|e| panic!("{e:?}"));
        assert!(req.headers().get(ACCEPT).is_none());
        assert!(req.headers().get(USER_AGENT).is_some());
    }
}

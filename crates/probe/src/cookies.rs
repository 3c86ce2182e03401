//! Cookies along one probe's redirect chain, as a browser keeps them while it follows a login
//! or consent redirect: set by one hop, sent on the later ones, forgotten when the probe ends.
//! The rules (domain, path, secure, expiry: RFC 6265 §5) are the `cookie_store` crate's; the
//! public-suffix rule (§5.3 step 5) uses the `psl` crate's built-in list.

use cookie_store::{CookieStore, RawCookie};
use hyper::HeaderMap;
use hyper::header::SET_COOKIE;
use url::Url;

/// One probe's cookie jar, in memory only.
#[derive(Debug, Default)]
pub(crate) struct Jar {
    store: CookieStore,
}

impl Jar {
    /// Keeps the cookies `headers` set for `url`. A cookie the rules refuse (another domain,
    /// a public suffix, `Secure` over plain HTTP) is dropped, as a browser drops it; so is one
    /// that is not UTF-8, rather than sending back, mended, a cookie the server never set.
    pub(crate) fn store(&mut self, url: &Url, headers: &HeaderMap) {
        for value in headers.get_all(SET_COOKIE) {
            let Ok(text) = std::str::from_utf8(value.as_bytes()) else {
                continue;
            };
            let Ok(cookie) = RawCookie::parse(text.to_owned()) else {
                continue;
            };
            if domain_is_public_suffix(&cookie, url) {
                continue;
            }
            let _ = self.store.insert_raw(&cookie, url);
        }
    }

    /// The `Cookie` header value for a request to `url`, if any cookie applies: longer paths
    /// first (RFC 6265 §5.4), then by name, so the same jar always gives the same header.
    pub(crate) fn header(&self, url: &Url) -> Option<String> {
        let mut cookies = self.store.matches(url);
        cookies.sort_by(|a, b| {
            let len = |c: &cookie_store::Cookie<'_>| c.path.as_ref().len();
            len(b).cmp(&len(a)).then_with(|| a.name().cmp(b.name()))
        });
        let pairs: Vec<String> = cookies
            .iter()
            .map(|c| format!("{}={}", c.name(), c.value()))
            .collect();
        (!pairs.is_empty()).then(|| pairs.join("; "))
    }
}

/// RFC 6265 §5.3 step 5: a `Domain` attribute naming a public suffix (`com`, `co.uk`) is
/// refused unless it is the request's host itself (then it is a host-only cookie).
fn domain_is_public_suffix(cookie: &RawCookie<'_>, url: &Url) -> bool {
    let Some(domain) = cookie.domain() else {
        return false;
    };
    let domain = domain.trim_start_matches('.').to_ascii_lowercase();
    let is_suffix =
        psl::suffix(domain.as_bytes()).is_some_and(|s| s.as_bytes() == domain.as_bytes());
    is_suffix && url.host_str() != Some(domain.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;
    use hyper::header::HeaderValue;

    fn set(values: &[&str]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for v in values {
            map.append(
                SET_COOKIE,
                HeaderValue::from_str(v).unwrap_or_else(|_| HeaderValue::from_static("x")),
            );
        }
        map
    }

    fn url(text: &str) -> Url {
        Url::parse(text).unwrap_or_else(|_| {
            Url::parse("http://invalid.test/").unwrap_or_else(|_| unreachable!())
        })
    }

    #[test]
    fn cookies_follow_domain_path_and_secure_rules() {
        let mut jar = Jar::default();
        jar.store(
            &url("http://a.shop.test/login"),
            &set(&[
                "sid=42; Path=/",
                "wide=1; Domain=shop.test; Path=/",
                "admin=1; Path=/admin",
                "sec=1; Secure; Path=/",
                "tld=1; Domain=test; Path=/",
                "gone=1; Path=/; Max-Age=0",
            ]),
        );
        assert_eq!(
            jar.header(&url("http://a.shop.test/")).as_deref(),
            Some("sid=42; wide=1")
        );
        assert_eq!(
            jar.header(&url("http://a.shop.test/admin/x")).as_deref(),
            Some("admin=1; sid=42; wide=1")
        );
        assert_eq!(
            jar.header(&url("http://b.shop.test/")).as_deref(),
            Some("wide=1")
        );
        assert_eq!(jar.header(&url("http://other.test/")), None);
    }

    #[test]
    fn a_cookie_that_is_not_utf8_is_dropped_not_mended() {
        let mut jar = Jar::default();
        let mut headers = set(&["ok=1; Path=/"]);
        let bad =
            HeaderValue::from_bytes(b"bad\xff=\xfe; Path=/").unwrap_or_else(|e| panic!("{e}"));
        headers.append(SET_COOKIE, bad);
        jar.store(&url("http://shop.test/"), &headers);
        assert_eq!(
            jar.header(&url("http://shop.test/")).as_deref(),
            Some("ok=1")
        );
    }
}

//! Request options as people write them (method, header names and values): one parser, with
//! one message per mistake, for the command line and the configuration file.

use hyper::Method;
use hyper::header::{HeaderName, HeaderValue};

/// `GET`, `head`, `POST`...
pub fn parse_method(text: &str) -> Result<Method, String> {
    Method::from_bytes(text.trim().to_ascii_uppercase().as_bytes())
        .map_err(|_| format!("`{text}` is not an HTTP method"))
}

/// A header name (`Authorization`, `X-Api-Key`).
pub fn parse_header_name(text: &str) -> Result<HeaderName, String> {
    HeaderName::from_bytes(text.trim().as_bytes())
        .map_err(|_| format!("`{}` is not a valid header name", text.trim()))
}

/// The value of header `name`.
pub fn parse_header_value(name: &HeaderName, text: &str) -> Result<HeaderValue, String> {
    HeaderValue::from_str(text.trim())
        .map_err(|_| format!("the value of header `{name}` has invalid characters"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_message_per_mistake() {
        assert_eq!(parse_method(" post ").unwrap(), Method::POST);
        assert!(
            parse_method("GE T")
                .unwrap_err()
                .contains("is not an HTTP method")
        );
        let name = parse_header_name("X-Api").unwrap();
        assert!(
            parse_header_name("Bad Header")
                .unwrap_err()
                .contains("not a valid header name")
        );
        assert!(
            parse_header_value(&name, "a\nb")
                .unwrap_err()
                .contains("`x-api` has invalid")
        );
    }
}

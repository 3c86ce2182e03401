//! Request options as people write them (method, header names and values): one parser, with
//! one message per mistake, for the command line and the configuration file.

use hyper::Method;
use hyper::header::{HeaderName, HeaderValue};

use crate::ValueError;

/// `GET`, `head`, `POST`...
///
/// # Errors
/// [`ValueError::Method`].
pub fn parse_method(text: &str) -> Result<Method, ValueError> {
    Method::from_bytes(text.trim().to_ascii_uppercase().as_bytes()).map_err(|_| {
        ValueError::Method {
            text: text.to_owned(),
        }
    })
}

/// A header name (`Authorization`, `X-Api-Key`).
///
/// # Errors
/// [`ValueError::HeaderName`].
pub fn parse_header_name(text: &str) -> Result<HeaderName, ValueError> {
    HeaderName::from_bytes(text.trim().as_bytes()).map_err(|_| ValueError::HeaderName {
        text: text.trim().to_owned(),
    })
}

/// The value of header `name`.
///
/// # Errors
/// [`ValueError::HeaderValue`] (naming the header, not the value, which may be secret).
pub fn parse_header_value(name: &HeaderName, text: &str) -> Result<HeaderValue, ValueError> {
    HeaderValue::from_str(text.trim()).map_err(|_| ValueError::HeaderValue {
        name: name.to_string(),
    })
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
                .to_string()
                .contains("is not an HTTP method")
        );
        let name = parse_header_name("X-Api").unwrap();
        assert!(
            parse_header_name("Bad Header")
                .unwrap_err()
                .to_string()
                .contains("not a valid header name")
        );
        assert!(
            parse_header_value(&name, "a\nb")
                .unwrap_err()
                .to_string()
                .contains("`x-api` has invalid")
        );
    }
}

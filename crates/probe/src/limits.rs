//! How much of a response head the probe accepts: at least what browsers accept (Chromium
//! takes a head of up to 256 KiB whatever its number of fields), so a page that works in a
//! browser never fails here on its size; and, when a real limit is hit, a message naming it
//! (hyper's errors are put in words here for the HTTP probe and the body decoder alike).

use downwatch_text::{Message, Value};
use hyper::client::conn::http1;

use crate::said::{MessageId, say};

/// Largest HTTP/1 response head, status line included (Chromium's limit).
pub(crate) const HEAD_SIZE: usize = 256 * 1024;
/// Most header fields in one HTTP/1 response head. hyper allocates room for this many at
/// every parse, so it is not unbounded; real pages stay far below it.
pub(crate) const HEAD_FIELDS: usize = 4096;
/// Largest HTTP/2 header list the probe announces (`SETTINGS_MAX_HEADER_LIST_SIZE`).
pub(crate) const H2_HEADER_LIST: u32 = 256 * 1024;

/// The HTTP/1 client: the limits above, and lenient where a browser is lenient about fields
/// the probe never reads (white space before a colon, folded lines, a malformed line).
pub(crate) fn http1() -> http1::Builder {
    let mut builder = http1::Builder::new();
    builder
        .max_headers(HEAD_FIELDS)
        .max_header_size(HEAD_SIZE)
        // The read buffer must hold the whole head.
        .max_buf_size(HEAD_SIZE + 64 * 1024)
        .allow_spaces_after_header_name_in_responses(true)
        .allow_obsolete_multiline_headers_in_responses(true)
        .ignore_invalid_headers_in_responses(true);
    builder
}

/// A hyper error as a message; a head over a limit says which limits and their values.
pub(crate) fn describe(error: &hyper::Error) -> Message {
    let text = describe_hyper_error(error);
    let kib = |n: usize| Value::count(n / 1024);
    if text.contains("message head is too large") {
        // hyper reports both limits with the same error, so both are named.
        return say(MessageId::HttpHeadTooLarge)
            .arg("kib", kib(HEAD_SIZE))
            .arg("fields", Value::count(HEAD_FIELDS))
            .arg("detail", Value::Text(text));
    }
    // h2 refuses a header list over the announced size with a locally detected stream
    // PROTOCOL_ERROR, the same error as a malformed header block, so both are said.
    if text.contains("stream error detected") && text.contains("protocol error") {
        return say(MessageId::HttpH2HeadersRefused)
            .arg("kib", kib(H2_HEADER_LIST as usize))
            .arg("detail", Value::Text(text));
    }
    if error.is_incomplete_message() {
        return say(MessageId::HttpClosedEarly).arg("detail", Value::Text(text));
    }
    say(MessageId::HttpBroken).arg("detail", Value::Text(text))
}

/// hyper's errors, with their cause chain, in one line.
pub(crate) fn describe_hyper_error(error: &hyper::Error) -> String {
    let mut text = error.to_string();
    let mut source = std::error::Error::source(error);
    while let Some(inner) = source {
        text.push_str(": ");
        text.push_str(&inner.to_string());
        source = inner.source();
    }
    text
}

//! How much of a response head the probe accepts: at least what browsers accept (Chromium
//! takes a head of up to 256 KiB whatever its number of fields), so a page that works in a
//! browser never fails here on its size; and, when a real limit is hit, a message naming it
//! (hyper's errors are put in words here for the HTTP probe and the body decoder alike).

use hyper::client::conn::http1;

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

/// A hyper error in one line; a head over a limit says which limits and their values.
pub(crate) fn describe(error: &hyper::Error) -> String {
    let text = describe_hyper_error(error);
    if text.contains("message head is too large") {
        // hyper reports both limits with the same error, so both are named.
        return format!(
            "the response head is over Downwatch's limits ({} KiB, {HEAD_FIELDS} header fields): {text}",
            HEAD_SIZE / 1024
        );
    }
    // h2 refuses a header list over the announced size with a locally detected stream
    // PROTOCOL_ERROR, the same error as a malformed header block, so both are said.
    if text.contains("stream error detected") && text.contains("protocol error") {
        return format!(
            "the HTTP/2 response headers were refused: over Downwatch's limit ({} KiB of \
             header list) or malformed ({text})",
            H2_HEADER_LIST / 1024
        );
    }
    text
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
    if error.is_incomplete_message() {
        text = format!("the server closed the connection before a full response ({text})");
    }
    text
}

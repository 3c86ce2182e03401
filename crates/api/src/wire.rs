//! The framing: one JSON object per line, UTF-8, ended by `\n`.
//!
//! A request: `{"v":1,"id":7,"call":"snapshot"}` (`v` is [`VERSION`], `id` any number
//! the client picks, `call` and its fields as [`Call`]). At most [`MAX_LINE`] bytes.
//!
//! What the resident writes ([`Response`]): `{"v":1,"id":7,"ok":{"answer":...}}`,
//! `{"v":1,"id":7,"error":{"code":...,"message":...}}`, and for a subscription
//! `{"v":1,"id":3,"event":{...}}` or `{"v":1,"id":3,"missed":12}`. A line refused before
//! its `id` could be read is answered with `"id":null`.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
#[cfg(feature = "ts")]
use ts_rs::TS;

use crate::call::{Answer, Call};
use crate::error::{ApiError, ErrorCode};

/// The protocol version. A change that an older client or resident would misread bumps
/// it; a new call or a new optional field does not.
pub const VERSION: u32 = 1;

/// The longest request line, in bytes, newline excluded: a request is small (the largest is
/// an edit adding one watch); a longer line is answered `too_long` and skipped, unread.
pub const MAX_LINE: usize = 64 * 1024;

/// A request: a [`Call`] with the version and the client's id.
#[derive(Clone, Debug, PartialEq)]
pub struct Request {
    /// The client's id for this request, repeated in its answer.
    pub id: u64,
    /// What is asked.
    pub call: Call,
}

impl Request {
    /// The request's line, without the newline.
    pub fn to_line(&self) -> String {
        let mut object = match serde_json::to_value(&self.call) {
            Ok(Value::Object(object)) => object,
            // A `Call` is an internally tagged enum: always an object.
            _ => Map::new(),
        };
        object.insert("v".into(), Value::from(VERSION));
        object.insert("id".into(), Value::from(self.id));
        Value::Object(object).to_string()
    }

    /// Reads one request line (without its newline). A refused line gives the error to
    /// answer and the id to answer it with, when the id could be read.
    pub fn parse(line: &[u8]) -> Result<Request, (Option<u64>, ApiError)> {
        let refuse = |id, code, message: String| Err((id, ApiError::new(code, message)));
        let mut object = match serde_json::from_slice::<Value>(line) {
            Ok(Value::Object(object)) => object,
            Ok(_) => return refuse(None, ErrorCode::Malformed, "not a JSON object".into()),
            Err(e) => return refuse(None, ErrorCode::Malformed, format!("not JSON: {e}")),
        };
        let id = object.remove("id");
        let id = id.as_ref().and_then(Value::as_u64);
        match object.remove("v") {
            Some(v) if v.as_u64() == Some(u64::from(VERSION)) => {}
            Some(v) => {
                return refuse(
                    id,
                    ErrorCode::WrongVersion,
                    format!("version {v} is not spoken here: this resident speaks {VERSION}"),
                );
            }
            None => {
                return refuse(
                    id,
                    ErrorCode::WrongVersion,
                    format!("no version (`v`): this resident speaks {VERSION}"),
                );
            }
        }
        let Some(id) = id else {
            return refuse(
                None,
                ErrorCode::InvalidRequest,
                "no `id` (a non-negative integer)".into(),
            );
        };
        match object.get("call").and_then(Value::as_str) {
            Some(name) if Call::NAMES.contains(&name) => {}
            Some(name) => {
                return refuse(
                    Some(id),
                    ErrorCode::UnknownCall,
                    format!("unknown call `{name}`"),
                );
            }
            None => {
                return refuse(
                    Some(id),
                    ErrorCode::InvalidRequest,
                    "no `call` (a string)".into(),
                );
            }
        }
        let keys: Vec<String> = object.keys().cloned().collect();
        let call = match serde_json::from_value::<Call>(Value::Object(object)) {
            Ok(call) => call,
            Err(e) => return refuse(Some(id), ErrorCode::InvalidRequest, e.to_string()),
        };
        // serde's `deny_unknown_fields` does not reach the unit variants of an internally
        // tagged enum: a field the call does not have is refused here, by comparing with
        // the fields it serializes (every one, `null` included).
        if let Ok(Value::Object(known)) = serde_json::to_value(&call) {
            if let Some(unknown) = keys.iter().find(|k| !known.contains_key(k.as_str())) {
                return refuse(
                    Some(id),
                    ErrorCode::InvalidRequest,
                    format!("unknown field `{unknown}`"),
                );
            }
        }
        Ok(Request { id, call })
    }
}

/// One line from the resident.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct Response {
    /// [`VERSION`].
    pub v: u32,
    /// The request's id; `None` when a line was refused before its id was read.
    pub id: Option<u64>,
    /// The answer, the error, or an event of a subscription.
    #[serde(flatten)]
    pub body: Body,
}

/// What a [`Response`] carries, keyed by its field name.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(TS))]
#[serde(rename_all = "snake_case")]
pub enum Body {
    /// The request succeeded.
    Ok(Answer),
    /// The request (or the line) was refused.
    Error(ApiError),
    /// An event of a subscription: an object of the events file (see the README).
    Event(Value),
    /// A subscription fell behind: this many events were dropped for this client.
    Missed(u64),
}

impl Response {
    /// A response to request `id`.
    pub fn new(id: Option<u64>, body: Body) -> Response {
        Response {
            v: VERSION,
            id,
            body,
        }
    }

    /// The line, newline included.
    pub fn to_line(&self) -> String {
        let mut line = serde_json::to_string(self).unwrap_or_else(|e| {
            // Only a non-string map key fails, and none of these types has one; still an
            // answer, never a panic.
            Response::new(
                self.id,
                Body::Error(ApiError::new(ErrorCode::Internal, e.to_string())),
            )
            .to_line()
        });
        line.push('\n');
        line
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn refused(line: &str) -> (Option<u64>, ErrorCode) {
        let (id, e) = Request::parse(line.as_bytes()).unwrap_err();
        (id, e.code)
    }

    #[test]
    fn requests_round_trip_through_their_line() {
        let request = Request {
            id: 9,
            call: Call::Pause {
                watch: Some("Gmail".into()),
                for_s: Some(900),
            },
        };
        let line = request.to_line();
        assert!(line.contains("\"call\":\"pause\""), "{line}");
        assert_eq!(Request::parse(line.as_bytes()).unwrap(), request);
        let snapshot = Request::parse(br#"{"v":1,"id":1,"call":"snapshot"}"#).unwrap();
        assert_eq!(snapshot.call, Call::Snapshot);
    }

    #[test]
    fn every_refusal_has_its_code_and_keeps_the_id_it_could_read() {
        assert_eq!(refused("{oops"), (None, ErrorCode::Malformed));
        assert_eq!(refused("[1,2]"), (None, ErrorCode::Malformed));
        assert_eq!(
            refused(r#"{"v":2,"id":3,"call":"snapshot"}"#),
            (Some(3), ErrorCode::WrongVersion)
        );
        assert_eq!(
            refused(r#"{"id":3,"call":"snapshot"}"#),
            (Some(3), ErrorCode::WrongVersion)
        );
        assert_eq!(
            refused(r#"{"v":1,"call":"snapshot"}"#),
            (None, ErrorCode::InvalidRequest)
        );
        assert_eq!(
            refused(r#"{"v":1,"id":4,"call":"reboot"}"#),
            (Some(4), ErrorCode::UnknownCall)
        );
        assert_eq!(
            refused(r#"{"v":1,"id":5,"call":"checks","watch":"A"}"#),
            (Some(5), ErrorCode::InvalidRequest)
        );
        assert_eq!(
            refused(r#"{"v":1,"id":6,"call":"snapshot","extra":1}"#),
            (Some(6), ErrorCode::InvalidRequest)
        );
    }

    #[test]
    fn every_call_name_is_known() {
        let calls = [
            r#"{"call":"snapshot"}"#,
            r#"{"call":"subscribe"}"#,
            r#"{"call":"check_now"}"#,
            r#"{"call":"pause"}"#,
            r#"{"call":"resume"}"#,
            r#"{"call":"latest"}"#,
            r#"{"call":"checks","watch":"A","limit":1}"#,
            r#"{"call":"incidents","from_ms":0,"until_ms":1,"limit":1}"#,
            r#"{"call":"incident","incident":"a"}"#,
            r#"{"call":"uptime","watch":"A","from_ms":0,"until_ms":1}"#,
            r#"{"call":"rollups","watch":"A","span":"hour","from_ms":0,"until_ms":1}"#,
            r#"{"call":"current"}"#,
            r#"{"call":"latency_series","watch":"A","phase":"total","from_ms":0,"until_ms":1,"max_points":5}"#,
            r#"{"call":"days","watch":"A","first":"2026-11-01","last":"2026-11-30"}"#,
            r#"{"call":"test_watch","watch":"name = \"A\""}"#,
            r#"{"call":"read_config"}"#,
            r#"{"call":"edit_config","edits":[]}"#,
            r#"{"call":"open_history"}"#,
        ];
        assert_eq!(calls.len(), Call::NAMES.len());
        for call in calls {
            let call: Call = serde_json::from_str(call).unwrap();
            let name = serde_json::to_value(&call).unwrap()["call"].clone();
            assert!(Call::NAMES.contains(&name.as_str().unwrap()), "{name}");
            // As a whole request line: no field of a call may be the line's own `v` or `id`.
            let request = Request {
                id: 9,
                call: call.clone(),
            };
            assert_eq!(Request::parse(request.to_line().as_bytes()), Ok(request));
        }
    }

    #[test]
    fn responses_are_keyed_by_their_kind() {
        let done = Response::new(Some(2), Body::Ok(Answer::Done)).to_line();
        assert_eq!(done, "{\"v\":1,\"id\":2,\"ok\":{\"answer\":\"done\"}}\n");
        let back: Response = serde_json::from_str(&done).unwrap();
        assert_eq!(back.body, Body::Ok(Answer::Done));
        let missed = Response::new(Some(3), Body::Missed(12)).to_line();
        assert_eq!(missed, "{\"v\":1,\"id\":3,\"missed\":12}\n");
    }
}

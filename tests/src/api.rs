//! A plain client of the resident's local API for the end-to-end tests: raw lines over a
//! blocking Unix socket, so a test can also send what a real client never would (broken
//! JSON, an endless line) and see exactly what comes back. Reads have a deadline as a safety
//! net; the tests wait for answers, never for time.

use std::io::{BufRead, BufReader, Write};
use std::os::unix::net::UnixStream;
use std::path::Path;
use std::time::{Duration, Instant};

use serde_json::{Value, json};

/// How long one answer may take before the test fails (a loaded 2-core machine).
pub const ANSWER_TIMEOUT: Duration = Duration::from_secs(30);

/// One connection.
pub struct Conn {
    reader: BufReader<UnixStream>,
    writer: UnixStream,
    next_id: u64,
}

impl Conn {
    /// Connects, or fails the test.
    pub fn connect(socket: &Path) -> Conn {
        Conn::try_connect(socket).unwrap_or_else(|e| panic!("connect to {}: {e}", socket.display()))
    }

    /// Connects.
    pub fn try_connect(socket: &Path) -> std::io::Result<Conn> {
        let stream = UnixStream::connect(socket)?;
        stream.set_read_timeout(Some(ANSWER_TIMEOUT))?;
        Ok(Conn {
            reader: BufReader::new(stream.try_clone()?),
            writer: stream,
            next_id: 1,
        })
    }

    /// Waits until a resident answers on `socket` (it has just been started).
    pub fn wait_for(socket: &Path, secs: u64) -> Conn {
        let deadline = Instant::now() + Duration::from_secs(secs);
        loop {
            if let Ok(mut conn) = Conn::try_connect(socket)
                && conn.try_call(json!({"call": "snapshot"})).is_some()
            {
                return conn;
            }
            assert!(
                Instant::now() < deadline,
                "no resident answered on {} within {secs} s",
                socket.display()
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// Writes bytes as they are.
    pub fn send_raw(&mut self, bytes: &[u8]) -> std::io::Result<()> {
        self.writer.write_all(bytes)
    }

    /// Sends `call` (an object with `call` and its fields) with `v` 1 and a fresh id;
    /// returns the id.
    pub fn send(&mut self, call: Value) -> u64 {
        let id = self.next_id;
        self.next_id += 1;
        let mut request = call;
        request["v"] = json!(1);
        request["id"] = json!(id);
        self.send_raw(format!("{request}\n").as_bytes())
            .expect("send a request");
        id
    }

    /// The next line from the resident; `None` at the end of the connection.
    pub fn line(&mut self) -> Option<Value> {
        let mut line = String::new();
        match self.reader.read_line(&mut line) {
            Ok(0) | Err(_) => None,
            Ok(_) => Some(serde_json::from_str(&line).expect("a JSON line")),
        }
    }

    /// Reads lines until the one for request `id` (skipping subscription lines).
    pub fn answer(&mut self, id: u64) -> Value {
        loop {
            let line = self
                .line()
                .unwrap_or_else(|| panic!("connection closed before the answer to {id}"));
            if line["id"] == json!(id) && (line.get("ok").is_some() || line.get("error").is_some())
            {
                return line;
            }
        }
    }

    fn try_call(&mut self, call: Value) -> Option<Value> {
        let id = self.next_id;
        self.next_id += 1;
        let mut request = call;
        request["v"] = json!(1);
        request["id"] = json!(id);
        self.send_raw(format!("{request}\n").as_bytes()).ok()?;
        self.line()
    }

    /// Sends `call` and returns its answer line (`ok` or `error`).
    pub fn call(&mut self, call: Value) -> Value {
        let id = self.send(call);
        self.answer(id)
    }

    /// Sends `call` and returns the `ok` object, failing the test on an error.
    pub fn ok(&mut self, call: Value) -> Value {
        let answer = self.call(call.clone());
        answer
            .get("ok")
            .cloned()
            .unwrap_or_else(|| panic!("{call} was refused: {answer}"))
    }

    /// Sends `call` and returns the error's code, failing the test on success.
    pub fn error(&mut self, call: Value) -> Value {
        let answer = self.call(call.clone());
        answer
            .get("error")
            .cloned()
            .unwrap_or_else(|| panic!("{call} was accepted: {answer}"))
    }
}

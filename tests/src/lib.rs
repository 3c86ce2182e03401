//! Helpers for the end-to-end tests in `tests/*.rs`: the real binaries (`downwatch`,
//! `downwatch-testbed`), the test bed as a child process, and private network namespaces
//! where faults are injected with nftables.
//!
//! Binaries are found next to the test executable's `deps/` directory; the README's test
//! command builds them first (`cargo build --workspace --bins`).

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Output, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};

use serde_json::Value;

pub mod api;
pub mod dunst;
pub mod history;
pub mod resident;
pub mod tray;
pub mod webview;
pub mod window;
pub mod x11;

/// Path of a workspace binary in the same target directory as the running test.
pub fn bin(name: &str) -> PathBuf {
    let exe = std::env::current_exe().expect("test executable path");
    let dir = exe
        .parent()
        .and_then(|deps| deps.parent())
        .expect("target/<profile>/ directory");
    let path = dir.join(name);
    assert!(
        path.exists(),
        "{} is missing: run `cargo build --workspace --bins` before the end-to-end tests",
        path.display()
    );
    path
}

/// Whether this process runs as root (network namespaces and nftables need it).
pub fn is_root() -> bool {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("Uid:"))
                .map(|l| l.split_whitespace().nth(1) == Some("0"))
        })
        .unwrap_or(false)
}

/// True when namespace tests can run; otherwise says why. With `DOWNWATCH_REQUIRE_NETNS=1`
/// (set by the project's test command) a missing capability fails the test instead.
pub fn netns_available(test: &str) -> bool {
    let missing = if !is_root() {
        Some("not root")
    } else if Command::new("nft").arg("--version").output().is_err() {
        Some("nft (nftables) is not installed")
    } else {
        None
    };
    match missing {
        None => true,
        Some(why) => {
            assert!(
                std::env::var_os("DOWNWATCH_REQUIRE_NETNS").is_none(),
                "{test}: cannot run: {why}"
            );
            eprintln!("SKIPPED {test}: {why} (network-namespace tests need root and nftables)");
            false
        }
    }
}

/// A private network namespace with only `lo` up. Deleted on drop.
pub struct Netns {
    name: String,
}

static NETNS_COUNTER: AtomicU32 = AtomicU32::new(0);

impl Netns {
    /// Creates the namespace and brings its loopback up.
    pub fn create() -> Netns {
        let n = NETNS_COUNTER.fetch_add(1, Ordering::Relaxed);
        let name = format!("dw-e2e-{}-{n}", std::process::id());
        run_ok(Command::new("ip").args(["netns", "add", &name]));
        let ns = Netns { name };
        run_ok(Command::new("ip").args(["-n", &ns.name, "link", "set", "lo", "up"]));
        ns
    }

    /// A command that runs `program` inside the namespace.
    pub fn command(&self, program: &std::path::Path) -> Command {
        let mut cmd = Command::new("ip");
        cmd.args(["netns", "exec", &self.name]).arg(program);
        cmd
    }

    /// Loads an nftables ruleset (text) inside the namespace.
    pub fn nft(&self, rules: &str) {
        let mut child = Command::new("ip")
            .args(["netns", "exec", &self.name, "nft", "-f", "-"])
            .stdin(Stdio::piped())
            .spawn()
            .expect("nft");
        use std::io::Write;
        child
            .stdin
            .take()
            .expect("stdin")
            .write_all(rules.as_bytes())
            .expect("write rules");
        assert!(
            child.wait().expect("nft").success(),
            "nft rejected:\n{rules}"
        );
    }

    /// Applies `verdict` to every packet arriving for `port` that matches `extra` (e.g.
    /// `numgen inc mod 2 == 0`). On the input hook, so the sender sees a silent network, not
    /// a local firewall error.
    pub fn drop_port(&self, proto: &str, port: u16, extra: &str, verdict: &str) {
        self.nft(&format!(
            "table inet dwfault {{\n chain inbound {{\n  type filter hook input priority 0;\n  {proto} dport {port} {extra} {verdict}\n }}\n}}\n"
        ));
    }
}

impl Drop for Netns {
    fn drop(&mut self) {
        let _ = Command::new("ip")
            .args(["netns", "del", &self.name])
            .status();
    }
}

fn run_ok(cmd: &mut Command) {
    let out = cmd.output().expect("run command");
    assert!(
        out.status.success(),
        "{cmd:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// The test bed binary, running until dropped, and where its servers listen.
pub struct Bed {
    child: Child,
    /// `describe()` of the bed: addresses by name, `ca` path.
    pub info: Value,
    _dir: tempfile::TempDir,
}

impl Bed {
    /// Starts the bed on 127.0.0.1 in the current namespace, or inside `ns`.
    pub fn start(ns: Option<&Netns>) -> Bed {
        Bed::start_on("127.0.0.1", ns)
    }

    /// Starts the bed bound to `bind` (a loopback address).
    pub fn start_on(bind: &str, ns: Option<&Netns>) -> Bed {
        let dir = tempfile::tempdir().expect("temp dir");
        let program = bin("downwatch-testbed");
        let mut cmd = match ns {
            Some(ns) => ns.command(&program),
            None => Command::new(&program),
        };
        let mut child = cmd
            .args(["--bind", bind, "--dir"])
            .arg(dir.path())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("start downwatch-testbed");
        let stdout = child.stdout.take().expect("stdout");
        let mut line = String::new();
        BufReader::new(stdout)
            .read_line(&mut line)
            .expect("read the bed's description");
        let info: Value =
            serde_json::from_str(&line).unwrap_or_else(|e| panic!("bad bed line {line:?}: {e}"));
        Bed {
            child,
            info,
            _dir: dir,
        }
    }

    /// `host:port` of a named server (`dns`, `https_valid`, ...).
    pub fn addr(&self, name: &str) -> String {
        self.info[name]
            .as_str()
            .unwrap_or_else(|| panic!("no {name} in {}", self.info))
            .to_owned()
    }

    /// The port of a named server.
    pub fn port(&self, name: &str) -> u16 {
        let addr = self.addr(name);
        addr.rsplit_once(':')
            .and_then(|(_, p)| p.parse().ok())
            .expect("port")
    }

    /// The CA file to pass to `--ca`.
    pub fn ca(&self) -> String {
        self.addr("ca")
    }
}

impl Drop for Bed {
    fn drop(&mut self) {
        drop(self.child.stdin.take());
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// What one `downwatch` run printed and how it exited.
pub struct Run {
    /// Exit code (`None` when killed by a signal).
    pub code: Option<i32>,
    /// Standard output.
    pub stdout: String,
    /// Standard error.
    pub stderr: String,
}

impl Run {
    /// Standard output parsed as one JSON document.
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.stdout))
    }
}

impl From<Output> for Run {
    fn from(out: Output) -> Run {
        Run {
            code: out.status.code(),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        }
    }
}

/// Runs `downwatch ARGS...` (inside `ns` if given) and waits for it.
pub fn downwatch(ns: Option<&Netns>, args: &[&str]) -> Run {
    let program = bin("downwatch");
    let mut cmd = match ns {
        Some(ns) => ns.command(&program),
        None => Command::new(&program),
    };
    // English whatever the machine's locale: the assertions read the English text (the
    // Arabic output has its own test, which sets the locale itself).
    cmd.args(args)
        .env("NO_COLOR", "1")
        .env("LC_ALL", "C")
        .output()
        .expect("run downwatch")
        .into()
}

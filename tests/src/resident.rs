//! Harness for the resident's end-to-end tests (`tests/resident_*.rs`): `downwatch run
//! --headless` inside a private network namespace, against the test bed in the same
//! namespace, with the notifications captured by a real daemon (dunst on Xvfb, on a private
//! D-Bus session bus) and by the command hook, and logind's sleep signals sent by a fake
//! logind on a private "system" bus.
//!
//! Abstract Unix sockets belong to a network namespace, so every bus listens on a file
//! (`unix:path=...`): the resident inside the namespace and dunst outside reach it alike.
//! Everything the harness starts is killed when its handle drops.
//!
//! Waiting is always on something observable (an event, the daemon's history) with a
//! deadline; a scenario that must stay silent counts rounds of checks instead of sleeping.

use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::dunst::{Dunst, Shown};
use crate::{Bed, Netns, bin, netns_available};

/// The programs the desktop side runs, all from Debian packages (`scripts/deps.sh test`).
/// dunst's history is read over D-Bus (`crate::dunst`), not with `dunstctl`.
const DESKTOP_TOOLS: [&str; 4] = ["Xvfb", "dbus-daemon", "dbus-send", "dunst"];

/// How often conditions are polled.
const POLL: Duration = Duration::from_millis(100);

fn on_path(tool: &str) -> bool {
    std::env::var_os("PATH")
        .is_some_and(|path| std::env::split_paths(&path).any(|dir| dir.join(tool).is_file()))
}

/// True when the resident scenarios can run here (root, nftables, and the desktop tools);
/// otherwise prints `SKIPPED` and why. `DOWNWATCH_REQUIRE_NETNS=1` or
/// `DOWNWATCH_REQUIRE_DESKTOP=1` turns a skip into a failure.
pub fn resident_available(test: &str) -> bool {
    if !netns_available(test) {
        return false;
    }
    let missing: Vec<&str> = DESKTOP_TOOLS
        .into_iter()
        .filter(|tool| !on_path(tool))
        .collect();
    if missing.is_empty() {
        return true;
    }
    for var in ["DOWNWATCH_REQUIRE_DESKTOP", "DOWNWATCH_REQUIRE_NETNS"] {
        assert!(
            std::env::var(var).as_deref() != Ok("1"),
            "{test}: {var}=1 but {missing:?} missing"
        );
    }
    eprintln!("SKIPPED {test}: {missing:?} not installed (dbus, dunst, xvfb)");
    false
}

/// A child process killed (and reaped) on drop.
struct Proc(Child);

impl Drop for Proc {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Reads the first line a child prints on stdout (its address, its display...).
fn first_line(child: &mut Child, what: &str) -> String {
    let stdout = child.stdout.take().expect("piped stdout");
    let mut line = String::new();
    BufReader::new(stdout)
        .read_line(&mut line)
        .unwrap_or_else(|e| panic!("reading {what}: {e}"));
    assert!(!line.trim().is_empty(), "{what}: nothing printed");
    line.trim().to_owned()
}

/// A private D-Bus daemon listening on a file.
pub struct Bus {
    _daemon: Proc,
    /// Its address (`unix:path=...,guid=...`).
    pub address: String,
}

impl Bus {
    /// Starts a bus (session configuration) at `socket`.
    pub fn start(socket: &Path) -> Bus {
        let mut child = Command::new("dbus-daemon")
            .arg("--session")
            .arg(format!("--address=unix:path={}", socket.display()))
            .args(["--nofork", "--nopidfile", "--print-address=1"])
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            // Only a warning that it may not raise its file limit: noise in test output.
            .stderr(Stdio::null())
            .spawn()
            .expect("start dbus-daemon");
        let address = first_line(&mut child, "dbus-daemon's address");
        Bus {
            _daemon: Proc(child),
            address,
        }
    }

    /// `dbus-send --print-reply` to the bus daemon itself; the reply text.
    fn ask_daemon(&self, method: &str, args: &[&str]) -> String {
        let out = Command::new("dbus-send")
            .arg(format!("--bus={}", self.address))
            .args([
                "--print-reply",
                "--dest=org.freedesktop.DBus",
                "/org/freedesktop/DBus",
                method,
            ])
            .args(args)
            .output()
            .expect("dbus-send");
        String::from_utf8_lossy(&out.stdout).into_owned()
    }
}

/// Polls `check` until it returns `Some`, failing after `timeout` with `what` and `context()`.
pub fn poll<T>(
    what: &str,
    timeout: Duration,
    mut check: impl FnMut() -> Option<T>,
    context: impl Fn() -> String,
) -> T {
    let deadline = Instant::now() + timeout;
    loop {
        if let Some(value) = check() {
            return value;
        }
        assert!(
            Instant::now() < deadline,
            "timed out after {timeout:?} waiting for {what}\n{}",
            context()
        );
        std::thread::sleep(POLL);
    }
}

/// Xvfb, a private session bus and dunst: a real notification daemon.
pub struct Desktop {
    client: DunstClient,
    _dunst: Proc,
    /// The session bus the daemon owns `org.freedesktop.Notifications` on.
    pub bus: Bus,
    /// The X display (`:N`), for the history window.
    pub display: String,
    _xvfb: Proc,
    _dir: tempfile::TempDir,
}

impl Desktop {
    /// Starts the display, the bus and the daemon; returns once the daemon owns its name.
    pub fn start() -> Desktop {
        let dir = tempfile::tempdir().expect("temp dir");
        // Xvfb picks a free display itself and writes its number on the given descriptor.
        let mut xvfb = Command::new("Xvfb")
            .args(["-displayfd", "1", "-nolisten", "tcp", "-screen", "0"])
            // Room for the history window's default size (1100x720).
            .arg("1280x800x24")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("start Xvfb");
        let display = first_line(&mut xvfb, "Xvfb's display number");
        let xvfb = Proc(xvfb);
        let bus = Bus::start(&dir.path().join("session_bus"));
        let rc = dir.path().join("dunstrc");
        // Every notification is kept apart (no stacking of duplicates: the tests count
        // them), none is held back, and the history keeps them all.
        std::fs::write(
            &rc,
            "[global]\n    markup = full\n    stack_duplicates = false\n    \
             notification_limit = 0\n    history_length = 200\n    sticky_history = yes\n",
        )
        .expect("write dunstrc");
        let dunst = Command::new("dunst")
            .arg("-config")
            .arg(&rc)
            .env("DISPLAY", format!(":{display}"))
            .env("DBUS_SESSION_BUS_ADDRESS", &bus.address)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start dunst");
        let desktop = Desktop {
            client: DunstClient::connect(&bus.address),
            _dunst: Proc(dunst),
            bus,
            display: format!(":{display}"),
            _xvfb: xvfb,
            _dir: dir,
        };
        poll(
            "dunst on the session bus",
            Duration::from_secs(20),
            || {
                desktop
                    .bus
                    .ask_daemon(
                        "org.freedesktop.DBus.NameHasOwner",
                        &["string:org.freedesktop.Notifications"],
                    )
                    .contains("boolean true")
                    .then_some(())
            },
            String::new,
        );
        desktop
    }

    /// Fails the test when the daemon no longer owns its name on the bus: an empty history
    /// read from a daemon that died is no proof that nothing was shown.
    pub fn assert_running(&self) {
        let owned = self.bus.ask_daemon(
            "org.freedesktop.DBus.NameHasOwner",
            &["string:org.freedesktop.Notifications"],
        );
        assert!(
            owned.contains("boolean true"),
            "the notification daemon is gone: {owned:?}"
        );
    }

    /// Every notification the daemon received so far, in arrival order. Closes the ones on
    /// screen first: dunst's history holds only closed notifications.
    pub fn received(&self) -> Vec<Shown> {
        self.client.received()
    }

    /// Clicks the newest notification on screen (its default action, "Details"), once one
    /// is shown.
    pub fn click_newest(&self) {
        self.client.click_newest();
    }
}

/// dunst's D-Bus client on a runtime of its own: the harness is synchronous.
struct DunstClient {
    /// Dropped inside the runtime's context, before it.
    dunst: Option<Dunst>,
    runtime: tokio::runtime::Runtime,
}

impl DunstClient {
    fn connect(address: &str) -> DunstClient {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("a runtime for the D-Bus client");
        let dunst = runtime
            .block_on(Dunst::connect(address))
            .unwrap_or_else(|e| panic!("connect to the session bus {address}: {e}"));
        DunstClient {
            dunst: Some(dunst),
            runtime,
        }
    }

    fn received(&self) -> Vec<Shown> {
        let dunst = self.dunst.as_ref().expect("connected until dropped");
        self.runtime.block_on(async {
            dunst
                .close_all()
                .await
                .expect("dunst: close every notification");
            dunst.history().await.expect("dunst: read the history")
        })
    }
}

impl DunstClient {
    fn click_newest(&self) {
        let dunst = self.dunst.as_ref().expect("connected until dropped");
        poll(
            "a notification on screen",
            Duration::from_secs(15),
            || {
                let shown = self.runtime.block_on(dunst.displayed());
                (shown.expect("dunst: notifications on screen") >= 1).then_some(())
            },
            String::new,
        );
        self.runtime
            .block_on(dunst.action(0))
            .expect("dunst: invoke the default action");
    }
}

impl Drop for DunstClient {
    fn drop(&mut self) {
        let _context = self.runtime.enter();
        self.dunst.take();
    }
}

/// A private "system" bus where a fake logind sends `PrepareForSleep`.
pub struct FakeLogind {
    /// The bus.
    pub bus: Bus,
}

impl FakeLogind {
    /// Starts the bus at `socket`.
    pub fn start(socket: &Path) -> FakeLogind {
        FakeLogind {
            bus: Bus::start(socket),
        }
    }

    /// True once some client asked for `PrepareForSleep` signals (the resident subscribed).
    pub fn has_listener(&self) -> bool {
        self.bus
            .ask_daemon("org.freedesktop.DBus.Debug.Stats.GetAllMatchRules", &[])
            .contains("member='PrepareForSleep'")
    }

    /// Sends `PrepareForSleep(going)` as logind does before a suspend (`true`) and after
    /// the resume (`false`).
    pub fn prepare_for_sleep(&self, going: bool) {
        let status = Command::new("dbus-send")
            .arg(format!("--bus={}", self.bus.address))
            .args([
                "--type=signal",
                "/org/freedesktop/login1",
                "org.freedesktop.login1.Manager.PrepareForSleep",
            ])
            .arg(format!("boolean:{going}"))
            .status()
            .expect("dbus-send");
        assert!(status.success(), "dbus-send PrepareForSleep failed");
    }
}

/// The timings and switches a scenario's configuration sets (TOML values, quoted).
#[derive(Clone, Debug)]
pub struct Timings {
    /// `[defaults] interval`.
    pub interval: &'static str,
    /// `[defaults] timeout` (also the controls').
    pub timeout: &'static str,
    /// `[defaults] retry_interval`.
    pub retry_interval: &'static str,
    /// `[defaults] failures_to_down`.
    pub failures_to_down: u32,
    /// `[defaults] successes_to_up`.
    pub successes_to_up: u32,
    /// `[defaults] degraded_after`, if any.
    pub degraded_after: Option<&'static str>,
    /// `[connectivity] interval`.
    pub connectivity_interval: &'static str,
    /// `[connectivity] settle`.
    pub settle: &'static str,
    /// `[notifications] group_wait`.
    pub group_wait: &'static str,
}

impl Default for Timings {
    fn default() -> Self {
        Timings {
            interval: "2s",
            timeout: "1s",
            retry_interval: "1s",
            failures_to_down: 3,
            successes_to_up: 2,
            degraded_after: None,
            connectivity_interval: "3s",
            settle: "2s",
            group_wait: "1s",
        }
    }
}

/// One `[[watch]]` of a scenario.
#[derive(Clone, Debug)]
pub struct WatchSpec {
    /// Its name.
    pub name: String,
    /// Its group.
    pub group: Option<String>,
    /// The rest of its table, as TOML lines (`target = ...`, `resolver = ...`).
    pub body: String,
}

impl WatchSpec {
    /// The same watch in `group`.
    pub fn in_group(mut self, group: &str) -> WatchSpec {
        self.group = Some(group.to_owned());
        self
    }

    fn toml(&self) -> String {
        let mut out = format!("\n[[watch]]\nname = {}\n", quote(&self.name));
        if let Some(group) = &self.group {
            out.push_str(&format!("group = {}\n", quote(group)));
        }
        out.push_str(&self.body);
        out
    }
}

/// A TOML basic string.
pub fn quote(text: &str) -> String {
    serde_json::to_string(text).expect("a string serializes")
}

/// One scenario's world: a namespace, the bed inside it, the desktop, maybe a fake logind.
/// Fields drop in order: the desktop, logind and bed go before the namespace.
pub struct Scene {
    /// The real notification daemon.
    pub desktop: Desktop,
    /// The fake logind, when asked for.
    pub logind: Option<FakeLogind>,
    /// The test bed, inside [`Scene::ns`].
    pub bed: Bed,
    /// The namespace (only `lo`).
    pub ns: Netns,
    dir: tempfile::TempDir,
}

impl Scene {
    /// Everything but logind, or `None` (after `SKIPPED`) when it cannot run here.
    pub fn start(test: &str) -> Option<Scene> {
        Scene::build(test, false)
    }

    /// Everything, fake logind included.
    pub fn with_logind(test: &str) -> Option<Scene> {
        Scene::build(test, true)
    }

    fn build(test: &str, logind: bool) -> Option<Scene> {
        if !resident_available(test) {
            return None;
        }
        let dir = tempfile::tempdir().expect("temp dir");
        let ns = Netns::create();
        let bed = Bed::start(Some(&ns));
        let desktop = Desktop::start();
        let logind = logind.then(|| FakeLogind::start(&dir.path().join("system_bus")));
        Some(Scene {
            desktop,
            logind,
            bed,
            ns,
            dir,
        })
    }

    /// An HTTPS watch on the bed server `server` (`https_valid`...) at `path`, by name
    /// (`ok.test`, through the bed's DNS) and trusting the bed's CA.
    pub fn https(&self, name: &str, server: &str, path: &str) -> WatchSpec {
        let port = self.bed.port(server);
        WatchSpec {
            name: name.to_owned(),
            group: None,
            body: format!(
                "target = {}\nresolver = {}\nca = {}\n",
                quote(&format!("https://ok.test:{port}{path}")),
                quote(&self.bed.addr("dns")),
                quote(&self.bed.ca()),
            ),
        }
    }

    /// A plain-HTTP watch on the bed's `http` server at `path`.
    pub fn http(&self, name: &str, path: &str) -> WatchSpec {
        let port = self.bed.port("http");
        WatchSpec {
            name: name.to_owned(),
            group: None,
            body: format!(
                "target = {}\nresolver = {}\n",
                quote(&format!("http://ok.test:{port}{path}")),
                quote(&self.bed.addr("dns")),
            ),
        }
    }

    /// The port of the HTTP control (the bed's `http` server, reached by name).
    pub fn http_control_port(&self) -> u16 {
        self.bed.port("http")
    }

    /// Where the command hook appends the notifications it receives (one JSON per line).
    pub fn hook_path(&self) -> PathBuf {
        self.dir.path().join("hook.jsonl")
    }

    /// The resident's data directory (`--data-dir`): one per scene, so a resident started
    /// again in the same scene finds what the previous one kept (a restart).
    pub fn data_dir(&self) -> PathBuf {
        self.dir.path().join("data")
    }

    /// Where [`Scene::run`] writes the configuration.
    pub fn config_path(&self) -> PathBuf {
        self.dir.path().join("downwatch.toml")
    }

    /// A whole configuration: `timings`, two controls on the bed (an HTTP control by name
    /// with a keyword, a TCP control by address), English texts, desktop notifications and
    /// the command hook, and `watches`.
    pub fn config(&self, timings: &Timings, watches: &[WatchSpec]) -> String {
        let t = timings;
        let mut text = format!(
            "[defaults]\ninterval = {}\ntimeout = {}\nretry_interval = {}\n\
             failures_to_down = {}\nsuccesses_to_up = {}\n",
            quote(t.interval),
            quote(t.timeout),
            quote(t.retry_interval),
            t.failures_to_down,
            t.successes_to_up,
        );
        if let Some(d) = t.degraded_after {
            text.push_str(&format!("degraded_after = {}\n", quote(d)));
        }
        text.push_str(&format!(
            "\n[connectivity]\ninterval = {}\nsettle = {}\n",
            quote(t.connectivity_interval),
            quote(t.settle)
        ));
        text.push_str(&format!(
            "\n[[connectivity.control]]\nname = \"bed web\"\ntarget = {}\nkeyword = {}\n\
             resolver = {}\n",
            quote(&format!("http://ok.test:{}/", self.http_control_port())),
            quote(downwatch_index_keyword()),
            quote(&self.bed.addr("dns")),
        ));
        text.push_str(&format!(
            "\n[[connectivity.control]]\nname = \"bed tcp\"\ntarget = {}\n",
            quote(&format!("tcp://{}", self.bed.addr("silent"))),
        ));
        let hook = format!("cat >> {}", self.hook_path().display());
        text.push_str(&format!(
            "\n[notifications]\ndesktop = true\nlocale = \"en\"\ngroup_wait = {}\n\
             command = [\"/bin/sh\", \"-c\", {}]\ncommand_timeout = \"5s\"\n",
            quote(t.group_wait),
            quote(&hook),
        ));
        for watch in watches {
            text.push_str(&watch.toml());
        }
        text
    }

    /// Writes `config` and starts `downwatch run --headless` inside the namespace, on the
    /// desktop's session bus (and the fake logind's bus, or a bus that does not exist).
    pub fn run(&self, config: &str) -> Resident {
        self.run_with_env(config, &[])
    }

    /// [`Scene::run`] with more environment for the resident (`DOWNWATCH_LOG=debug`, a
    /// session bus where no daemon listens...), set over the defaults.
    pub fn run_with_env(&self, config: &str, env: &[(&str, &str)]) -> Resident {
        let path = self.config_path();
        std::fs::write(&path, config).expect("write the config");
        let system_bus = match &self.logind {
            Some(logind) => logind.bus.address.clone(),
            None => self.no_bus("no_system_bus"),
        };
        Resident::start(self, &path, &system_bus, env, true, None)
    }

    /// [`Scene::run`] with the data directory on a tmpfs of `kib` KiB, mounted in a private
    /// mount namespace of the resident's own (nothing is mounted on the host, and the mount
    /// goes with the process). The test reaches the tmpfs through
    /// [`Resident::data_view`].
    pub fn run_on_tmpfs(&self, config: &str, kib: u32) -> Resident {
        let path = self.config_path();
        std::fs::write(&path, config).expect("write the config");
        std::fs::create_dir_all(self.data_dir()).expect("create the data directory");
        let bus = self.no_bus("no_system_bus");
        Resident::launch(self, &path, &bus, &[], true, None, Some(kib))
    }

    /// `downwatch run` with its tray (not headless), on the desktop's session bus, with
    /// `HOME` in a directory of the scene (start at login writes under it).
    pub fn run_tray(&self, config: &str, env: &[(&str, &str)]) -> Resident {
        let path = self.config_path();
        std::fs::write(&path, config).expect("write the config");
        let home = self.home();
        std::fs::create_dir_all(&home).expect("create the home directory");
        let home = home.display().to_string();
        let mut env = env.to_vec();
        env.insert(0, ("HOME", home.as_str()));
        Resident::start(
            self,
            &path,
            &self.no_bus("no_system_bus"),
            &env,
            false,
            None,
        )
    }

    /// The `HOME` of [`Scene::run_tray`]'s resident.
    pub fn home(&self) -> PathBuf {
        self.dir.path().join("home")
    }

    /// [`Scene::run`] with the API's socket at `socket` (a resident started again on the
    /// same socket, or a second one meant to be refused). Other residents each get a socket
    /// of their own in their own directory.
    pub fn run_on_socket(&self, config: &str, socket: &Path) -> Resident {
        let path = self.config_path();
        std::fs::write(&path, config).expect("write the config");
        Resident::start(
            self,
            &path,
            &self.no_bus("no_system_bus"),
            &[],
            true,
            Some(socket),
        )
    }

    /// A second resident in the namespace, on its own file `{name}.toml`, that never hears
    /// logind (a witness that stays awake while the first one sleeps, for instance). Give
    /// it a configuration from [`without_notifications`] to keep the daemon and the hook
    /// for the first one.
    pub fn run_second(&self, name: &str, config: &str) -> Resident {
        let path = self.dir.path().join(format!("{name}.toml"));
        std::fs::write(&path, config).expect("write the config");
        Resident::start(self, &path, &self.no_bus("no_system_bus"), &[], true, None)
    }

    /// The address of a bus that does not exist (a socket path nothing listens on).
    pub fn no_bus(&self, name: &str) -> String {
        format!("unix:path={}", self.dir.path().join(name).display())
    }
}

/// `config` (from [`Scene::config`]) with no desktop notification and no command hook.
pub fn without_notifications(config: &str) -> String {
    let quiet: Vec<String> = config
        .lines()
        .filter(|l| !l.starts_with("command = ") && !l.starts_with("command_timeout = "))
        .map(|l| l.replace("desktop = true", "desktop = false"))
        .collect();
    assert!(
        quiet.iter().any(|l| l == "desktop = false") && !quiet.iter().any(|l| l.contains("cat >>")),
        "not a Scene::config: {config}"
    );
    quiet.join("\n") + "\n"
}

/// A text of the bed's index page, for keyword controls.
fn downwatch_index_keyword() -> &'static str {
    "hello from the downwatch test bed"
}

/// `downwatch run` (`--headless` but for [`Scene::run_tray`]), running until dropped
/// (SIGTERM, then SIGKILL).
pub struct Resident {
    child: Option<Child>,
    /// The `--events` file.
    pub events_path: PathBuf,
    /// The command hook's output.
    pub hook_path: PathBuf,
    /// The resident's standard error.
    pub stderr_path: PathBuf,
    /// The local API's socket (`--socket`).
    pub socket: PathBuf,
    _data: tempfile::TempDir,
}

impl Resident {
    fn start(
        scene: &Scene,
        config: &Path,
        system_bus: &str,
        env: &[(&str, &str)],
        headless: bool,
        socket: Option<&Path>,
    ) -> Resident {
        Resident::launch(scene, config, system_bus, env, headless, socket, None)
    }

    #[allow(clippy::too_many_arguments)] // the one place every variant of a start meets
    fn launch(
        scene: &Scene,
        config: &Path,
        system_bus: &str,
        env: &[(&str, &str)],
        headless: bool,
        socket: Option<&Path>,
        tmpfs_kib: Option<u32>,
    ) -> Resident {
        let data = tempfile::tempdir().expect("temp dir");
        let socket = socket.map_or_else(|| data.path().join("api.sock"), Path::to_path_buf);
        let events_path = data.path().join("events.jsonl");
        let stderr_path = data.path().join("stderr.txt");
        let stderr = std::fs::File::create(&stderr_path).expect("stderr file");
        let mut command = match tmpfs_kib {
            None => scene.ns.command(&bin("downwatch")),
            Some(kib) => {
                // unshare execs sh, which execs downwatch: the child's pid is the resident's.
                let mut command = scene.ns.command(Path::new("unshare"));
                command
                    .args(["--mount", "--propagation", "private", "sh", "-c"])
                    .arg(format!(
                        "mount -t tmpfs -o size={kib}k downwatch-test \"$0\" && exec \"$@\""
                    ))
                    .arg(scene.data_dir())
                    .arg(bin("downwatch"));
                command
            }
        };
        let child = command
            .arg("run")
            .args(headless.then_some("--headless"))
            .arg("--config")
            .arg(config)
            .arg("--data-dir")
            .arg(scene.data_dir())
            .arg("--events")
            .arg(&events_path)
            .arg("--socket")
            .arg(&socket)
            .env("DBUS_SESSION_BUS_ADDRESS", &scene.desktop.bus.address)
            .env("DBUS_SYSTEM_BUS_ADDRESS", system_bus)
            .env("DOWNWATCH_LOG", "info")
            .envs(env.iter().copied())
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(stderr)
            .spawn()
            .expect("start downwatch run");
        Resident {
            child: Some(child),
            events_path,
            hook_path: scene.hook_path(),
            stderr_path,
            socket,
            _data: data,
        }
    }

    /// The data directory as the resident sees it, from outside its mount namespace (the
    /// tmpfs of [`Scene::run_on_tmpfs`]): `/proc/PID/root/DATA_DIR`, for files. (SQLite
    /// resolves symbolic links, and `/proc/PID/root` reads as `/`: copy the history out
    /// with [`Resident::copy_history`] to query it.)
    pub fn data_view(&self, scene: &Scene) -> PathBuf {
        let inside = scene.data_dir();
        let relative = inside
            .strip_prefix("/")
            .expect("an absolute data directory");
        let pid = self.pid().expect("running");
        PathBuf::from(format!("/proc/{pid}/root")).join(relative)
    }

    /// Copies the history (`history.sqlite3` and its `-wal`) from the resident's own mount
    /// namespace (see [`Scene::run_on_tmpfs`]) into `to`, a host directory, where SQLite can
    /// open it (the copy recovers the WAL's committed transactions).
    pub fn copy_history(&self, scene: &Scene, to: &Path) {
        let script = "cp \"$0/history.sqlite3\" \"$1/\" && \
                      { cp \"$0/history.sqlite3-wal\" \"$1/\" || true; }";
        let status = Command::new("nsenter")
            .args(["--target", &self.pid().expect("running").to_string()])
            // --root: the target's root, not the namespace's (they differ in a chroot, as
            // in scripts/fresh-check.sh).
            .args(["--mount", "--root", "--"])
            .args(["sh", "-c", script])
            .arg(scene.data_dir())
            .arg(to)
            .status()
            .expect("nsenter");
        assert!(status.success(), "copying the history out failed");
    }

    /// Its process id, while it runs.
    pub fn pid(&self) -> Option<u32> {
        self.child.as_ref().map(Child::id)
    }

    /// Kills it with SIGKILL (a crash: nothing is cleaned up) and reaps it.
    pub fn crash(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    /// Fails the test, with the context, when the resident is no longer running: a test
    /// must never take for silence what a resident that died did not write.
    pub fn assert_running(&self) {
        let state = self.child.as_ref().and_then(|child| {
            let stat = std::fs::read_to_string(format!("/proc/{}/stat", child.id())).ok()?;
            // `pid (comm) state ...`: the state follows the last parenthesis.
            let (_, rest) = stat.rsplit_once(')')?;
            rest.split_whitespace().next().map(str::to_owned)
        });
        assert!(
            state.as_deref().is_some_and(|s| s != "Z" && s != "X"),
            "the resident is not running (state {state:?})\n{}",
            self.context()
        );
    }

    /// Every event so far (a line still being written is left for the next call).
    pub fn events(&self) -> Vec<Value> {
        read_json_lines(&self.events_path)
    }

    /// Every notification the command hook received so far.
    pub fn hooked(&self) -> Vec<Value> {
        read_json_lines(&self.hook_path)
    }

    /// The events of kind `notification`.
    pub fn notifications(&self) -> Vec<Value> {
        of_kind(&self.events(), "notification")
    }

    /// Waits (up to `secs`) until `check` finds something in the events.
    pub fn wait_for<T>(
        &self,
        what: &str,
        secs: u64,
        mut check: impl FnMut(&[Value]) -> Option<T>,
    ) -> T {
        poll(
            what,
            Duration::from_secs(secs),
            || {
                let found = check(&self.events());
                if found.is_none() {
                    // Waiting any longer for a dead resident would only time out.
                    self.assert_running();
                }
                found
            },
            || self.context(),
        )
    }

    /// Waits until `watch` has had `n` more checks counted (judged) than it has now.
    pub fn wait_rounds(&self, watch: &str, n: usize, secs: u64) {
        let start = judged_checks(&self.events(), watch);
        self.wait_for(&format!("{n} more judged checks of {watch}"), secs, |ev| {
            (judged_checks(ev, watch) >= start + n).then_some(())
        });
    }

    /// Waits until every watch in `watches` has been judged up once (the silent baseline).
    pub fn wait_up(&self, watches: &[&str], secs: u64) {
        self.wait_for("every watch up", secs, |ev| {
            watches
                .iter()
                .all(|w| {
                    ev.iter()
                        .any(|e| e["event"] == "state" && e["watch"] == *w && e["to"] == "up")
                })
                .then_some(())
        });
    }

    /// A summary for failure messages: every event but checks (the last few checks too),
    /// the hook's lines and the resident's standard error.
    pub fn context(&self) -> String {
        let events = self.events();
        let mut out = String::from("--- events (checks elided but the last 8):\n");
        let checks: Vec<usize> = (0..events.len())
            .filter(|i| events[*i]["event"] == "check")
            .collect();
        let keep_from = checks.len().saturating_sub(8);
        for (i, e) in events.iter().enumerate() {
            if e["event"] != "check" || checks[keep_from..].contains(&i) {
                out.push_str(&format!("{e}\n"));
            }
        }
        out.push_str("--- hook:\n");
        for h in self.hooked() {
            out.push_str(&format!("{h}\n"));
        }
        out.push_str("--- stderr:\n");
        out.push_str(&std::fs::read_to_string(&self.stderr_path).unwrap_or_default());
        out
    }

    /// What the resident wrote on standard error so far.
    pub fn stderr(&self) -> String {
        std::fs::read_to_string(&self.stderr_path).unwrap_or_default()
    }

    /// Waits up to `secs` for the resident to exit by itself; its exit code.
    pub fn wait_exit(&mut self, secs: u64) -> Option<i32> {
        let child = self.child.as_mut()?;
        let status = poll(
            "the resident to exit",
            Duration::from_secs(secs),
            || child.try_wait().ok().flatten(),
            String::new,
        );
        self.child = None;
        status.code()
    }

    /// Stops the resident with SIGTERM and returns its exit code.
    pub fn stop(mut self) -> Option<i32> {
        self.terminate()
    }

    fn terminate(&mut self) -> Option<i32> {
        let mut child = self.child.take()?;
        if let Ok(pid) = i32::try_from(child.id()) {
            let _ = nix::sys::signal::kill(
                nix::unistd::Pid::from_raw(pid),
                nix::sys::signal::Signal::SIGTERM,
            );
        }
        let deadline = Instant::now() + Duration::from_secs(5);
        while Instant::now() < deadline {
            if let Ok(Some(status)) = child.try_wait() {
                return status.code();
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        let _ = child.kill();
        child.wait().ok().and_then(|s| s.code())
    }
}

impl Drop for Resident {
    fn drop(&mut self) {
        self.terminate();
    }
}

fn read_json_lines(path: &Path) -> Vec<Value> {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    text.lines()
        .filter_map(|line| serde_json::from_str(line).ok())
        .collect()
}

/// The events of one kind (`check`, `state`, `notification`...).
pub fn of_kind(events: &[Value], kind: &str) -> Vec<Value> {
    events
        .iter()
        .filter(|e| e["event"] == kind)
        .cloned()
        .collect()
}

/// How many checks of `watch` were judged (fed to the detector).
pub fn judged_checks(events: &[Value], watch: &str) -> usize {
    events
        .iter()
        .filter(|e| e["event"] == "check" && e["watch"] == watch && e["judged"] == true)
        .count()
}

/// The notifications of a given `kind` (`down`, `recovered`, `offline`...).
pub fn notices<'a>(events: &'a [Value], kind: &str) -> Vec<&'a Value> {
    events
        .iter()
        .filter(|e| e["event"] == "notification" && e["kind"] == kind)
        .collect()
}

/// Titles, sorted (deliveries run concurrently: the order across channels may differ).
fn sorted(mut titles: Vec<String>) -> Vec<String> {
    titles.sort();
    titles
}

/// Waits until the daemon and the hook have received every notification the events list,
/// then asserts that all three agree (same titles; the hook's JSON has the same kind, title
/// and body as the event) and returns the titles in event order.
pub fn delivered(scene: &Scene, resident: &Resident) -> Vec<String> {
    resident.assert_running();
    let (events, shown, hooked) = poll(
        "the daemon and the hook to receive every notification",
        Duration::from_secs(15),
        || {
            let events = resident.notifications();
            let shown = scene.desktop.received();
            let hooked = resident.hooked();
            (shown.len() >= events.len() && hooked.len() >= events.len())
                .then_some((events, shown, hooked))
        },
        || resident.context(),
    );
    let titles: Vec<String> = events
        .iter()
        .map(|e| e["summary"].as_str().unwrap_or("").to_owned())
        .collect();
    let shown_titles = shown.iter().map(|n| n.summary.clone()).collect();
    let hook_titles = hooked
        .iter()
        .map(|h| h["title"].as_str().unwrap_or("").to_owned())
        .collect();
    let context = || {
        format!(
            "events: {titles:?}\ndaemon: {shown:?}\nhook: {hooked:?}\n{}",
            resident.context()
        )
    };
    assert_eq!(
        sorted(shown_titles),
        sorted(titles.clone()),
        "{}",
        context()
    );
    assert_eq!(sorted(hook_titles), sorted(titles.clone()), "{}", context());
    for n in &shown {
        assert_eq!(n.appname, "Downwatch", "{}", context());
    }
    for e in &events {
        let hook = hooked
            .iter()
            .find(|h| h["title"] == e["summary"] && h["kind"] == e["kind"])
            .unwrap_or_else(|| panic!("no hook line for {e}\n{}", context()));
        assert_eq!(hook["body"], e["body"], "{}", context());
        assert_eq!(hook["lang"], "en", "{}", context());
        let shown = shown
            .iter()
            .find(|n| Some(n.summary.as_str()) == e["summary"].as_str())
            .unwrap_or_else(|| panic!("no daemon notification for {e}\n{}", context()));
        let body = e["body"].as_str().unwrap_or("");
        assert_eq!(shown.body, escape_markup(body), "{}", context());
    }
    titles
}

/// The daemon parses bodies as markup; the resident escapes what would be read as such.
fn escape_markup(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// Asserts that nothing at all was notified: no event, nothing at the daemon or the hook.
pub fn assert_silent(scene: &Scene, resident: &Resident) {
    resident.assert_running();
    scene.desktop.assert_running();
    let events = resident.notifications();
    let shown = scene.desktop.received();
    let hooked = resident.hooked();
    assert!(
        events.is_empty() && shown.is_empty() && hooked.is_empty(),
        "expected no notification at all\nevents: {events:?}\ndaemon: {shown:?}\n{}",
        resident.context()
    );
}

/// Writes `text` to `path` in place, as a hand edit with a simple editor does.
pub fn hand_edit(path: &Path, text: &str) {
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .truncate(true)
        .open(path)
        .expect("open the config");
    file.write_all(text.as_bytes()).expect("write the config");
}

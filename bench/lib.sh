# Shared by the resident benchmarks (scale.sh, resident.sh, alarm-latency.sh); sourced, not run.
#
# Everything runs inside a private network namespace with only `lo` up (as root), so no probe
# can leave the machine and nftables faults touch nothing else; the test bed and the resident
# talk over that namespace's loopback. Every process started here is stopped by `cleanup`.

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
CLK_TCK=$(getconf CLK_TCK)
DOWNWATCH=${DOWNWATCH_BIN:-target/release/downwatch}
TESTBED=${TESTBED_BIN:-target/release/downwatch-testbed}
BENCH=target/release/downwatch-bench

log() { printf '[%s] %s\n' "$(date -u +%H:%M:%S)" "$*" >&2; }
die() {
    log "${SCRIPT_NAME:-bench}: $*"
    exit 1
}
now_ms() { date +%s%3N; }

TMP=$(mktemp -d)
NS=
NS_EXEC=()
PIDS=()
FDS=()
cleanup() {
    set +e # a helper killed here exits non-zero: that must not cut the cleanup short
    local pid
    for pid in "${PIDS[@]}"; do
        kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
    done
    for fd in "${FDS[@]}"; do eval "exec $fd>&-" 2>/dev/null; done
    [[ -n $NS ]] && ip netns del "$NS" 2>/dev/null
    rm -rf "$TMP"
}
trap cleanup EXIT

# The private namespace. With REQUIRED=1 (fault injection needs it) a non-root run stops;
# otherwise it falls back to the host's loopback and says so.
make_netns() {
    if [[ $(id -u) == 0 ]] && command -v ip >/dev/null; then
        NS="dwbench-$$"
        ip netns add "$NS" || die "cannot create network namespace $NS"
        ip -n "$NS" link set lo up
        NS_EXEC=(ip netns exec "$NS")
        log "private network namespace $NS (loopback only)"
    elif [[ ${1:-} == required ]]; then
        die "needs root (ip netns and nftables for fault injection)"
    else
        log "not root: running on the host's loopback (no private namespace)"
    fi
}

# nft inside the namespace.
ns_nft() { "${NS_EXEC[@]}" nft "$@"; }

# NO_BUILD=1 skips it (DOWNWATCH_BIN and TESTBED_BIN then name the binaries to run, for
# instance a debug build or another commit's binary).
build() {
    [[ ${NO_BUILD:-} == 1 ]] && return 0
    log "building release binaries"
    cargo build --release --quiet -p downwatch -p downwatch-testbed -p downwatch-bench
}

# Starts a long-running helper whose stdin is a FIFO held open here (it exits when the FIFO
# closes or on SIGTERM) and waits for its first stdout line. Usage: start_helper NAME CMD...
# Sets HELPER_PID; the line is in $TMP/NAME.json.
start_helper() {
    local name=$1
    shift
    mkfifo "$TMP/$name.in"
    local fd
    exec {fd}<>"$TMP/$name.in"
    FDS+=("$fd")
    "${NS_EXEC[@]}" "$@" <"$TMP/$name.in" >"$TMP/$name.json" 2>"$TMP/$name.err" &
    HELPER_PID=$!
    PIDS+=("$HELPER_PID")
    for _ in $(seq 200); do [[ -s $TMP/$name.json ]] && break; sleep 0.05; done
    [[ -s $TMP/$name.json ]] || die "$name did not start: $(cat "$TMP/$name.err")"
}

# The test bed; sets BED_PID, CA, DNS, HTTP, HTTPS, HTTPS_H1.
start_bed() {
    start_helper bed "$TESTBED" --bind 127.0.0.1 --dir "$TMP/bed"
    BED_PID=$HELPER_PID
    local f="$TMP/bed.json"
    CA=$(jq -r .ca "$f")
    DNS=$(jq -r .dns "$f")
    HTTP=$(jq -r .http "$f")
    HTTPS=$(jq -r .https_valid "$f")
    HTTPS_H1=$(jq -r .https_h1 "$f")
    [[ $HTTP == 127.* && $DNS == 127.* ]] || die "unexpected test bed addresses: $(cat "$f")"
}

# Connectivity controls on the test bed (the defaults point at real internet services).
controls_toml() {
    cat <<EOF
[[connectivity.control]]
name = "bed HTTP"
target = "http://127.0.0.1:${HTTP##*:}/"

[[connectivity.control]]
name = "bed TCP"
target = "tcp://$HTTPS"

[[connectivity.control]]
name = "bed DNS"
target = "dns://ok.test"
resolver = "$DNS"
EOF
}

# Starts the resident (`--headless` unless TRAY=true); sets RES_PID.
# Usage: start_resident CONFIG EVENTS
start_resident() {
    mkdir -p "$TMP/data"
    local mode=(--headless)
    [[ ${TRAY:-false} == true ]] && mode=()
    "${NS_EXEC[@]}" "$DOWNWATCH" run "${mode[@]}" --config "$1" --data-dir "$TMP/data" \
        --events "$2" 2>"$OUT/resident.stderr" &
    RES_PID=$!
    PIDS+=("$RES_PID")
    sleep 1
    kill -0 "$RES_PID" 2>/dev/null || die "the resident did not start: $(cat "$OUT/resident.stderr")"
    # `ip netns exec` execs the program: the PID is the resident's own.
    [[ $(cat "/proc/$RES_PID/comm") == downwatch ]] || die "PID $RES_PID is not the resident"
}

stop_resident() {
    kill -TERM "$RES_PID" 2>/dev/null
    wait "$RES_PID" 2>/dev/null || true
}

# utime+stime of a process in clock ticks (fields 14 and 15, counted after the ")").
cpu_ticks() { sed 's/.*) //' "/proc/$1/stat" | awk '{print $12 + $13}'; }
# Pss and Rss (KiB) from smaps_rollup.
pss_kib() { awk '/^Pss:/ {print $2}' "/proc/$1/smaps_rollup"; }
rss_kib() { awk '/^Rss:/ {print $2}' "/proc/$1/smaps_rollup"; }
# The whole machine's busy and total jiffies (all CPUs), to tell how busy it was.
machine_jiffies() { awk '/^cpu / {t = 0; for (i = 2; i <= NF; i++) t += $i; print t - $5 - $6, t; exit}' /proc/stat; }

# Machine, build and load, into $OUT/machine.txt.
machine_info() {
    {
        echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
        echo "cpu: $(lscpu | sed -n 's/^Model name: *//p'), $(nproc) online"
        echo "memory: $(awk '/MemTotal/ {printf "%.1f GiB", $2/1048576}' /proc/meminfo)"
        echo "kernel: $(uname -r)"
        echo "os: $(. /etc/os-release && echo "$PRETTY_NAME")"
        echo "rustc: $(rustc --version)"
        echo "commit: $(git rev-parse --short HEAD 2>/dev/null)"
        echo "uncommitted changes outside bench: $(git status --short 2>/dev/null | grep -v ' bench/\| crates/bench/\| docs/benchmarks.md' | wc -l) files"
        echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
    } >"$OUT/machine.txt"
}

need_tools() {
    local need=()
    command -v jq >/dev/null || need+=(jq)
    command -v nft >/dev/null || need+=(nftables)
    command -v ip >/dev/null || need+=(iproute2)
    if ((${#need[@]})); then
        log "installing ${need[*]}"
        apt-get update -qq
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >&2
    fi
}

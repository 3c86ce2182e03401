#!/usr/bin/env bash
# CPU time per verified HTTPS probe, side by side on one local target, in one run (plus a row
# where both tools ask for, decode and search a gzip-encoded page):
#   downwatch-bench (Downwatch's probe engine, one shared TLS configuration),
#   Prometheus' blackbox_exporter (Debian's prometheus-blackbox-exporter, started here),
#   curl (one process per probe, start-up included).
# Every probe of every tool opens a new TCP connection and does a full TLS handshake with
# certificate verification against the test bed's CA. Traffic stays on 127.0.0.1.
#
# Usage: bench/https-cpu.sh            (from anywhere; see docs/benchmarks.md)
# Knobs (environment): PROBES (2000), CONCURRENCY (8), ROUNDS (3), PROBES_C1 (500),
#   CURL_PROBES (300), BB_PORT (19115), OUT (bench-results/https-cpu-<time>).
set -euo pipefail

PROBES=${PROBES:-2000}
CONCURRENCY=${CONCURRENCY:-8}
ROUNDS=${ROUNDS:-3}
PROBES_C1=${PROBES_C1:-500}
CURL_PROBES=${CURL_PROBES:-300}
BB_PORT=${BB_PORT:-19115}
WARMUP=20
BLACKBOX=/usr/bin/prometheus-blackbox-exporter

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
OUT=${OUT:-bench-results/https-cpu-$(date -u +%Y%m%dT%H%M%SZ)}
mkdir -p "$OUT"
RAW="$OUT/results.jsonl"
: >"$RAW"

log() { printf '%s\n' "$*" >&2; }
die() { log "https-cpu: $*"; exit 1; }

# --- what the script needs, installed only when missing ----------------------------------
need=()
[[ -x $BLACKBOX ]] || need+=(prometheus-blackbox-exporter)
command -v curl >/dev/null || need+=(curl)
if ((${#need[@]})); then
    log "installing ${need[*]}"
    apt-get update -qq
    # The package's own service is left alone (it listens on :9115); this script runs
    # the binary itself with its own configuration and port.
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >&2
fi

log "building release binaries"
cargo build --release --quiet -p downwatch-testbed -p downwatch-bench
BENCH=target/release/downwatch-bench
TESTBED=target/release/downwatch-testbed

TMP=$(mktemp -d)
BED_PID=
BB_PID=
cleanup() {
    [[ -n $BB_PID ]] && kill "$BB_PID" 2>/dev/null && wait "$BB_PID" 2>/dev/null
    [[ -n $BED_PID ]] && kill "$BED_PID" 2>/dev/null && wait "$BED_PID" 2>/dev/null
    exec 3>&- 2>/dev/null
    rm -rf "$TMP"
}
trap cleanup EXIT

# --- the test bed: its stdin is a FIFO held open here, so it runs until we stop it ------
mkfifo "$TMP/bed.in"
exec 3<>"$TMP/bed.in"
"$TESTBED" --dir "$TMP/bed" <"$TMP/bed.in" >"$TMP/bed.json" 2>"$TMP/bed.err" &
BED_PID=$!
for _ in $(seq 100); do [[ -s $TMP/bed.json ]] && break; sleep 0.1; done
[[ -s $TMP/bed.json ]] || die "the test bed did not start: $(cat "$TMP/bed.err")"
json_field() { sed -n "s/.*\"$1\":\"\\([^\"]*\\)\".*/\\1/p" "$TMP/bed.json"; }
CA=$(json_field ca)
HTTPS=$(json_field https_valid)
[[ $HTTPS == 127.* ]] || die "unexpected test bed address $HTTPS"
# An IP URL (the certificate has an IP SAN): no DNS for any tool, same URL for all three.
TARGET="https://$HTTPS/"
cp "$TMP/bed.json" "$OUT/testbed.json"
log "target $TARGET"

# --- the machine ----------------------------------------------------------------------
{
    echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
    echo "cpu: $(lscpu | sed -n 's/^Model name: *//p'), $(nproc) online"
    echo "memory: $(awk '/MemTotal/ {printf "%.1f GiB", $2/1048576}' /proc/meminfo)"
    echo "kernel: $(uname -r)"
    echo "os: $(. /etc/os-release && echo "$PRETTY_NAME")"
    echo "rustc: $(rustc --version)"
    echo "blackbox_exporter: $("$BLACKBOX" --version 2>&1 | head -1)"
    echo "curl: $(curl --version | head -1)"
} >"$OUT/machine.txt"

# --- blackbox_exporter, started here with its own configuration -------------------------
cat >"$TMP/blackbox.yml" <<EOF
modules:
  https_ca:
    prober: http
    timeout: 8s
    http:
      preferred_ip_protocol: ip4
      ip_protocol_fallback: false
      tls_config:
        ca_file: $CA
  https_gzip:
    prober: http
    timeout: 8s
    http:
      preferred_ip_protocol: ip4
      ip_protocol_fallback: false
      compression: gzip
      headers:
        Accept-Encoding: gzip
      fail_if_body_not_matches_regexp: ["Status: OK"]
      tls_config:
        ca_file: $CA
EOF
if curl -s -o /dev/null "http://127.0.0.1:$BB_PORT/"; then
    die "port $BB_PORT is taken; set BB_PORT"
fi
"$BLACKBOX" --config.file="$TMP/blackbox.yml" --web.listen-address="127.0.0.1:$BB_PORT" \
    --log.level=error >"$TMP/blackbox.log" 2>&1 &
BB_PID=$!
for _ in $(seq 100); do curl -sf -o /dev/null "http://127.0.0.1:$BB_PORT/-/healthy" && break; sleep 0.1; done
curl -sf -o /dev/null "http://127.0.0.1:$BB_PORT/-/healthy" || die "blackbox_exporter did not start"
PROBE_URL="http://127.0.0.1:$BB_PORT/probe?module=https_ca&target=$TARGET"
# The gzip row: a page the server gzips when asked, both tools asking for gzip, decoding it
# and finding a keyword that is only in the decoded page.
GZIP_TARGET="${TARGET}compressed"
GZIP_URL="http://127.0.0.1:$BB_PORT/probe?module=https_gzip&target=$GZIP_TARGET"

# utime+stime of a process, in clock ticks (fields 14 and 15, counted after the ")").
cpu_ticks() { sed 's/.*) //' "/proc/$1/stat" | awk '{print $12 + $13}'; }
CLK_TCK=$(getconf CLK_TCK)

# One blackbox run: N probes, C at a time, driven by ONE curl process over keep-alive
# connections to the exporter (its CPU is its own and not counted). Prints a JSON line.
# Arguments: probes, concurrency, and optionally the exporter's probe URL (default PROBE_URL).
blackbox_run() {
    local n=$1 c=$2 url=${3:-$PROBE_URL} body="$TMP/bb-body.txt"
    local cfg="$TMP/urls-$1-$(cksum <<<"$url" | cut -d' ' -f1).cfg"
    [[ -f $cfg ]] || for ((i = 0; i < n; i++)); do echo "url = \"$url\""; done >"$cfg"
    head -n "$WARMUP" "$cfg" >"$TMP/warm.cfg"
    curl -s --no-progress-meter -Z --parallel-max "$c" -K "$TMP/warm.cfg" >/dev/null
    local before after t0 t1
    before=$(cpu_ticks "$BB_PID")
    t0=$(date +%s%N)
    curl -s --no-progress-meter -Z --parallel-max "$c" -K "$cfg" >"$body"
    t1=$(date +%s%N)
    after=$(cpu_ticks "$BB_PID")
    local ok
    ok=$(grep -c '^probe_success 1$' "$body" || true)
    ((ok == n)) || die "blackbox_exporter: only $ok of $n probes succeeded (see $body)"
    local version
    version=$(grep -m1 '^probe_http_version' "$body" | awk '{print $2}')
    grep '^probe_duration_seconds' "$body" | awk '{print $2 * 1000}' | sort -n >"$TMP/bb-ms.txt"
    awk -v n="$n" -v c="$c" -v ticks=$((after - before)) -v hz="$CLK_TCK" \
        -v ns=$((t1 - t0)) -v hv="$version" \
        -v rss="$(awk '/VmHWM/ {print $2}' "/proc/$BB_PID/status")" '
        { ms[NR] = $1 }
        END {
            cpu_us = ticks * 1e6 / hz
            printf "{\"tool\":\"blackbox_exporter\",\"probes\":%d,\"concurrency\":%d,", n, c
            printf "\"cpu_us_per_probe\":%.1f,\"probes_per_s\":%.1f,", cpu_us / n, n / (ns / 1e9)
            printf "\"median_ms\":%.2f,\"p99_ms\":%.2f,", ms[int((NR + 1) / 2)], ms[int(NR * 0.99 + 0.999)]
            printf "\"peak_rss_kib\":%d,\"http_version\":\"HTTP/%s\",\"cpu_ticks\":%d}\n", rss, hv, ticks
        }' "$TMP/bb-ms.txt"
}

# One downwatch run; the bench exits non-zero (and the script with it) if any probe failed.
# Arguments: probes, concurrency, runtime, target (default TARGET), then extra arguments.
downwatch_run() {
    local n=$1 c=$2 runtime=${3:-current-thread} target=${4:-$TARGET}
    shift $(($# < 4 ? $# : 4))
    "$BENCH" https --target "$target" --ca "$CA" --probes "$n" --concurrency "$c" \
        --warmup "$WARMUP" --runtime "$runtime" --json "$@"
}

# curl: N processes, C at a time; CPU of all of them (start-up included) from bash's `time`.
curl_run() {
    local n=$1 c=$2 timing codes=$TMP/curl-codes.txt
    timing=$(
        TIMEFORMAT='%3R %3U %3S'
        { time seq "$n" | xargs -P "$c" -I{} curl -s -o /dev/null -w '%{http_code} %{http_version}\n' \
            --cacert "$CA" "$TARGET" >"$codes"; } 2>&1
    )
    local ok
    ok=$(grep -c '^200 ' "$codes" || true)
    ((ok == n)) || die "curl: only $ok of $n probes got 200"
    read -r real user sys <<<"$timing"
    awk -v n="$n" -v c="$c" -v r="$real" -v u="$user" -v s="$sys" -v hv="$(head -1 "$codes" | cut -d' ' -f2)" 'BEGIN {
        printf "{\"tool\":\"curl\",\"probes\":%d,\"concurrency\":%d,", n, c
        printf "\"cpu_us_per_probe\":%.1f,\"probes_per_s\":%.1f,\"http_version\":\"HTTP/%s\"}\n", (u + s) * 1e6 / n, n / r, hv
    }'
}

record() { tee -a "$RAW" | sed 's/^/  /' >&2; }

# --- measurements: downwatch and blackbox interleaved, round by round --------------------
for ((round = 1; round <= ROUNDS; round++)); do
    log "round $round/$ROUNDS: $PROBES probes at concurrency $CONCURRENCY"
    downwatch_run "$PROBES" "$CONCURRENCY" | sed "s/^{/{\"round\":$round,\"set\":\"main\",/" | record
    blackbox_run "$PROBES" "$CONCURRENCY" | sed "s/^{/{\"round\":$round,\"set\":\"main\",/" | record
done
for ((round = 1; round <= ROUNDS; round++)); do
    log "gzip round $round/$ROUNDS: $PROBES probes of $GZIP_TARGET at concurrency $CONCURRENCY"
    downwatch_run "$PROBES" "$CONCURRENCY" current-thread "$GZIP_TARGET" \
        --header 'Accept-Encoding: gzip' --keyword 'Status: OK' |
        sed "s/^{/{\"round\":$round,\"set\":\"gzip\",/" | record
    blackbox_run "$PROBES" "$CONCURRENCY" "$GZIP_URL" | sed "s/^{/{\"round\":$round,\"set\":\"gzip\",/" | record
done
log "concurrency 1: $PROBES_C1 probes"
downwatch_run "$PROBES_C1" 1 | sed 's/^{/{"round":1,"set":"c1",/' | record
blackbox_run "$PROBES_C1" 1 | sed 's/^{/{"round":1,"set":"c1",/' | record
log "downwatch on a 2-worker multi-thread runtime (for comparison)"
downwatch_run "$PROBES" "$CONCURRENCY" multi-thread | sed 's/^{/{"round":1,"set":"mt",/' | record
log "curl: $CURL_PROBES processes at concurrency $CONCURRENCY"
curl_run "$CURL_PROBES" "$CONCURRENCY" | sed 's/^{/{"round":1,"set":"curl",/' | record

# --- the table: per (set, tool), the median over rounds of each figure ------------------
field() { sed -n "s/.*\"$1\":\"\\{0,1\\}\\([^,\"}]*\\).*/\\1/p"; }
summarize() { # set tool -> "probes conc cpu pps median p99" (medians over rounds)
    local lines
    lines=$(grep "\"set\":\"$1\"" "$RAW" | grep "\"tool\":\"$2\"" || true)
    [[ -n $lines ]] || return 0
    local f
    for f in probes concurrency cpu_us_per_probe probes_per_s median_ms p99_ms; do
        field "$f" <<<"$lines" | sort -g | awk '{v[NR] = $1} END {printf "%s ", (NR ? v[int((NR + 1) / 2)] : "-")}'
    done
    echo
}
{
    echo "HTTPS probe CPU: $TARGET, every probe a new connection and a full verified TLS handshake"
    echo "medians over $ROUNDS interleaved rounds for the concurrency-$CONCURRENCY rows; one run otherwise"
    echo
    printf '%-34s %7s %5s %14s %9s %10s %9s\n' tool probes conc "CPU µs/probe" probes/s "median ms" "p99 ms"
    fmt2() { [[ $1 == - ]] && echo - || printf '%.2f' "$1"; }
    row() {
        local s
        s=$(summarize "$2" "$3")
        [[ -n $s ]] || return 0
        read -r p c cpu pps med p99 <<<"$s"
        printf '%-34s %7s %5s %14.0f %9.0f %10s %9s\n' "$1" "$p" "$c" "$cpu" "$pps" "$(fmt2 "$med")" "$(fmt2 "$p99")"
    }
    row "downwatch (current-thread)" main downwatch
    row "blackbox_exporter 0.23" main blackbox_exporter
    row "downwatch (current-thread)" c1 downwatch
    row "blackbox_exporter 0.23" c1 blackbox_exporter
    row "downwatch, gzip body + keyword" gzip downwatch
    row "blackbox_exporter, gzip + regexp" gzip blackbox_exporter
    row "downwatch (multi-thread, 2)" mt downwatch
    row "curl (process per probe)" curl curl
    echo
    dw=$(summarize main downwatch | awk '{print $3}')
    bb=$(summarize main blackbox_exporter | awk '{print $3}')
    dw1=$(summarize c1 downwatch | awk '{print $3}')
    bb1=$(summarize c1 blackbox_exporter | awk '{print $3}')
    cu=$(summarize curl curl | awk '{print $3}')
    dwz=$(summarize gzip downwatch | awk '{print $3}')
    bbz=$(summarize gzip blackbox_exporter | awk '{print $3}')
    awk -v dw="$dw" -v bb="$bb" -v dw1="$dw1" -v bb1="$bb1" -v cu="$cu" -v c="$CONCURRENCY" \
        -v dwz="$dwz" -v bbz="$bbz" 'BEGIN {
        printf "ratio downwatch/blackbox_exporter, CPU per probe, concurrency %d: %.2f\n", c, dw / bb
        printf "ratio downwatch/blackbox_exporter, CPU per probe, gzip body, concurrency %d: %.2f\n", c, dwz / bbz
        printf "ratio downwatch/blackbox_exporter, CPU per probe, concurrency 1: %.2f\n", dw1 / bb1
        printf "ratio downwatch/curl, CPU per probe: %.2f\n", dw / cu
        printf "requirement (downwatch <= 0.5 x blackbox_exporter at concurrency %d): %s\n", c, (dw <= 0.5 * bb && dwz <= 0.5 * bbz ? "MET" : "NOT MET")
    }'
    echo
    echo "machine:"
    sed 's/^/  /' "$OUT/machine.txt"
} | tee "$OUT/summary.txt"
log "raw results in $OUT/"

#!/usr/bin/env bash
# The headless resident's footprint with 20 watches (default timings: every 30 s) over
# 10 minutes: PSS (and RSS) from /proc/PID/smaps_rollup every 30 s, and its average CPU
# (utime+stime from /proc/PID/stat, % of one core).
#
# The watches run against the test bed on loopback (HTTPS over HTTP/2 by name and by
# address, HTTPS over HTTP/1.1, plain HTTP, TCP, DNS, a TLS certificate check), the
# connectivity controls too, inside a private network namespace (as root). Desktop
# notifications are off (DESKTOP=true turns them on; that needs a session bus), so no
# D-Bus connection is open; the command hook is not configured either.
#
# TRAY=true runs `downwatch run` with its tray instead: a private session bus (dbus-daemon)
# and a stand-in panel (`tests/examples/panel.rs`: a StatusNotifierWatcher that reads the
# icon, the tooltip and the whole menu again after every second with a signal, as a host
# does) are started first, so the tray registers and is read all along.
#
# The CPU window starts WARMUP s after start-up (the first round and the loading of the
# system's root certificates are start-up work) and lasts DURATION s; the CPU from process
# start to the end is reported as well. At the end, PSS by mapping (smaps) tells what
# dominates.
#
# The resident measured is the one installed: `cargo build --profile dist -p downwatch`
# (optimized for size, see Cargo.toml), `target/dist/downwatch`. The binary's size is
# reported, and `ldd` must show no GTK and no WebKit.
#
# BASELINE=/path/to/downwatch runs that binary too, beside this one, with the same config
# (its own data directory and events file), sampled at the same moments: a before/after of
# the same run, on the same machine load (the two are different files, so they share no
# page of the binary; copy the baseline's binary out of its target directory first).
# PANEL names a stand-in panel already built (with NO_BUILD=1, see lib.sh).
#
# HISTORY=FILE starts each resident on a copy of that history database (e.g. the week
# `history_week` writes: 50 watches, 1 M checks) instead of an empty data directory, so the
# store's footprint is measured on a full retention window (a binary without the store
# ignores the file).
#
# Usage: bench/resident.sh     Knobs: DURATION (600), WARMUP (30), SAMPLE (30), DESKTOP, TRAY,
#                              BASELINE, PANEL, HISTORY, OUT (and lib.sh's NO_BUILD, DOWNWATCH_BIN).
set -euo pipefail
SCRIPT_NAME=resident
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

DURATION=${DURATION:-600}
WARMUP=${WARMUP:-30}
SAMPLE=${SAMPLE:-30}
DESKTOP=${DESKTOP:-false}
TRAY=${TRAY:-false}
OUT=${OUT:-bench-results/resident-$(date -u +%Y%m%dT%H%M%SZ)}
mkdir -p "$OUT"

need_tools
build
if [[ -z ${DOWNWATCH_BIN:-} ]]; then
    DOWNWATCH=target/dist/downwatch
    if [[ ${NO_BUILD:-} != 1 ]]; then
        log "building the resident as installed (profile dist)"
        cargo build --profile dist --quiet -p downwatch
    fi
fi
if ldd "$DOWNWATCH" | grep -Ei 'gtk|gdk|webkit'; then
    die "$DOWNWATCH links GTK or WebKit"
fi
machine_info
make_netns
start_bed
cp "$TMP/bed.json" "$OUT/testbed.json"
if [[ $TRAY == true ]]; then
    PANEL=${PANEL:-target/release/examples/panel}
    if [[ ${NO_BUILD:-} != 1 ]]; then
        log "building the stand-in panel"
        cargo build --release --quiet -p downwatch-e2e --example panel
    fi
    start_helper bus dbus-daemon --session "--address=unix:path=$TMP/session_bus" --nofork \
        --nopidfile --print-address=1
    export DBUS_SESSION_BUS_ADDRESS
    DBUS_SESSION_BUS_ADDRESS=$(head -1 "$TMP/bus.json")
    start_helper panel "$PANEL" "$DBUS_SESSION_BUS_ADDRESS"
fi

CONFIG="$OUT/config.toml"
watch() { # name target [extra line]
    printf '\n[[watch]]\nname = "%s"\ntarget = "%s"\n' "$1" "$2"
    [[ $2 == https://* || $2 == tls://* ]] && echo "ca = \"$CA\""
    [[ $2 == *.test* ]] && echo "resolver = \"$DNS\""
    true
}
{
    echo "# bench/resident.sh: 20 watches, default timings"
    echo "[notifications]"
    echo "desktop = $DESKTOP"
    echo
    echo "[connectivity]"
    controls_toml
    for i in 1 2 3 4 5 6; do watch "HTTPS name $i" "https://ok.test:${HTTPS##*:}/"; done
    for i in 1 2; do watch "HTTPS address $i" "https://$HTTPS/"; done
    for i in 1 2; do watch "HTTPS h1 $i" "https://h1.test:${HTTPS_H1##*:}/"; done
    for i in 1 2 3 4; do watch "HTTP $i" "http://$HTTP/"; done
    for i in 1 2 3; do watch "TCP $i" "tcp://$HTTP"; done
    for i in 1 2; do watch "DNS $i" "dns://ok.test"; done
    watch "TLS 1" "tls://ok.test:${HTTPS##*:}"
} >"$CONFIG"
[[ $(grep -c '^\[\[watch\]\]' "$CONFIG") == 20 ]] || die "expected 20 watches in $CONFIG"

if [[ -n ${HISTORY:-} ]]; then
    mkdir -p "$TMP/data" "$TMP/data-baseline"
    cp "$HISTORY" "$TMP/data/history.sqlite3"
    cp "$HISTORY" "$TMP/data-baseline/history.sqlite3"
    echo "history: a copy of $HISTORY ($(stat -c %s "$HISTORY") bytes)" >>"$OUT/machine.txt"
fi

EVENTS="$OUT/events.jsonl"
start_ms=$(now_ms)
start_resident "$CONFIG" "$EVENTS"
BASE_PID=
if [[ -n ${BASELINE:-} ]]; then
    mkdir -p "$TMP/data-baseline"
    "${NS_EXEC[@]}" "$BASELINE" run --headless --config "$CONFIG" --data-dir "$TMP/data-baseline" \
        --events "$OUT/events-baseline.jsonl" --socket "$TMP/baseline.sock" \
        2>"$OUT/baseline.stderr" &
    BASE_PID=$!
    PIDS+=("$BASE_PID")
    sleep 1
    kill -0 "$BASE_PID" 2>/dev/null || die "the baseline did not start: $(cat "$OUT/baseline.stderr")"
fi
log "resident $RES_PID with 20 watches; window starts in ${WARMUP}s and lasts ${DURATION}s"
sleep "$WARMUP"
kill -0 "$RES_PID" || die "the resident exited: $(cat "$OUT/resident.stderr")"
if [[ $TRAY == true ]]; then
    grep -q registered "$TMP/panel.err" || die "the tray did not register: $(cat "$TMP/panel.err")"
fi

t0=$(now_ms)
cpu0=$(cpu_ticks "$RES_PID")
read -r busy0 total0 < <(machine_jiffies)
printf 'elapsed_s\trss_kib\tpss_kib\tcpu_ticks\tbaseline_pss_kib\n' >"$OUT/memory.tsv"
sample() {
    printf '%s\t%s\t%s\t%s\t%s\n' $((($(now_ms) - t0) / 1000)) "$(rss_kib "$RES_PID")" \
        "$(pss_kib "$RES_PID")" "$(cpu_ticks "$RES_PID")" \
        "$([[ -n $BASE_PID ]] && pss_kib "$BASE_PID" || echo 0)" >>"$OUT/memory.tsv"
}
sample
end=$((t0 + DURATION * 1000))
while (($(now_ms) < end)); do
    left=$(((end - $(now_ms) + 999) / 1000)) # rounded up: no busy loop in the last second
    ((left > 0)) && sleep $((left < SAMPLE ? left : SAMPLE))
    sample
done
t1=$(now_ms)
cpu1=$(cpu_ticks "$RES_PID")
read -r busy1 total1 < <(machine_jiffies)
cp "/proc/$RES_PID/smaps" "$OUT/smaps.txt"
cp "/proc/$RES_PID/smaps_rollup" "$OUT/smaps_rollup.txt"
cp "/proc/$RES_PID/status" "$OUT/resident-status.txt"
[[ -n $BASE_PID ]] && cp "/proc/$BASE_PID/smaps" "$OUT/smaps-baseline.txt"
stop_resident
[[ $TRAY == true ]] && cp "$TMP/panel.err" "$OUT/panel.txt"
if [[ -n $BASE_PID ]]; then
    kill -TERM "$BASE_PID" 2>/dev/null
    wait "$BASE_PID" 2>/dev/null || true
fi
echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)" >>"$OUT/machine.txt"

checks=$(jq -c 'select(.event == "check" and .ts != null)' "$EVENTS" | wc -l)
not_up=$(jq -c 'select(.event == "check" and .status != "up")' "$EVENTS" | wc -l)
ncpu=$(nproc)
{
    awk -v s0="$start_ms" -v t0="$t0" -v t1="$t1" -v c0="$cpu0" -v c1="$cpu1" -v hz="$CLK_TCK" \
        -v m0="$busy0" -v m1="$busy1" -v n0="$total0" -v n1="$total1" -v ncpu="$ncpu" \
        -v checks="$checks" -v notup="$not_up" '
        BEGIN {
            s = (t1 - t0) / 1000
            printf "window: %.0f s (from %.0f s after start)\n", s, (t0 - s0) / 1000
            printf "resident CPU over the window: %.2f s = %.3f %% of one core\n", (c1 - c0) / hz, 100 * (c1 - c0) / hz / s
            printf "resident CPU since start: %.2f s over %.0f s = %.3f %% of one core\n", c1 / hz, (t1 - s0) / 1000, 100 * c1 / hz / ((t1 - s0) / 1000)
            printf "checks: %d (%d not up)\n", checks, notup
            printf "machine busy: %.0f %% of one core (all %d CPUs)\n", (m1 - m0) / (n1 - n0) * ncpu * 100, ncpu
        }'
    awk -F'\t' 'NR > 1 { if ($3 > p) p = $3; if ($2 > r) r = $2; lp = $3; lr = $2 }
        END { printf "PSS: max %.2f MiB, final %.2f MiB; RSS: max %.2f MiB, final %.2f MiB\n", p/1024, lp/1024, r/1024, lr/1024 }' \
        "$OUT/memory.tsv"
    echo "mode: $([[ $TRAY == true ]] && echo "with the tray (a stand-in panel reading it)" || echo headless)"
    # How often the panel read the item (its last line: it logs at powers of two).
    [[ $TRAY == true ]] && tail -1 "$OUT/panel.txt"
    echo "binary: $(stat -c %s "$DOWNWATCH") bytes ($DOWNWATCH); ldd: no GTK, no WebKit"
    if [[ -n $BASE_PID ]]; then
        awk -F'\t' 'NR > 1 { if ($5 > b) b = $5; if ($3 > p) p = $3; lb = $5; lp = $3 }
            END { printf "baseline PSS: max %.2f MiB, final %.2f MiB; this binary minus baseline: max %+.2f MiB, final %+.2f MiB\n", b/1024, lb/1024, (p-b)/1024, (lp-lb)/1024 }' \
            "$OUT/memory.tsv"
    fi
    grep -E '^(Threads|VmHWM)' "$OUT/resident-status.txt" | tr -s '\t ' ' '
    grep -E '^(Pss_Anon|Pss_File|Pss_Shmem)' "$OUT/smaps_rollup.txt" | tr -s '\t ' ' '
    # smaps: a header line per mapping (address range first), then its counters.
    by_mapping() {
        awk '$1 ~ /^[0-9a-f]+-[0-9a-f]+$/ { name = ($6 == "" ? "[anonymous]" : $6); next }
             $1 == "Pss:" { pss[name] += $2 }
             END { for (n in pss) if (pss[n] > 0) printf "%8d  %s\n", pss[n], n }' "$1" |
            sort -rn | head -12
    }
    echo "PSS by mapping at the end (KiB):"
    by_mapping "$OUT/smaps.txt"
    if [[ -f $OUT/smaps-baseline.txt ]]; then
        echo "the baseline's PSS by mapping at the end (KiB):"
        by_mapping "$OUT/smaps-baseline.txt"
    fi
} >"$OUT/summary.txt"
cat "$OUT/summary.txt"
log "results in $OUT (bars: PSS under 15 MB, CPU under 0.2 % of one core)"

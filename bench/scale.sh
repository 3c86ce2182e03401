#!/usr/bin/env bash
# 2,000 watches at a 30 s interval on this machine: does the resident keep its schedule?
#
# Starts the test bed and `downwatch run --headless` with WATCHES watches (default timings:
# interval 30 s, concurrency 64) against the bed's servers (HTTPS over HTTP/2 by name and by
# address, HTTPS over HTTP/1.1, plain HTTP, TCP connects, DNS queries), lets the first round
# pass (WARMUP s), then measures for DURATION s:
#   - lateness: `late_ms` of every `check` event in the window (each watch's first check left
#     out), p50/p99/max, via `downwatch-bench lateness`;
#   - probes per second over the window;
#   - the resident's CPU: utime+stime from /proc/PID/stat over the window, % of one core;
#   - its RSS and PSS (/proc/PID/smaps_rollup) every 10 s: max and final;
#   - how busy the machine was (all CPUs, /proc/stat) and the test bed's own CPU.
# Everything runs inside a private network namespace (as root) on loopback.
#
# Usage: bench/scale.sh      Knobs: WATCHES (2000), DURATION (300), WARMUP (40), OUT.
set -euo pipefail
SCRIPT_NAME=scale
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

WATCHES=${WATCHES:-2000}
DURATION=${DURATION:-300}
WARMUP=${WARMUP:-40}
OUT=${OUT:-bench-results/scale-$(date -u +%Y%m%dT%H%M%SZ)}
mkdir -p "$OUT"

need_tools
build
machine_info
make_netns
start_bed
cp "$TMP/bed.json" "$OUT/testbed.json"

# --- the configuration: default timings, controls on the bed, WATCHES watches -------------
# Kinds, as parts of 20: 6 HTTPS/h2 by name (DNS on the bed), 2 HTTPS/h2 by address,
# 2 HTTPS/HTTP/1.1, 5 plain HTTP, 4 TCP connects, 1 DNS query. The name's prefix (before
# "-") is the kind, which the lateness report groups by.
CONFIG="$OUT/config.toml"
{
    echo "# bench/scale.sh: $WATCHES watches, default timings"
    echo "[notifications]"
    echo "desktop = false"
    echo
    echo "[connectivity]"
    controls_toml
    for ((i = 0; i < WATCHES; i++)); do
        n=$(printf %04d "$i")
        case $((i % 20)) in
        0 | 1 | 2 | 3 | 4 | 5) kind=h2name target="https://ok.test:${HTTPS##*:}/" ;;
        6 | 7) kind=h2ip target="https://$HTTPS/" ;;
        8 | 9) kind=h1 target="https://$HTTPS_H1/" ;;
        10 | 11 | 12 | 13 | 14) kind=http target="http://$HTTP/" ;;
        15 | 16 | 17 | 18) kind=tcp target="tcp://$HTTP" ;;
        19) kind=dns target="dns://ok.test" ;;
        esac
        echo
        echo "[[watch]]"
        echo "name = \"$kind-$n\""
        echo "target = \"$target\""
        echo "resolver = \"$DNS\""
        [[ $target == https://* ]] && echo "ca = \"$CA\""
    done
} >"$CONFIG"

EVENTS="$OUT/events.jsonl"
log "starting the resident with $WATCHES watches; first round: ${WARMUP}s"
start_resident "$CONFIG" "$EVENTS"
sleep "$WARMUP"
kill -0 "$RES_PID" || die "the resident exited: $(cat "$OUT/resident.stderr")"

# --- the window ---------------------------------------------------------------------------
log "measuring for ${DURATION}s"
t0=$(now_ms)
cpu0=$(cpu_ticks "$RES_PID")
bed0=$(cpu_ticks "$BED_PID")
read -r busy0 total0 < <(machine_jiffies)
: >"$OUT/memory.tsv"
end=$((t0 + DURATION * 1000))
while (($(now_ms) < end)); do
    printf '%s\t%s\t%s\n' "$(now_ms)" "$(rss_kib "$RES_PID")" "$(pss_kib "$RES_PID")" >>"$OUT/memory.tsv"
    left=$(((end - $(now_ms) + 999) / 1000)) # rounded up: no busy loop in the last second
    ((left > 0)) && sleep $((left < 10 ? left : 10))
done
t1=$(now_ms)
cpu1=$(cpu_ticks "$RES_PID")
bed1=$(cpu_ticks "$BED_PID")
read -r busy1 total1 < <(machine_jiffies)
printf '%s\t%s\t%s\n' "$t1" "$(rss_kib "$RES_PID")" "$(pss_kib "$RES_PID")" >>"$OUT/memory.tsv"
cp "/proc/$RES_PID/status" "$OUT/resident-status.txt"
stop_resident
echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)" >>"$OUT/machine.txt"

# --- figures ------------------------------------------------------------------------------
"$BENCH" lateness --events "$EVENTS" --from-ms "$t0" --to-ms "$t1" --json >"$OUT/lateness.json"
"$BENCH" lateness --events "$EVENTS" --from-ms "$t0" --to-ms "$t1" >"$OUT/lateness.txt"
secs=$(awk -v a="$t0" -v b="$t1" 'BEGIN {print (b - a) / 1000}')
ncpu=$(nproc)
awk -v w="$WATCHES" -v s="$secs" -v c0="$cpu0" -v c1="$cpu1" -v b0="$bed0" -v b1="$bed1" \
    -v hz="$CLK_TCK" -v m0="$busy0" -v m1="$busy1" -v n0="$total0" -v n1="$total1" -v ncpu="$ncpu" '
    BEGIN {
        printf "watches: %d, window: %.0f s\n", w, s
        printf "resident CPU: %.2f s = %.1f %% of one core\n", (c1 - c0) / hz, 100 * (c1 - c0) / hz / s
        printf "test bed CPU: %.2f s = %.1f %% of one core\n", (b1 - b0) / hz, 100 * (b1 - b0) / hz / s
        busy = (m1 - m0) / (n1 - n0) * ncpu * 100
        printf "machine busy: %.0f %% of one core (all %d CPUs), of which other work: %.0f %%\n", busy, ncpu, busy - 100 * ((c1 - c0) + (b1 - b0)) / hz / s
    }' >"$OUT/summary.txt"
awk -F'\t' '{ if ($2 > r) r = $2; if ($3 > p) p = $3; lr = $2; lp = $3 }
    END { printf "resident RSS: max %.1f MiB, final %.1f MiB; PSS: max %.1f MiB, final %.1f MiB\n", r/1024, lr/1024, p/1024, lp/1024 }' \
    "$OUT/memory.tsv" >>"$OUT/summary.txt"
grep -E '^(Threads|VmHWM)' "$OUT/resident-status.txt" | tr -s '\t ' ' ' >>"$OUT/summary.txt"
cat "$OUT/lateness.txt" >>"$OUT/summary.txt"
cat "$OUT/summary.txt"
p99=$(jq .late_p99_ms "$OUT/lateness.json")
log "p99 lateness ${p99} ms (bar: under 1000 ms); results in $OUT"

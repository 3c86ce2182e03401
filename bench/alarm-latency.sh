#!/usr/bin/env bash
# Time from a fault to its notification, with the DEFAULT timings (interval 30 s, timeout 8 s,
# retry 5 s, 3 failures to go down, group_wait 5 s: the config sets none of them).
#
# One resident watches 2 x SAMPLES plain-HTTP servers (`downwatch-bench serve`, one port per
# watch, ungrouped watches) inside a private network namespace; the connectivity controls
# point at the test bed in the same namespace and keep working throughout. After the silent
# first round, each watch gets one fault at a random moment (uniform over SPREAD s, so at a
# random phase of its 30 s schedule), injected with nftables on its port, on the input hook:
#   refused    `tcp dport P reject with tcp reset`: every connection is refused at once;
#   blackhole  `tcp dport P drop`: every SYN is lost, every check times out (8 s).
# Latency = from the moment the rule was added (taken just before `nft` runs) to the `ts` of
# the `notification` event of kind `down` naming that watch; the command hook's receive time
# is logged too. A notification that names several watches counts for each of them.
#
# Besides the timings, the config changes one thing from the defaults: the rate limit
# (default 5 notices per 10 min) is raised, or most of the parallel samples' notices would be
# held back and summarised later. With one fault at a time, as a user sees it, the default
# limit is never reached.
#
# Usage: bench/alarm-latency.sh   Knobs: SAMPLES (12 per kind), SPREAD (60), SEED, OUT.
# Needs root (ip netns, nftables).
set -euo pipefail
SCRIPT_NAME=alarm-latency
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

SAMPLES=${SAMPLES:-12}
SPREAD=${SPREAD:-60}
SEED=${SEED:-$(date +%s)}
OUT=${OUT:-bench-results/alarm-latency-$(date -u +%Y%m%dT%H%M%SZ)}
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)

need_tools
build
machine_info
echo "seed: $SEED" >>"$OUT/machine.txt"
make_netns required
start_bed
start_helper serve "$BENCH" serve --count $((2 * SAMPLES))
mapfile -t PORTS < <(jq -r '.http[]' "$TMP/serve.json" | sed 's/.*://')

ns_nft -f - <<'EOF'
table inet dwbench {
    chain input {
        type filter hook input priority 0; policy accept;
    }
}
EOF

cat >"$OUT/hook.sh" <<'EOF'
#!/bin/sh
# Logs when each notification arrived (Unix ms) and what it said.
t=$(date +%s%3N)
IFS= read -r line
printf '%s %s\n' "$t" "$line" >>"$1"
EOF
chmod +x "$OUT/hook.sh"
HOOK_LOG="$OUT/hook.log"
: >"$HOOK_LOG"

CONFIG="$OUT/config.toml"
NAMES=()
KINDS=()
{
    echo "# bench/alarm-latency.sh: default timings; only the rate limit is raised"
    echo "[notifications]"
    echo "desktop = false"
    echo 'rate_limit = { count = 1000, per = "10m" }'
    echo "command = [\"$OUT/hook.sh\", \"$HOOK_LOG\"]"
    echo
    echo "[connectivity]"
    controls_toml
    for ((i = 0; i < 2 * SAMPLES; i++)); do
        if ((i % 2 == 0)); then kind=refused; else kind=blackhole; fi
        name=$(printf '%s-%02d' "$kind" $((i / 2 + 1)))
        NAMES+=("$name")
        KINDS+=("$kind")
        printf '\n[[watch]]\nname = "%s"\ntarget = "http://127.0.0.1:%s/"\n' "$name" "${PORTS[$i]}"
    done
} >"$CONFIG"

EVENTS="$OUT/events.jsonl"
start_resident "$CONFIG" "$EVENTS"
log "resident $RES_PID with ${#NAMES[@]} watches; waiting for the first round"
for _ in $(seq 60); do
    n=$(jq -r 'select(.event == "check") | .watch' "$EVENTS" 2>/dev/null | sort -u | wc -l)
    ((n >= ${#NAMES[@]})) && break
    sleep 1
done
((n >= ${#NAMES[@]})) || die "only $n watches checked after 60 s"
bad=$(jq -c 'select(.event == "check" and .status != "up")' "$EVENTS" | wc -l)
((bad == 0)) || die "$bad checks failed before any fault: $(jq -c 'select(.event == "check" and .status != "up")' "$EVENTS" | head -3)"

# --- the faults: one per watch, at random moments over SPREAD s ---------------------------
# Offsets in ms from `base`, drawn by awk (small numbers: mawk's printf %d is 32-bit).
base=$(($(now_ms) + 2000))
for i in "${!NAMES[@]}"; do echo "$i"; done |
    awk -v seed="$SEED" -v spread="$SPREAD" \
        'BEGIN { srand(seed % 2147483647) } { printf "%d %d\n", int(rand() * spread * 1000), $1 }' |
    sort -n >"$TMP/plan"
FAULTS="$OUT/faults.jsonl"
: >"$FAULTS"
log "injecting ${#NAMES[@]} faults over ${SPREAD}s (seed $SEED)"
while read -r offset i; do
    wait_ms=$((base + offset - $(now_ms)))
    ((wait_ms > 0)) && sleep "$(awk -v m="$wait_ms" 'BEGIN {print m / 1000}')"
    port=${PORTS[$i]}
    case ${KINDS[$i]} in
    refused) rule="tcp dport $port reject with tcp reset" ;;
    blackhole) rule="tcp dport $port drop" ;;
    esac
    t=$(now_ms)
    ns_nft add rule inet dwbench input $rule
    printf '{"watch":"%s","kind":"%s","at_ms":%s,"port":%s}\n' "${NAMES[$i]}" "${KINDS[$i]}" "$t" "$port" >>"$FAULTS"
done <"$TMP/plan"
last=$(now_ms)

# --- wait for every notification (a black hole needs about a minute and a half at most) ---
log "waiting for the notifications"
while (($(now_ms) < last + 150000)); do
    n=$(jq -r 'select(.event == "notification" and .kind == "down") | .watches[]' "$EVENTS" | sort -u | wc -l)
    ((n >= ${#NAMES[@]})) && break
    sleep 2
done
sleep 3 # let the hook of the last one finish
stop_resident
echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)" >>"$OUT/machine.txt"
ns_nft list ruleset >"$OUT/nft-ruleset.txt"

status=0
"$BENCH" alarms --events "$EVENTS" --faults "$FAULTS" --hook "$HOOK_LOG" --json >"$OUT/alarms.json" || true
"$BENCH" alarms --events "$EVENTS" --faults "$FAULTS" --hook "$HOOK_LOG" >"$OUT/alarms.txt" || status=1
cat "$OUT/alarms.txt"
log "results in $OUT (bars: median 45 s or less for refused, 60 s or less for blackhole)"
exit "$status"

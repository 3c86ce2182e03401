#!/usr/bin/env bash
# Regenerates docs/screenshots/notification-{en,ar}.png: the real resident, against the
# local test bed, notifying a real dunst on Xvfb over a private D-Bus session. Loopback only.
# Usage: scripts/screenshots.sh   (needs: xvfb dunst dbus imagemagick fonts-noto-core)
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build -q -p downwatch -p downwatch-testbed
BIN=target/debug
OUT=docs/screenshots
WORK=$(mktemp -d)
PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$WORK"; }
trap cleanup EXIT

wait_for() { # wait_for FILE PATTERN: until a line matching PATTERN appears (30 s at most)
  for _ in $(seq 300); do grep -q "$2" "$1" 2>/dev/null && return 0; sleep 0.1; done
  echo "timed out waiting for $2 in $1" >&2; return 1
}

Xvfb :77 -screen 0 900x300x24 -nolisten tcp >/dev/null 2>&1 & PIDS+=($!)
export DISPLAY=:77
dbus-daemon --session --address="unix:path=$WORK/bus" --nofork --print-address >"$WORK/bus.addr" & PIDS+=($!)
wait_for "$WORK/bus.addr" unix
export DBUS_SESSION_BUS_ADDRESS="unix:path=$WORK/bus"
cat >"$WORK/dunstrc" <<'RC'
[global]
    width = 560
    height = 200
    origin = top-right
    offset = 20x20
    font = Noto Sans 12
    frame_width = 2
    frame_color = "#cc3333"
    corner_radius = 6
    padding = 14
    horizontal_padding = 14
    icon_position = off
    show_indicators = no
    format = "<b>%s</b>\n%b"
[urgency_critical]
    background = "#2b2b2b"
    foreground = "#ffffff"
    frame_color = "#e05555"
    timeout = 0
RC
dunst -config "$WORK/dunstrc" >/dev/null 2>&1 & PIDS+=($!)

shoot() { # shoot LANG
  local lang=$1 dir="$WORK/$1"
  mkdir -p "$dir/ctl" "$dir/svc"
  # One bed stays up (the connectivity controls); the other plays the services and dies.
  $BIN/downwatch-testbed --dir "$dir/ctl" >"$dir/ctl.json" < <(sleep 600) 2>/dev/null & PIDS+=($!)
  $BIN/downwatch-testbed --dir "$dir/svc" >"$dir/svc.json" < <(sleep 600) 2>/dev/null & local svc=$!
  PIDS+=($svc)
  wait_for "$dir/ctl.json" https_valid; wait_for "$dir/svc.json" https_valid
  local ctl_http svc_https svc_http svc_h1
  ctl_http=$(sed 's/.*"http":"\([^"]*\)".*/\1/' "$dir/ctl.json")
  svc_https=$(sed 's/.*"https_valid":"\([^"]*\)".*/\1/' "$dir/svc.json")
  svc_h1=$(sed 's/.*"https_h1":"\([^"]*\)".*/\1/' "$dir/svc.json")
  svc_http=$(sed 's/.*"http":"\([^"]*\)".*/\1/' "$dir/svc.json")
  cat >"$dir/config.toml" <<CFG
[defaults]
interval = "2s"
timeout = "1s"
retry_interval = "1s"
[connectivity]
interval = "5s"
[[connectivity.control]]
target = "http://$ctl_http/"
keyword = "downwatch test bed"
[notifications]
locale = "$lang"
group_wait = "1s"
[[watch]]
name = "WhatsApp Web"
group = "Meta"
target = "https://$svc_https/"
ca = "$dir/svc/ca.pem"
[[watch]]
name = "Facebook"
group = "Meta"
target = "https://$svc_h1/"
ca = "$dir/svc/ca.pem"
[[watch]]
name = "Instagram"
group = "Meta"
target = "http://$svc_http/"
CFG
  $BIN/downwatch run --headless --config "$dir/config.toml" --data-dir "$dir/data" --events "$dir/events.jsonl" 2>/dev/null & PIDS+=($!)
  wait_for "$dir/events.jsonl" '"watch":"Instagram".*"to":"up"'
  wait_for "$dir/events.jsonl" '"watch":"Facebook".*"to":"up"'
  wait_for "$dir/events.jsonl" '"watch":"WhatsApp Web".*"to":"up"'
  kill "$svc"
  wait_for "$dir/events.jsonl" '"event":"notification"'
  sleep 1 # let dunst draw the notification it just received
  # The notification alone, with a margin of the (black) screen around it.
  import -window root png:- | convert - -trim +repage -bordercolor black -border 16 "$OUT/notification-$lang.png"
  dunstctl close-all 2>/dev/null || true
}
shoot en
shoot ar
echo "wrote $OUT/notification-en.png $OUT/notification-ar.png"

#!/usr/bin/env bash
# Regenerates docs/screenshots/window-*.png: the real history window (src-tauri, WebKitGTK)
# reading a real resident (`downwatch run --headless`) through its local API. The watches are
# the local test bed on loopback: one bed plays a provider's services and is stopped (a
# group outage), an expired certificate, a redirect whose location is markup (shown as text),
# and services that stay up. All on Xvfb, without a window manager; the screen is taken with
# ImageMagick's `import`. The window's language comes from LANG (a fresh profile each shot),
# dark from GTK_THEME=Adwaita:dark, which WebKitGTK reports as prefers-color-scheme: dark.
#
# Usage: scripts/screenshots-window.sh   (needs: xvfb imagemagick xdotool fonts-noto-core;
# generates the en_US and ar_EG UTF-8 locales when missing, as root)
# Not part of the test suite. WINDOW=path runs a window binary already built; NO_BUILD=1
# runs target/debug's downwatch and downwatch-testbed as they are.
set -euo pipefail
cd "$(dirname "$0")/.."

# The window takes its language from LANG only where that locale exists: without ar_EG the
# "Arabic" screenshot came out in English on a fresh machine.
for loc in en_US ar_EG; do
  locale -a | grep -qi "^$loc.utf-\?8$" || localedef -i "$loc" -f UTF-8 "$loc.UTF-8"
done
[[ -n ${NO_BUILD:-} ]] || cargo build -q -p downwatch -p downwatch-testbed
if [[ -z ${WINDOW:-} ]]; then
  (cd ui && npm ci --prefer-offline --no-audit --no-fund >/dev/null && npm run build >/dev/null)
  cargo build -q --manifest-path src-tauri/Cargo.toml
  WINDOW=$(find src-tauri/target/debug target/debug -maxdepth 1 -name downwatch-window -type f 2>/dev/null | head -n1)
fi
BIN=$PWD/target/debug
OUT=$PWD/docs/screenshots
WORK=$(mktemp -d)
PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; if [ -n "${KEEP:-}" ]; then echo "kept $WORK"; else rm -rf "$WORK"; fi; }
trap cleanup EXIT

wait_for() { # wait_for FILE PATTERN: until a line matching PATTERN appears (60 s at most)
  for _ in $(seq 600); do grep -q "$2" "$1" 2>/dev/null && return 0; sleep 0.1; done
  echo "timed out waiting for $2 in $1" >&2; return 1
}

for bed in ctl svc other; do
  mkdir -p "$WORK/$bed"
  "$BIN/downwatch-testbed" --dir "$WORK/$bed" >"$WORK/$bed.json" < <(sleep 3600 2>/dev/null) 2>/dev/null & PIDS+=($!)
  [[ $bed == svc ]] && SVC=$!
done
for bed in ctl svc other; do wait_for "$WORK/$bed.json" https_valid; done
field() { sed "s/.*\"$2\":\"\\([^\"]*\\)\".*/\\1/" "$WORK/$1.json"; }

cat >"$WORK/config.toml" <<CFG
[defaults]
interval = "5s"
timeout = "2s"
retry_interval = "2s"
[connectivity]
interval = "10s"
[[connectivity.control]]
target = "http://$(field ctl http)/"
keyword = "downwatch test bed"
[notifications]
group_wait = "1s"
[[watch]]
name = "WhatsApp Web"
group = "Meta"
target = "https://$(field svc https_valid)/"
ca = "$WORK/svc/ca.pem"
[[watch]]
name = "Facebook"
group = "Meta"
target = "https://$(field svc https_h1)/"
ca = "$WORK/svc/ca.pem"
[[watch]]
name = "Instagram"
group = "Meta"
target = "http://$(field svc http)/"
[[watch]]
name = "Gmail"
group = "Google"
target = "https://$(field other https_valid)/"
ca = "$WORK/other/ca.pem"
[[watch]]
name = "Drive"
group = "Google"
target = "https://$(field other https_jittery)/"
ca = "$WORK/other/ca.pem"
[[watch]]
name = "Billing portal"
target = "https://$(field other https_expired)/"
ca = "$WORK/other/ca.pem"
[[watch]]
name = "Shop"
target = "https://$(field other https_valid)/location?to=https://%3Cimg%20src%3Dx%20onerror%3Dalert(1)%3E/"
ca = "$WORK/other/ca.pem"
[[watch]]
name = "Status page"
target = "https://$(field other https_h1)/"
ca = "$WORK/other/ca.pem"
CFG
SOCKET="$WORK/api.sock"
"$BIN/downwatch" run --headless --config "$WORK/config.toml" --data-dir "$WORK/data" \
  --events "$WORK/events.jsonl" --socket "$SOCKET" 2>"$WORK/resident.log" & PIDS+=($!)
wait_for "$WORK/events.jsonl" '"watch":"Instagram".*"to":"up"'
# A few minutes of history, then the provider's bed goes away: one group outage.
sleep "${HISTORY_S:-150}"
kill "$SVC"
wait_for "$WORK/events.jsonl" '"watch":"Instagram".*"to":"down"'
sleep 20

Xvfb :78 -screen 0 1100x720x24 -nolisten tcp >/dev/null 2>&1 & PIDS+=($!)
sleep 1

painted() { # painted PID: until the screen holds more than one colour (90 s at most), then
  # a few seconds for the figures that arrive after the first paint
  for _ in $(seq 90); do
    kill -0 "$1" 2>/dev/null || { echo "the window exited" >&2; return 1; }
    local spread
    spread=$(DISPLAY=:78 import -window root png:- | convert - -format '%[fx:standard_deviation]' info:)
    [[ $spread != 0 ]] && { sleep "${SETTLE_S:-5}"; return 0; }
    sleep 1
  done
  echo "the window painted nothing in 90 s" >&2; return 1
}

shoot() { # shoot NAME LANG DARK [window args...]: one screenshot of a fresh window
  local name=$1 lang=$2 dark=$3
  shift 3
  local home="$WORK/home-$name"
  mkdir -p "$home"
  local theme=()
  [[ $dark == dark ]] && theme=(GTK_THEME=Adwaita:dark)
  env DISPLAY=:78 HOME="$home" XDG_DATA_HOME="$home/data" XDG_CONFIG_HOME="$home/config" \
    XDG_CACHE_HOME="$home/cache" LANG="$lang" LANGUAGE="${lang%%_*}" "${theme[@]}" \
    "$WINDOW" --socket "$SOCKET" "$@" >"$WORK/window-$name.log" 2>&1 &
  local pid=$!
  painted "$pid"
  if [[ -n ${KEYS:-} ]]; then
    local win
    win=$(DISPLAY=:78 xdotool search --onlyvisible --pid "$pid" | head -n1)
    DISPLAY=:78 xdotool windowfocus "$win"
    sleep 0.5
    DISPLAY=:78 xdotool key $KEYS
    sleep "${SETTLE_S:-5}"
  fi
  DISPLAY=:78 import -window root "$OUT/window-$name.png"
  kill "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
}

shoot overview-en en_US.UTF-8 light
shoot watch-ar ar_EG.UTF-8 dark --watch "WhatsApp Web"
# From <main>, which has the focus: back over the language to "Incidents" in the header.
KEYS="shift+Tab shift+Tab Return" shoot incidents-en en_US.UTF-8 dark
echo "wrote $OUT/window-overview-en.png $OUT/window-watch-ar.png $OUT/window-incidents-en.png"

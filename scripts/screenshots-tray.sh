#!/usr/bin/env bash
# Regenerates docs/screenshots/tray-*.png: the real resident (`downwatch run`, with its tray)
# in a real panel, Debian 12's xfce4-panel 4.18, whose "systray" plugin hosts
# StatusNotifierItems (it is the session's org.kde.StatusNotifierWatcher and draws the menu
# from com.canonical.dbusmenu). All on Xvfb with a private D-Bus session; the watches are the
# local test bed on loopback (one watch points at a closed loopback port, so the menu shows
# a down line next to the up ones). The menu is opened by a right click (xdotool) on the icon
# and the screen is taken with ImageMagick's `import`.
#
# Usage: scripts/screenshots-tray.sh            (English and Arabic, light and dark panel)
# Not part of the test suite. Installs what it needs with apt-get and generates the
# en_US.UTF-8 and ar_EG.UTF-8 locales (the panel's GTK lays a menu out right to left only
# in a right-to-left locale).
set -euo pipefail
cd "$(dirname "$0")/.."

need=()
for pkg in xvfb xfce4-panel xfconf xdotool imagemagick dbus fonts-noto-core fonts-dejavu-core adwaita-icon-theme locales; do
  dpkg -s "$pkg" >/dev/null 2>&1 || need+=("$pkg")
done
if ((${#need[@]})); then
  apt-get install -y --no-install-recommends "${need[@]}"
fi
for loc in en_US ar_EG; do
  locale -a | grep -qi "^$loc.utf-\?8$" || localedef -i "$loc" -f UTF-8 "$loc.UTF-8"
done

cargo build -q -p downwatch -p downwatch-testbed
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

# One test bed for every shot: it serves the watched sites and the connectivity control.
mkdir -p "$WORK/bed"
"$BIN/downwatch-testbed" --dir "$WORK/bed" >"$WORK/bed.json" < <(sleep 3600 2>/dev/null) 2>/dev/null & PIDS+=($!)
wait_for "$WORK/bed.json" https_valid
field() { sed "s/.*\"$1\":\"\\([^\"]*\\)\".*/\\1/" "$WORK/bed.json"; }
HTTP=$(field http) HTTPS=$(field https_valid) H1=$(field https_h1)

convert -size 640x400 gradient:'#7f9cbc'-'#3b5878' "$WORK/backdrop.png"

panel_config() { # panel_config DIR DARK: xfconf's file for one top panel: tray, space, clock
  mkdir -p "$1/xfce4/xfconf/xfce-perchannel-xml"
  cat >"$1/xfce4/xfconf/xfce-perchannel-xml/xfce4-panel.xml" <<XML
<?xml version="1.0" encoding="UTF-8"?>
<channel name="xfce4-panel" version="1.0">
  <property name="configver" type="int" value="2"/>
  <property name="panels" type="array">
    <value type="int" value="1"/>
    <property name="dark-mode" type="bool" value="$2"/>
    <property name="panel-1" type="empty">
      <property name="position" type="string" value="p=6;x=0;y=0"/>
      <property name="length" type="uint" value="100"/>
      <property name="position-locked" type="bool" value="true"/>
      <property name="size" type="uint" value="32"/>
      <property name="icon-size" type="uint" value="0"/>
      <property name="plugin-ids" type="array">
        <value type="int" value="1"/>
        <value type="int" value="2"/>
        <value type="int" value="3"/>
      </property>
    </property>
  </property>
  <property name="plugins" type="empty">
    <property name="plugin-1" type="string" value="systray">
      <property name="square-icons" type="bool" value="true"/>
    </property>
    <property name="plugin-2" type="string" value="separator">
      <property name="expand" type="bool" value="true"/>
      <property name="style" type="uint" value="0"/>
    </property>
    <property name="plugin-3" type="string" value="clock"/>
  </property>
</channel>
XML
}

shoot() { # shoot LANG THEME: docs/screenshots/tray-LANG-THEME.png
  local lang=$1 theme=$2 dir="$WORK/$1-$2" display=:78 locale dark=false
  [ "$lang" = ar ] && locale=ar_EG.UTF-8 || locale=en_US.UTF-8
  [ "$theme" = dark ] && dark=true
  mkdir -p "$dir/config" "$dir/home"
  panel_config "$dir/config" "$dark"
  cat >"$dir/downwatch.toml" <<CFG
[defaults]
interval = "3s"
timeout = "1s"
retry_interval = "1s"
[connectivity]
interval = "5s"
[[connectivity.control]]
target = "http://$HTTP/"
keyword = "downwatch test bed"
[notifications]
locale = "$lang"
desktop = false
[[watch]]
name = "Web"
target = "https://$HTTPS/"
ca = "$WORK/bed/ca.pem"
[[watch]]
name = "Mail"
target = "https://$H1/"
ca = "$WORK/bed/ca.pem"
[[watch]]
name = "Chat"
target = "https://127.0.0.1:9/"
ca = "$WORK/bed/ca.pem"
[[watch]]
name = "Wiki"
target = "http://$HTTP/"
CFG
  local pids=()
  Xvfb $display -screen 0 640x400x24 -nolisten tcp >/dev/null 2>&1 & pids+=($!) PIDS+=($!)
  for _ in $(seq 100); do [ -e /tmp/.X11-unix/X${display#:} ] && break; sleep 0.1; done
  # A desktop-like backdrop instead of X's black (`display` sets it, then reports 1).
  DISPLAY=$display display -window root "$WORK/backdrop.png" || true
  # The panel, its settings daemon (xfconfd, started by D-Bus activation) and the resident
  # share one private session bus and one XDG_CONFIG_HOME.
  env -i PATH="$PATH" HOME="$dir/home" XDG_CONFIG_HOME="$dir/config" DISPLAY=$display \
    LANG=$locale LC_ALL=$locale NO_AT_BRIDGE=1 \
    dbus-daemon --session --address="unix:path=$dir/bus" --nofork --print-address \
    >"$dir/bus.addr" & pids+=($!)
  wait_for "$dir/bus.addr" unix
  local -a env=(env -i PATH="$PATH" HOME="$dir/home" XDG_CONFIG_HOME="$dir/config"
    DISPLAY=$display LANG=$locale LC_ALL=$locale NO_AT_BRIDGE=1
    DBUS_SESSION_BUS_ADDRESS="unix:path=$dir/bus")
  "${env[@]}" xfce4-panel --disable-wm-check >"$dir/panel.log" 2>&1 & pids+=($!)
  # The systray plugin owns the watcher's name once it is loaded.
  for _ in $(seq 300); do
    "${env[@]}" dbus-send --session --print-reply --dest=org.freedesktop.DBus / \
      org.freedesktop.DBus.NameHasOwner string:org.kde.StatusNotifierWatcher 2>/dev/null |
      grep -q "boolean true" && break
    sleep 0.1
  done
  "${env[@]}" DOWNWATCH_LOG=info "$BIN/downwatch" run --config "$dir/downwatch.toml" \
    --data-dir "$dir/data" --events "$dir/events.jsonl" 2>"$dir/resident.log" & pids+=($!)
  PIDS+=("${pids[@]:1}")
  for w in Web Mail Wiki; do wait_for "$dir/events.jsonl" "\"watch\":\"$w\".*\"to\":\"up\""; done
  wait_for "$dir/events.jsonl" '"watch":"Chat".*"to":"down"'
  wait_for "$dir/resident.log" "registered"
  # The tray is the panel's first plugin (the panel keeps its plugins' order in a
  # right-to-left locale too): its icon is centred 16 px from the screen's left edge.
  sleep 2 # the panel draws the icon it was just told about
  if [ "$lang" = en ]; then # the tooltip, hovering the icon
    DISPLAY=$display xdotool mousemove 16 16
    sleep 2
    DISPLAY=$display import -window root png:- |
      convert - -crop 420x110+0+0 +repage "$OUT/tray-tooltip-$lang-$theme.png"
  fi
  DISPLAY=$display xdotool mousemove 16 16 click 3
  # Off the icon, so its tooltip does not cover the menu.
  DISPLAY=$display xdotool mousemove 600 390
  sleep 2 # the menu is drawn after the panel's GetLayout round trip
  DISPLAY=$display import -window root "$OUT/tray-$lang-$theme.png"
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait "${pids[@]}" 2>/dev/null || true
}

mkdir -p "$OUT"
shoot en light
shoot ar dark
echo "wrote $OUT/tray-en-light.png $OUT/tray-tooltip-en-light.png $OUT/tray-ar-dark.png"

#!/usr/bin/env bash
# Installs the Debian/Ubuntu packages Downwatch needs, only those that are missing.
# Usage: scripts/deps.sh build|desktop|test
# Sourced by run.sh and test.sh; safe to run again (it does nothing when all is there).
set -euo pipefail

build_pkgs=(build-essential pkg-config ca-certificates)
# Every program a test runs, by package (scripts/fresh-check.sh proves the list on a fresh
# Debian 12). Faults are injected in private network namespaces (root only):
#   nft: nftables; ip: iproute2.
# Notifications go to a real daemon on a private D-Bus session under Xvfb; the tests read
# its history over D-Bus themselves (dunstctl's needs busctl, from systemd):
#   dbus-daemon, dbus-run-session: dbus-daemon; dbus-send: dbus-bin; Xvfb: xvfb; dunst: dunst.
# dbus-x11 fills dunst's need for a session bus, which dbus-user-session would fill by
# bringing systemd. The hooks' sh, cat, head, tr and sleep are Essential: always installed.
# The metrics endpoint is checked with promtool (`promtool check metrics`): prometheus.
# The API's peer-uid test runs its client as another user with setpriv (util-linux,
# Essential) and fetches the metrics inside a namespace with bash's /dev/tcp (Essential).
# The history window (src-tauri/, Tauri v2) builds against WebKitGTK 4.1 and libxdo
# (libwebkit2gtk-4.1-dev, libxdo-dev; no tray of its own, so no appindicator, and no bundle,
# so no librsvg); its end-to-end tests drive it with WebKitWebDriver: webkit2gtk-driver.
window_pkgs=(libwebkit2gtk-4.1-dev libxdo-dev webkit2gtk-driver)
test_pkgs=("${build_pkgs[@]}" nftables iproute2 dbus-daemon dbus-bin xvfb dunst dbus-x11 prometheus "${window_pkgs[@]}")

case "${1:-build}" in
  build) wanted=("${build_pkgs[@]}") ;;
  # The desktop product: the resident and the history window (no WebDriver).
  desktop) wanted=("${build_pkgs[@]}" libwebkit2gtk-4.1-dev libxdo-dev) ;;
  test) wanted=("${test_pkgs[@]}") ;;
  *) echo "usage: $0 build|desktop|test" >&2; exit 3 ;;
esac

missing=()
for pkg in "${wanted[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done

if ((${#missing[@]})); then
  echo "==> installing: ${missing[*]}"
  sudo=""
  if [[ $(id -u) -ne 0 ]]; then
    command -v sudo >/dev/null || { echo "need root (or sudo) to install: ${missing[*]}" >&2; exit 1; }
    sudo="sudo"
  fi
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update -q || echo "apt-get update failed; trying with the current package lists" >&2
  $sudo apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

if ! command -v cargo >/dev/null; then
  cat >&2 <<'MSG'
cargo is not installed. Downwatch needs Rust 1.85 or newer (Debian's packaged rustc is too old):
  curl --proto '=https' --tlsv1.2 -sSf https://sh.rustup.rs | sh
then open a new shell (or `source ~/.cargo/env`) and run this command again.
MSG
  exit 1
fi

#!/usr/bin/env bash
# Builds Downwatch as installed (the resident with the `dist` profile, optimized for size: the
# build whose memory docs/benchmarks.md measures; the window with `release`) and runs it.
# Without arguments it starts the desktop product: the resident with its tray (`downwatch
# run`, default configuration written on first run), the history window built beside it and
# started on demand (tray, notification, `downwatch open`). With arguments it runs that
# command instead, e.g. `scripts/run.sh run --headless` or
# `scripts/run.sh check tcp://e1.whatsapp.net:5222` (the window is not built then).
set -euo pipefail
cd "$(dirname "$0")/.."

if (($# == 0)); then
  scripts/deps.sh desktop
else
  scripts/deps.sh build
fi
cargo build --profile dist --locked -p downwatch >&2
if (($# == 0)); then
  # The window's web view, then the window (its own Cargo workspace), placed next to
  # `downwatch`, where the resident looks for it first.
  (cd ui && npm ci --no-audit --no-fund --prefer-offline && npm run build) >&2
  cargo build --release --locked --manifest-path src-tauri/Cargo.toml >&2
  cp src-tauri/target/release/downwatch-window target/dist/downwatch-window
  set -- run
fi
exec target/dist/downwatch "$@"

#!/usr/bin/env bash
# Builds Downwatch (release) and runs it. Without arguments it starts the monitor
# (`downwatch run --headless`, default configuration written on first run); pass any
# command instead, e.g. `scripts/run.sh check tcp://e1.whatsapp.net:5222`.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/deps.sh build
cargo build --release --locked -p downwatch >&2
if (($# == 0)); then
  set -- run --headless
fi
exec target/release/downwatch "$@"

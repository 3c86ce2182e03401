#!/usr/bin/env bash
# The whole test suite, as CI runs it: installs what the tests need, checks formatting and
# lints, builds every binary, then runs unit, probe and end-to-end tests.
# Network tests talk only to loopback, or to loopback inside private network namespaces.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/deps.sh test

echo "==> rustfmt"
cargo fmt --all -- --check
echo "==> clippy (warnings are errors)"
cargo clippy --workspace --all-targets --locked -- -D warnings
echo "==> build (the end-to-end tests run the real binaries)"
cargo build --workspace --bins --locked
echo "==> tests"
if [[ $(id -u) -eq 0 ]]; then
  # As root every namespace test must run: a missing tool is a failure, not a skip.
  export DOWNWATCH_REQUIRE_NETNS=1
  # The packages above bring the notification daemon: its tests must run, not skip.
  export DOWNWATCH_REQUIRE_DESKTOP=1
else
  echo "note: not root, the network-namespace fault tests will say SKIPPED" >&2
fi
cargo test --workspace --locked "$@"
echo "==> all tests passed"

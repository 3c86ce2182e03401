#!/usr/bin/env bash
# The whole test suite, as CI runs it: installs what the tests need, builds and tests the
# window's UI (ui/), checks formatting and lints, builds every binary, then runs unit, probe
# and end-to-end tests.
# Network tests talk only to loopback, or to loopback inside private network namespaces.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/deps.sh test

echo "==> ui (the history window's web view: npm ci, typecheck, build into ui/dist, unit tests)"
# Before cargo: the window's Tauri app embeds ui/dist when it compiles.
command -v npm >/dev/null || { echo "npm not found: the window's UI needs Node.js 20.19 or newer" >&2; exit 1; }
(cd ui && npm ci --prefer-offline --no-audit --no-fund && npm run build && npm test)

echo "==> rustfmt"
cargo fmt --all -- --check
echo "==> clippy (warnings are errors)"
cargo clippy --workspace --all-targets --locked -- -D warnings
cargo clippy -p downwatch-api --features ts --all-targets --locked -- -D warnings
echo "==> build (the end-to-end tests run the real binaries)"
cargo build --workspace --bins --locked
echo "==> the history window (src-tauri/: a workspace of its own, embeds ui/dist)"
cargo fmt --manifest-path src-tauri/Cargo.toml -- --check
cargo clippy --manifest-path src-tauri/Cargo.toml --all-targets --locked -- -D warnings
cargo build --manifest-path src-tauri/Cargo.toml --locked
echo "==> tests"
if [[ $(id -u) -eq 0 ]]; then
  # As root every namespace test must run: a missing tool is a failure, not a skip.
  export DOWNWATCH_REQUIRE_NETNS=1
  # The packages above bring the notification daemon: its tests must run, not skip.
  export DOWNWATCH_REQUIRE_DESKTOP=1
  # ...and the window was built above: its WebDriver tests must run too.
  export DOWNWATCH_REQUIRE_WINDOW=1
else
  echo "note: not root, the network-namespace fault tests will say SKIPPED" >&2
fi
cargo test --workspace --locked "$@"
echo "==> the TypeScript types generated from the Rust ones are the committed ones"
# crates/api/tests/bindings.rs regenerates ui/src/generated/ (the `ts` feature: the programs
# themselves do not carry ts-rs).
# Compared with a copy taken before, not with git: a fresh machine (or a tarball) may have none.
committed=$(mktemp -d)
trap 'rm -rf "$committed"' EXIT
cp -a ui/src/generated/. "$committed/"
cargo test -p downwatch-api --features ts --test bindings --locked
if ! diff -r "$committed" ui/src/generated; then
  echo "ui/src/generated/ differs from what the Rust types generate: run" >&2
  echo "  cargo test -p downwatch-api --features ts --test bindings   and commit the result" >&2
  exit 1
fi
echo "==> all tests passed"

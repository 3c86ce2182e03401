#!/usr/bin/env bash
# Runs the README's two commands as a new contributor would: in a fresh Debian 12 chroot
# (debootstrap --variant=minbase bookworm) with nothing added but the Rust toolchain and Node
# copied from this machine and a clean clone of the committed code. Reports PASS or FAIL per
# command with its log. Slow (a cold debug and release build on a small machine), so it is not
# part of .ci/run; run it before resolving a desktop issue (CONTRIBUTING.md).
#
# Usage: scripts/fresh-check.sh [--rev REV] [--only run|test] [--refresh] [--keep]
#   --rev REV   the commit to check (default: main); only committed state is copied
#   --only X    run only the run command or only the test command (default: both)
#   --refresh   build the cached minbase root again (Debian's registry must be reachable)
#   --keep      keep the chroot afterwards (for debugging; its mounts are gone all the same)
# Needs root, debootstrap (installed if missing), unshare (util-linux), git.
#
# The run command runs forever, so it is checked twice, against a local Node HTTP server on
# 127.0.0.1 (no traffic leaves the machine):
#   1. `scripts/run.sh check http://127.0.0.1:PORT/` must exit 0 and print UP;
#   2. `scripts/run.sh run --headless` with a config whose watch and "is it me" controls are
#      that server must report the watch up in its events file, still be running 5 s later,
#      and stop with status 0 on SIGTERM.
# Each run starts from the cached minbase tarball unpacked anew; the cache is only
# debootstrap's output (/var/cache/downwatch-fresh). The chroot lives in its own mount and PID
# namespaces: every mount and process inside is gone when it ends, however it ends.
set -euo pipefail

cache=/var/cache/downwatch-fresh
base="$cache/bookworm-minbase.tar"
suite=bookworm
chroot_path=/root/.cargo/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin

# Everything is in functions, called on the last line: bash then has read the whole file
# before running any of it, so editing the script during a (long) run cannot derail the run.

# Inside the namespaces (re-executed by main): mounts, then the two commands in the chroot.
inside() {
  local root=$2 logs=$3 only=$4 status=0
  mounts=()
  cleanup() {
    local i
    for ((i = ${#mounts[@]} - 1; i >= 0; i--)); do umount -l "${mounts[i]}" 2>/dev/null || true; done
  }
  trap cleanup EXIT
  # On a booted machine / is a mount point; `ip netns exec` (and `ip -n`) remount it as a
  # slave, which fails with EINVAL in a chroot whose root is a plain directory.
  mount --bind "$root" "$root"
  mounts+=("$root")
  mount -t proc proc "$root/proc"
  mounts+=("$root/proc")
  mount -t sysfs sysfs "$root/sys"
  mounts+=("$root/sys")
  mount --rbind /dev "$root/dev"
  mounts+=("$root/dev")
  # A booted machine has a tmpfs /run; `ip netns` keeps its namespaces there.
  mount -t tmpfs -o mode=755 tmpfs "$root/run"
  mounts+=("$root/run")
  # Node (npm) trusts its own roots, not the system's bundle: on a network whose CA was
  # copied in, it is told of the bundle as this machine's Node is (NODE_EXTRA_CA_CERTS).
  local node_ca=()
  if compgen -G "$root/usr/local/share/ca-certificates/fresh-check-host-*" >/dev/null; then
    node_ca=(NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt)
  fi
  in_chroot() {
    chroot "$root" /usr/bin/env -i HOME=/root USER=root LOGNAME=root PATH="$chroot_path" \
      TERM=dumb "${node_ca[@]}" bash -c "cd /root/downwatch && $1"
  }
  if [[ $only == test ]]; then
    echo "run  SKIP"
  elif in_chroot 'bash /root/run-check.sh' >"$logs/run.log" 2>&1; then
    echo "run  PASS"
  else
    echo "run  FAIL"
    status=1
  fi
  # The issue this check was made for: the suite needed busctl (systemd), which nothing
  # installed. Say whether a package pulled systemd in.
  if [[ $only == run ]]; then
    echo "test SKIP"
  elif in_chroot 'scripts/test.sh && echo "==> busctl (systemd): $(command -v busctl || echo not installed)"' \
    >"$logs/test.log" 2>&1; then
    echo "test PASS"
  else
    echo "test FAIL"
    status=1
  fi
  return "$status"
}

main() {
repo=$(cd "$(dirname "$0")/.." && pwd)
rev=main refresh=0 keep=0 only=both
while (($#)); do
  case "$1" in
    --rev) rev=${2:?--rev needs a revision}; shift 2 ;;
    --only)
      only=${2:?--only needs run or test}
      [[ $only == run || $only == test ]] || { echo "--only takes run or test" >&2; exit 3; }
      shift 2
      ;;
    --refresh) refresh=1; shift ;;
    --keep) keep=1; shift ;;
    *) echo "usage: $0 [--rev REV] [--only run|test] [--refresh] [--keep]" >&2; exit 3 ;;
  esac
done
[[ $(id -u) -eq 0 ]] || { echo "fresh-check: needs root (debootstrap, chroot, mounts)" >&2; exit 3; }
commit=$(git -C "$repo" rev-parse --verify "$rev^{commit}")

# The Debian mirror this machine's apt uses (deb822 .sources or one-line .list files).
mirror=$(cat /etc/apt/sources.list.d/*.sources /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null |
  grep -oE 'https?://[^ ]+/debian/?( |$)' | head -n1 | tr -d ' ' || true)
mirror=${mirror:-http://deb.debian.org/debian}
mirror=${mirror%/}

command -v debootstrap >/dev/null || {
  echo "==> installing debootstrap"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends debootstrap >/dev/null
}

mkdir -p "$cache"
if ((refresh)) || [[ ! -f $base ]]; then
  echo "==> debootstrap --variant=minbase $suite from $mirror (cached in $base)"
  tmp=$(mktemp -d "$cache/debootstrap.XXXXXX")
  debootstrap --variant=minbase "$suite" "$tmp/root" "$mirror" >"$cache/debootstrap.log" 2>&1 ||
    { echo "debootstrap failed: $cache/debootstrap.log" >&2; rm -rf --one-file-system "$tmp"; exit 1; }
  tar -C "$tmp/root" --numeric-owner -cf "$base.part" .
  mv "$base.part" "$base"
  echo "$mirror" >"$cache/mirror"
  rm -rf --one-file-system "$tmp"
fi

# The chroot's debug and release builds take about 9 GB; a full disk fails the build with
# "No space left on device" and the other work on the machine with it, so do not start.
mkdir -p /var/tmp/downwatch-fresh
free_gib=$(($(df --output=avail -k /var/tmp/downwatch-fresh | tail -n1) / 1024 / 1024))
if ((free_gib < 15)); then
  echo "fresh-check: only $free_gib GiB free in /var/tmp; it needs 15 (two builds of the workspace)" >&2
  exit 3
fi

stamp=$(date -u +%Y%m%dT%H%M%SZ)
work=/var/tmp/downwatch-fresh/$stamp-$$
root=$work/root
mkdir -p "$root"
finish() {
  # The mounts lived in the namespaces only; refuse to delete through one that did not go.
  if findmnt -R "$root" >/dev/null 2>&1 || grep -qF " $root/" /proc/self/mountinfo; then
    echo "fresh-check: something is still mounted under $root, not deleting it" >&2
  elif ((keep)); then
    echo "chroot kept: $root"
  else
    rm -rf --one-file-system "$root"
  fi
}
trap finish EXIT

echo "==> fresh root in $root (minbase tarball from $(date -u -r "$base" +%F))"
tar -C "$root" --numeric-owner -xpf "$base"
# What a Debian 12 installation has beyond debootstrap's output: its updates and security
# suites, a resolver, and a hosts file with localhost.
{
  echo "deb $mirror $suite main"
  echo "deb $mirror $suite-updates main"
  echo "deb ${mirror}-security $suite-security main"
} >"$root/etc/apt/sources.list"
cp -L /etc/resolv.conf "$root/etc/resolv.conf"
printf '127.0.0.1\tlocalhost\n::1\t\tlocalhost ip6-localhost ip6-loopback\n' >"$root/etc/hosts"
# A network that inspects TLS (as this workplace's does) needs its CA on every machine in it:
# the certificates this machine trusts beyond Debian's ca-certificates go in as local CAs,
# which the chroot's ca-certificates (installed by deps.sh) then adds to its bundle.
mkdir -p "$root/usr/local/share/ca-certificates"
local_cas=$(
  awk -v out="$root/usr/local/share/ca-certificates/fresh-check-host" '
    FNR == 1 { file++ }
    /-----BEGIN CERTIFICATE-----/ { body = ""; pem = ""; inside = 1 }
    inside { pem = pem $0 "\n"; if ($0 !~ /-----/) body = body $0 }
    /-----END CERTIFICATE-----/ {
      inside = 0
      if (file == 1) { known[body] = 1 }
      else if (!(body in known) && !(body in added)) {
        added[body] = 1; n++
        printf "%s", pem > (out "-" n ".crt"); close(out "-" n ".crt")
      }
    }
    END { print n + 0 }
  ' <(cat /usr/share/ca-certificates/*/*.crt) /etc/ssl/certs/ca-certificates.crt
)
echo "    local CAs of this machine's network copied in: $local_cas"

echo "==> copying the Rust toolchain and Node"
rustup_home=${RUSTUP_HOME:-$HOME/.rustup}
cargo_home=${CARGO_HOME:-$HOME/.cargo}
toolchain=$(cd "$repo" && rustup show active-toolchain | cut -d' ' -f1)
mkdir -p "$root/root/.rustup/toolchains" "$root/root/.cargo"
cp -a "$rustup_home/settings.toml" "$root/root/.rustup/"
cp -a "$(readlink -f "$rustup_home/toolchains/$toolchain")" "$root/root/.rustup/toolchains/$toolchain"
cp -a "$cargo_home/bin" "$root/root/.cargo/"
# A registry mirror or other cargo settings go along; the registry cache does not.
for f in config.toml config credentials.toml; do
  [[ -f $cargo_home/$f ]] && cp -a "$cargo_home/$f" "$root/root/.cargo/"
done
node=$(readlink -f "$(command -v node)")
cp -a "$node" "$root/usr/bin/node"
if [[ -d /usr/lib/node_modules/npm ]]; then
  mkdir -p "$root/usr/lib/node_modules"
  cp -a /usr/lib/node_modules/npm "$root/usr/lib/node_modules/"
  ln -sf ../lib/node_modules/npm/bin/npm-cli.js "$root/usr/bin/npm"
  ln -sf ../lib/node_modules/npm/bin/npx-cli.js "$root/usr/bin/npx"
fi

echo "==> clean clone of $rev ($commit)"
git clone -q --no-hardlinks "$repo" "$root/root/downwatch"
git -C "$root/root/downwatch" checkout -q --detach "$commit"

# The run command's check, run inside the chroot from the clone's directory.
cat >"$root/root/run-check.sh" <<'CHECK'
set -euo pipefail
dir=$(mktemp -d)
node -e '
  const server = require("http").createServer((req, res) => res.end("downwatch fresh-check\n"));
  server.listen(0, "127.0.0.1", () => console.log(server.address().port));
' >"$dir/port" &
server=$!
for _ in $(seq 100); do [[ -s $dir/port ]] && break; sleep 0.1; done
port=$(cat "$dir/port")
trap 'kill "$server" 2>/dev/null' EXIT
url="http://127.0.0.1:$port/"
echo "==> scripts/run.sh check $url"
scripts/run.sh check "$url" | tee "$dir/check.out"
grep -q "^UP " "$dir/check.out"

cat >"$dir/config.toml" <<EOF
[defaults]
interval = "5s"
timeout = "3s"

[connectivity]
interval = "5s"

[[connectivity.control]]
name = "local web"
target = "$url"
keyword = "downwatch fresh-check"

[[connectivity.control]]
name = "local tcp"
target = "tcp://127.0.0.1:$port"

[notifications]
desktop = false

[[watch]]
name = "Local"
target = "$url"
EOF
echo "==> scripts/run.sh run --headless --config $dir/config.toml"
scripts/run.sh run --headless --config "$dir/config.toml" --data-dir "$dir/data" \
  --events "$dir/events.jsonl" &
resident=$!
up=""
for _ in $(seq 600); do
  kill -0 "$resident" 2>/dev/null || break
  up=$(grep -m1 '"event":"state","watch":"Local".*"to":"up"' "$dir/events.jsonl" 2>/dev/null || true)
  [[ -n $up ]] && break
  sleep 0.5
done
echo "first event with the watch up: ${up:-none}"
[[ -n $up ]] || { echo "the resident never reported the watch up"; exit 1; }
sleep 5
kill -0 "$resident" 2>/dev/null || { echo "the resident stopped on its own"; exit 1; }
echo "still running 5 s later; stopping it with SIGTERM"
kill -TERM "$resident"
code=0
wait "$resident" || code=$?
echo "exit status $code; events written: $(wc -l <"$dir/events.jsonl")"
[[ $code -eq 0 ]]
CHECK

echo "==> running the README's two commands in the chroot (logs in $work)"
started=$(date +%s)
status=0
unshare --mount --pid --fork --propagation private -- bash "$0" --inside "$root" "$work" "$only" \
  >"$work/summary" 2>"$work/inside.err" || status=$?
elapsed=$(($(date +%s) - started))
report() { # name, summary line, log
  local result
  result=$(awk -v n="$1" '$1 == n { print $2 }' "$work/summary")
  printf '%-4s %s  scripts/%s   log: %s\n' "${result:-FAIL}" "$2" "$3" "$work/$1.log"
}
echo
echo "fresh-check of $commit in Debian $(cat "$root/etc/debian_version") minbase, $((elapsed / 60)) min $((elapsed % 60)) s:"
report run "run command " "run.sh (check + run --headless on loopback)"
report test "test command" "test.sh"
[[ -s $work/inside.err ]] && { echo "chroot setup errors:"; cat "$work/inside.err"; }
if ((status == 0)); then echo "fresh-check: PASS"; else echo "fresh-check: FAIL"; fi
return "$status"
}

if [[ ${1:-} == --inside ]]; then inside "$@"; else main "$@"; fi
exit

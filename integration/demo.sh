#!/usr/bin/env bash
# `make demo`: build a busybox bundle in a throwaway directory and run a real container in it.
# Usage: integration/demo.sh [path/to/cruntime]   (default: build/cruntime)
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cruntime="$(realpath "${1:-$here/../build/cruntime}")"
[ -x "$cruntime" ] || { echo "demo: $cruntime is not built (run make)" >&2; exit 1; }
[ "$(id -u)" = 0 ] || { echo "demo: run as root (containers need namespaces and mounts)" >&2; exit 1; }
busybox="$(command -v busybox || true)"
[ -n "$busybox" ] && ! ldd "$busybox" >/dev/null 2>&1 ||
	{ echo "demo: a static busybox is needed (apt-get install busybox-static)" >&2; exit 1; }

work="$(mktemp -d "${TMPDIR:-/tmp}/cruntime-demo.XXXXXX")"
root="$work/state"
bundle="$work/bundle"
cleanup() {
	"$cruntime" --root "$root" delete --force demo >/dev/null 2>&1 || true
	rm -rf -- "$work"
}
trap cleanup EXIT

if [ -t 1 ]; then bold=$'\033[1m' plain=$'\033[0m'; else bold="" plain=""; fi
step() { printf '\n%s$ %s%s\n' "$bold" "$*" "$plain"; }

# A busybox root file system: the static binary and one symlink per applet.
mkdir -p "$bundle/rootfs"/{bin,etc,proc,sys,dev,tmp,root}
cp "$(realpath "$busybox")" "$bundle/rootfs/bin/busybox"
for applet in $("$busybox" --list); do
	[ -e "$bundle/rootfs/bin/$applet" ] || ln -s busybox "$bundle/rootfs/bin/$applet"
done
echo 'root:x:0:0:root:/root:/bin/sh' >"$bundle/rootfs/etc/passwd"
echo 'root:x:0:' >"$bundle/rootfs/etc/group"

step cruntime --version
"$cruntime" --version

step cruntime spec --bundle "$bundle"
"$cruntime" --root "$root" spec --bundle "$bundle"
# No terminal here (the demo may run without one); print who and where we are.
jq '.process.terminal = false | .hostname = "cruntime-demo"
	| .process.args = ["sh", "-c", "echo hostname: $(hostname); id"]' \
	"$bundle/config.json" >"$bundle/config.json.new"
mv "$bundle/config.json.new" "$bundle/config.json"

step cruntime run --bundle "$bundle" demo
"$cruntime" --root "$root" run --bundle "$bundle" demo

step cruntime list
"$cruntime" --root "$root" list

echo
echo "demo: ok"

#!/usr/bin/env bash
# `make demo`: show what the built cruntime can do today, in a throwaway bundle.
# Usage: integration/demo.sh [path/to/cruntime]   (default: build/cruntime)
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cruntime="$(realpath "${1:-$here/../build/cruntime}")"
[ -x "$cruntime" ] || { echo "demo: $cruntime is not built (run make)" >&2; exit 1; }

work="$(mktemp -d "${TMPDIR:-/tmp}/cruntime-demo.XXXXXX")"
trap 'rm -rf -- "$work"' EXIT
bundle="$work/bundle"
root="$work/state"
mkdir -p "$bundle"

if [ -t 1 ]; then bold=$'\033[1m' plain=$'\033[0m'; else bold="" plain=""; fi
step() { printf '\n%s$ %s%s\n' "$bold" "$*" "$plain"; }

step cruntime --version
"$cruntime" --version

step cruntime spec --bundle "$bundle"
"$cruntime" --root "$root" spec --bundle "$bundle"
echo "wrote $bundle/config.json: $(jq -c '{args: .process.args, hostname, namespaces: [.linux.namespaces[].type]}' \
	"$bundle/config.json")"

step cruntime features
"$cruntime" features | jq -c '{ociVersionMin, ociVersionMax, annotations}'

step cruntime --root "$root" list
mkdir -m 0700 "$root"
"$cruntime" --root "$root" list

echo
echo "demo: ok (running a container arrives with create/start/run)"

#!/usr/bin/env bash
# Benchmark (issue 13 §4): `list`, `list -f json` and `state ID` with 100, 500 and 1000
# containers under one --root, for cruntime and, when installed, runc and crun. Not a timed
# test: it records numbers in bench/results/<date>-list-state.md with the host facts, and the
# cost per container (list grows linearly: each step adds the same cost per container; state
# of one container stays flat).
#
# usage: bench/list_state.sh [path/to/cruntime]     (default: build/cruntime; needs root)
# env:   BENCH_COUNTS   container counts to measure at, ascending (default "100 500 1000")
#        BENCH_RUNS     timed runs per command (default 20; hyperfine adds 3 warm-up runs)
#        BENCH_RUNTIMES runtimes to compare (default "cruntime runc crun"; missing ones skipped)
#        BENCH_OUT      result file (default bench/results/<date>-list-state.md)
# Containers are "stopped" (created, started, `true` exited): a runc or crun init waiting in
# "created" costs several MB each, 1000 of them gigabytes. cruntime is measured "created" as
# well, the more expensive status to derive (live init, freezer state, exec fifo).
# Packages: hyperfine (else a plain timing loop), crun (optional); `make deps` installs both.
# Everything is removed at exit, also on failure or Ctrl-C: every container, its cgroups, the
# work directory.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cruntime="$(realpath "${1:-$here/../build/cruntime}")"
counts="${BENCH_COUNTS:-100 500 1000}"
runs="${BENCH_RUNS:-20}"
runtimes="${BENCH_RUNTIMES:-cruntime runc crun}"
out="${BENCH_OUT:-$here/results/$(date -u +%Y-%m-%d)-list-state.md}"

die() {
	echo "list_state: $*" >&2
	exit 1
}
[ -x "$cruntime" ] || die "$cruntime is not built (run make)"
[ "$(id -u)" = 0 ] || die "run as root (containers need namespaces, mounts and cgroups)"
command -v jq >/dev/null || die "jq is needed"
busybox="$(command -v busybox || true)"
[ -n "$busybox" ] && ! ldd "$busybox" >/dev/null 2>&1 || die "a static busybox is needed (busybox-static)"

work="$(mktemp -d "${TMPDIR:-/tmp}/cruntime-bench.XXXXXX")"
bundle="$work/bundle"
prefix="bench-$$"
# The runtimes whose roots may hold containers, for the cleanup.
declare -A roots=()

binary_of() {
	case "$1" in
	cruntime) echo "$cruntime" ;;
	*) command -v "$1" || true ;;
	esac
}

# rt RUNTIME ARGS...: the runtime with its own --root under the work directory.
rt() {
	local name="$1"
	shift
	"$(binary_of "$name")" --root "${roots[$name]}" "$@"
}

# delete_all RUNTIME: delete --force every container of the runtime's root.
delete_all() {
	local name="$1" id
	[ -d "${roots[$name]:-}" ] || return 0
	for id in $(ls -A "${roots[$name]}"); do
		rt "$name" delete --force "$id" >/dev/null 2>&1 || echo "list_state: delete $id ($name) failed" >&2
	done
}

# cgroups_left: cgroup directories named after this run's containers, in any hierarchy.
cgroups_left() {
	local mnt
	for mnt in $(awk '{ for (i = 7; $i != "-"; i++)
		if ($(i + 1) == "cgroup" || $(i + 1) == "cgroup2") print $5 }' /proc/self/mountinfo); do
		find "$mnt" -type d -name "$prefix-*" 2>/dev/null
	done
}

cleanup() {
	local name
	trap - EXIT INT TERM
	for name in "${!roots[@]}"; do delete_all "$name"; done
	local left
	left="$(cgroups_left)"
	[ -z "$left" ] || echo "list_state: cgroups left behind: $left" >&2
	rm -rf -- "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# One busybox bundle for every runtime and container: the config `cruntime spec` writes, with
# `true` as the process and no terminal.
mkdir -p "$bundle/rootfs"/{bin,etc,proc,sys,dev,tmp,root}
cp "$(realpath "$busybox")" "$bundle/rootfs/bin/busybox"
ln -s busybox "$bundle/rootfs/bin/true"
"$cruntime" spec --bundle "$bundle"
# ociVersion 1.0.2: what every runtime compared accepts (crun 1.8 refuses 1.3.0).
jq '.ociVersion = "1.0.2" | .process.terminal = false | .process.args = ["true"]' \
	"$bundle/config.json" >"$bundle/c.json"
mv "$bundle/c.json" "$bundle/config.json"

# fill RUNTIME STATUS FROM TO: containers FROM..TO-1 in STATUS (created or stopped).
fill() {
	local name="$1" status="$2" i
	for ((i = $3; i < $4; i++)); do
		rt "$name" create --bundle "$bundle" "$prefix-$i" </dev/null >/dev/null
		[ "$status" = created ] || rt "$name" start "$prefix-$i"
	done
	# `true` exits at once; wait until the last one is stopped before timing.
	if [ "$status" = stopped ]; then
		while [ "$(rt "$name" state "$prefix-$(($4 - 1))" | jq -r .status)" != stopped ]; do sleep 0.05; done
	fi
}

# time_ms CMD...: mean wall time of CMD in milliseconds (hyperfine, else a loop of `runs`).
time_ms() {
	if command -v hyperfine >/dev/null; then
		hyperfine --style none --warmup 3 --runs "$runs" --export-json "$work/h.json" \
			-N "$(printf '%q ' "$@")" >/dev/null 2>&1 || die "hyperfine failed on: $*"
		jq -r '.results[0].mean * 1000 | . * 100 | round / 100' "$work/h.json"
		return
	fi
	local start end i
	start="$(date +%s%N)"
	for ((i = 0; i < runs; i++)); do "$@" >/dev/null; done
	end="$(date +%s%N)"
	echo "$(((end - start) / runs / 10000))" | awk '{ printf "%.2f\n", $1 / 100 }'
}

rows=()
skipped=()
# bench RUNTIME STATUS: fill up to each count, time the three commands, then delete everything.
bench() {
	local name="$1" status="$2" have=0 n bin
	bin="$(binary_of "$name")"
	roots[$name]="$work/root-$name-$status"
	mkdir -m 0700 "${roots[$name]}"
	# A runtime that cannot run a container on this host (crun refuses hybrid cgroup hosts whose
	# v2 hierarchy has controllers) is reported, not measured.
	if ! rt "$name" create --bundle "$bundle" "$prefix-probe" </dev/null >/dev/null 2>"$work/probe.err"; then
		skipped+=("$name: create fails on this host: $(head -c 300 "$work/probe.err" | tr '\n' ' ')")
		delete_all "$name"
		return 0
	fi
	rt "$name" delete --force "$prefix-probe"
	for n in $counts; do
		echo "list_state: $name: $n $status containers" >&2
		fill "$name" "$status" "$have" "$n"
		have="$n"
		[ "$(rt "$name" list -q | wc -l)" -eq "$n" ] || die "$name list shows $(rt "$name" list -q | wc -l) containers, not $n"
		local list json state_first state_last
		list="$(time_ms "$bin" --root "${roots[$name]}" list)"
		json="$(time_ms "$bin" --root "${roots[$name]}" list --format json)"
		state_first="$(time_ms "$bin" --root "${roots[$name]}" state "$prefix-0")"
		state_last="$(time_ms "$bin" --root "${roots[$name]}" state "$prefix-$((n - 1))")"
		rows+=("$name|$status|$n|$list|$json|$state_first|$state_last")
	done
	delete_all "$name"
	[ -z "$(ls -A "${roots[$name]}")" ] || die "$name: state root not empty after delete"
	[ -z "$(cgroups_left)" ] || die "$name: cgroups left after delete: $(cgroups_left)"
}

for name in $runtimes; do
	[ -n "$(binary_of "$name")" ] || { echo "list_state: $name not installed, skipped" >&2; continue; }
	bench "$name" stopped
	[ "$name" != cruntime ] || bench "$name" created
done

# ---- report ----------------------------------------------------------------------------------
version_of() { "$(binary_of "$1")" --version 2>/dev/null | head -1; }

# verdict RUNTIME STATUS: the marginal cost of one more container in list and list -f json
# (the time difference between two consecutive counts divided by the containers added) for each
# step, and state of the first container at every count. O(1) per container: the marginal
# costs of all steps are about equal, state stays flat.
verdict() {
	printf '%s\n' "${rows[@]}" | awk -F'|' -v r="$1" -v s="$2" '
		$1 == r && $2 == s { n[++k] = $3; l[k] = $4; j[k] = $5; st[k] = $6 }
		END {
			if (k < 2) exit
			list = ""; json = ""; state = st[1]
			for (i = 2; i <= k; i++) {
				sep = (i == 2 ? "" : ", ")
				list = list sep sprintf("%.0f", (l[i] - l[i - 1]) / (n[i] - n[i - 1]) * 1000)
				json = json sep sprintf("%.0f", (j[i] - j[i - 1]) / (n[i] - n[i - 1]) * 1000)
				state = state " / " st[i]
			}
			printf "| %s | %s | %s | %s | %s |\n", r, s, list, json, state
		}'
}

mkdir -p "$(dirname "$out")"
{
	echo "# list / state with many containers ($(date -u +%Y-%m-%d))"
	echo
	echo "Produced by \`bench/list_state.sh\` (hyperfine: $(command -v hyperfine >/dev/null && hyperfine --version || echo 'not installed, plain loop'); $runs runs per command, mean wall time)."
	echo
	echo "## Host"
	echo
	echo "- kernel: $(uname -r)"
	echo "- cpu: $(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo), $(nproc) cores"
	echo "- memory: $(awk '/^MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo)"
	echo "- load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
	echo "- cgroups: $(if [ -e /sys/fs/cgroup/cgroup.controllers ]; then echo "v2"; elif [ -d /sys/fs/cgroup/unified ]; then echo "hybrid (v1 controllers + v2 at /sys/fs/cgroup/unified)"; else echo "v1"; fi)"
	echo "- state root file system: $(stat -f -c %T "$work")"
	echo "- cruntime: $(version_of cruntime) ($(git -C "$here/.." rev-parse --short HEAD 2>/dev/null || echo unknown))"
	for name in runc crun; do [ -z "$(binary_of "$name")" ] || echo "- $name: $(version_of "$name")"; done
	for line in "${skipped[@]}"; do echo "- not measured: $line"; done
	echo
	echo "## Mean time per command (ms)"
	echo
	echo "| runtime | status | containers | list | list -f json | state (first) | state (last) |"
	echo "|---|---|---|---|---|---|---|"
	printf '%s\n' "${rows[@]}" | awk -F'|' '{ printf "| %s | %s | %s | %s | %s | %s | %s |\n", $1, $2, $3, $4, $5, $6, $7 }'
	echo
	echo "## Cost per container"
	echo
	echo "Marginal cost of one more container (us), for each step between the counts $counts:"
	echo "the time difference divided by the containers added, so the fixed start-up cost of the"
	echo "process drops out. O(1) per container means the steps cost about the same, and \`state\`"
	echo "of one container (ms, at each count) stays flat."
	echo
	echo "| runtime | status | list (us per container) | list -f json (us per container) | state (ms) |"
	echo "|---|---|---|---|---|"
	for name in $runtimes; do
		verdict "$name" stopped
		[ "$name" != cruntime ] || verdict "$name" created
	done
} >"$out"
cat "$out"
echo "list_state: results in $out" >&2

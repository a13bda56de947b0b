#!/usr/bin/env bash
# Benchmark (issue 13 §4, 14 §1): `list`, `list -f json` and `state ID` with 10, 100 and 1000
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
#        BENCH_ROWS     also append tab-separated rows for bench/bench.sh's table to this file:
#                       metric (list_N, state_N, list_per_ctr), "-", runtime, value (ms, us)
# Containers are "stopped" (created, started, `true` exited): a runc or crun init waiting in
# "created" costs several MB each, 1000 of them gigabytes. cruntime is measured "created" as
# well, the more expensive status to derive (live init, freezer state, exec fifo).
# Packages: hyperfine (else a plain timing loop), crun (optional); `make deps` installs both.
# crun 1.8 refuses a hybrid cgroup host: run this in bench/cgroup_view.sh (make bench does).
# Everything is removed at exit, also on failure or Ctrl-C: every container, its cgroups, the
# work directory.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
bench_name=list_state
cruntime="$(realpath "${1:-$here/../build/cruntime}")"
source "$here/lib.sh"
counts="${BENCH_COUNTS:-10 100 1000}"
runs="${BENCH_RUNS:-20}"
runtimes="${BENCH_RUNTIMES:-cruntime runc crun}"
out="${BENCH_OUT:-$here/results/$(date -u +%Y-%m-%d)-list-state.md}"

# One bundle for every runtime and container: the minimal config of bench/configs.sh.
make_rootfs "$work/rootfs"
CRUNTIME="$cruntime" "$here/configs.sh" "$work" "$work/rootfs"
bundle="$work/minimal"

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
	host_facts
	echo "- load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
	echo "- state root file system: $(stat -f -c %T "$work")"
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
# The rows of bench/bench.sh's table: list and state of the first container at each count (ms),
# and the marginal cost of one more container in list for each step (us).
if [ -n "${BENCH_ROWS:-}" ]; then
	printf '%s\n' "${rows[@]}" | awk -F'|' -v OFS='\t' '
		{ s = ($2 == "stopped") ? "-" : $2 }
		{ print "list_" $3, s, $1, $4; print "state_" $3, s, $1, $6 }
		$1 == r && $2 == st { print "list_us_" n "-" $3, s, $1, ($4 - l) / ($3 - n) * 1000 }
		{ r = $1; st = $2; n = $3; l = $4 }' >>"$BENCH_ROWS"
fi
echo "list_state: results in $out" >&2

#!/usr/bin/env bash
# `make bench` (issue 14 §1): cruntime side by side with crun, runc and the unshare+chroot floor
# in one run. Measures a stripped copy of CRUNTIME (what a distribution ships): bench/start.sh
# (run, create/start/delete, exec, peak RSS on three configs), bench/list_state.sh (list and
# state with 10, 100 and 1000 containers), the stripped binary sizes; both inside
# bench/cgroup_view.sh, so crun runs on a hybrid cgroup host. Prints the table of ratios
# (bench/report.sh) and writes it with the machine's description and the load average to
# bench/results/<date>.md. Speed is never asserted: the numbers are the record.
#
# usage: bench/bench.sh CRUNTIME     (root; make bench builds build-release/cruntime first)
# env:   BENCH_RUNS, BENCH_ROUNDS, BENCH_RSS_RUNS (bench/start.sh), BENCH_COUNTS,
#        BENCH_LIST_RUNS (BENCH_RUNS of bench/list_state.sh), BENCH_OUT (default
#        bench/results/<date>.md)
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
bench_name=bench
cruntime="$(realpath "${1:-}")"
# Not in /tmp: bench/cgroup_view.sh mounts a tmpfs there, which would hide the binary measured.
work_parent=/var/tmp
source "$here/lib.sh"
out="${BENCH_OUT:-$here/results/$(date -u +%Y-%m-%d).md}"
mounts_before="$(wc -l </proc/self/mountinfo)"
load_start="$(cut -d' ' -f1-3 /proc/loadavg)"
started="$(date -u '+%Y-%m-%d %H:%M UTC')"

# The binary measured: a stripped copy of the build (strip keeps the build's own file intact).
strip -o "$work/cruntime" "$cruntime"
cruntime="$work/cruntime"
rows="$work/rows"
for name in cruntime crun runc; do
	bin="$(binary_of "$name")"
	[ -n "$bin" ] || continue
	strip -o "$work/$name.stripped" "$bin"
	printf 'size_stripped\t-\t%s\t%s\n' "$name" "$(stat -c %s "$work/$name.stripped")" >>"$rows"
done

"$here/cgroup_view.sh" "$here/start.sh" "$cruntime" >>"$rows"
BENCH_ROWS="$rows" BENCH_OUT="$work/list_state.md" BENCH_RUNS="${BENCH_LIST_RUNS:-10}" \
	"$here/cgroup_view.sh" "$here/list_state.sh" "$cruntime" >/dev/null

table="$("$here/report.sh" "$rows")"
mkdir -p "$(dirname "$out")"
{
	echo "# cruntime benchmark ($started)"
	echo
	echo "Produced by \`make bench\` (bench/bench.sh). Times: median wall time of"
	echo "${BENCH_ROUNDS:-3} rounds x ${BENCH_RUNS:-10} runs (hyperfine, runtimes' order rotated each round);"
	echo "rss: median peak RSS (GNU time %M) of ${BENCH_RSS_RUNS:-5} runs, for ccsd the largest of"
	echo "create, start, delete; list/state: mean of ${BENCH_LIST_RUNS:-10} runs with N stopped containers"
	echo "(created: cruntime's containers waiting in created); list_us_A-B: the cost of one more"
	echo "container in \`list\` from A to B containers. All runtimes ran in a private mount namespace"
	echo "whose /sys/fs/cgroup holds only the v1 hierarchies (bench/cgroup_view.sh)."
	echo
	echo "## Machine"
	echo
	host_facts
	echo "- load average at the start: $load_start; at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
	echo
	echo "## Results"
	echo
	echo "$table"
	echo
	sed -n '/^## Mean time per command/,$p' "$work/list_state.md" | sed 's/^## /### list\/state: /'
} >"$out"
echo "$table"
echo "bench: results in $out" >&2

[ "$(wc -l </proc/self/mountinfo)" = "$mounts_before" ] || die "the mount table changed during the run"

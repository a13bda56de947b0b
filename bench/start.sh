#!/usr/bin/env bash
# Benchmark (issue 14 §1): container start-up of cruntime side by side with runc, crun and the
# floor (`unshare` of the config's namespaces + `chroot` + exec of `true`), on the three bundles
# of bench/configs.sh (minimal, docker-like, user namespace):
#   run      `run` of `true` (foreground; the runtime destroys the container after it exits)
#   ccsd     create -> start -> delete --force, in one `sh -c` (the shell costs every runtime alike)
#   exec     `exec true` into a running container (`sleep`) of the minimal and docker bundles
#   rss_*    peak RSS (GNU time %M, KiB) of run, of create/start/delete (the largest) and of exec
# Timing: hyperfine runs every command BENCH_RUNS times in a round; BENCH_ROUNDS rounds rotate the
# order of the runtimes, so a machine that gets slower or faster mid-run hits all of them alike.
# The figure is the median of all runs. Run it in bench/cgroup_view.sh on a hybrid host (crun).
#
# usage: bench/start.sh CRUNTIME     (root; writes tab-separated rows to stdout:
#        metric, config, runtime, value; ms for times, KiB for rss)
# env:   BENCH_RUNS (default 10), BENCH_ROUNDS (default 3), BENCH_RSS_RUNS (default 5),
#        BENCH_RUNTIMES (default "cruntime crun runc"; missing ones are skipped)
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
bench_name=start
cruntime="$(realpath "${1:-}")"
source "$here/lib.sh"
runs="${BENCH_RUNS:-10}"
rounds="${BENCH_ROUNDS:-3}"
rss_runs="${BENCH_RSS_RUNS:-5}"
command -v hyperfine >/dev/null || die "hyperfine is needed (make deps)"
[ -x /usr/bin/time ] || die "GNU time is needed for the peak RSS (make deps)"
runtimes=()
for name in ${BENCH_RUNTIMES:-cruntime crun runc}; do
	[ -n "$(binary_of "$name")" ] && runtimes+=("$name") || echo "start: $name not installed, skipped" >&2
done

make_rootfs "$work/rootfs"
CRUNTIME="$cruntime" "$here/configs.sh" "$work" "$work/rootfs"
configs=(minimal docker userns)
[ -f "$work/docker/config.json" ] || configs=(minimal userns)
# The running containers exec enters: the bundle's config with `sleep` as the process.
for config in minimal docker; do
	[ -f "$work/$config/config.json" ] || continue
	mkdir "$work/sleep-$config"
	jq '.process.args = ["sleep", "1000000"]' "$work/$config/config.json" >"$work/sleep-$config/config.json"
done
# Each runtime's root, made now: cmd runs in subshells, which cannot add to $roots.
for name in "${runtimes[@]}"; do rt "$name" list >/dev/null; done

# cmd NAME OP CONFIG: the command line (one string, for hyperfine) of one measurement.
cmd() {
	local name="$1" op="$2" config="$3" bin id
	bin="$(binary_of "$name") --root ${roots[$name]:-}"
	id="$prefix-$op-$config"
	case "$name/$op" in
	floor/run) echo "$(command -v unshare)  $(floor_flags "$config") chroot $work/rootfs /bin/true" ;;
	*/run) echo "$bin run --bundle $work/$config $id" ;;
	*/ccsd) echo "sh -c '$bin create --bundle $work/$config $id && $bin start $id && $bin delete --force $id'" ;;
	*/exec) echo "$bin exec $prefix-sleep-$config true" ;;
	esac
}

# floor_flags CONFIG: the unshare options of the config's namespaces.
floor_flags() {
	jq -r '[.linux.namespaces[].type | {pid: "-p -f", network: "-n", ipc: "-i", uts: "-u",
		mount: "-m", user: "-U -r", cgroup: "-C", time: "-T"}[.]] | join(" ")' "$work/$1/config.json"
}

# time_round OP CONFIG NAMES...: one hyperfine round; prints "runtime ms" per run.
time_round() {
	local op="$1" config="$2" name args=()
	shift 2
	for name in "$@"; do args+=("$(cmd "$name" "$op" "$config")"); done
	hyperfine -N --style none --warmup 1 --runs "$runs" --export-json "$work/h.json" "${args[@]}" \
		>/dev/null 2>"$work/h.err" || die "hyperfine $op $config failed: $(tail -3 "$work/h.err")"
	jq -r --arg names "$*" '($names | split(" ")) as $n
		| .results | to_entries[] | $n[.key] as $r | .value.times[] | "\($r) \(. * 1000)"' "$work/h.json"
}

# measure OP CONFIG NAMES...: BENCH_ROUNDS rounds, the runtimes' order rotated each round.
measure() {
	local op="$1" config="$2" r i names=() name
	shift 2
	for ((r = 0; r < rounds; r++)); do
		names=()
		for ((i = 0; i < $#; i++)); do names+=("${@:$(((i + r) % $# + 1)):1}"); done
		echo "start: $op $config round $((r + 1))/$rounds (load $(cut -d' ' -f1 /proc/loadavg))" >&2
		time_round "$op" "$config" "${names[@]}"
	done >"$work/times"
	for name in "$@"; do
		printf '%s\t%s\t%s\t%s\n' "$op" "$config" "$name" \
			"$(awk -v n="$name" '$1 == n { print $2 }' "$work/times" | median)"
	done
}

# rss COMMAND...: peak RSS in KiB of one run of COMMAND.
rss() {
	/usr/bin/time -f %M -o "$work/rss" "$@" >/dev/null 2>"$work/rss.err" </dev/null ||
		die "$* failed: $(head -3 "$work/rss.err")"
	tail -1 "$work/rss"
}

# measure_rss NAME CONFIG: the median peak RSS of run, of create/start/delete and of exec.
measure_rss() {
	local name="$1" config="$2" i id="$prefix-rss-$2" r c s d e
	r=("$(binary_of "$name")" --root "${roots[$name]}")
	for ((i = 0; i < rss_runs; i++)); do
		e="$(rss "${r[@]}" run --bundle "$work/$config" "$id")"
		echo "run $e"
		c="$(rss "${r[@]}" create --bundle "$work/$config" "$id")"
		s="$(rss "${r[@]}" start "$id")"
		d="$(rss "${r[@]}" delete --force "$id")"
		echo "ccsd $(printf '%s\n' "$c" "$s" "$d" | sort -n | tail -1)"
		[ "$config" = userns ] && continue
		e="$(rss "${r[@]}" exec "$prefix-sleep-$config" true)"
		echo "exec $e"
	done >"$work/rss.all"
	for op in run ccsd exec; do
		[ "$op/$config" != exec/userns ] || continue
		printf 'rss_%s\t%s\t%s\t%s\n' "$op" "$config" "$name" \
			"$(awk -v o="$op" '$1 == o { print $2 }' "$work/rss.all" | median)"
	done
}

for config in "${configs[@]}"; do
	measure run "$config" "${runtimes[@]}" floor
	measure ccsd "$config" "${runtimes[@]}"
	if [ "$config" != userns ]; then
		for name in "${runtimes[@]}"; do
			rt "$name" run -d --bundle "$work/sleep-$config" "$prefix-sleep-$config" </dev/null >/dev/null 2>&1 ||
				die "$name: run -d of the $config bundle failed"
		done
		measure exec "$config" "${runtimes[@]}"
	fi
	for name in "${runtimes[@]}"; do measure_rss "$name" "$config"; done
	for name in "${runtimes[@]}"; do rt "$name" delete --force "$prefix-sleep-$config" 2>/dev/null || true; done
done

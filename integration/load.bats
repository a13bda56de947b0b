#!/usr/bin/env bats
# Load and leaks (issue 13 §4): many create -> start -> delete cycles leave the host, the state
# root and a long-lived caller exactly as they were; 50 containers from one bundle, created and
# deleted in parallel, all succeed and leave nothing.

load helpers
load lifecycle_helpers

# Cycles of the first test. 1000 by default; a slow build (make sanitize: ASan makes each call
# several times slower) sets LOAD_CYCLES lower. The growth checks compare cycle
# LOAD_SAMPLE (100, or half the cycles when fewer than 200) with the last one.
LOAD_CYCLES="${LOAD_CYCLES:-1000}"
# Containers of the parallel test.
LOAD_PARALLEL="${LOAD_PARALLEL:-50}"
LOAD_DRIVER="${LOAD_DRIVER:-$BUILD_DIR/integration/load-driver}"
# Growth allowed between the sample and the end: page-granular noise of the caller's RSS, and
# of the runtime's peak RSS (allocator and /proc reads vary by a few pages).
RSS_NOISE_KB=256
CMD_RSS_NOISE_KB=512

setup() {
	lc_setup
	set_args true
	PREFIX="load-$$-$RANDOM"
	snapshot_host
}
teardown() { lc_teardown; }

# cgroup_mounts: the mount point of every cgroup hierarchy of this host (v1 named and controller
# hierarchies and the unified one).
cgroup_mounts() {
	awk '{ for (i = 7; $i != "-"; i++); if ($(i + 1) == "cgroup" || $(i + 1) == "cgroup2") print $5 }' \
		/proc/self/mountinfo
}

# cgroups_left: cgroup directories of this test's containers (named after PREFIX) in any
# hierarchy.
cgroups_left() {
	local mnt
	for mnt in $(cgroup_mounts); do
		find "$mnt" -type d -name "$PREFIX-*" 2>/dev/null
	done
}

# assert_host_clean: nothing of this test's containers anywhere: state root, cgroups, mounts,
# runtime processes.
assert_host_clean() {
	assert_nothing_left || return 1
	local left
	left="$(cgroups_left)"
	[ -z "$left" ] || fail "cgroups left behind: $left"
}

@test "create -> start -> delete cycles: no growth of init fds, mounts, cgroups, state, caller or runtime memory" {
	[ -x "$LOAD_DRIVER" ] || fail "load-driver not found at $LOAD_DRIVER (build first, or set LOAD_DRIVER)"
	local sample=100 out="$BATS_TEST_TMPDIR/driver.json"
	[ "$LOAD_CYCLES" -ge 200 ] || sample=$((LOAD_CYCLES / 2 > 0 ? LOAD_CYCLES / 2 : 1))
	# LC_TAG marks every runtime process (see leaked_processes); `true` does not carry it.
	# A hung runtime call must fail the test, not hang it: 2 s per cycle is 15x the usual.
	rund env LC_TAG="$LC_TAG" timeout -k 10 $((120 + 2 * LOAD_CYCLES)) "$LOAD_DRIVER" --cycles "$LOAD_CYCLES" --sample "$sample" \
		--bundle "$BUNDLE" --prefix "$PREFIX" --root "$TEST_ROOT" \
		--stderr "$BATS_TEST_TMPDIR/runtime.stderr" -- "$CRUNTIME" --root "$TEST_ROOT" --log "$CRUNTIME_LOG"
	echo "$output" >"$out"
	echo "driver: $output"
	echo "runtime stderr: $(cat "$BATS_TEST_TMPDIR/runtime.stderr")"
	[ "$status" -eq 0 ] || fail "load-driver exited $status: $stderr"
	echo "# $LOAD_CYCLES cycles in $(jq -r .seconds "$out") s" >&3

	[ "$(jq -r .cycles "$out")" -eq "$LOAD_CYCLES" ]
	[ "$(jq -r .failure "$out")" = "" ]
	# The runtime printed nothing: every call succeeded quietly.
	[ ! -s "$BATS_TEST_TMPDIR/runtime.stderr" ]
	# The init of every cycle held the same fds as the first: nothing accumulates in what a
	# container inherits. Beyond its stdio it holds only the exec fifo (O_PATH, opened by create
	# for it) and /proc (to reopen the fifo after pivot_root), both close-on-exec: no log, state
	# or cgroup fd of the runtime, and nothing of them reaches the container's process.
	[ "$(jq -r .init_fd_mismatches "$out")" -eq 0 ] || fail "init fds changed: $(jq -r .first_mismatch "$out")"
	local entry fds
	read -ra fds <<<"$(jq -r .init_fds "$out")"
	for entry in "${fds[@]}"; do
		case "$entry" in
		[012]=/dev/null | 2="$BATS_TEST_TMPDIR/runtime.stderr") ;;
		*=*"/<id>/exec.fifo(cloexec)" | *=/proc"(cloexec)") ;;
		*) fail "unexpected fd in the created init: $entry (all: ${fds[*]})" || return 1 ;;
		esac
	done
	# Nothing was left to the caller, a child subreaper like a shim: no stray process, no zombie.
	[ "$(jq -r .stray_children "$out")" -eq 0 ]

	local first last
	first="$(jq -c '.samples[0]' "$out")"
	last="$(jq -c '.samples[-1]' "$out")"
	jq -rn --argjson a "$first" --argjson b "$last" '"# cycle \($a.cycle) -> \($b.cycle): caller RSS \($a.rss_kb) -> \($b.rss_kb) kB, fds \($a.fds) -> \($b.fds); runtime peak RSS create \($a.create_maxrss_kb) -> \($b.create_maxrss_kb), start \($a.start_maxrss_kb) -> \($b.start_maxrss_kb), delete \($a.delete_maxrss_kb) -> \($b.delete_maxrss_kb) kB"' >&3
	[ "$(jq -r .cycle <<<"$first")" -eq "$sample" ]
	[ "$(jq -r .cycle <<<"$last")" -eq "$LOAD_CYCLES" ]
	local s
	for s in "$first" "$last"; do
		[ "$(jq -r .zombies <<<"$s")" -eq 0 ] || fail "zombie children: $s"
		[ "$(jq -r .children <<<"$s")" -eq 0 ] || fail "live children: $s"
		[ "$(jq -r .root_entries <<<"$s")" -eq 0 ] || fail "state root not empty: $s"
		[ "$(jq -r .mounts <<<"$s")" -eq "$SNAP_MOUNTS" ] || fail "host mount count changed: $s"
	done
	[ "$(jq -r .fds <<<"$last")" -eq "$(jq -r .fds <<<"$first")" ] || fail "caller fds grew: $first -> $last"
	local key grow
	grow="$(jq -r --argjson a "$first" --argjson b "$last" -n '$b.rss_kb - $a.rss_kb')"
	[ "$grow" -le "$RSS_NOISE_KB" ] || fail "caller RSS grew by $grow kB: $first -> $last"
	for key in create_maxrss_kb start_maxrss_kb delete_maxrss_kb; do
		grow="$(jq -r --argjson a "$first" --argjson b "$last" -n "\$b.$key - \$a.$key")"
		[ "$grow" -le "$CMD_RSS_NOISE_KB" ] || fail "runtime peak RSS ($key) grew by $grow kB: $first -> $last"
	done
	assert_host_clean
}

@test "$LOAD_PARALLEL containers created in parallel from one bundle, then deleted in parallel: all succeed, nothing left" {
	local i pids=() bad=""
	for i in $(seq "$LOAD_PARALLEL"); do
		cr create -b "$BUNDLE" --pid-file "$BATS_TEST_TMPDIR/$PREFIX-$i.pid" "$PREFIX-$i" \
			</dev/null >"$BATS_TEST_TMPDIR/create.$i.out" 2>&1 3>&- &
		pids+=($!)
	done
	for i in "${!pids[@]}"; do
		wait "${pids[$i]}" || bad+=" $PREFIX-$((i + 1)): $(cat "$BATS_TEST_TMPDIR/create.$((i + 1)).out")"
	done
	[ -z "$bad" ] || fail "creates failed:$bad"

	# Every container is there, created, with its own live init.
	[ "$(cr list -q | grep -c "^$PREFIX-")" -eq "$LOAD_PARALLEL" ]
	[ "$(cr list -f json | jq '[.[] | select(.status == "created")] | length')" -eq "$LOAD_PARALLEL" ]
	# (pid files have no trailing newline)
	local pids_seen
	pids_seen="$(for f in "$BATS_TEST_TMPDIR/$PREFIX"-*.pid; do cat "$f" && echo; done)"
	[ "$(sort -u <<<"$pids_seen" | wc -l)" -eq "$LOAD_PARALLEL" ]

	pids=()
	for i in $(seq "$LOAD_PARALLEL"); do
		cr delete "$PREFIX-$i" </dev/null >"$BATS_TEST_TMPDIR/delete.$i.out" 2>&1 3>&- &
		pids+=($!)
	done
	for i in "${!pids[@]}"; do
		wait "${pids[$i]}" || bad+=" $PREFIX-$((i + 1)): $(cat "$BATS_TEST_TMPDIR/delete.$((i + 1)).out")"
	done
	[ -z "$bad" ] || fail "deletes failed:$bad"
	local pid
	for pid in $pids_seen; do
		wait_for_exit "$pid" 10
	done
	assert_host_clean
}

#!/usr/bin/env bats
# The runtime killed at every step (issue 13 §3). create, start, run, run -d, exec, delete, pause
# and update get SIGKILL (a) after 0, s, 2s, ... ms of their work (s: a tenth of an undisturbed
# run's time), and (b) on entry to their Nth call of each syscall that marks a step of their
# work (cgroup mkdir and writes, state writes, clone3, the parent/child messages, ...), swept
# over N until the command completes: strace's fault injection does the killing, so the binary
# has no test-only code path. After every kill `state`, `list` and `delete --force` work, no
# state.json is half-written, and then nothing is left: no state directory, no process of the
# runtime or the container, no mount, no cgroup in any mounted hierarchy (v1 controllers, named
# v1 hierarchies such as name=systemd, cgroup2). Last, races of two commands on one container,
# which the container lock must settle.

load helpers
load lifecycle_helpers

# How many parts an undisturbed run is cut into for the kills by time, and how often each race
# is run. FAULT_SCALE=N multiplies both and kills at every call of the syscalls that are
# otherwise sampled (SYSCALL/K below): a longer soak by hand. The defaults keep the file within
# about two minutes on an idle 2-core machine (it runs again in the sanitizer build).
FAULT_STEPS=$((6 * ${FAULT_SCALE:-1}))
FAULT_RACES=$((5 * ${FAULT_SCALE:-1}))

setup() {
	lc_setup
	CT="fault-$$-$BATS_TEST_NUMBER"
	# The container's processes carry the tag too: after execve they lose the runtime's LC_TAG.
	update_config ".process.env += [\"FAULT_TAG=$LC_TAG\"]"
	set_args sleep 1000
	snapshot_host
	# Every mounted cgroup hierarchy: v1 controllers, named v1 ones (name=systemd), cgroup2.
	mapfile -t CGROUP_MOUNTS < <(awk '{ for (i = 7; $i != "-"; i++)
		if ($(i + 1) == "cgroup" || $(i + 1) == "cgroup2") print $5 }' /proc/self/mountinfo)
	# nap reads from this pipe, which never has data, until read's timeout.
	exec {NAP_FD}<> <(:)
}

teardown() {
	[ -z "${NAP_FD:-}" ] || exec {NAP_FD}>&-
	lc_teardown
}

# ---- helpers --------------------------------------------------------------------------------

# nap MS: sleep MS milliseconds without forking (starting sleep(1) takes longer than a step).
nap() {
	[ "$1" -gt 0 ] || return 0
	read -r -t "$(($1 / 1000)).$(printf '%03d' $(($1 % 1000)))" -u "$NAP_FD" _ || true
}

# now_ms: milliseconds since the epoch, from bash's own clock.
now_ms() {
	local us=${EPOCHREALTIME/./}
	echo $((us / 1000))
}

# requires_strace: strace can trace and inject here (ptrace may be off in a CI container).
requires_strace() {
	requires strace
	strace -o /dev/null -e trace=getpid -e inject=getpid:retval=1 true 2>/dev/null ||
		skip "strace cannot trace processes on this host (ptrace restricted)"
}

# cgroups_named NAME: cgroup directories called NAME, anywhere in any hierarchy of
# CGROUP_MOUNTS (the container's cgroup is <own cgroup>/cruntime/<id>, and our own cgroup
# differs between hierarchies).
cgroups_named() {
	[ "${#CGROUP_MOUNTS[@]}" -eq 0 ] || find "${CGROUP_MOUNTS[@]}" -xdev -type d -name "$1" 2>/dev/null
	return 0
}

# tagged_processes: live processes of this test: the runtime's own (LC_TAG, which cr puts in its
# environment only) and the container's (FAULT_TAG in process.env). Zombies have no environment.
tagged_processes() {
	local file
	for file in $(grep -lsxzF -e "LC_TAG=$LC_TAG" -e "FAULT_TAG=$LC_TAG" /proc/[0-9]*/environ); do
		file=${file#/proc/}
		echo "${file%/environ}"
	done
}

describe_pids() {
	local pid
	for pid in "$@"; do
		echo "$pid: $(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null)"
	done
}

# assert_clean WHAT: nothing of container $CT is left: no state directory (nor anything else in
# the state root), no process, the host's mount count unchanged, no cgroup in any hierarchy.
assert_clean() {
	local what=$1 left tries=100 entries mounts
	entries=("$TEST_ROOT"/* "$TEST_ROOT"/.[!.]*)
	[ ! -e "${entries[0]}" ] && [ ! -e "${entries[1]}" ] ||
		fail "$what: left in the state root: $(ls -lA "$TEST_ROOT")" || return 1
	# SIGKILLed processes may take a moment to be gone.
	while left="$(tagged_processes)" && [ -n "$left" ] && [ "$tries" -gt 0 ]; do
		nap 50
		tries=$((tries - 1))
	done
	# shellcheck disable=SC2086 # one pid per word
	[ -z "$left" ] || fail "$what: processes left: $(describe_pids $left)" || return 1
	mapfile -t mounts </proc/self/mountinfo
	[ "${#mounts[@]}" -eq "$SNAP_MOUNTS" ] ||
		fail "$what: the host's mount count changed: $(mounts_changed)" || return 1
	left="$(cgroups_named "$CT")"
	[ -z "$left" ] || fail "$what: cgroups left: $left"
}

# cr_bg OUT ARGS...: `cruntime ARGS` in the background (stdout and stderr to OUT), without cr's
# timeout(1) wrapper and with the subshell replaced by it, so that $! is cruntime itself.
cr_bg() {
	local out=$1
	shift
	(exec env "LC_TAG=$LC_TAG" "$CRUNTIME" --root "$TEST_ROOT" --log "$CRUNTIME_LOG" "$@" \
		</dev/null >"$out" 2>&1 3>&-) &
}

# kill_after MS ARGS...: `cruntime ARGS` in the background, SIGKILLed after MS ms. KILL_STATUS:
# its exit status (137 when the kill landed first).
kill_after() {
	local ms=$1 pid
	shift
	cr_bg "$BATS_TEST_TMPDIR/killed.out" "$@"
	pid=$!
	nap "$ms"
	kill -KILL "$pid" 2>/dev/null || true
	KILL_STATUS=0
	wait "$pid" || KILL_STATUS=$?
}

# kill_at SYSCALL N ARGS...: `cruntime ARGS` under strace, which SIGKILLs it on entry to its Nth
# SYSCALL (so that call is never made; a child of the runtime is not traced). KILL_STATUS: 137
# when it was killed there, else the command's own status (it made fewer such calls). In an
# ASan build, LeakSanitizer's exit-time check needs ptrace, which strace holds: it is off here.
kill_at() {
	local syscall=$1 n=$2
	shift 2
	KILL_STATUS=0
	env "LC_TAG=$LC_TAG" "ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" \
		strace -o /dev/null -e trace="$syscall" \
		-e inject="$syscall:signal=KILL:when=$n" \
		"$CRUNTIME" --root "$TEST_ROOT" --log "$CRUNTIME_LOG" "$@" \
		</dev/null >"$BATS_TEST_TMPDIR/killed.out" 2>&1 3>&- || KILL_STATUS=$?
}

# after_kill WHAT: the checks after each kill. `state` reports a status (never "creating": its
# creator is dead) or that the container does not exist — a state.json that is not whole would
# fail it with a parse error instead; `list` works; `delete --force` succeeds; then nothing is
# left.
after_kill() {
	local what=$1 st
	rund cr state "$CT"
	if [ "$status" -eq 0 ]; then
		st="$(jq -r '"\(.status) \(.pid)"' <<<"$output")"
		case "$st" in
		"stopped 0" | created\ [1-9]* | running\ [1-9]* | paused\ [1-9]*) ;;
		*) fail "$what: state says \"$st\": $output" || return 1 ;;
		esac
	elif [ "${#stderr_lines[@]}" -ne 1 ] || [[ "$stderr" != *"does not exist"* ]]; then
		fail "$what: state failed: $stderr" || return 1
	fi
	rund cr list -f json
	[ "$status" -eq 0 ] && [[ "$output" == \[*\] ]] ||
		fail "$what: list failed ($status): $output $stderr" || return 1
	rund cr delete --force "$CT"
	[ "$status" -eq 0 ] || fail "$what: delete --force failed: $stderr" || return 1
	assert_clean "$what"
}

# What a command acts on, made before each kill.
prep_none() { :; }
prep_created() { rund -0 cr create -b "$BUNDLE" "$CT"; }
prep_running() { rund -0 cr run -d -b "$BUNDLE" "$CT"; }

# fault_by_time PREP ARGS...: time one undisturbed `cruntime ARGS` (after PREP), then kill it
# after 0, s, 2s, ... ms up to a little past that time (s = that time / FAULT_STEPS, at least
# 1 ms), each after a fresh PREP, with after_kill's checks every time.
fault_by_time() {
	local prep=$1 t0 took step ms
	shift
	"$prep" || return 1
	t0="$(now_ms)"
	cr_bg "$BATS_TEST_TMPDIR/killed.out" "$@"
	KILL_STATUS=0
	wait $! || KILL_STATUS=$?
	took=$(($(now_ms) - t0))
	[ "$KILL_STATUS" -eq 0 ] || fail "cruntime $* failed undisturbed: $(cat "$BATS_TEST_TMPDIR/killed.out")" ||
		return 1
	after_kill "cruntime $* undisturbed" || return 1
	step=$((took / FAULT_STEPS > 0 ? took / FAULT_STEPS : 1))
	for ((ms = 0; ms <= took + 2 * step; ms += step)); do
		"$prep" || return 1
		kill_after "$ms" "$@"
		after_kill "cruntime $* killed after $ms ms (status $KILL_STATUS)" || return 1
	done
	echo "# $*: $took ms undisturbed, killed every $step ms" >&3
}

# fault_by_syscall PREP SYSCALLS ARGS...: for each syscall in the comma-separated list, kill
# `cruntime ARGS` (after a fresh PREP) at its 1st, 2nd, ... call of it until it completes, with
# after_kill's checks every time; the run that completes must succeed. SYSCALL/K: only at calls
# 1, 1+K, 1+2K, ... (for the many alike calls in a row, such as v1 devices.allow writes; every
# call with FAULT_SCALE > 1). Fails if no listed syscall was ever made (the sweep would test
# nothing); a syscall this host's libc does not use is only reported.
fault_by_syscall() {
	local prep=$1 syscalls=$2 syscall stride n kills=0 unused=""
	shift 2
	for syscall in ${syscalls//,/ }; do
		stride=1
		if [[ "$syscall" == */* ]]; then
			[ "${FAULT_SCALE:-1}" -gt 1 ] || stride=${syscall#*/}
			syscall=${syscall%/*}
		fi
		for ((n = 1; ; n += stride)); do
			"$prep" || return 1
			kill_at "$syscall" "$n" "$@"
			[ "$KILL_STATUS" -eq 137 ] || break
			kills=$((kills + 1))
			after_kill "cruntime $* killed at its call $n of $syscall" || return 1
			[ "$n" -lt 300 ] || fail "cruntime $*: still killed at call $n of $syscall" || return 1
		done
		[ "$KILL_STATUS" -eq 0 ] ||
			fail "cruntime $* failed undisturbed ($KILL_STATUS): $(cat "$BATS_TEST_TMPDIR/killed.out")" ||
			return 1
		after_kill "cruntime $* past its last $syscall" || return 1
		[ "$n" -gt 1 ] || unused+=" $syscall"
	done
	echo "# $*: $kills kills at ${syscalls}${unused:+ (never called:$unused)}" >&3
	[ "$kills" -gt 0 ] || fail "cruntime $* made none of the calls $syscalls"
}

# ---- the issue's case -----------------------------------------------------------------------

@test "create killed once its cgroup exists: state says stopped, delete --force removes it from every hierarchy" {
	requires_strace
	# clone3 comes right after the cgroup is made in every hierarchy and before the init exists.
	kill_at clone3 1 create -b "$BUNDLE" "$CT"
	[ "$KILL_STATUS" -eq 137 ] || fail "create was not killed at clone3 ($KILL_STATUS)"
	local made
	made="$(cgroups_named "$CT" | wc -l)"
	[ "$made" -eq "${#CGROUP_MOUNTS[@]}" ] ||
		fail "expected the cgroup in each of the ${#CGROUP_MOUNTS[@]} hierarchies: $(cgroups_named "$CT")"
	rund -0 cr state "$CT"
	[ "$(jq -r .status <<<"$output")" = stopped ] || fail "state: $output"
	[ "$(jq .pid <<<"$output")" = 0 ] || fail "state: $output"
	rund -0 cr list -f json
	[ "$(jq -r --arg id "$CT" '.[] | select(.id == $id) | .status' <<<"$output")" = stopped ] ||
		fail "list: $output"
	rund -0 cr delete --force "$CT"
	assert_clean "delete --force"
}

@test "a create killed before its init was recorded leaves no init waiting for start" {
	requires_strace
	# The last renameat of create replaces the creating record with the init's pid: killed on
	# it, the init (cloned, ready, no longer killed by the parent-death signal) must exit by
	# itself (sync.hpp kRecorded), even before anyone runs delete.
	local renames=0 n
	for ((n = 1; n < 10; n++)); do
		kill_at renameat "$n" create -b "$BUNDLE" "$CT"
		[ "$KILL_STATUS" -eq 137 ] || break
		renames=$n
		rund -0 cr delete --force "$CT"
		assert_clean "create killed at renameat $n"
	done
	[ "$renames" -ge 2 ] || fail "expected create to rename a state file at least twice, saw $renames"
	rund -0 cr delete --force "$CT"
	kill_at renameat "$renames" create -b "$BUNDLE" "$CT"
	[ "$KILL_STATUS" -eq 137 ] || fail "create was not killed at its last renameat"
	local tries=100 left
	while left="$(tagged_processes)" && [ -n "$left" ] && [ "$tries" -gt 0 ]; do
		nap 50
		tries=$((tries - 1))
	done
	# shellcheck disable=SC2086 # one pid per word
	[ -z "$left" ] || fail "the init outlived its creator: $(describe_pids $left)"
	rund -0 cr delete --force "$CT"
	assert_clean "delete --force"
}

# ---- killed after 0, s, 2s, ... ms ----------------------------------------------------------

@test "by time: create" {
	fault_by_time prep_none create -b "$BUNDLE" "$CT"
}

@test "by time: start" {
	fault_by_time prep_created start "$CT"
}

@test "by time: run (foreground, the payload exits) and run -d" {
	set_args true
	fault_by_time prep_none run -b "$BUNDLE" "$CT"
	set_args sleep 1000
	fault_by_time prep_none run -d -b "$BUNDLE" "$CT"
}

@test "by time: exec" {
	fault_by_time prep_running exec "$CT" true
}

@test "by time: delete --force" {
	fault_by_time prep_running delete --force "$CT"
}

@test "by time: pause, update" {
	fault_by_time prep_running pause "$CT"
	fault_by_time prep_running update --pids-limit 200 --cpu-share 512 --memory 200000000 "$CT"
}

# ---- killed at each step --------------------------------------------------------------------

@test "by step: create at its cgroup mkdirs and writes, state writes, clone3 and every sync message" {
	requires_strace
	fault_by_syscall prep_none \
		mkdirat,mknodat,flock,renameat,mkdir/3,write/3,socketpair,clone3,sendmsg,recvmsg \
		create -b "$BUNDLE" "$CT"
}

@test "by step: start" {
	requires_strace
	fault_by_syscall prep_created flock,pidfd_open,unlinkat,poll start "$CT"
}

@test "by step: run and run -d" {
	requires_strace
	set_args true
	fault_by_syscall prep_none clone3,recvmsg,renameat,unlinkat,wait4,rmdir/3 \
		run -b "$BUNDLE" "$CT"
	set_args sleep 1000
	fault_by_syscall prep_none clone3,recvmsg,renameat,unlinkat,poll run -d -b "$BUNDLE" "$CT"
}

@test "by step: exec" {
	requires_strace
	fault_by_syscall prep_running clone3,sendmsg,recvmsg,write/3,wait4 exec "$CT" true
}

@test "by step: delete --force" {
	requires_strace
	fault_by_syscall prep_running flock,pidfd_send_signal,write,rmdir/3,unlinkat delete --force "$CT"
}

@test "by step: pause and update" {
	requires_strace
	fault_by_syscall prep_running flock,write pause "$CT"
	fault_by_syscall prep_running write,renameat \
		update --pids-limit 200 --cpu-share 512 --memory 200000000 "$CT"
}

# ---- state.json that is not whole ------------------------------------------------------------

@test "a truncated, empty or garbage state.json: one clear error line, list skips it, restored it works" {
	prep_created
	local file="$TEST_ROOT/$CT/state.json" saved="$BATS_TEST_TMPDIR/state.json.saved" bad
	cp "$file" "$saved"
	for bad in truncated empty garbage; do
		case "$bad" in
		truncated) head -c "$(($(stat -c %s "$saved") / 2))" "$saved" >"$file" ;;
		empty) : >"$file" ;;
		garbage) printf '\x00\xff{"id":' >"$file" ;;
		esac
		rund -1 cr state "$CT"
		assert_one_error_line "container \"$CT\": state.json: "
		rund -0 cr list -q
		[[ "$output" != *"$CT"* ]] || fail "list shows the container with a $bad state.json"
		grep -q "skipping.*$CT.*state.json" "$CRUNTIME_LOG" || fail "list did not say why it skipped $CT"
		rund -1 cr kill "$CT" KILL
		assert_one_error_line "state.json"
		rund -1 cr delete "$CT"
		assert_one_error_line "state.json"
	done
	cp "$saved" "$file"
	[ "$(status_of "$CT")" = created ] || fail "the restored record does not load"
	rund -0 cr delete --force "$CT"
	assert_clean "delete --force"
}

@test "delete --force removes a container directory whose state.json is garbage" {
	mkdir -m 0711 "$TEST_ROOT/$CT"
	printf '{"ociVersion": "1.3.0", "id": "%s", "initPid": ' "$CT" >"$TEST_ROOT/$CT/state.json"
	rund -1 cr delete "$CT"
	assert_one_error_line "state.json"
	rund -0 cr delete --force "$CT"
	assert_clean "delete --force"
}

# ---- races on one container -----------------------------------------------------------------

# race A_ARGS -- B_ARGS: start both `cruntime` commands at once; sets A_STATUS, A_ERR, B_STATUS,
# B_ERR (stderr text).
race() {
	local a=() b=() pa pb
	while [ "$1" != -- ]; do
		a+=("$1")
		shift
	done
	shift
	b=("$@")
	cr_bg "$BATS_TEST_TMPDIR/a.err" "${a[@]}"
	pa=$!
	cr_bg "$BATS_TEST_TMPDIR/b.err" "${b[@]}"
	pb=$!
	A_STATUS=0
	wait "$pa" || A_STATUS=$?
	B_STATUS=0
	wait "$pb" || B_STATUS=$?
	A_ERR="$(cat "$BATS_TEST_TMPDIR/a.err")"
	B_ERR="$(cat "$BATS_TEST_TMPDIR/b.err")"
}

# one_line_error TEXT: TEXT is a single "cruntime: ..." line.
one_line_error() {
	[ "$(wc -l <<<"$1")" -eq 1 ] && [[ "$1" == "cruntime: "* ]]
}

@test "race: two creates of one id — exactly one wins, the loser says so in one line and leaves the winner intact" {
	local i winner pid
	for ((i = 1; i <= FAULT_RACES; i++)); do
		race create -b "$BUNDLE" "$CT" -- create -b "$BUNDLE" "$CT"
		[ $((A_STATUS == 0)) -ne $((B_STATUS == 0)) ] ||
			fail "round $i: create exited $A_STATUS and $B_STATUS: $A_ERR / $B_ERR" || return 1
		local loser_err=$A_ERR
		[ "$A_STATUS" -ne 0 ] || loser_err=$B_ERR
		one_line_error "$loser_err" && [[ "$loser_err" == *"already exists"* ]] ||
			fail "round $i: the loser's error: $loser_err" || return 1
		rund -0 cr state "$CT"
		winner="$output"
		[ "$(jq -r .status <<<"$winner")" = created ] || fail "round $i: the winner: $winner" || return 1
		pid="$(jq .pid <<<"$winner")"
		[ -d "/proc/$pid" ] || fail "round $i: the winner's init $pid is gone" || return 1
		rund -0 cr start "$CT"
		[ "$(status_of "$CT")" = running ] || fail "round $i: the winner did not start" || return 1
		rund -0 cr delete --force "$CT"
		assert_clean "round $i" || return 1
	done
}

@test "race: delete --force against start — the container is gone, start succeeded or failed in one line" {
	local i
	for ((i = 1; i <= FAULT_RACES; i++)); do
		prep_created
		race start "$CT" -- delete --force "$CT"
		[ "$B_STATUS" -eq 0 ] || fail "round $i: delete --force failed: $B_ERR" || return 1
		[ "$A_STATUS" -eq 0 ] || one_line_error "$A_ERR" ||
			fail "round $i: start failed with: $A_ERR" || return 1
		rund -1 cr state "$CT"
		assert_one_error_line "does not exist"
		assert_clean "round $i" || return 1
	done
}

@test "race: delete of a created container against start — one of them wins, the state is consistent" {
	local i st
	for ((i = 1; i <= FAULT_RACES; i++)); do
		prep_created
		race start "$CT" -- delete "$CT"
		[ "$A_STATUS" -eq 0 ] || one_line_error "$A_ERR" || fail "round $i: start: $A_ERR" || return 1
		[ "$B_STATUS" -eq 0 ] || one_line_error "$B_ERR" || fail "round $i: delete: $B_ERR" || return 1
		if [ "$B_STATUS" -eq 0 ]; then
			# delete won: it killed the created container, and start found nothing to start.
			rund -1 cr state "$CT"
			assert_one_error_line "does not exist"
		else
			# start won: delete refused a running container and changed nothing.
			[ "$A_STATUS" -eq 0 ] || fail "round $i: both failed: $A_ERR / $B_ERR" || return 1
			[[ "$B_ERR" == *"not stopped: running"* ]] || fail "round $i: delete: $B_ERR" || return 1
			st="$(status_of "$CT")"
			[ "$st" = running ] || fail "round $i: after the refused delete: $st" || return 1
		fi
		rund -0 cr delete --force "$CT"
		assert_clean "round $i" || return 1
	done
}

@test "race: kill during delete --force — delete succeeds, kill succeeds or fails in one line" {
	local i signal
	for ((i = 1; i <= FAULT_RACES; i++)); do
		prep_running
		signal=KILL
		[ $((i % 2)) -eq 0 ] || signal=TERM
		race delete --force "$CT" -- kill "$CT" "$signal"
		[ "$A_STATUS" -eq 0 ] || fail "round $i: delete --force failed: $A_ERR" || return 1
		[ "$B_STATUS" -eq 0 ] || one_line_error "$B_ERR" || fail "round $i: kill: $B_ERR" || return 1
		[ "$B_STATUS" -eq 0 ] || [[ "$B_ERR" == *"does not exist"* || "$B_ERR" == *"not running"* ]] ||
			fail "round $i: kill failed with: $B_ERR" || return 1
		assert_clean "round $i" || return 1
	done
}

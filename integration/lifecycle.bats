#!/usr/bin/env bats
# The container lifecycle with real containers (cli-contract §4-§7, §10; security.md promise 7):
# create → start → kill → delete, run in the foreground / detached / --keep, and misuse of each
# command in the wrong state.

load helpers
load lifecycle_helpers

setup() {
	lc_setup
	add_shared_dir
}
teardown() { lc_teardown; }

@test "create: state created, pid = pid file (no newline), the process has not run yet" {
	set_args sh -c 'echo ran >/shared/marker; exec sleep 1000'
	rund -0 cr create -b "$BUNDLE" --pid-file "$BATS_TEST_TMPDIR/pid" ct
	[ -z "$output" ] || fail "create printed on stdout: $output"

	run -0 cr state ct
	[ "$(jq -r .status <<<"$output")" = created ]
	[ "$(jq -r .id <<<"$output")" = ct ]
	[ "$(jq -r .bundle <<<"$output")" = "$BUNDLE" ]
	local pid
	pid="$(jq -r .pid <<<"$output")"
	[[ "$pid" =~ ^[1-9][0-9]*$ ]]
	# The pid file is the bare decimal pid, exactly (runtime-tools does Atoi on the content).
	[ "$(cat "$BATS_TEST_TMPDIR/pid")" = "$pid" ]
	[ "$(stat -c %s "$BATS_TEST_TMPDIR/pid")" -eq "${#pid}" ]
	# The init is alive and waiting; the payload did not run.
	kill -0 "$pid"
	sleep 0.5
	[ ! -e "$SHARED/marker" ] || fail "the process ran before start"
	[ "$(status_of ct)" = created ]
}

@test "create, start, kill, delete: the status follows each step" {
	set_args sh -c 'echo ran >/shared/marker; exec sleep 1000'
	rund -0 cr create -b "$BUNDLE" ct
	local pid
	pid="$(pid_of ct)"

	rund -0 cr start ct
	[ -z "$output" ]
	wait_for_file "$SHARED/marker"
	[ "$(cat "$SHARED/marker")" = ran ]
	run -0 cr state ct
	[ "$(jq -r .status <<<"$output")" = running ]
	[ "$(jq -r .pid <<<"$output")" = "$pid" ]
	# After start the exec fifo is gone: only the running payload remains.
	[ ! -e "$TEST_ROOT/ct/exec.fifo" ]
	# The init is the payload now (same file; the path the host would print is the container's).
	[ "$(stat -L -c %d:%i "/proc/$pid/exe")" = "$(stat -c %d:%i "$BUNDLE/rootfs/bin/busybox")" ]

	rund -0 cr kill ct KILL
	wait_for_status ct stopped
	run -0 cr state ct
	[ "$(jq -r .pid <<<"$output")" = 0 ]

	rund -0 cr delete ct
	run -1 cr state ct
	[[ "$output" == *"does not exist"* ]]
	[ ! -e "$TEST_ROOT/ct" ]
	[ -z "$(cr list -q)" ]
}

@test "run: foreground exit status and output; the container is gone afterwards" {
	set_args sh -c 'echo to-stdout; echo to-stderr >&2; exit 3'
	rund -3 cr run -b "$BUNDLE" ct
	[ "$output" = to-stdout ]
	[ "$stderr" = to-stderr ]
	[ ! -e "$TEST_ROOT/ct" ]
	[ -z "$(cr list -q)" ]

	set_args true
	rund -0 cr run -b "$BUNDLE" ct
	[ -z "$output" ]
	[ -z "$stderr" ]
}

@test "run: a container killed by SIGKILL exits 137" {
	sleeper_args
	cr run -b "$BUNDLE" ct </dev/null >"$BATS_TEST_TMPDIR/run.out" 2>"$BATS_TEST_TMPDIR/run.err" 3>&- &
	local run_pid=$!
	wait_for_file "$SHARED/ready"
	[ "$(status_of ct)" = running ]
	rund -0 cr kill ct 9
	local rc=0
	wait "$run_pid" || rc=$?
	[ "$rc" -eq 137 ] || fail "run exited $rc, expected 137 (128+SIGKILL); stderr: $(cat "$BATS_TEST_TMPDIR/run.err")"
	[ ! -e "$TEST_ROOT/ct" ]
}

@test "run: stdin reaches the container; the output is complete when run returns" {
	seq 1 2000 >"$BATS_TEST_TMPDIR/in"
	set_args sh -c 'cat; echo end'
	cr run -b "$BUNDLE" ct <"$BATS_TEST_TMPDIR/in" >"$BATS_TEST_TMPDIR/out" 2>"$BATS_TEST_TMPDIR/err" 3>&-
	[ "$(cat "$BATS_TEST_TMPDIR/out")" = "$(seq 1 2000; echo end)" ]
	[ ! -s "$BATS_TEST_TMPDIR/err" ]
}

@test "run: signals sent to cruntime are forwarded to the container" {
	set_args sh -c 'trap "echo USR1 >>/shared/signals; exit 42" USR1
		echo $$ >/shared/ready
		while :; do sleep 0.05; done'
	# cruntime itself (not the cr wrapper), so that $! is its pid.
	"$CRUNTIME" --root "$TEST_ROOT" --log "$CRUNTIME_LOG" run -b "$BUNDLE" ct \
		</dev/null >"$BATS_TEST_TMPDIR/run.out" 2>"$BATS_TEST_TMPDIR/run.err" 3>&- &
	local run_pid=$!
	echo "$run_pid" >>"$PID_LIST"
	wait_for_file "$SHARED/ready"
	kill -USR1 "$run_pid"
	local rc=0
	wait "$run_pid" || rc=$?
	[ "$rc" -eq 42 ] || fail "run exited $rc, expected 42; stderr: $(cat "$BATS_TEST_TMPDIR/run.err")"
	[ "$(cat "$SHARED/signals")" = USR1 ]
}

@test "concurrent creates of one id: exactly one succeeds" {
	sleeper_args
	local i pids=()
	for i in 1 2 3 4 5 6; do
		cr create -b "$BUNDLE" ct </dev/null >/dev/null 2>"$BATS_TEST_TMPDIR/create.$i.err" 3>&- &
		pids+=($!)
	done
	local ok=0 failed=0
	for i in "${!pids[@]}"; do
		if wait "${pids[$i]}"; then
			ok=$((ok + 1))
		else
			failed=$((failed + 1))
			grep -q "already exists" "$BATS_TEST_TMPDIR/create.$((i + 1)).err" ||
				fail "create $((i + 1)): $(cat "$BATS_TEST_TMPDIR/create.$((i + 1)).err")"
		fi
	done
	[ "$ok" -eq 1 ] || fail "$ok creates succeeded"
	[ "$failed" -eq 5 ]
	[ "$(status_of ct)" = created ]
	[ "$(cr list -q)" = ct ]
}

@test "run -d: returns at once with the container running; pid file written" {
	sleeper_args
	SECONDS=0
	rund -0 cr run -d -b "$BUNDLE" --pid-file "$BATS_TEST_TMPDIR/pid" ct
	[ "$SECONDS" -lt 10 ]
	[ -z "$output" ]
	wait_for_file "$SHARED/ready"
	run -0 cr state ct
	[ "$(jq -r .status <<<"$output")" = running ]
	[ "$(jq -r .pid <<<"$output")" = "$(cat "$BATS_TEST_TMPDIR/pid")" ]
	rund -0 cr kill ct KILL
	wait_for_status ct stopped
	rund -0 cr delete ct
}

@test "run --keep: the stopped container stays until delete" {
	set_args sh -c 'exit 5'
	rund -5 cr run --keep -b "$BUNDLE" ct
	run -0 cr state ct
	[ "$(jq -r .status <<<"$output")" = stopped ]
	[ "$(jq -r .pid <<<"$output")" = 0 ]
	[ "$(cr list -q)" = ct ]
	rund -0 cr delete ct
	[ ! -e "$TEST_ROOT/ct" ]
}

@test "delete of a created container kills the init and removes it (runc behaviour)" {
	sleeper_args
	rund -0 cr create -b "$BUNDLE" ct
	local pid start
	pid="$(pid_of ct)"
	start="$(proc_start_time "$pid")"
	rund -0 cr delete ct
	[ -z "$output" ]
	[ ! -e "$TEST_ROOT/ct" ]
	# Gone (or at least not the same process any more).
	local tries=200
	while [ -e "/proc/$pid" ] && [ "$(proc_start_time "$pid" 2>/dev/null)" = "$start" ] &&
		[ "$(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null)" != Z ] && [ "$tries" -gt 0 ]; do
		sleep 0.05
		tries=$((tries - 1))
	done
	[ "$tries" -gt 0 ] || fail "init $pid still alive after delete"
	[ ! -e "$SHARED/ready" ] || fail "the process ran although it was never started"
}

@test "delete of a running container without --force fails and changes nothing" {
	sleeper_args
	rund -0 cr run -d -b "$BUNDLE" ct
	wait_for_file "$SHARED/ready"
	local before pid
	before="$(cr state ct)"
	pid="$(jq -r .pid <<<"$before")"

	rund -1 cr delete ct
	assert_one_error_line "is not stopped"
	[ "$(cr state ct)" = "$before" ]
	kill -0 "$pid"

	rund -0 cr delete --force ct
	[ ! -e "$TEST_ROOT/ct" ]
	wait_for_exit "$pid" || fail "init $pid survived delete --force"
}

@test "delete --force of a stopped container, of a missing id, and twice" {
	set_args true
	rund -0 cr run --keep -b "$BUNDLE" ct
	[ "$(status_of ct)" = stopped ]
	rund -0 cr delete --force ct
	[ ! -e "$TEST_ROOT/ct" ]
	rund -0 cr delete --force ct
	[ -z "$output" ] && [ -z "$stderr" ]
	rund -0 cr delete -f nosuch
	[ -z "$output" ] && [ -z "$stderr" ]
	rund -1 cr delete nosuch
	assert_one_error_line "does not exist"
}

@test "start twice: the second start fails and the container keeps running" {
	sleeper_args
	rund -0 cr create -b "$BUNDLE" ct
	rund -0 cr start ct
	wait_for_file "$SHARED/ready"
	local before
	before="$(cr state ct)"
	rund -1 cr start ct
	assert_one_error_line "cannot start an already running container"
	[ "$(cr state ct)" = "$before" ]
	# The payload was exec'd once.
	[ "$(wc -l <"$SHARED/ready")" -eq 1 ]
}

@test "start of a stopped container fails and changes nothing" {
	set_args sh -c 'echo ran >>/shared/runs'
	rund -0 cr create -b "$BUNDLE" ct
	rund -0 cr start ct
	wait_for_status ct stopped
	local before
	before="$(cr state ct)"
	rund -1 cr start ct
	assert_one_error_line "cannot start a container that has stopped"
	[ "$(cr state ct)" = "$before" ]
	[ "$(cat "$SHARED/runs")" = ran ]
}

@test "start and kill of a missing container fail with 'does not exist'" {
	rund -1 cr start nosuch
	assert_one_error_line "does not exist"
	rund -1 cr kill nosuch KILL
	assert_one_error_line "does not exist"
}

@test "kill of a stopped container: 'container not running', state unchanged byte for byte" {
	set_args true
	rund -0 cr run --keep -b "$BUNDLE" ct
	local before
	before="$(cr state ct)"
	rund -1 cr kill ct KILL
	assert_one_error_line "container not running"
	[ "$(cr state ct)" = "$before" ]
	rund -1 cr kill ct 15
	assert_one_error_line "container not running"
	[ "$(cr state ct)" = "$before" ]
	# --all turns "not running" into success (runc).
	rund -0 cr kill --all ct KILL
}

@test "kill of a created container signals the init" {
	sleeper_args
	rund -0 cr create -b "$BUNDLE" ct
	rund -0 cr kill ct KILL
	wait_for_status ct stopped
	[ ! -e "$SHARED/ready" ]
	rund -0 cr delete ct
}

@test "create of an existing id fails; the first container is unaffected" {
	set_args sh -c 'echo first >/shared/marker; exec sleep 1000'
	rund -0 cr create -b "$BUNDLE" ct
	local before
	before="$(cr state ct)"

	local other="$BATS_TEST_TMPDIR/other"
	mkdir -p "$other"
	cp -a "$BUNDLE/rootfs" "$other/rootfs"
	jq '.process.args = ["sh", "-c", "echo second >/shared/marker"]' "$BUNDLE/config.json" >"$other/config.json"
	rund -1 cr create -b "$other" ct
	assert_one_error_line "container with given ID already exists"
	[ "$(cr state ct)" = "$before" ]
	[ "$(state_entries "$TEST_ROOT")" = ct ]

	rund -0 cr start ct
	wait_for_file "$SHARED/marker"
	[ "$(cat "$SHARED/marker")" = first ]
}

@test "kill: names with and without SIG in any case, numbers, the default SIGTERM" {
	# A shell with handlers: a pid-namespace init only receives signals it handles.
	set_args sh -c 'for s in HUP USR1 USR2 TERM; do trap "echo $s >>/shared/signals" $s; done
		echo $$ >/shared/ready
		while :; do sleep 0.05; done'
	rund -0 cr run -d -b "$BUNDLE" ct
	wait_for_file "$SHARED/ready"

	local sig expected=() n=0
	for sig in USR1 SIGUSR2 sighup sigUsr1 10 12 1 ""; do
		if [ -z "$sig" ]; then
			rund -0 cr kill ct
		else
			rund -0 cr kill ct "$sig"
		fi
		n=$((n + 1))
		# One at a time: a second signal of a kind that is still pending would merge.
		local tries=200
		while [ "$(wc -l <"$SHARED/signals" 2>/dev/null || echo 0)" -lt "$n" ] && [ "$tries" -gt 0 ]; do
			sleep 0.05
			tries=$((tries - 1))
		done
	done
	expected=(USR1 USR2 HUP USR1 USR1 USR2 HUP TERM)
	[ "$(cat "$SHARED/signals")" = "$(printf '%s\n' "${expected[@]}")" ] ||
		fail "signals received: $(cat "$SHARED/signals")"
}

@test "kill: an unknown signal fails and sends nothing" {
	set_args sh -c 'for s in HUP USR1 USR2 TERM; do trap "echo $s >>/shared/signals" $s; done
		echo $$ >/shared/ready
		while :; do sleep 0.05; done'
	rund -0 cr run -d -b "$BUNDLE" ct
	wait_for_file "$SHARED/ready"
	local sig
	for sig in FOO SIGFOO 0x1 -1 SIG KILLX; do
		rund -1 cr kill ct "$sig"
		assert_one_error_line "unknown signal"
	done
	# runc passes any number to kill(2), which refuses it: an error either way.
	rund -1 cr kill ct 99
	assert_one_error_line
	rund -1 cr kill ct FOO
	assert_one_error_line 'unknown signal "FOO"'
	sleep 0.3
	[ ! -e "$SHARED/signals" ] || fail "a signal was delivered: $(cat "$SHARED/signals")"
	[ "$(status_of ct)" = running ]
}

@test "config.json edits after create affect neither the process nor the hooks" {
	local hook="$BATS_TEST_TMPDIR/hook.sh"
	printf '#!/bin/sh\necho "$1" >>"%s/hooks"\n' "$SHARED" >"$hook"
	chmod +x "$hook"
	set_args sh -c 'echo original >/shared/marker; exec sleep 1000'
	update_config '.hooks = {
		"poststart": [{"path": "'"$hook"'", "args": ["hook.sh", "poststart-original"]}],
		"poststop": [{"path": "'"$hook"'", "args": ["hook.sh", "poststop-original"]}]}'
	rund -0 cr create -b "$BUNDLE" ct

	update_config '.hooks = {
		"poststart": [{"path": "'"$hook"'", "args": ["hook.sh", "poststart-edited"]}],
		"poststop": [{"path": "'"$hook"'", "args": ["hook.sh", "poststop-edited"]}]}
		| .process.args = ["sh", "-c", "echo edited >/shared/marker; exec sleep 1000"]'
	rund -0 cr start ct
	wait_for_file "$SHARED/marker"
	[ "$(cat "$SHARED/marker")" = original ]
	rund -0 cr delete --force ct
	[ "$(cat "$SHARED/hooks")" = "$(printf 'poststart-original\npoststop-original')" ]
}

@test "kill ID 0: the existence probe sends nothing; it fails once the container has stopped" {
	# Regression (issue 10): signal 0 was refused as an unknown signal; runc accepts it.
	set_args sh -c 'for s in HUP USR1 USR2 TERM; do trap "echo $s >>/shared/signals" $s; done
		echo $$ >/shared/ready
		while :; do sleep 0.05; done'
	rund -0 cr create -b "$BUNDLE" ct
	rund -0 cr kill ct 0
	[ "$(status_of ct)" = created ]
	rund -0 cr start ct
	wait_for_file "$SHARED/ready"
	rund -0 cr kill ct 0
	[ -z "$stderr" ] || fail "kill 0 printed: $stderr"
	rund -0 cr kill --all ct 0
	sleep 0.3
	[ ! -e "$SHARED/signals" ] || fail "a signal was delivered: $(cat "$SHARED/signals")"
	[ "$(status_of ct)" = running ]
	rund -0 cr kill ct KILL
	wait_for_status ct stopped
	rund -1 cr kill ct 0
	assert_one_error_line "container not running"
}

@test "start: a failed removal of exec.fifo leaves the container created and the payload unreleased" {
	# Regression (issue 10): the unlink was unchecked, and status "created" is the fifo's existence.
	set_args sh -c 'echo ran >/shared/marker; exec sleep 1000'
	rund -0 cr create -b "$BUNDLE" ct
	local dir="$TEST_ROOT/ct"
	mount --bind "$dir" "$dir"
	mount -o remount,bind,ro "$dir"
	rund -1 cr start ct
	umount "$dir"
	assert_one_error_line "exec.fifo"
	[ "$(status_of ct)" = created ]
	sleep 0.3
	[ ! -e "$SHARED/marker" ] || fail "the payload ran although start failed"
	rund -0 cr start ct
	wait_for_file "$SHARED/marker"
	[ "$(status_of ct)" = running ]
}

@test "a config.json without a linux object: no namespaces are made and the container runs" {
	# Regression (issue 10): the init dereferenced the missing object (abort under
	# _GLIBCXX_ASSERTIONS, which the build enables). runc makes no namespaces then; neither do we.
	# Without a mount namespace nothing is mounted (not /shared either): the root is written.
	set_args sh -c 'echo ran >/no-linux-marker; exec sleep 1000'
	update_config 'del(.linux) | del(.hostname) | .root.readonly = false | .mounts = []'
	rund -0 cr run -d -b "$BUNDLE" ct
	wait_for_file "$BUNDLE/rootfs/no-linux-marker"
	local pid ns
	pid="$(pid_of ct)"
	for ns in pid mnt net ipc uts user cgroup; do
		[ "$(readlink "/proc/$pid/ns/$ns")" = "$(readlink "/proc/self/ns/$ns")" ] ||
			fail "a new $ns namespace was made"
	done
	# The root is still the bundle's rootfs (chroot without a mount namespace).
	[ "$(readlink "/proc/$pid/root")" = "$BUNDLE/rootfs" ]
	rund -0 cr kill ct KILL
	wait_for_status ct stopped
}

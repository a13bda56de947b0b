#!/usr/bin/env bats
# sd_notify pass-through (cli-contract §8.6, runc's notify_socket.go): with NOTIFY_SOCKET in the
# runtime's environment the container gets /run/notify/notify.sock, and run/start relay its
# READY= to the caller's socket as READY, MAINPID, BARRIER, returning only after READY (or the
# container's exit). notify-listener plays systemd; sd-notify (static) is the container's client.

load helpers
load lifecycle_helpers

NOTIFY_LISTENER="${NOTIFY_LISTENER:-$BUILD_DIR/integration/notify-listener}"
SD_NOTIFY="${SD_NOTIFY:-$BUILD_DIR/integration/sd-notify}"

setup() {
	lc_setup
	add_shared_dir
	[ -x "$SD_NOTIFY" ] || fail "sd-notify not built: $SD_NOTIFY" || return 1
	[ -x "$NOTIFY_LISTENER" ] || fail "notify-listener not built: $NOTIFY_LISTENER" || return 1
	cp "$SD_NOTIFY" "$BUNDLE/rootfs/bin/sd-notify"
	# Only the tests that say so run with a NOTIFY_SOCKET (bats may itself run under systemd).
	unset NOTIFY_SOCKET
	HOST_SOCK="$BATS_TEST_TMPDIR/host.sock"
	NOTIFY_OUT="$BATS_TEST_TMPDIR/notify.jsonl"
}
teardown() { lc_teardown; }

# start_listener [--write-barrier]: notify-listener on $HOST_SOCK (a path or @name), recording
# into $NOTIFY_OUT; returns once it is bound.
start_listener() {
	local log="$BATS_TEST_TMPDIR/listener.log" tries=200
	start_bg "$log" "$NOTIFY_LISTENER" "$@" "$HOST_SOCK" "$NOTIFY_OUT"
	while ! grep -qx listening "$log" 2>/dev/null; do
		kill -0 "$BG_PID" 2>/dev/null || fail "notify-listener exited: $(cat "$log")" || return 1
		tries=$((tries - 1))
		[ "$tries" -gt 0 ] || fail "notify-listener did not bind $HOST_SOCK" || return 1
		sleep 0.05
	done
}

# received: what the listener got, one JSON array [data, fds] per datagram, compact.
received() {
	[ -e "$NOTIFY_OUT" ] || return 0
	jq -c '[.data, .fds]' "$NOTIFY_OUT"
}

# expect_relay MAINPID: exactly runc's three datagrams, READY=1 first, all from one process.
expect_relay() {
	local want got
	want="$(printf '["READY=1\\n",0]\n["MAINPID=%s\\n",0]\n["BARRIER=1",1]' "$1")"
	got="$(received)"
	[ "$got" = "$want" ] || fail "relayed: $got; expected: $want" || return 1
	[ "$(jq -s '[.[].pid] | unique | length' "$NOTIFY_OUT")" = 1 ] ||
		fail "the datagrams came from more than one process: $(cat "$NOTIFY_OUT")"
}

# bg_cr OUT ARGS...: cruntime in the background (stdio to OUT, see rund), pid in BG_CR_PID; the
# test `wait`s for it to get its status.
bg_cr() {
	local out="$1"
	shift
	cr "$@" </dev/null >"$out" 2>&1 3>&- &
	BG_CR_PID=$!
	echo "$BG_CR_PID" >>"$PID_LIST"
}

# still_waiting PID: the background cruntime has not returned (checked over half a second).
still_waiting() {
	sleep 0.5
	kill -0 "$1" 2>/dev/null || fail "cruntime returned before the container sent READY=1"
}

# Waits for /shared/go, then sends READY=1 and sleeps: the test decides when the container is ready.
ready_on_go_args() {
	set_args sh -c 'while [ ! -e /shared/go ]; do sleep 0.05; done; sd-notify READY=1; exec sleep 1000'
}

@test "run -d: returns only after READY=1, relayed as READY=1, MAINPID=<init pid>, BARRIER=1" {
	start_listener
	ready_on_go_args
	NOTIFY_SOCKET="$HOST_SOCK" bg_cr "$BATS_TEST_TMPDIR/run.out" run -d -b "$BUNDLE" ct
	wait_for_status ct running
	still_waiting "$BG_CR_PID"
	[ -z "$(received)" ] || fail "relayed before READY: $(received)"

	touch "$SHARED/go"
	local rc=0
	wait "$BG_CR_PID" || rc=$?
	[ "$rc" -eq 0 ] || fail "run -d exited $rc: $(cat "$BATS_TEST_TMPDIR/run.out")"
	[ ! -s "$BATS_TEST_TMPDIR/run.out" ] || fail "run -d printed: $(cat "$BATS_TEST_TMPDIR/run.out")"
	# The barrier is answered after the listener recorded everything: no wait needed here.
	expect_relay "$(pid_of ct)"
	[ "$(jq -s '.[0].pid' "$NOTIFY_OUT")" != "$(pid_of ct)" ] ||
		fail "the container's own datagram reached the host socket"
	[ "$(status_of ct)" = running ]
	[ -z "$(leaked_processes)" ] || fail "runtime processes left: $(leaked_processes)"

	rund -0 cr delete --force ct
	[ ! -e "$TEST_ROOT/ct" ]
}

@test "run -d: the only difference inside is /run/notify (ro,nosuid,nodev,noexec) and NOTIFY_SOCKET" {
	# A non-root container user: the socket (0777) in its directory (0755) is for any user.
	update_config '.process.user = {"uid": 65534, "gid": 65534}'
	local script='grep -v " /shared " /proc/self/mountinfo | cut -d" " -f5 | sort >/shared/mounts.$1
		env | grep "^NOTIFY" >/shared/env.$1; sd-notify READY=1; exec sleep 1000'

	set_args sh -c "$script" sh without
	rund -0 cr run -d -b "$BUNDLE" plain
	[ ! -e "$TEST_ROOT/plain/notify" ] || fail "a notify dir without NOTIFY_SOCKET"
	rund -0 cr delete --force plain

	start_listener
	set_args sh -c "$script" sh with
	NOTIFY_SOCKET="$HOST_SOCK" rund -0 cr run -d -b "$BUNDLE" ct
	expect_relay "$(pid_of ct)"

	[ ! -s "$SHARED/env.without" ] || fail "NOTIFY variables without NOTIFY_SOCKET: $(cat "$SHARED/env.without")"
	[ "$(cat "$SHARED/env.with")" = "NOTIFY_SOCKET=/run/notify/notify.sock" ]
	run -1 diff "$SHARED/mounts.without" "$SHARED/mounts.with"
	[ "$(grep '^[<>]' <<<"$output")" = "> /run/notify" ] || fail "mount points differ by: $output"
	local line
	line="$(grep ' /run/notify ' "/proc/$(pid_of ct)/mountinfo")"
	[[ "$(cut -d' ' -f6 <<<"$line")" =~ ^ro,nosuid,nodev,noexec(,|$) ]] || fail "options: $line"
	[[ "$(cut -d' ' -f4 <<<"$line")" == */ct/notify ]] || fail "not the state dir's notify/: $line"

	[ "$(stat -c %a "$TEST_ROOT/ct/notify")" = 755 ]
	[ -S "$TEST_ROOT/ct/notify/notify.sock" ]
	[ "$(stat -c %a "$TEST_ROOT/ct/notify/notify.sock")" = 777 ]
	rund -0 cr delete --force ct
	[ ! -e "$TEST_ROOT/ct" ] || fail "delete left $(find "$TEST_ROOT/ct")"
}

@test "create + start: create only prepares; start binds the socket, returns after READY and relays it" {
	start_listener
	ready_on_go_args
	NOTIFY_SOCKET="$HOST_SOCK" rund -0 cr create -b "$BUNDLE" ct
	[ "$(status_of ct)" = created ]
	[ -d "$TEST_ROOT/ct/notify" ]
	# runc binds at start, with start's NOTIFY_SOCKET.
	[ ! -e "$TEST_ROOT/ct/notify/notify.sock" ] || fail "create bound the socket"
	[ -z "$(received)" ]

	NOTIFY_SOCKET="$HOST_SOCK" bg_cr "$BATS_TEST_TMPDIR/start.out" start ct
	wait_for_status ct running
	still_waiting "$BG_CR_PID"
	# start waits without the container's lock: `delete` takes it at once (and refuses, running).
	rund -1 cr delete ct
	[[ "$stderr" == *"not stopped"* ]] || fail "delete: $stderr"
	touch "$SHARED/go"
	local rc=0
	wait "$BG_CR_PID" || rc=$?
	[ "$rc" -eq 0 ] || fail "start exited $rc: $(cat "$BATS_TEST_TMPDIR/start.out")"
	expect_relay "$(pid_of ct)"
	[ -z "$(leaked_processes)" ] || fail "runtime processes left: $(leaked_processes)"
}

@test "other fields: STATUS= datagrams and the lines beside READY=1 are not relayed (runc)" {
	start_listener
	set_args sh -c 'sd-notify STATUS=starting "$(printf "STATUS=up\nREADY=1\nERRNO=0")" &&
		sd-notify STATUS=later; exec sleep 1000'
	NOTIFY_SOCKET="$HOST_SOCK" rund -0 cr run -d -b "$BUNDLE" ct
	expect_relay "$(pid_of ct)"
	# After READY the socket is closed: later messages are refused, not queued unread.
	sleep 0.3
	[ "$(received | wc -l)" -eq 3 ]
}

@test "a container that exits without READY: run -d and start return 0, nothing relayed or left" {
	start_listener
	set_args sh -c 'sd-notify STATUS=failing; exit 3'
	NOTIFY_SOCKET="$HOST_SOCK" rund -0 cr run -d -b "$BUNDLE" ct
	[ "$(status_of ct)" = stopped ]
	rund -0 cr delete ct

	NOTIFY_SOCKET="$HOST_SOCK" rund -0 cr create -b "$BUNDLE" ct2
	NOTIFY_SOCKET="$HOST_SOCK" rund -0 cr start ct2
	wait_for_status ct2 stopped
	rund -0 cr delete ct2
	[ -z "$(received)" ] || fail "relayed without READY: $(received)"
	[ -z "$(leaked_processes)" ] || fail "runtime processes left: $(leaked_processes)"
	[ -z "$(state_entries "$TEST_ROOT")" ]
}

@test "foreground run: MAINPID is the runtime's own pid; the exit status is the container's" {
	start_listener
	NOTIFY_SOCKET="$HOST_SOCK" run_sh -7 'sd-notify READY=1; sleep 0.2; exit 7'
	local sender
	sender="$(jq -s '.[0].pid' "$NOTIFY_OUT")"
	expect_relay "$sender"
	[ ! -e "$TEST_ROOT/ct" ] || fail "run did not delete the container"

	# No READY at all: run still ends with the container (runc would wait for READY forever).
	rm -f "$NOTIFY_OUT"
	NOTIFY_SOCKET="$HOST_SOCK" run_sh -5 'exit 5'
	[ -z "$(received)" ]
	[ -z "$(leaked_processes)" ] || fail "runtime processes left: $(leaked_processes)"
}

@test "foreground run with a terminal: the pty is relayed while waiting for READY (under script(1))" {
	requires script
	start_listener
	update_config '.process.terminal = true'
	# Far more than a pty buffers: unrelayed, the container would block before sending READY.
	set_args sh -c 'head -c 300000 /dev/zero | tr "\0" x; echo; sd-notify READY=1; echo done; exit 4'
	local cmd
	printf -v cmd '%q ' "$CRUNTIME" --root "$TEST_ROOT" --log "$CRUNTIME_LOG" run -b "$BUNDLE" ct
	NOTIFY_SOCKET="$HOST_SOCK" rund -4 timeout 60 script -qec "$cmd" /dev/null
	[ "$(tr -cd x <"$RUND_OUT" | wc -c)" -eq 300000 ] || fail "pty output lost"
	tr -d '\r' <"$RUND_OUT" | grep -qx done || fail "no output after READY"
	expect_relay "$(jq -s '.[0].pid' "$NOTIFY_OUT")"
}

@test "an abstract NOTIFY_SOCKET (@name) is relayed to" {
	HOST_SOCK="@cruntime-notify-test-$$-$RANDOM"
	start_listener
	set_args sh -c 'sd-notify READY=1; exec sleep 1000'
	NOTIFY_SOCKET="$HOST_SOCK" rund -0 cr run -d -b "$BUNDLE" ct
	expect_relay "$(pid_of ct)"
}

@test "NOTIFY_SOCKET naming no socket: run fails with one error line and leaves nothing" {
	local missing="$BATS_TEST_TMPDIR/missing.sock"
	set_args sh -c 'sd-notify READY=1; exec sleep 1000'
	snapshot_host
	NOTIFY_SOCKET="$missing" rund -1 cr run -d -b "$BUNDLE" ct
	assert_one_error_line "NOTIFY_SOCKET: connect $missing: No such file or directory"
	assert_nothing_left
	NOTIFY_SOCKET="$missing" rund -1 cr run -b "$BUNDLE" ct
	assert_one_error_line "NOTIFY_SOCKET: connect $missing:"
	assert_nothing_left
	NOTIFY_SOCKET="@cruntime-nobody-$$-$RANDOM" rund -1 cr run -d -b "$BUNDLE" ct
	assert_one_error_line "Connection refused"
	assert_nothing_left
}

@test "start with a NOTIFY_SOCKET it cannot use fails with one line and leaves the container created" {
	set_args sh -c 'echo ran >/shared/marker; exec sleep 1000'
	local missing="$BATS_TEST_TMPDIR/missing.sock"
	# create does not use the caller's socket (runc): only start does.
	NOTIFY_SOCKET="$missing" rund -0 cr create -b "$BUNDLE" ct
	NOTIFY_SOCKET="$missing" rund -1 cr start ct
	assert_one_error_line "NOTIFY_SOCKET: connect $missing: No such file or directory"
	[ "$(status_of ct)" = created ]

	# A container created without NOTIFY_SOCKET has no socket directory to bind in (runc fails too).
	rund -0 cr create -b "$BUNDLE" plain
	start_listener
	NOTIFY_SOCKET="$HOST_SOCK" rund -1 cr start plain
	assert_one_error_line "NOTIFY_SOCKET: bind $TEST_ROOT/plain/notify/notify.sock: the container was created without NOTIFY_SOCKET"
	[ "$(status_of plain)" = created ]
	sleep 0.3
	[ ! -e "$SHARED/marker" ] || fail "the process ran although start failed"

	# Both start normally afterwards.
	rund -0 cr start plain
	rund -0 cr start ct
	wait_for_file "$SHARED/marker"
	[ -z "$(received)" ]
}

@test "a host that writes into the barrier pipe instead of closing it fails start (runc)" {
	start_listener --write-barrier
	set_args sh -c 'sd-notify READY=1; exec sleep 1000'
	NOTIFY_SOCKET="$HOST_SOCK" rund -0 cr create -b "$BUNDLE" ct
	NOTIFY_SOCKET="$HOST_SOCK" rund -1 cr start ct
	assert_one_error_line "NOTIFY_SOCKET: BARRIER=1: $HOST_SOCK wrote to the barrier pipe instead of closing it"
	expect_relay "$(pid_of ct)"
}

@test "run -d in a user namespace: the container's root reaches the socket" {
	add_userns
	start_listener
	set_args sh -c 'sd-notify READY=1; exec sleep 1000'
	NOTIFY_SOCKET="$HOST_SOCK" rund -0 cr run -d -b "$BUNDLE" ct
	expect_relay "$(pid_of ct)"
}

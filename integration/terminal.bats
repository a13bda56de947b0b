#!/usr/bin/env bats
# process.terminal (cli-contract §7.1, §8.1): the pty master over --console-socket, the slave as
# the process' stdio and controlling tty, /dev/console, consoleSize; foreground run with a tty.

load helpers
load lifecycle_helpers

setup() {
	lc_setup
	update_config '.process.terminal = true'
	SOCK="$BATS_TEST_TMPDIR/console.sock"
	INFO="$BATS_TEST_TMPDIR/recvtty.info"
	TTY_OUT="$BATS_TEST_TMPDIR/recvtty.out"
}
teardown() { lc_teardown; }

# start_recvtty [RECVTTY-FLAGS...]: the console-socket receiver, listening at $SOCK.
start_recvtty() {
	start_bg "$TTY_OUT" "$RECVTTY" --info "$INFO" --timeout 30 "$@" "$SOCK"
	RECVTTY_PID="$BG_PID"
	wait_for_socket "$SOCK"
}

# wait_recvtty: wait for the receiver to end (the pty hung up) and check it exited 0.
wait_recvtty() {
	local rc=0
	wait "$RECVTTY_PID" || rc=$?
	[ "$rc" -eq 0 ] || fail "recvtty exited $rc: $(cat "$TTY_OUT")"
}

# info KEY: a value recvtty recorded about what it received.
info() {
	awk -F= -v k="$1" '$1 == k { sub(/^[^=]*=/, ""); print }' "$INFO"
}

@test "the console socket receives exactly one fd, a pty master, with a name" {
	start_recvtty
	set_args sh -c 'exit 0'
	rund -0 cr create -b "$BUNDLE" --console-socket "$SOCK" ct
	wait_for_file "$INFO"
	[ "$(info cmsgs)" = 1 ]
	[ "$(info fds)" = 1 ]
	[ "$(info truncated)" = 0 ]
	[ "$(info pty_master)" = 1 ]
	[ -n "$(info name)" ]
	rund -0 cr start ct
	wait_recvtty
}

@test "the runtime closes its console-socket connection after sending the master" {
	start_recvtty
	set_args sh -c 'exit 0'
	rund -0 cr create -b "$BUNDLE" --console-socket "$SOCK" ct
	wait_for_file "$INFO"
	# recvtty waits up to 5 s after the message for the sender to hang up (§8.1: send, then close).
	[ "$(info eof)" = 1 ] || fail "the connection stayed open after the message (until start)"
	rund -0 cr start ct
	wait_recvtty
}

@test "the pty slave is the process' stdio, controlling tty and /dev/console; consoleSize applies" {
	start_recvtty
	update_config '.process.consoleSize = {"height": 31, "width": 101}'
	set_args sh -c 'tty; stty size; for f in 0 1 2; do readlink /proc/self/fd/$f; done
		stat -c "%t:%T" /dev/console "$(tty)"; [ -t 0 ] && echo stdin-is-a-tty'
	rund -0 cr create -b "$BUNDLE" --console-socket "$SOCK" ct
	rund -0 cr start ct
	wait_recvtty
	local lines
	mapfile -t lines < <(tr -d '\r' <"$TTY_OUT")
	echo "output: ${lines[*]}"
	[ "${lines[0]}" = /dev/pts/0 ]
	[ "${lines[1]}" = "31 101" ]
	[ "${lines[2]}" = /dev/pts/0 ]
	[ "${lines[3]}" = /dev/pts/0 ]
	[ "${lines[4]}" = /dev/pts/0 ]
	# /dev/console is the same device as the slave: pty major 136 (0x88).
	[ "${lines[5]}" = "88:0" ]
	[ "${lines[6]}" = "88:0" ]
	[ "${lines[7]}" = stdin-is-a-tty ]
}

@test "the pty slave belongs to the process's uid and keeps devpts' group (tty, gid=5)" {
	start_recvtty
	update_config '.process.user = {"uid": 1000, "gid": 1000}'
	set_args sh -c 'stat -c %u:%g "$(tty)"'
	rund -0 cr run -d -b "$BUNDLE" --console-socket "$SOCK" ct
	wait_recvtty
	# The default config mounts devpts with gid=5: the group stays tty, not the process's gid.
	[ "$(jq -r '.mounts[] | select(.destination == "/dev/pts") | .options[]' "$BUNDLE/config.json" | grep -c '^gid=5$')" = 1 ]
	[ "$(tr -d '\r' <"$TTY_OUT")" = 1000:5 ] || fail "slave owner: $(cat "$TTY_OUT")"
	wait_for_status ct stopped
}

@test "the pty is interactive: input typed into the master reaches the shell" {
	start_recvtty --write $'echo result-$((6*7)); exit 7\n'
	set_args sh
	rund -0 cr run -d -b "$BUNDLE" --console-socket "$SOCK" ct
	wait_recvtty
	tr -d '\r' <"$TTY_OUT" | grep -qx 'result-42' || fail "output: $(cat "$TTY_OUT")"
	wait_for_status ct stopped
}

@test "terminal true without --console-socket: create fails cleanly" {
	snapshot_host
	rund -1 cr create -b "$BUNDLE" ct
	assert_one_error_line "console socket"
	assert_nothing_left
}

@test "--console-socket without terminal, or to nowhere: create fails cleanly" {
	snapshot_host
	start_recvtty
	update_config '.process.terminal = false'
	rund -1 cr create -b "$BUNDLE" --console-socket "$SOCK" ct
	assert_one_error_line "console socket"
	assert_nothing_left

	update_config '.process.terminal = true'
	rund -1 cr create -b "$BUNDLE" --console-socket "$BATS_TEST_TMPDIR/nobody.sock" ct
	assert_one_error_line "nobody.sock"
	assert_nothing_left
}

@test "foreground run with terminal true relays the pty (under script(1))" {
	requires script
	set_args sh -c 'tty; echo in-container; exit 4'
	local cmd
	printf -v cmd '%q ' "$CRUNTIME" --root "$TEST_ROOT" --log "$CRUNTIME_LOG" run -b "$BUNDLE" ct
	rund -4 timeout 60 script -qec "$cmd" /dev/null
	local out
	# script(1) passes stdin's EOF on as ^@, which the pty echoes (ECHOCTL) at any point in the
	# output: drop it, as a human reading the terminal would.
	out="$(tr -d '\r' <"$RUND_OUT" | sed 's/\^@//g')"
	grep -q '/dev/pts/0$' <<<"$out" || fail "output: $out"
	grep -qx in-container <<<"$out" || fail "output: $out"
	[ ! -e "$TEST_ROOT/ct" ]
}

@test "--pidfd-socket receives one pidfd named \"standard\" (cli-contract §8.2)" {
	start_recvtty
	set_args sh -c 'exit 0'
	update_config '.process.terminal = false'
	rund -0 cr create -b "$BUNDLE" --pidfd-socket "$SOCK" ct
	wait_for_file "$INFO"
	[ "$(info cmsgs)" = 1 ]
	[ "$(info fds)" = 1 ]
	[ "$(info name)" = standard ]
	[ "$(info pty_master)" = 0 ]
	# The receiver cannot relay a pidfd; it ends on its own (not a pty) or at its timeout.
	kill "$RECVTTY_PID" 2>/dev/null || true
	wait "$RECVTTY_PID" || true
	rund -0 cr delete --force ct
}

#!/usr/bin/env bats
# sd_notify with a real systemd (issue 12; cli-contract §8.6, runc's notify_socket.go): a
# Type=notify unit whose ExecStart is `cruntime run` stays "activating" until the container sends
# READY=1, then systemd takes the MAINPID cruntime relays (the init with -d, cruntime itself in the
# foreground); and podman --sdnotify=container with cruntime as its runtime (conmon relays there).
# The containers wait for a go-file before running sd-notify (the static client run.sh puts on
# the suite disk), so the test sees the unit before and after READY.

load sysvm_helpers

setup_file() { sysvm_setup_file; }

setup() {
	vm_setup
	[ -x /sysvm/bin/sd-notify ] || fail "no /sysvm/bin/sd-notify on the suite disk" || return 1
	UNIT="cruntime-notify-test-$BATS_TEST_NUMBER.service"
	# Seen as /tmp in the container (the shared rootfs is read-only): sd-notify, the go-file, and
	# the "waiting" mark the container leaves once it is up.
	SHARED="$BATS_TEST_TMPDIR/shared"
	mkdir -p "$SHARED"
	chmod 1777 "$SHARED"
	cp /sysvm/bin/sd-notify "$SHARED/sd-notify"
	update_config ".mounts += [{\"destination\": \"/tmp\", \"type\": \"bind\", \"source\": \"$SHARED\",
		\"options\": [\"rbind\", \"rw\"]}]"
	# TERM ends it with status 0 (sh as PID 1 would ignore it); `wait` lets the trap run at once.
	update_config '.process.args = ["sh", "-c",
		"trap \"exit 0\" TERM; touch /tmp/waiting; while [ ! -e /tmp/go ]; do sleep 0.1; done; /tmp/sd-notify READY=1; sleep 600 & wait"]'
}

teardown() {
	# A failed test may leave its unit running or failed: stop it (ExecStopPost cleans up) and
	# forget it, so the next test and vm_teardown's leak check start clean.
	systemctl stop "$UNIT" 2>/dev/null
	systemctl reset-failed "$UNIT" 2>/dev/null
	vm_teardown
}

# unit_prop NAME: one property of $UNIT.
unit_prop() { systemctl show -p "$1" --value "$UNIT"; }
unit_state_is() { [ "$(unit_prop ActiveState)" = "$1" ]; }
mainpid_is() { [ "$(unit_prop MainPID)" = "$1" ]; }

# start_unit EXEC_STOP_POST CMD...: a transient Type=notify unit running CMD, started without
# waiting for it (systemd-run --no-block); --collect unloads it once stopped, failed or not.
start_unit() {
	local stop_post="$1"
	shift
	local props=(-p Type=notify -p NotifyAccess=all -p TimeoutStartSec=120 -p TimeoutStopSec=60)
	[ -n "$stop_post" ] && props+=(-p "ExecStopPost=$stop_post")
	systemd-run --quiet --no-block --collect --unit="$UNIT" "${props[@]}" -- "$@" ||
		fail "systemd-run failed"
}

# expect_waiting_then_active: the container is up and waits for the go-file; the unit must stay
# "activating" meanwhile (no READY yet), and become "active" once the container sends READY=1.
expect_waiting_then_active() {
	wait_until 60 test -e "$SHARED/waiting"
	sleep 2
	local state
	state="$(unit_prop ActiveState)"
	[ "$state" = activating ] || fail "before READY=1 the unit is '$state', not activating" || return 1
	touch "$SHARED/go"
	wait_until 60 unit_state_is active
}

# expect_nothing_left: the unit is gone, and with it the container's state and cgroup.
expect_nothing_left() {
	local state
	state="$(unit_prop ActiveState)"
	[ "$state" = inactive ] || fail "after stop the unit is '$state'" || return 1
	[ ! -d "/sys/fs/cgroup/system.slice/$UNIT" ] || fail "the unit's cgroup is left" || return 1
	[ ! -e "$TEST_ROOT/ct" ] || fail "container state left: $(ls "$TEST_ROOT")" || return 1
	[ ! -d "$CGDIR" ] || fail "the container's cgroup $CGDIR is left: $(cat "$CGDIR/cgroup.procs")"
}

@test "Type=notify unit, cruntime run -d: activating until READY=1, MainPID is the container's init, stop leaves nothing" {
	local cr_args=("$CRUNTIME" --root "$TEST_ROOT" --log "$CRUNTIME_LOG")
	start_unit "${cr_args[*]} delete --force ct" "${cr_args[@]}" run -d -b "$BUNDLE" ct
	expect_waiting_then_active

	local pid
	pid="$(cr state ct | jq -r .pid)"
	[ -n "$pid" ] && [ "$pid" -gt 0 ] || fail "no init pid in state: $(cr state ct)"
	# The MAINPID cruntime relayed (from root, so systemd takes a pid outside the unit's cgroup);
	# cruntime has exited, its BARRIER made sure systemd read the MAINPID first.
	wait_until 20 mainpid_is "$pid"
	[ "$(cr state ct | jq -r .status)" = running ] || fail "container: $(cr state ct)"

	systemctl stop "$UNIT" || fail "systemctl stop failed"
	expect_nothing_left
}

@test "Type=notify unit, foreground cruntime run: MainPID stays cruntime's own, stop ends the container and cruntime deletes it" {
	# No ExecStopPost: the foreground run must clean up by itself (vm_teardown would catch a leak).
	start_unit "" "$CRUNTIME" --root "$TEST_ROOT" --log "$CRUNTIME_LOG" run -b "$BUNDLE" ct
	expect_waiting_then_active

	local main init
	main="$(unit_prop MainPID)"
	init="$(cr state ct | jq -r .pid)"
	# runc: in the foreground the runtime relays its own pid; it is the process systemd started.
	[ "$(readlink "/proc/$main/exe")" = "$CRUNTIME" ] ||
		fail "MainPID $main is $(readlink "/proc/$main/exe"), not $CRUNTIME"
	[ "$main" != "$init" ] || fail "MainPID is the container's init $init"
	[ "$(unit_prop ExecMainPID)" = "$main" ] || fail "MainPID $main is not ExecStart's $(unit_prop ExecMainPID)"

	# SIGTERM to the unit's cgroup (cruntime alone: the init is in the container's cgroup);
	# cruntime forwards it, the container exits 0, cruntime deletes it and exits 0.
	systemctl stop "$UNIT" || fail "systemctl stop failed"
	expect_nothing_left
}

# Podman's path does not go through cruntime's relay: conmon runs with
# --sdnotify-socket=$NOTIFY_SOCKET and binds its proxy socket in <bundle>/notify, which podman's
# spec bind-mounts on /run/notify with NOTIFY_SOCKET in the process env (libpod's
# mountNotifySocket); a cruntime whose start relays nothing passes this test too. What it checks
# is that cruntime runs that setup unchanged, end to end under systemd.
@test "Type=notify unit, podman run -d --sdnotify=container with cruntime: READY=1 from the container through conmon, MainPID is conmon" {
	sysvm_podman_image
	local name="cruntime-notify-$BATS_TEST_NUMBER"
	# --cgroup-manager cgroupfs until cruntime has the systemd driver; --network none: no CNI.
	local podman=(podman --runtime "$CRUNTIME" --cgroup-manager cgroupfs)
	start_unit "${podman[*]} rm --force --time 0 $name" "${podman[@]}" run -d --sdnotify=container \
		--network none --name "$name" -v "$SHARED:/tmp" "$SYSVM_IMAGE" sh -c \
		'trap "exit 0" TERM; touch /tmp/waiting; while [ ! -e /tmp/go ]; do sleep 0.1; done; /tmp/sd-notify READY=1; sleep 600 & wait'
	expect_waiting_then_active

	# Podman hands systemd conmon's pid: conmon outlives `podman run -d` and reports the exit.
	local conmon
	conmon="$(podman inspect --format '{{.State.ConmonPid}}' "$name")"
	wait_until 20 mainpid_is "$conmon"
	[ "$(podman inspect --format '{{.State.Status}}' "$name")" = running ] ||
		fail "container: $(podman inspect --format '{{.State.Status}}' "$name")"

	systemctl stop "$UNIT" || fail "systemctl stop failed"
	local state
	state="$(unit_prop ActiveState)"
	[ "$state" = inactive ] || fail "after stop the unit is '$state'"
	run podman ps --all --quiet
	[ -z "$output" ] || fail "containers left behind: $output"
}

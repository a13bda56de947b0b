#!/usr/bin/env bats
# Rootless podman (issue 11): a throwaway ordinary user runs podman 4.3 with the runtime under
# test, vfs storage under its home, no network, the cgroupfs manager (no systemd here; on cgroup
# v1 a rootless podman makes no cgroups) and the file events logger. podman runs the runtime
# inside its own user namespace (uid 0 there, the user's uid on the host), so the runtime must
# take itself for rootless there. Run with CLIENT_RUNTIME=runc to check the test against runc.
# The file runs as root: it creates the user (test_user_add, helpers.bash) and removes it and
# everything it left.

load podman_helpers

setup_file() {
	PODMAN_RUNTIME="$(podman_runtime_path)"
	export PODMAN_RUNTIME
	podman_requirements
	requires useradd usermod userdel runuser newuidmap newgidmap
	RLP_BASE="$(mktemp -d /tmp/cruntime-rlpodman.XXXXXX)"
	export RLP_BASE
	chmod 0755 "$RLP_BASE"
	test_user_add "crpm$$" "$RLP_BASE" || return 1
	export PODMAN_USER="$TEST_USER"
	# Unprivileged user namespaces may be off (sysctl, or an LSM such as Ubuntu's AppArmor rule).
	runuser -u "$TEST_USER" -- unshare --user --map-root-user true 2>/dev/null ||
		cannot_run "this host does not let an unprivileged user create a user namespace" || return 0
	# A copy the user can execute: root's build directory may be out of its reach.
	mkdir -m 0755 "$RLP_BASE/bin"
	install -m 0755 "$PODMAN_RUNTIME" "$RLP_BASE/bin/"
	PODMAN_RUNTIME="$RLP_BASE/bin/$(basename "$PODMAN_RUNTIME")"
	# Runtimes default to $XDG_RUNTIME_DIR/<name> when rootless; podman passes no --root.
	PODMAN_RUNTIME_ROOT="$TEST_USER_XDG/$(basename "$PODMAN_RUNTIME")"
	export PODMAN_RUNTIME_ROOT
	export PODMAN_DIR="$TEST_USER_HOME/podman"
	podman_write_config "$PODMAN_DIR"
	chown -R "$TEST_USER:" "$PODMAN_DIR"
	podman_links >"$PODMAN_DIR/links.before"
	podman_build_image "$PODMAN_DIR"
}

# The user's podman leaves its pause process (the holder of its user namespace) behind, by
# design: test_user_del kills it by pid with whatever else the user still runs.
teardown_file() {
	local rc=0
	[ -n "${RLP_BASE:-}" ] || return 0
	if [ -n "${PODMAN_DIR:-}" ] && [ -z "${CLIENT_SKIP:-}" ]; then
		pm rm --all --force --time 0 >/dev/null 2>&1 || rc=1
	fi
	test_user_del || rc=1
	# Rootless podman mounts only in its own mount namespace; anything here is a leak.
	if [ -n "$(mounts_under "$RLP_BASE")" ]; then
		echo "teardown: mounts left: $(mounts_under "$RLP_BASE")" >&2
		unmount_under "$RLP_BASE"
		rc=1
	fi
	rm -rf "$RLP_BASE"
	return "$rc"
}

setup() {
	skip_unless_ready
}

# Containers of a failed test must not collide with the next test's names.
teardown() {
	pm rm --all --force --time 0 >/dev/null 2>&1 || true
}

# status_ids PID: the real, effective, saved and fs uid, then the same gids, of PID on the host.
status_ids() {
	awk '$1 == "Uid:" || $1 == "Gid:" { printf "%s %s %s %s ", $2, $3, $4, $5 }' "/proc/$1/status"
}

# same_ids UID GID: what status_ids prints for a process with UID and GID everywhere.
same_ids() {
	echo "$1 $1 $1 $1 $2 $2 $2 $2 "
}

@test "rootless podman run: output and exit code; root inside is the user on the host" {
	# The container has no user namespace of its own: it is podman's, whose map says where the
	# ids go on the host (uid 0 -> the user, 1.. -> its subordinate range).
	run pm run --rm "$PODMAN_IMAGE" sh -c 'id -u; cat /proc/self/uid_map /proc/self/gid_map; exit 3'
	[ "$status" -eq 3 ] || fail "exit code $status, output: $output"
	[ "${lines[0]}" = 0 ] || fail "id -u: $output"
	local gid map
	gid="$(id -g "$TEST_USER")"
	map="$(printf '%s\n' "${lines[@]:1}" | awk '{ print $1, $2, $3 }')"
	[ "$map" = "$(printf '0 %s 1\n1 %s %s\n0 %s 1\n1 %s %s' "$TEST_USER_UID" "$TEST_USER_SUBID" \
		"$TEST_USER_SUBIDS" "$gid" "$TEST_USER_SUBID" "$TEST_USER_SUBIDS")" ] || fail "maps: $output"

	run pm run --rm "$PODMAN_IMAGE" true
	[ "$status" -eq 0 ] || fail "exit code $status, output: $output"
	# The runtime kept its state in its rootless default, the user's own, and removed it.
	[ "$(stat -c %U "$PODMAN_RUNTIME_ROOT")" = "$TEST_USER" ] || fail "$PODMAN_RUNTIME_ROOT: $(ls -ld "$PODMAN_RUNTIME_ROOT")"
	[ -z "$(state_entries "$PODMAN_RUNTIME_ROOT")" ] || fail "state left: $(state_entries "$PODMAN_RUNTIME_ROOT")"
}

@test "rootless podman: the runtime takes podman's user namespace for rootless (--rootless false fails)" {
	# Only a user without cgroup access shows it: as root in podman's user namespace, the runtime
	# may ignore the cgroup it cannot make only when it knows it is rootless (auto does).
	local d
	for d in /sys/fs/cgroup /sys/fs/cgroup/*/; do
		! runuser -u "$TEST_USER" -- test -w "$d" || skip "the test user can write to the cgroup $d"
	done
	run pm --runtime-flag rootless=false run --rm "$PODMAN_IMAGE" true
	[ "$status" -eq 126 ] && [[ "$output" == *cgroup*[Pp]"ermission denied"* ]] ||
		fail "--rootless false: exit code $status, output: $output"
	run pm --runtime-flag rootless=auto run --rm "$PODMAN_IMAGE" true
	[ "$status" -eq 0 ] || fail "--rootless auto: exit code $status, output: $output"
}

@test "rootless podman run -d, exec, stop, rm: the container process is the user's on the host" {
	local id pid
	id="$(pm run -d --name det "$PODMAN_IMAGE" sh -c 'trap "exit 42" TERM; echo ready; while :; do usleep 100000; done')"
	pm_wait_running det
	pid="$(pm inspect --format '{{.State.Pid}}' det)"
	[ "$(status_ids "$pid")" = "$(same_ids "$TEST_USER_UID" "$(id -g "$TEST_USER")")" ] ||
		fail "pid $pid runs as $(status_ids "$pid")"
	# The runtime's own view, asked by the user outside podman's namespace.
	run as_podman_user "$PODMAN_RUNTIME" state "$id"
	[ "$status" -eq 0 ] || fail "runtime state: $output"
	[ "$(jq -r .status <<<"$output")" = running ] && [ "$(jq -r .pid <<<"$output")" = "$pid" ] ||
		fail "runtime state: $output"

	run pm exec det id -u
	[ "$status" -eq 0 ] && [ "$output" = 0 ] || fail "exec id -u: $status, $output"
	run pm exec det sh -c 'exit 7'
	[ "$status" -eq 7 ] || fail "exec exit code $status, output: $output"

	wait_log det ready
	pm stop --time 20 det
	run pm inspect --format '{{.State.Status}} {{.State.ExitCode}}' det
	[ "$output" = "exited 42" ] || fail "after stop: $output (the TERM trap did not run)"
	wait_for_exit "$pid"
	pm rm det
	run pm container exists det
	[ "$status" -eq 1 ] || fail "podman still has det"
	[ ! -e "$PODMAN_RUNTIME_ROOT/$id" ] || fail "runtime state left: $PODMAN_RUNTIME_ROOT/$id"
}

@test "rootless podman: uid 1000 inside is a subordinate uid on the host; --userns keep-id keeps the user's" {
	local pid sub=$((TEST_USER_SUBID + 999))
	pm run -d --name sub -u 1000:1000 "$PODMAN_IMAGE" sleep 1000 >/dev/null
	pm_wait_running sub
	pid="$(pm inspect --format '{{.State.Pid}}' sub)"
	[ "$(status_ids "$pid")" = "$(same_ids "$sub" "$sub")" ] || fail "pid $pid runs as $(status_ids "$pid")"
	run pm top sub user huser args
	[ "$status" -eq 0 ] || fail "top: $output"
	[[ "${lines[1]}" =~ ^user\ +$sub\ +sleep\ 1000 ]] || fail "top: $output"

	# keep-id: the runtime makes a user namespace of its own inside podman's, with a map of
	# several ranges that puts the user's uid at the same number inside.
	local gid
	gid="$(id -g "$TEST_USER")"
	run pm run --rm --userns keep-id "$PODMAN_IMAGE" sh -c 'id -u; id -g'
	[ "$status" -eq 0 ] || fail "keep-id: exit code $status, output: $output"
	[ "$output" = "$(printf '%s\n%s' "$TEST_USER_UID" "$gid")" ] || fail "keep-id: $output"
	pm run -d --name kid --userns keep-id "$PODMAN_IMAGE" sleep 1000 >/dev/null
	pm_wait_running kid
	pid="$(pm inspect --format '{{.State.Pid}}' kid)"
	[ "$(status_ids "$pid")" = "$(same_ids "$TEST_USER_UID" "$gid")" ] || fail "keep-id: pid $pid runs as $(status_ids "$pid")"
}

@test "rootless podman: a missing command exits 127, a non-executable one 126 (both error paths)" {
	check_exec_errors json pm run --rm "$PODMAN_IMAGE"
	check_exec_errors text pm run --rm "$PODMAN_IMAGE"
}

# Keep last: podman rm leaves nothing of the containers; only podman's pause process remains
# (teardown_file kills it with the user).
@test "rootless cleanup: no container process, conmon, runtime state, mount or cgroup survives" {
	pm run -d --name last "$PODMAN_IMAGE" sleep 1000 >/dev/null
	pm run --name last2 "$PODMAN_IMAGE" true
	pm_wait_running last
	pm rm --all --force --time 0 >/dev/null
	# conmon (the user's too) may still be on its way out when podman rm returns.
	local pause pid left=""
	pause="$(cat "$PODMAN_DIR/tmp/pause.pid")" || fail "podman wrote no pause.pid"
	for pid in $(podman_conmon_pids) $(test_user_pids); do
		[ "$pid" != "$pause" ] || continue
		wait_for_exit "$pid" 5 2>/dev/null || left+=" $pid($(tr '\0' ' ' <"/proc/$pid/cmdline"))"
	done
	[ -z "$left" ] || fail "processes left:$left"
	[ -z "$(state_entries "$PODMAN_RUNTIME_ROOT")" ] || fail "runtime state left: $(state_entries "$PODMAN_RUNTIME_ROOT")"
	[ -z "$(mounts_under "$RLP_BASE")" ] || fail "mounts left: $(mounts_under "$RLP_BASE")"
	# podman mounts each container's /dev/shm in its own mount namespace, the pause process's.
	[ -z "$(mounts_under "$RLP_BASE" "$pause")" ] ||
		fail "mounts left in podman's namespace: $(mounts_under "$RLP_BASE" "$pause")"
	local cgroups
	cgroups="$(find /sys/fs/cgroup -mindepth 1 -maxdepth 4 -type d -user "$TEST_USER_UID" 2>/dev/null)"
	[ -z "$cgroups" ] || fail "cgroups of the user: $cgroups"
	[ "$(podman_links)" = "$(cat "$PODMAN_DIR/links.before")" ] || fail "new links: $(podman_links)"
	[ -z "$(find /dev/shm -user "$TEST_USER_UID")" ] || fail "left in /dev/shm: $(find /dev/shm -user "$TEST_USER_UID")"
}

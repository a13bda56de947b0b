#!/usr/bin/env bats
# Rootless mode by hand (issue 11, first part): an ordinary user runs containers with
# `cruntime spec --rootless`, state under $XDG_RUNTIME_DIR/cruntime, no cgroup when the user has
# no cgroup access and asks for no limits. The file creates a throwaway user, runs every case as
# that user with runuser, and removes the user and everything it left.

load helpers

setup_file() {
	[ "$(id -u)" -eq 0 ] || return 0
	RL_USER="crrl$$"
	useradd --no-create-home --shell /bin/sh "$RL_USER"
	RL_UID="$(id -u "$RL_USER")"
	# Everything the user touches lives under a directory it can reach (bats' own temporary
	# directories are root's, mode 0700).
	RL_DIR="$(mktemp -d /tmp/cruntime-rootless.XXXXXX)"
	chmod 0755 "$RL_DIR"
	cp "$CRUNTIME" "$RL_DIR/cruntime"
	chmod 0755 "$RL_DIR/cruntime"
	mkdir -m 0700 "$RL_DIR/xdg"
	chown "$RL_USER:" "$RL_DIR/xdg"
	export RL_USER RL_UID RL_DIR
	# Subordinate ids for the newuidmap/newgidmap cases at the end of the file: useradd already
	# grants a range when /etc/subuid and /etc/subgid exist (login.defs SUB_UID_*), else one is
	# added. userdel in teardown_file removes the user's ranges with the user.
	grep -q "^$RL_USER:" /etc/subuid 2>/dev/null || usermod --add-subuids 200000-265535 "$RL_USER"
	grep -q "^$RL_USER:" /etc/subgid 2>/dev/null || usermod --add-subgids 200000-265535 "$RL_USER"
	RL_GID="$(id -g "$RL_USER")"
	RL_SUBUID="$(awk -F: -v u="$RL_USER" '$1 == u && $3 >= 65536 { print $2; exit }' /etc/subuid)"
	RL_SUBGID="$(awk -F: -v u="$RL_USER" '$1 == u && $3 >= 65536 { print $2; exit }' /etc/subgid)"
	export RL_GID RL_SUBUID RL_SUBGID
}

teardown_file() {
	[ -n "${RL_USER:-}" ] || return 0
	# Whatever a failed test left: the user's containers go with the user's processes.
	local pid
	for pid in $(pgrep -u "$RL_USER" 2>/dev/null); do kill -9 "$pid" 2>/dev/null || true; done
	# -f: a zombie of a killed container may still carry the uid until init reaps it.
	userdel -f "$RL_USER" 2>/dev/null || true
	rm -rf "${RL_DIR:?}"
}

setup() {
	requires_root
	requires useradd runuser
	# Unprivileged user namespaces may be off (sysctl, or an LSM such as Ubuntu's AppArmor rule).
	runuser -u "$RL_USER" -- unshare --user --map-root-user true 2>/dev/null ||
		skip "this host does not let an unprivileged user create a user namespace"
	common_setup
	BUNDLE="$RL_DIR/bundle-$BATS_TEST_NUMBER"
	mkdir -p "$BUNDLE"
	make_busybox_rootfs "$BUNDLE/rootfs"
	chown -R "$RL_USER:" "$BUNDLE"
	as_user cruntime spec --rootless
	update_config '.process.terminal = false'
	chown "$RL_USER:" "$BUNDLE/config.json"
	RL_ID="rl$BATS_TEST_NUMBER"
}

teardown() {
	[ -n "${RL_USER:-}" ] && [ -n "${RL_ID:-}" ] || return 0
	as_user cruntime delete --force "$RL_ID" >/dev/null 2>&1 || true
	rm -rf "${BUNDLE:?}"
}

# as_user CMD ARGS...: CMD (cruntime = the copied binary) as the test user, in the bundle, with
# its own XDG_RUNTIME_DIR, under a timeout.
as_user() {
	local cmd="$1"
	shift
	[ "$cmd" = cruntime ] && cmd="$RL_DIR/cruntime"
	(cd "$BUNDLE" && runuser -u "$RL_USER" -- env -i PATH=/usr/bin:/bin HOME=/ \
		XDG_RUNTIME_DIR="$RL_DIR/xdg" timeout -k 5 60 "$cmd" "$@")
}

# rl_run [-N] ARGS...: rund (common.bash: stdout and stderr in files, as a detached container
# keeps them open) of cruntime as the user.
rl_run() {
	local expect=()
	if [[ "${1:-}" =~ ^-[0-9]+$ ]]; then
		expect=("$1")
		shift
	fi
	rund "${expect[@]}" as_user cruntime "$@"
}

@test "rootless run: root inside, the user's uid on the host, state under XDG_RUNTIME_DIR (0700 + sticky)" {
	update_config '.process.args = ["sh", "-c", "id -u; id -g"]'
	rl_run -0 run "$RL_ID"
	[ "$output" = "$(printf '0\n0')" ] || fail "inside: $output"
	# 0700 plus the sticky bit, which keeps the XDG base directory spec's periodic cleanup off it.
	[ "$(stat -c %a "$RL_DIR/xdg/cruntime")" = 1700 ]
	[ "$(stat -c %U "$RL_DIR/xdg/cruntime")" = "$RL_USER" ]
	[ -z "$(ls -A "$RL_DIR/xdg/cruntime")" ] || fail "left in the state root: $(ls -A "$RL_DIR/xdg/cruntime")"
}

@test "rootless run -d, list, state, exec, kill, delete as the user" {
	update_config '.process.args = ["sleep", "1000"]'
	rl_run -0 run -d "$RL_ID"
	rl_run -0 state "$RL_ID"
	[ "$(jq -r .status <<<"$output")" = running ]
	local pid
	pid="$(jq -r .pid <<<"$output")"
	# The host sees the user, not root.
	[ "$(awk '/^Uid:/ { print $2 }' "/proc/$pid/status")" = "$RL_UID" ]
	rl_run -0 list -q
	[ "$output" = "$RL_ID" ]
	rl_run -0 exec "$RL_ID" id -u
	[ "$output" = 0 ]
	rl_run -0 kill "$RL_ID" KILL
	local tries=100
	while [ "$(as_user cruntime state "$RL_ID" </dev/null 2>/dev/null | jq -r .status)" != stopped ] &&
		[ "$tries" -gt 0 ]; do
		sleep 0.05
		tries=$((tries - 1))
	done
	rl_run -0 delete "$RL_ID"
	rl_run -0 list -q
	[ -z "$output" ]
}

@test "rootless: a file made in a bind-mounted host directory belongs to the user on the host" {
	local shared="$RL_DIR/shared-$BATS_TEST_NUMBER"
	mkdir -m 0755 "$shared"
	chown "$RL_USER:" "$shared"
	update_config '.mounts += [{"destination": "/shared", "type": "bind", "source": "'"$shared"'",
		"options": ["rbind", "rw"]}] | .process.args = ["touch", "/shared/made"]'
	rl_run -0 run "$RL_ID"
	[ "$(stat -c %u "$shared/made")" = "$RL_UID" ]
	rm -rf "$shared"
}

@test "rootless without cgroup access: a config asking for limits fails with one line, nothing left" {
	# Only a host where the user cannot make a cgroup shows this (no delegation to the user).
	if runuser -u "$RL_USER" -- mkdir "/sys/fs/cgroup/cruntime-rl-probe-$$" 2>/dev/null; then
		rmdir "/sys/fs/cgroup/cruntime-rl-probe-$$"
		skip "the test user can create cgroups here"
	fi
	update_config '.linux.resources = {"memory": {"limit": 67108864}} | .process.args = ["true"]'
	rl_run -1 run "$RL_ID"
	[ "${#stderr_lines[@]}" -eq 1 ] || fail "stderr: $stderr"
	[[ "$stderr" == "cruntime: linux.resources: rootless, and no cgroup can be created"* ]] ||
		fail "stderr: $stderr"
	[ -z "$(ls -A "$RL_DIR/xdg/cruntime")" ]
	# Zombies do not count: an earlier test's killed container waits there for the host's init
	# to reap it (a detached container's init is reparented to it).
	local left
	left="$(ps -u "$RL_USER" -o stat=,pid=,args= | awk '$1 !~ /^Z/')"
	[ -z "$left" ] || fail "processes left: $left"
}

@test "--rootless false as an ordinary user: the cgroup permission error is not ignored" {
	if runuser -u "$RL_USER" -- mkdir "/sys/fs/cgroup/cruntime-rl-probe-$$" 2>/dev/null; then
		rmdir "/sys/fs/cgroup/cruntime-rl-probe-$$"
		skip "the test user can create cgroups here"
	fi
	update_config '.process.args = ["true"]'
	rl_run -1 --rootless false run "$RL_ID"
	[[ "$stderr" == "cruntime: cgroup: "*"Permission denied (EACCES)" ]] || fail "stderr: $stderr"
	rl_run -0 --rootless true run "$RL_ID"
}

# --- Multi-range user namespaces: newuidmap/newgidmap (issue 11, user-namespace part) ----------
# The runtime writes the single mapping of the user's own uid/gid itself; anything else goes
# through the setuid helpers, which grant the ranges of /etc/subuid and /etc/subgid.

# rl_multi_range_maps [UID_START [GID_START]]: container id 0 is the user (size 1), 1..65536 the
# user's subordinate range starting at UID_START/GID_START (default: the granted ones).
rl_multi_range_maps() {
	local uid_start="${1:-$RL_SUBUID}" gid_start="${2:-$RL_SUBGID}"
	update_config '.linux.uidMappings = [{"containerID": 0, "hostID": '"$RL_UID"', "size": 1},
			{"containerID": 1, "hostID": '"$uid_start"', "size": 65536}]
		| .linux.gidMappings = [{"containerID": 0, "hostID": '"$RL_GID"', "size": 1},
			{"containerID": 1, "hostID": '"$gid_start"', "size": 65536}]'
}

# rl_requires_subids: the helpers and the ranges setup_file granted.
rl_requires_subids() {
	requires newuidmap newgidmap
	[ -n "$RL_SUBUID" ] && [ -n "$RL_SUBGID" ] || fail "no subordinate ranges for $RL_USER"
}

# rl_nothing_left: no entry in the user's state root, no live process of the user's (zombies
# of earlier tests' detached containers wait for the host's init, see above).
rl_nothing_left() {
	local state left
	state="$(ls -A "$RL_DIR/xdg/cruntime" 2>/dev/null)"
	[ -z "$state" ] || fail "left in the state root: $state"
	left="$(ps -u "$RL_USER" -o stat=,pid=,args= | awk '$1 !~ /^Z/')"
	[ -z "$left" ] || fail "processes left: $left"
}

# host_ids PID: "uid gid" of PID as the host sees them (/proc/PID/status, real ids).
host_ids() {
	awk '/^Uid:/ { u = $2 } /^Gid:/ { g = $2 } END { print u, g }' "/proc/$1/status"
}

@test "rootless multi-range maps through newuidmap/newgidmap: uid 1000 inside is a subordinate id outside" {
	rl_requires_subids
	rl_multi_range_maps
	update_config '.process.user = {"uid": 1000, "gid": 1000} | .process.args = ["sleep", "1000"]'
	rl_run -0 run -d "$RL_ID"
	rl_run -0 state "$RL_ID"
	local pid
	pid="$(jq -r .pid <<<"$output")"
	[ "$(host_ids "$pid")" = "$((RL_SUBUID + 999)) $((RL_SUBGID + 999))" ] ||
		fail "host ids of the init: $(host_ids "$pid")"
	# The maps as the kernel took them (the helpers wrote them), and setgroups as newgidmap left it:
	# "allow", as the admin granted a range (no "deny" written by us first, which it cannot undo).
	[ "$(awk '{ print $1, $2, $3 }' "/proc/$pid/uid_map" | tr '\n' ,)" = "0 $RL_UID 1,1 $RL_SUBUID 65536," ]
	[ "$(awk '{ print $1, $2, $3 }' "/proc/$pid/gid_map" | tr '\n' ,)" = "0 $RL_GID 1,1 $RL_SUBGID 65536," ]
	[ "$(cat "/proc/$pid/setgroups")" = allow ]
	# Inside: the process's own view.
	rl_run -0 exec "$RL_ID" sh -c 'id -u; id -g'
	[ "$output" = "$(printf '1000\n1000')" ] || fail "inside: $output"
	rl_run -0 delete --force "$RL_ID"
	rl_nothing_left
}

@test "rootless multi-range: exec as root and as another mapped uid; host ids follow the maps" {
	rl_requires_subids
	rl_multi_range_maps
	update_config '.process.args = ["sleep", "1000"]'
	rl_run -0 run -d "$RL_ID"
	rl_run -0 exec --user 0:0 "$RL_ID" sh -c 'id -u; id -g'
	[ "$output" = "$(printf '0\n0')" ] || fail "exec as 0: $output"
	rl_run -0 exec --user 2000:3000 "$RL_ID" sh -c 'id -u; id -g'
	[ "$output" = "$(printf '2000\n3000')" ] || fail "exec as 2000: $output"
	# A detached exec, seen from the host.
	local pidfile="$RL_DIR/xdg/exec-$BATS_TEST_NUMBER.pid"  # a directory the user may write
	rl_run -0 exec -d --pid-file "$pidfile" --user 2000:3000 "$RL_ID" sleep 1000
	[ "$(host_ids "$(cat "$pidfile")")" = "$((RL_SUBUID + 1999)) $((RL_SUBGID + 2999))" ] ||
		fail "host ids of the exec'd process: $(host_ids "$(cat "$pidfile")")"
	rm -f "$pidfile"
	rl_run -0 delete --force "$RL_ID"
	rl_nothing_left
}

@test "rootless: a range not granted in /etc/subuid or /etc/subgid fails with one line naming the field, nothing left" {
	rl_requires_subids
	update_config '.process.args = ["true"]'
	# Far above the user's ranges: granted to nobody, certainly not to this user.
	local far_uid=$((RL_SUBUID + 1000000)) far_gid=$((RL_SUBGID + 1000000))
	rl_multi_range_maps "$far_uid" "$RL_SUBGID"
	rl_run -1 run "$RL_ID"
	[ "${#stderr_lines[@]}" -eq 1 ] || fail "stderr: $stderr"
	[[ "$stderr" == "cruntime: linux.uidMappings: newuidmap exited with status 1 (ranges from /etc/subuid): newuidmap: uid range [1-65537) -> [$far_uid-$((far_uid + 65536))) not allowed" ]] ||
		fail "stderr: $stderr"
	rl_nothing_left
	rl_multi_range_maps "$RL_SUBUID" "$far_gid"
	rl_run -1 run "$RL_ID"
	[ "${#stderr_lines[@]}" -eq 1 ] || fail "stderr: $stderr"
	[[ "$stderr" == "cruntime: linux.gidMappings: newgidmap exited with status 1 (ranges from /etc/subgid): newgidmap: gid range [1-65537) -> [$far_gid-$((far_gid + 65536))) not allowed" ]] ||
		fail "stderr: $stderr"
	rl_nothing_left
}

@test "rootless: newuidmap/newgidmap missing from PATH: one line naming the field, nothing left; own-id maps need neither" {
	local empty="$RL_DIR/empty-path-$BATS_TEST_NUMBER"
	mkdir -m 0755 "$empty"
	update_config '.process.args = ["true"]'
	# spec --rootless maps only the user's own uid and gid: written by cruntime itself.
	rund -0 as_user env PATH="$empty" "$RL_DIR/cruntime" run "$RL_ID"
	rl_multi_range_maps 200000 200000
	rund -1 as_user env PATH="$empty" "$RL_DIR/cruntime" run "$RL_ID"
	[ "${#stderr_lines[@]}" -eq 1 ] || fail "stderr: $stderr"
	[[ "$stderr" == "cruntime: linux.uidMappings: newuidmap not found in PATH: install the uidmap package"* ]] ||
		fail "stderr: $stderr"
	rl_nothing_left
	# The uid map alone is the user's own: the gid map's helper is the one missing.
	update_config '.linux.uidMappings = [{"containerID": 0, "hostID": '"$RL_UID"', "size": 1}]'
	rund -1 as_user env PATH="$empty" "$RL_DIR/cruntime" run "$RL_ID"
	[ "${#stderr_lines[@]}" -eq 1 ] || fail "stderr: $stderr"
	[[ "$stderr" == "cruntime: linux.gidMappings: newgidmap not found in PATH: install the uidmap package"* ]] ||
		fail "stderr: $stderr"
	rl_nothing_left
	rmdir "$empty"
}

@test "rootless: additionalGids are refused with one line, with own-id and with multi-range maps" {
	update_config '.process.user.additionalGids = [10] | .process.args = ["true"]'
	rl_run -1 run "$RL_ID"
	[ "$stderr" = "cruntime: process.user.additionalGids: cannot set additional groups in a rootless container" ] ||
		fail "stderr: $stderr"
	rl_nothing_left
	rl_requires_subids
	# Here newgidmap leaves setgroups(2) allowed inside: the refusal must not depend on that.
	rl_multi_range_maps
	rl_run -1 run "$RL_ID"
	[ "$stderr" = "cruntime: process.user.additionalGids: cannot set additional groups in a rootless container" ] ||
		fail "stderr: $stderr"
	rl_nothing_left
	update_config '.process.user.additionalGids = [] | .process.args = ["sleep", "1000"]'
	rl_run -0 run -d "$RL_ID"
	rl_run -255 exec --additional-gids 10 "$RL_ID" true
	[ "$stderr" = "cruntime: process.user.additionalGids: cannot set additional groups in a rootless container" ] ||
		fail "stderr: $stderr"
	rl_run -0 delete --force "$RL_ID"
}

#!/usr/bin/env bats
# Rootless mode by hand (issue 11, first part): an ordinary user runs containers with
# `cruntime spec --rootless`, state under $XDG_RUNTIME_DIR/cruntime, no cgroup when the user has
# no cgroup access and asks for no limits. The file creates a throwaway user, runs every case as
# that user with runuser, and removes the user and everything it left.

load helpers

# helpers.bash does not set BUILD_DIR (lifecycle_helpers.bash does): the probe sits next to cruntime.
IDS_PROBE="${IDS_PROBE:-$(dirname "$CRUNTIME")/integration/ids-probe}"

setup_file() {
	[ "$(id -u)" -eq 0 ] || return 0
	# Everything the user touches lives under a directory it can reach (bats' own temporary
	# directories are root's, mode 0700); test_user_add puts its home and XDG_RUNTIME_DIR there.
	RL_DIR="$(mktemp -d /tmp/cruntime-rootless.XXXXXX)"
	chmod 0755 "$RL_DIR"
	export RL_DIR
	test_user_add "crrl$$" "$RL_DIR" || return 1
	RL_USER="$TEST_USER"
	RL_UID="$TEST_USER_UID"
	export RL_USER RL_UID
	cp "$CRUNTIME" "$RL_DIR/cruntime"
	chmod 0755 "$RL_DIR/cruntime"
	# The sanitizer build's reports of the user's processes (as_user), collected by teardown.
	mkdir -m 1777 "$RL_DIR/sanitizer"
	# Subordinate ids for the newuidmap/newgidmap cases at the end of the file: test_user_add
	# granted one range of TEST_USER_SUBIDS uids and gids, which userdel removes with the user.
	RL_GID="$(id -g "$RL_USER")"
	RL_SUBUID="$TEST_USER_SUBID"
	RL_SUBGID="$TEST_USER_SUBID"
	export RL_GID RL_SUBUID RL_SUBGID
}

teardown_file() {
	[ -n "${RL_DIR:-}" ] || return 0
	# Whatever a failed test left: the user's containers go with the user's processes.
	local rc=0
	test_user_del || rc=1
	sanitizer_collect "$RL_DIR/sanitizer"
	rm -rf "${RL_DIR:?}"
	return "$rc"
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
	sanitizer_collect "$RL_DIR/sanitizer"
	sanitizer_check
}

# as_user CMD ARGS...: CMD (cruntime = the copied binary) as the test user, in the bundle, with
# its own XDG_RUNTIME_DIR (and, in the sanitizer build, its reports in $RL_DIR/sanitizer), under
# a timeout.
as_user() {
	local cmd="$1" sanitizer=()
	shift
	[ "$cmd" = cruntime ] && cmd="$RL_DIR/cruntime"
	mapfile -t sanitizer < <(sanitizer_env "$RL_DIR/sanitizer")
	(cd "$BUNDLE" && runuser -u "$RL_USER" -- env -i PATH=/usr/bin:/bin HOME=/ "${sanitizer[@]}" \
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
	[ -z "$(state_entries "$RL_DIR/xdg/cruntime")" ] || fail "left in the state root: $(state_entries "$RL_DIR/xdg/cruntime")"
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
	[ -z "$(state_entries "$RL_DIR/xdg/cruntime")" ]
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

# --- What an unprivileged user cannot do, handled as runc does; the user's own processes and
# --- state; the security promises (issue 11).

# rl_wait_status STATUS: wait (up to 5 s) until the container's status is STATUS.
rl_wait_status() {
	local tries=100
	while [ "$(as_user cruntime state "$RL_ID" </dev/null 2>/dev/null | jq -r .status)" != "$1" ]; do
		tries=$((tries - 1))
		[ "$tries" -gt 0 ] || fail "status never became $1"
		sleep 0.05
	done
}

@test "rootless ps without a cgroup: the processes of the container's pid namespace, exec'd ones too" {
	update_config '.process.args = ["sleep", "1000"]'
	rl_run -0 run -d "$RL_ID"
	rl_run -0 state "$RL_ID"
	local init
	init="$(jq -r .pid <<<"$output")"
	# `exec -d` returns once the process runs: its host pid comes from --pid-file.
	rl_run -0 exec -d --pid-file "$RL_DIR/xdg/exec-$BATS_TEST_NUMBER.pid" "$RL_ID" sleep 999
	local exec_pid
	exec_pid="$(cat "$RL_DIR/xdg/exec-$BATS_TEST_NUMBER.pid")"
	rm -f "$RL_DIR/xdg/exec-$BATS_TEST_NUMBER.pid"
	rl_run -0 ps -f json "$RL_ID"
	[ "$(jq -c 'sort' <<<"$output")" = "$(jq -cn "[$init, $exec_pid] | sort")" ] ||
		fail "ps -f json: $output (init $init, exec $exec_pid)"
	rl_run -0 ps "$RL_ID"
	[ "${#lines[@]}" -eq 3 ] || fail "ps: $output"
	[[ "${lines[1]}${lines[2]}" == *"sleep 1000"*"sleep 999"* ]] || fail "ps: $output"
	# kill --all reaches the exec'd process too, without a cgroup.
	rl_run -0 kill --all "$RL_ID" KILL
	rl_wait_status stopped
	local tries=100
	while [ -e "/proc/$exec_pid" ] && [ "$(awk '{ print $3 }' "/proc/$exec_pid/stat" 2>/dev/null)" != Z ]; do
		tries=$((tries - 1))
		[ "$tries" -gt 0 ] || fail "the exec'd process $exec_pid outlived kill --all"
		sleep 0.05
	done
	rl_run -0 ps -f json "$RL_ID"
	[ "$output" = "[]" ]
}

@test "rootless: another user's --root is refused with one line, and nothing of it is touched" {
	requires setpriv
	update_config '.process.args = ["sleep", "1000"]'
	rl_run -0 run -d "$RL_ID"
	# nobody (65534) stands for any other ordinary user.
	local cmd
	for cmd in "list" "state $RL_ID" "kill $RL_ID KILL" "delete --force $RL_ID" "ps $RL_ID" \
		"exec $RL_ID true" "run -b $BUNDLE other"; do
		# shellcheck disable=SC2086 # the words of the command
		rund setpriv --reuid 65534 --regid 65534 --clear-groups -- \
			"$RL_DIR/cruntime" --root "$RL_DIR/xdg/cruntime" $cmd
		[ "$status" -ne 0 ] || fail "$cmd: exit 0 as another user"
		[ "${#stderr_lines[@]}" -eq 1 ] || fail "$cmd: $stderr"
		[[ "$stderr" == "cruntime: state root $RL_DIR/xdg/cruntime is not accessible to uid 65534 (another user's containers?): Permission denied (EACCES)" ]] ||
			fail "$cmd: $stderr"
	done
	rl_run -0 state "$RL_ID"
	[ "$(jq -r .status <<<"$output")" = running ]
	rl_run -0 list -q
	[ "$output" = "$RL_ID" ]
}

@test "rootless without a network namespace: a sysfs mount becomes a read-only rbind of /sys" {
	update_config '.mounts |= map(if .destination == "/sys" then
			{"destination": "/sys", "type": "sysfs", "source": "sysfs", "options": ["nosuid", "noexec", "nodev"]}
		else . end)
		| .process.args = ["sh", "-c", "awk \"\\$5 == \\\"/sys\\\"\" /proc/self/mountinfo; ls /sys/kernel >/dev/null && echo listed; touch /sys/x 2>&1 || echo refused"]'
	rl_run -0 run "$RL_ID"
	[[ "${lines[0]}" == *" /sys ro,"*" - sysfs "* ]] || fail "mountinfo: $output"
	[ "${lines[1]}" = listed ]
	[[ "$output" == *refused ]] || fail "$output"
}

@test "rootless: a devpts gid= the user namespace does not map is refused before anything starts" {
	update_config '(.mounts[] | select(.type == "devpts") | .options) += ["gid=5"]
		| .process.args = ["true"]'
	local index
	index="$(jq '.mounts | map(.type) | index("devpts")' "$BUNDLE/config.json")"
	rl_run -1 run "$RL_ID"
	[ "${#stderr_lines[@]}" -eq 1 ] || fail "stderr: $stderr"
	[[ "$stderr" == "cruntime: "*"mounts[$index].options: \"gid=5\": gid 5 is not mapped by linux.gidMappings"* ]] ||
		fail "stderr: $stderr"
	[ -z "$(state_entries "$RL_DIR/xdg/cruntime")" ]
	# `spec --rootless` leaves gid= out, and that runs.
	update_config '(.mounts[] | select(.type == "devpts") | .options) -= ["gid=5"]'
	rl_run -0 run "$RL_ID"
}

@test "rootless: flags the source mount locks (nosuid, nodev, noexec) are kept, not a failure" {
	local locked="$RL_DIR/locked-$BATS_TEST_NUMBER"
	mkdir "$locked"
	mount -t tmpfs -o nosuid,nodev,noexec,mode=0755 cruntime-locked "$locked"
	echo data >"$locked/file"
	# The entry asks to clear all three; the user namespace cannot.
	update_config '.mounts += [{"destination": "/locked", "type": "bind", "source": "'"$locked"'",
			"options": ["rbind", "rw", "suid", "dev", "exec"]},
		{"destination": "/locked-ro", "type": "bind", "source": "'"$locked"'", "options": ["rbind", "ro"]}]
		| .process.args = ["sh", "-c", "grep -E \" /locked(-ro)? \" /proc/self/mountinfo; cat /locked-ro/file"]'
	rund as_user cruntime run "$RL_ID"
	umount "$locked"
	rmdir "$locked"
	[ "$status" -eq 0 ] || fail "status $status: $stderr"
	[[ "${lines[0]}" == *" /locked rw,nosuid,nodev,noexec"* ]] || fail "$output"
	[[ "${lines[1]}" == *" /locked-ro ro,nosuid,nodev,noexec"* ]] || fail "$output"
	[ "${lines[2]}" = data ]
}

@test "rootless security: device nodes are the host's, bound; mknod is refused" {
	update_config '.process.args = ["sh", "-c", "echo x >/dev/null && echo wrote; grep \" /dev/null \" /proc/self/mountinfo | wc -l; mknod /dev/new c 1 3 2>&1 || echo refused; mknod /tmp/new c 1 3 2>&1 || echo refused"]'
	rl_run -0 run "$RL_ID"
	[ "${lines[0]}" = wrote ]
	# /dev/null is a bind mount of the host's node (a mount point of its own), not a new node.
	[ "${lines[1]}" = 1 ] || fail "$output"
	[ "$(grep -c refused <<<"$output")" -eq 2 ] || fail "$output"
	[ ! -e "$BUNDLE/rootfs/tmp/new" ]
}

@test "rootless security: no write to a host file the user cannot write, even as root inside" {
	local dir="$RL_DIR/hostfiles-$BATS_TEST_NUMBER"
	mkdir -m 0755 "$dir"
	echo original >"$dir/owned-by-root"
	chmod 0644 "$dir/owned-by-root"
	update_config '.mounts += [{"destination": "/host", "type": "bind", "source": "'"$dir"'", "options": ["rbind", "rw"]}]
		| .process.args = ["sh", "-c", "echo changed >/host/owned-by-root 2>&1 || echo refused; chmod 666 /host/owned-by-root 2>&1 || echo refused; touch /host/new 2>&1 || echo refused"]'
	rl_run -0 run "$RL_ID"
	[ "$(grep -c refused <<<"$output")" -eq 3 ] || fail "$output"
	[ "$(cat "$dir/owned-by-root")" = original ]
	[ "$(stat -c %a "$dir/owned-by-root")" = 644 ]
	[ ! -e "$dir/new" ]
	rm -rf "$dir"
}

@test "rootless security: a setuid-root binary of the host does not raise the container's ids" {
	requires setpriv
	[ -x "$IDS_PROBE" ] || fail "ids-probe not built: $IDS_PROBE"
	local dir="$RL_DIR/suid-$BATS_TEST_NUMBER"
	mkdir -m 0755 "$dir"
	cp "$IDS_PROBE" "$dir/ids-probe"
	chown root:root "$dir/ids-probe"
	chmod 4755 "$dir/ids-probe"
	# The control: on the host the bit works (a nosuid mount would make the test moot).
	[ "$(setpriv --reuid 65534 --regid 65534 --clear-groups -- "$dir/ids-probe")" = \
		"uid=65534,0,0 gid=65534,65534,65534" ] ||
		skip "setuid binaries do not take effect under $RL_DIR on this host"
	update_config '.mounts += [{"destination": "/suid", "type": "bind", "source": "'"$dir"'", "options": ["rbind", "ro"]}]
		| .process.args = ["sh", "-c", "ls -ln /suid/ids-probe; /suid/ids-probe"]'
	rl_run -0 run "$RL_ID"
	rm -rf "$dir"
	# Host root is not mapped: the file shows as the overflow uid, setuid bit and all...
	[[ "${lines[0]}" == "-rwsr-xr-x"*" 65534 "*" 65534 "* ]] || fail "$output"
	# ...and exec ignores a setuid to an unmapped owner: the ids stay the user's (0 inside). Had
	# it taken effect, the effective uid would read 65534 here.
	[ "${lines[1]}" = "uid=0,0,0 gid=0,0,0" ] || fail "$output"
}

@test "rootless: the config of spec --rootless runs as written, terminal included (under script(1))" {
	requires script
	# Only the command changes; terminal stays true, as `spec --rootless` wrote it.
	update_config '.process.terminal = true | .process.args = ["sh", "-c", "tty; id -u; exit 7"]'
	rund -7 as_user script -qec "$RL_DIR/cruntime run $RL_ID" /dev/null
	[[ "$output" == *"/dev/pts/0"* ]] || fail "$output"
	[[ "$(tr -d '\r' <<<"$output")" == *$'\n0'* ]] || fail "$output"
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
	state="$(state_entries "$RL_DIR/xdg/cruntime" 2>/dev/null)"
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

@test "rootless: an id-mapped mount is refused with one line naming it, nothing left" {
	local src="$RL_DIR/idmap-src-$BATS_TEST_NUMBER"
	mkdir -m 0755 "$src"
	update_config '.mounts += [{"destination": "/mapped", "type": "bind", "source": "'"$src"'", "options": ["rbind", "idmap"]}]
		| .process.args = ["true"]'
	local index
	index="$(jq '.mounts | length - 1' "$BUNDLE/config.json")"
	rl_run -1 run "$RL_ID"
	rmdir "$src"
	[ "${#stderr_lines[@]}" -eq 1 ] || fail "stderr: $stderr"
	[[ "$stderr" == "cruntime: mounts[$index].options: id-mapped mounts need root: "* ]] || fail "stderr: $stderr"
	[ -z "$(state_entries "$RL_DIR/xdg/cruntime")" ]
}

@test "root in a user namespace it does not own is rootless: v1 device rules it may not write are skipped, limits still apply" {
	requires unshare
	[ -f /sys/fs/cgroup/devices/devices.allow ] && [ -d /sys/fs/cgroup/memory ] ||
		skip "no v1 devices and memory hierarchies here (the v2 case is the VM suite's)"
	# unshare -r as root maps 0 onto 0: the mkdirs pass, devices.deny needs CAP_SYS_ADMIN in the
	# initial user namespace (runc skips such device rules when rootless, and so do we).
	update_config 'del(.linux.uidMappings, .linux.gidMappings)
		| .linux.namespaces |= map(select(.type != "user"))
		| .linux.resources = {"memory": {"limit": 67108864}}
		| .linux.cgroupsPath = "/cruntime-rl-'"$$"'"
		| .process.args = ["cat", "/sys/fs/cgroup/memory/memory.limit_in_bytes"]'
	rund unshare --user --map-root-user -- "$CRUNTIME" --root "$TEST_ROOT" --log "$CRUNTIME_LOG" \
		run -b "$BUNDLE" "$RL_ID"
	"$CRUNTIME" --root "$TEST_ROOT" delete --force "$RL_ID" 2>/dev/null || true
	rmdir /sys/fs/cgroup/*/"cruntime-rl-$$" 2>/dev/null || true
	[ "$status" -eq 0 ] || fail "status $status: $stderr"
	# The container's own memory cgroup, as its cgroup mount shows it.
	[ "$output" = 67108864 ] || fail "inside: $output"
}

#!/usr/bin/env bats
# Rootless cruntime on a cgroup v2 host (issue 11): an ordinary user (uid/gid 1000, no passwd
# entry needed) runs containers from a cgroup subtree delegated to it the way systemd delegates
# user@UID.service — the directory and its cgroup.procs, cgroup.subtree_control and
# cgroup.threads belong to the user, whose processes live in a leaf below it (init.scope), so
# the delegated cgroup itself holds none and can enable controllers for its children (cgroup v2
# has no internal processes). And the same user from a cgroup that is not its own. Runs in the
# test VM after cgroup2.bats (init.sh), as root, which starts every user command with setpriv.

load vm_helpers

RL_UID=1000
# The delegated subtree (systemd: user@1000.service) and, below the hierarchy, a session that is
# not delegated (systemd: user-1000.slice/session-1.scope, root's). The user's commands start in
# $RL_LEAF: leaf of one or the other.
DELEGATED=/cruntime-rl-user
SESSION=/cruntime-rl-session

setup_file() {
	grep -q '^cgroup2 /sys/fs/cgroup cgroup2 ' /proc/mounts ||
		fail "/sys/fs/cgroup is not cgroup2: this suite runs in the VM (integration/vm/run.sh)"
	# By path: busybox sh, which as_user starts it from, prefers its own setpriv applet (no --reuid).
	SETPRIV="$(command -v setpriv)" || fail "no setpriv in the VM (build-initramfs.sh copies it)"
	export SETPRIV
	# Everything the user reads lives under a directory it can reach (bats' are root's, 0700).
	RL_DIR="$(mktemp -d /tmp/cruntime-rl.XXXXXX)"
	chmod 0755 "$RL_DIR"
	mkdir -m 0700 "$RL_DIR/xdg" "$RL_DIR/spec"
	chown "$RL_UID:$RL_UID" "$RL_DIR/xdg" "$RL_DIR/spec"
	export RL_DIR
	# What root (systemd) does once: controllers for the user's subtree, the subtree handed over.
	echo "+memory +pids" >"$CGROUP_MNT/cgroup.subtree_control"
	mkdir "$CGROUP_MNT$DELEGATED" "$CGROUP_MNT$SESSION" "$CGROUP_MNT$SESSION/leaf"
	local file
	for file in "" cgroup.procs cgroup.subtree_control cgroup.threads; do
		chown "$RL_UID:$RL_UID" "$CGROUP_MNT$DELEGATED/$file"
	done
	# The user makes its own leaf, as the user manager makes init.scope.
	RL_LEAF=$SESSION/leaf as_user mkdir "$CGROUP_MNT$DELEGATED/leaf" ||
		fail "the user cannot mkdir in its delegated cgroup"
	RL_LEAF=$SESSION/leaf as_user "$CRUNTIME" spec --rootless --bundle "$RL_DIR/spec" ||
		fail "cruntime spec --rootless failed"
	jq --arg rootfs "$VM_ROOTFS" '.process.terminal = false
		| .root = {"path": $rootfs, "readonly": true}' "$RL_DIR/spec/config.json" \
		>"$RL_DIR/config.json" || fail "jq failed"
}

teardown_file() {
	local dir
	for dir in "$CGROUP_MNT$DELEGATED" "$CGROUP_MNT$SESSION"; do
		[ -d "$dir" ] && remove_cgroup "$dir"
	done
	[ -n "${RL_DIR:-}" ] && rm -rf "${RL_DIR:?}"
	return 0
}

setup() {
	# shellcheck disable=SC2034 # read by common.bash's rund
	RUND_SEQ=0
	RL_LEAF=$DELEGATED/leaf
	BUNDLE="$RL_DIR/bundle-$BATS_TEST_NUMBER"
	mkdir "$BUNDLE"
	cp "$RL_DIR/config.json" "$BUNDLE/config.json"
	# In the user's runtime directory: cruntime, as the user, creates it.
	CRUNTIME_LOG="$RL_DIR/xdg/cruntime-$BATS_TEST_NUMBER.log"
	cd "$BATS_TEST_TMPDIR" || return 1
}

# Teardown: the log (bats shows it for failed tests), `delete --force` of what the user still
# has, then no cgroup but the leaves may be left in either subtree (removed if there are).
teardown() {
	local rc=0 entry dir out
	if [ -s "${CRUNTIME_LOG:-}" ]; then
		echo "--- cruntime --log:"
		cat "$CRUNTIME_LOG"
	fi
	rm -rf "$RL_DIR/xdg/cruntime/@seccomp-cache"  # the runtime's own, not a container
	for entry in "$RL_DIR/xdg/cruntime"/*; do
		[ -d "$entry" ] || continue
		out="$(ucr delete --force "${entry##*/}" 2>&1)" || {
			echo "teardown: delete --force ${entry##*/} failed: $out" >&2
			rc=1
		}
	done
	for dir in "$CGROUP_MNT$DELEGATED"/* "$CGROUP_MNT$SESSION"/*; do
		if [ ! -d "$dir" ] || [ "${dir##*/}" = leaf ]; then continue; fi
		echo "teardown: cgroup $dir left behind" >&2
		remove_cgroup "$dir"
		rc=1
	done
	rm -rf "${BUNDLE:?}"
	return "$rc"
}

# as_user CMD...: CMD as uid/gid 1000 without supplementary groups, started by root in the leaf
# cgroup $RL_LEAF (as systemd starts a user's processes in its session), with the user's
# XDG_RUNTIME_DIR and a timeout.
as_user() {
	sh -c 'echo $$ >"$1/cgroup.procs" && cd "$2" && shift 2 && exec "$@"' sh \
		"$CGROUP_MNT$RL_LEAF" "$RL_DIR" \
		"$SETPRIV" --reuid "$RL_UID" --regid "$RL_UID" --clear-groups \
		env -i PATH="$PATH" HOME="$RL_DIR" XDG_RUNTIME_DIR="$RL_DIR/xdg" \
		timeout -k 5 "$LC_TIMEOUT" "$@"
}

# ucr ARGS...: cruntime as the user, state in its default root ($XDG_RUNTIME_DIR/cruntime).
ucr() {
	local debug=()
	[ -n "${CRUNTIME_DEBUG:-}" ] && debug=(--debug)
	as_user "$CRUNTIME" --log "$CRUNTIME_LOG" "${debug[@]}" "$@"
}

# ustatus_is ID STATUS: the user's `cruntime state ID` reports STATUS.
ustatus_is() {
	[ "$(ucr state "$1" 2>/dev/null | jq -r .status)" = "$2" ]
}

# has_lines FILE N: FILE has at least N lines.
has_lines() {
	[ "$(wc -l <"$1")" -ge "$2" ]
}

# owned_by_user PATH...: every PATH belongs to the test user.
owned_by_user() {
	local path
	for path in "$@"; do
		[ "$(stat -c %u "$path")" = "$RL_UID" ] || fail "$path belongs to $(stat -c %u "$path")" || return 1
	done
}

@test "delegated subtree: a relative cgroupsPath goes below it; limits inside; pause, resume, update, events, ps, delete" {
	local dir="$CGROUP_MNT$DELEGATED/ct1"
	CGDIR="$dir" # for assert_cg_file and cg_key
	update_config '.linux.cgroupsPath = "ct1"
		| .linux.resources = {"memory": {"limit": 67108864}, "pids": {"limit": 20}}'
	set_args sh -c 'cat /proc/self/cgroup /sys/fs/cgroup/memory.max /sys/fs/cgroup/pids.max
		exec sleep 1000'
	rund -0 ucr run -d -b "$BUNDLE" ct1
	local inside="$RUND_OUT"
	# Relative to the parent of the user's own cgroup (runc): the delegated one, not the leaf.
	[ -d "$dir" ] || fail "no cgroup $dir: $(find "$CGROUP_MNT$DELEGATED" -type d)"
	owned_by_user "$dir" "$dir/memory.max" "$dir/cgroup.freeze"
	local enabled
	enabled="$(cat "$CGROUP_MNT$DELEGATED/cgroup.subtree_control")"
	[[ " $enabled " == *" memory "* && " $enabled " == *" pids "* ]] ||
		fail "controllers of the delegated cgroup's children: '$enabled'"
	assert_cg_file memory.max 67108864
	assert_cg_file pids.max 20
	# What the container sees: its cgroup as / and the limits in its own cgroup2 mount.
	wait_until 10 has_lines "$inside" 3
	[ "$(cat "$inside")" = "$(printf '0::/\n67108864\n20')" ] || fail "inside: $(cat "$inside")"
	rund -0 ucr state ct1
	local pid
	pid="$(jq -r .pid <<<"$output")"
	grep -qx "$pid" "$dir/cgroup.procs" || fail "init $pid not in $dir/cgroup.procs"
	[ "$(awk '/^Uid:/ { print $2 }' "/proc/$pid/status")" = "$RL_UID" ]

	rund -0 ucr pause ct1
	assert_cg_file cgroup.freeze 1
	[ "$(cg_key cgroup.events frozen)" = 1 ] || fail "cgroup.events: $(cat "$dir/cgroup.events")"
	ustatus_is ct1 paused || fail "status after pause: $(ucr state ct1)"
	rund -0 ucr resume ct1
	assert_cg_file cgroup.freeze 0
	ustatus_is ct1 running || fail "status after resume: $(ucr state ct1)"

	rund -0 ucr update --pids-limit 30 ct1
	assert_cg_file pids.max 30
	rund -0 ucr events --stats ct1
	jq -e '.type == "stats" and .id == "ct1" and .data.pids.current >= 1
		and .data.pids.limit == 30 and .data.memory.usage.limit == 67108864' <<<"$output" ||
		fail "stats: $output"
	rund -0 ucr ps -f json ct1
	[ "$(jq -c 'sort' <<<"$output")" = "$(procs_of "$dir" | sort -n | jq -sc .)" ] ||
		fail "ps json $output vs cgroup.procs $(procs_of "$dir")"

	rund -0 ucr delete --force ct1
	[ ! -e "$dir" ] || fail "delete left $dir behind"
	# Only the container's cgroup: the delegated one and the user's leaf stay.
	[ -d "$CGROUP_MNT$DELEGATED/leaf" ] || fail "delete removed the user's leaf"
}

@test "delegated subtree: without a cgroupsPath the cgroup is cruntime/<id> below it, with the limits" {
	local dir="$CGROUP_MNT$DELEGATED/cruntime/ct2"
	# shellcheck disable=SC2034 # read by assert_cg_file
	CGDIR="$dir"
	update_config 'del(.linux.cgroupsPath) | .linux.resources = {"pids": {"limit": 21}}'
	set_args sleep 1000
	rund -0 ucr run -d -b "$BUNDLE" ct2
	[ -d "$dir" ] || fail "no cgroup $dir: $(find "$CGROUP_MNT$DELEGATED" -type d)"
	assert_cg_file pids.max 21
	[ -n "$(cat "$dir/cgroup.procs")" ] || fail "nothing in $dir"
	rund -0 ucr delete --force ct2
	[ ! -e "$dir" ] || fail "delete left $dir behind"
	# Like root's containers, the shared cruntime/ parent stays for the next one.
	rmdir "$CGROUP_MNT$DELEGATED/cruntime"
}

@test "no delegated cgroup: no limits → runs without a cgroup; limits or a cgroupsPath → one line, nothing left" {
	RL_LEAF=$SESSION/leaf
	update_config 'del(.linux.cgroupsPath)'
	set_args cat /proc/self/cgroup
	rund -0 ucr run -b "$BUNDLE" ct3
	[ "$output" = "0::/" ] || fail "inside: $output"
	[ -z "$stderr" ] || fail "stderr: $stderr"
	# A value cgroup v2 has no file for is no limit to lose (runc's needAnyControllers).
	update_config '.linux.resources = {"memory": {"swappiness": 10}}'
	rund -0 ucr run -b "$BUNDLE" ct3
	update_config '.linux.resources = {"pids": {"limit": 22}}'
	rund -1 ucr run -b "$BUNDLE" ct3
	[ "${#stderr_lines[@]}" -eq 1 ] || fail "stderr: $stderr"
	[[ "$stderr" == "cruntime: linux.resources: rootless, and no cgroup can be created"* ]] ||
		fail "stderr: $stderr"
	update_config 'del(.linux.resources) | .linux.cgroupsPath = "mine"'
	rund -1 ucr run -b "$BUNDLE" ct3
	[ "${#stderr_lines[@]}" -eq 1 ] || fail "stderr: $stderr"
	[[ "$stderr" == "cruntime: linux.cgroupsPath: rootless, and the cgroup cannot be created"* ]] ||
		fail "stderr: $stderr"
	[ -z "$(state_entries "$RL_DIR/xdg/cruntime")" ] || fail "state left: $(state_entries "$RL_DIR/xdg/cruntime")"
	# teardown checks that no cgroup was made in the session (it could not be).
}

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

#!/usr/bin/env bats
# Bad input for create (security.md "Bad input", promise 6): each gives exactly one
# `cruntime: ...` line on stderr, exit 1, and leaves no state dir, pid file, process or mount.

load helpers
load lifecycle_helpers

setup() {
	lc_setup
	set_args true
	PRISTINE="$BATS_TEST_TMPDIR/config.pristine.json"
	cp "$BUNDLE/config.json" "$PRISTINE"
	snapshot_host
}
teardown() { lc_teardown; }

# try_create SUBSTRING [ID]: create must fail with one error line containing SUBSTRING and
# leave nothing behind.
try_create() {
	local id="${2-ct}"
	rm -f "$BATS_TEST_TMPDIR/pid"
	rund -1 cr create -b "$BUNDLE" --pid-file "$BATS_TEST_TMPDIR/pid" "$id"
	assert_one_error_line "$1"
	assert_nothing_left
	[ ! -e "$BATS_TEST_TMPDIR/pid" ] || fail "a pid file was written"
}

# bad_config JQ-FILTER SUBSTRING: the pristine config edited by the filter must fail create.
bad_config() {
	echo "case: $1 (expecting '$2')"
	cp "$PRISTINE" "$BUNDLE/config.json"
	update_config "$1"
	try_create "$2"
}

# bad_config_text TEXT SUBSTRING: config.json replaced by TEXT verbatim.
bad_config_text() {
	echo "case: config.json = '$1'"
	printf '%s' "$1" >"$BUNDLE/config.json"
	try_create "$2"
}

@test "config.json missing, empty, not JSON, truncated, or not an object" {
	rm "$BUNDLE/config.json"
	try_create config.json
	bad_config_text "" config.json
	bad_config_text "{" config.json
	bad_config_text "null" config.json
	bad_config_text "[]" config.json
	bad_config_text '"config"' config.json
	bad_config_text "$(head -c 300 "$PRISTINE")" config.json
	mkdir "$BUNDLE/config.json.d" && rm -f "$BUNDLE/config.json" && mv "$BUNDLE/config.json.d" "$BUNDLE/config.json"
	try_create config.json
}

@test "ociVersion missing, invalid or unsupported" {
	bad_config 'del(.ociVersion)' ociVersion
	bad_config '.ociVersion = "invalid"' ociVersion
	bad_config '.ociVersion = "2.0.0"' ociVersion
	bad_config '.ociVersion = 1' ociVersion
}

@test "fields of the wrong type or out of range" {
	bad_config '.process.args = "true"' args
	bad_config '.process.terminal = "no"' terminal
	bad_config '.process.user.uid = "0"' uid
	bad_config '.process.user.uid = -1' uid
	bad_config '.process.user.uid = 4294967296' uid
	bad_config '.process.user.gid = 1.5' gid
	bad_config '.linux.namespaces = {"type": "pid"}' namespaces
	bad_config '.mounts = "none"' mounts
	bad_config '.process.rlimits[0].soft = -5' soft
	bad_config '.hostname = 42' hostname
}

@test "process: empty args, relative cwd, unknown or duplicate rlimits" {
	bad_config '.process.args = []' args
	bad_config 'del(.process.args)' args
	bad_config '.process.cwd = "relative/dir"' cwd
	bad_config '.process.rlimits = [{"type": "RLIMIT_BOGUS", "soft": 1, "hard": 1}]' RLIMIT_BOGUS
	bad_config '.process.rlimits = [{"type": "RLIMIT_NOFILE", "soft": 1, "hard": 1},
		{"type": "RLIMIT_NOFILE", "soft": 2, "hard": 2}]' RLIMIT_NOFILE
	# A soft limit above the hard one (setrlimit would refuse it).
	bad_config '.process.rlimits = [{"type": "RLIMIT_NOFILE", "soft": 2048, "hard": 1024}]' rlimits
}

@test "args[0] not found, not a file, not executable" {
	bad_config '.process.args = ["no-such-command"]' 'exec: "no-such-command": executable file not found in $PATH'
	bad_config '.process.args = ["/no/such/file"]' "no such file or directory"
	bad_config '.process.args = ["/etc/passwd"]' "permission denied"
	bad_config '.process.args = ["/etc"]' "/etc"
}

@test "root: missing rootfs, rootfs a file, rootfs through a symlink out of the bundle" {
	bad_config '.root.path = "no-such-rootfs"' no-such-rootfs
	: >"$BUNDLE/rootfs-file"
	bad_config '.root.path = "rootfs-file"' rootfs-file
	mkdir -p "$BATS_TEST_TMPDIR/elsewhere"
	cp -a "$BUNDLE/rootfs" "$BATS_TEST_TMPDIR/elsewhere/rootfs"
	ln -s "$BATS_TEST_TMPDIR/elsewhere" "$BUNDLE/link"
	bad_config '.root.path = "link/rootfs"' "link"
}

@test "mounts: missing bind source, bad options" {
	bad_config '.mounts += [{"destination": "/mnt", "type": "bind", "source": "/no/such/source",
		"options": ["rbind"]}]' /no/such/source
	bad_config '.mounts += [{"destination": "/mnt", "type": "tmpfs", "source": "tmpfs",
		"options": ["bogus_option=1"]}]' /mnt
	bad_config '.mounts += [{"destination": "/mnt", "type": "no_such_fstype", "source": "none"}]' /mnt
}

@test "namespaces: unknown or duplicate type, missing path, userns mapping mismatches" {
	bad_config '.linux.namespaces += [{"type": "bogus"}]' bogus
	bad_config '.linux.namespaces += [{"type": "pid"}]' pid
	bad_config '.linux.namespaces += [{"type": "ipc", "path": "/no/such/ns"}] | .linux.namespaces |=
		(map(select(.type != "ipc" or .path != null)))' /no/such/ns
	bad_config '.linux.uidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}]
		| .linux.gidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}]' Mappings
	bad_config '.linux.namespaces += [{"type": "user"}] | del(.linux.uidMappings, .linux.gidMappings)' user
	bad_config '.linux.timeOffsets = {"monotonic": {"secs": 1}}' timeOffsets
}

@test "fields cruntime cannot apply are refused, never ignored" {
	# intelRdt is applied through resctrl (features says so); a host without resctrl refuses it
	# with one line, and the 1.2 monitoring flags that 1.3 replaced are refused everywhere.
	cr features | jq -e '.linux.intelRdt == {"enabled": true, "schemata": true, "monitoring": true}' >/dev/null ||
		fail "features: intelRdt is $(cr features | jq -c .linux.intelRdt)"
	if [ "$(stat -f -c %T /sys/fs/resctrl 2>/dev/null)" != resctrl ]; then
		bad_config '.linux.intelRdt = {"closID": "c1"}' \
			"cruntime: linux.intelRdt: resctrl is not mounted at /sys/fs/resctrl"
		bad_config '.linux.intelRdt = {"l3CacheSchema": "L3:0=f", "enableMonitoring": true}' \
			"cruntime: linux.intelRdt: resctrl is not mounted at /sys/fs/resctrl"
	fi
	bad_config '.linux.intelRdt = {"enableCMT": true}' \
		"cruntime: linux.intelRdt.enableCMT: not supported (runtime-spec 1.3 replaced it with enableMonitoring"
	bad_config '.linux.intelRdt = {"enableMBM": true}' "cruntime: linux.intelRdt.enableMBM: not supported"
	bad_config '.process.commandLine = "cmd.exe /c dir"' \
		"process.commandLine: is for Windows containers only; on Linux use process.args"
	bad_config '.linux.resources.memory.useHierarchy = false' \
		"linux.resources.memory.useHierarchy: false cannot be applied"
}

@test "an unknown capability name is only a warning: the container runs" {
	update_config '.process.capabilities.bounding += ["CAP_BOGUS"]
		| .process.capabilities.effective += ["CAP_BOGUS"]'
	set_args sh -c 'echo ran'
	rund -0 cr run -b "$BUNDLE" ct
	[ "$output" = ran ]
	[ -z "$stderr" ]
	grep -q 'level=warning.*CAP_BOGUS' "$CRUNTIME_LOG" || fail "no warning in the log: $(cat "$CRUNTIME_LOG")"
}

@test "container ids: empty, dot, dot-dot, slash, control chars, too long" {
	local long id
	long="$(printf 'a%.0s' {1..1025})"
	for id in "" . .. a/b ../escape $'a\nb' "a b" "$long"; do
		echo "case: id '$id'"
		try_create "" "$id"
	done
	rund -1 cr create -b "$BUNDLE" ""
	[[ "$stderr" == *"empty"* ]]
	rund -1 cr create -b "$BUNDLE" ..
	[[ "$stderr" == *"invalid container ID format"* ]]
	# Nothing was created next to the state root either.
	[ ! -e "$BATS_TEST_TMPDIR/escape" ]
}

@test "command line: unknown flags, missing or extra arguments, bad values" {
	rund -1 cr create --no-such-flag -b "$BUNDLE" ct
	assert_one_error_line "no-such-flag"
	assert_nothing_left
	rund -1 cr create -b "$BUNDLE" --preserve-fds -1 ct
	assert_one_error_line "preserve-fds"
	assert_nothing_left
	# fds 3..102 are not all open: "unable to stat preserved-fd".
	rund -1 cr create -b "$BUNDLE" --preserve-fds 100 ct
	assert_one_error_line "preserve"
	assert_nothing_left
	rund -1 cr create -b "$BATS_TEST_TMPDIR/no-such-bundle" ct
	assert_one_error_line "no-such-bundle"
	assert_nothing_left
	# Wrong positional count: usage on stdout, one error line on stderr.
	rund -1 cr create -b "$BUNDLE"
	[ "${#stderr_lines[@]}" -eq 1 ]
	assert_nothing_left
	rund -1 cr create -b "$BUNDLE" ct extra
	[ "${#stderr_lines[@]}" -eq 1 ]
	assert_nothing_left
}

@test "--systemd-cgroup on a host without systemd: one error line, nothing left" {
	[ ! -d /run/systemd/system ] ||
		skip "systemd runs here: integration/sysvm/systemd_cgroup.bats tests the driver"
	rund -1 cr --systemd-cgroup create -b "$BUNDLE" --pid-file "$BATS_TEST_TMPDIR/pid" ct
	assert_one_error_line "cgroup: --systemd-cgroup: systemd is not running on this host"
	assert_nothing_left
	[ ! -e "$BATS_TEST_TMPDIR/pid" ] || fail "a pid file was written"
	# Neither the scope's cgroup (system.slice/cruntime-ct.scope) nor any other was made.
	[ -z "$(find /sys/fs/cgroup -maxdepth 4 -name 'cruntime-ct.scope' 2>/dev/null)" ] ||
		fail "a cgroup of the unit was made"
}

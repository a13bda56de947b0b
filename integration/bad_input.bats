#!/usr/bin/env bats
# Bad input that used to slip through (issue 13 §5), through the binary: numbers at the edges of
# the integer types, NUL bytes, "..", very long names, duplicate keys, deep nesting. Each gives
# one `cruntime: ...` line naming the field, exit 1 and leaves nothing; where runc accepts a
# value (cpu.quota with cpu.period 0, ".." in root.path) cruntime does the same, and that is
# tested too. The exhaustive walk over every integer field is tests/spec/numeric_fields_test.cpp.

load helpers
load lifecycle_helpers

setup() {
	lc_setup
	set_args true
	ID="bad-$$-$RANDOM"
	PRISTINE="$BATS_TEST_TMPDIR/config.pristine.json"
	cp "$BUNDLE/config.json" "$PRISTINE"
	snapshot_host
}
teardown() { lc_teardown; }

# cgroups_left: cgroup directories named after this test's container, in any hierarchy.
cgroups_left() {
	local mnt
	for mnt in $(awk '{ for (i = 7; $i != "-"; i++)
		if ($(i + 1) == "cgroup" || $(i + 1) == "cgroup2") print $5 }' /proc/self/mountinfo); do
		find "$mnt" -type d -name "$ID*" 2>/dev/null
	done
}

# try_create SUBSTRING: create must fail with one error line containing SUBSTRING, exit 1, and
# leave no state, process, mount, cgroup or pid file.
try_create() {
	rm -f "$BATS_TEST_TMPDIR/pid"
	rund -1 cr create -b "$BUNDLE" --pid-file "$BATS_TEST_TMPDIR/pid" "$ID"
	assert_one_error_line "$1"
	# The line is printable: a NUL from the config is escaped, never written raw.
	[ "$(tr -d '\000' <"$RUND_ERR" | wc -c)" -eq "$(wc -c <"$RUND_ERR")" ] || fail "a raw NUL byte on stderr"
	assert_nothing_left
	[ ! -e "$BATS_TEST_TMPDIR/pid" ] || fail "a pid file was written"
	[ -z "$(cgroups_left)" ] || fail "cgroups left behind: $(cgroups_left)"
}

# bad_config JQ-FILTER SUBSTRING: the pristine config edited by the filter must fail create.
bad_config() {
	echo "case: $1 (expecting '$2')"
	cp "$PRISTINE" "$BUNDLE/config.json"
	update_config "$1"
	try_create "$2"
}

# set_number JQ-PATH LITERAL: the pristine config with the number at JQ-PATH written as LITERAL,
# verbatim (jq would turn 18446744073709551616 into a float).
set_number() {
	cp "$PRISTINE" "$BUNDLE/config.json"
	update_config "$1 = \"@@number@@\""
	local text
	text="$(cat "$BUNDLE/config.json")"
	printf '%s\n' "${text/\"@@number@@\"/$2}" >"$BUNDLE/config.json"
}

# bad_number JQ-PATH LITERAL SUBSTRING
bad_number() {
	echo "case: $1 = $2 (expecting '$3')"
	set_number "$1" "$2"
	try_create "$3"
}

# good_create: create must succeed; then delete, and nothing is left.
good_create() {
	rund -0 cr create -b "$BUNDLE" "$ID"
	rund -0 cr delete --force "$ID"
	assert_nothing_left
	[ -z "$(cgroups_left)" ] || fail "cgroups left behind: $(cgroups_left)"
}

@test "numbers at the edges of the integer types: refused naming the field, or applied" {
	bad_number .process.user.uid -1 'config.json: process.user.uid: -1 is out of range (0 to 4294967295)'
	bad_number .process.user.uid 4294967296 'config.json: process.user.uid: 4294967296 is out of range'
	# (uid_t)-1 would mean "keep the runtime's uid" to setresuid: the process would run as root.
	bad_number .process.user.uid 4294967295 'config.json: process.user.uid: 4294967295 is not a valid user id'
	bad_number .process.user.gid 1.5 'config.json: process.user.gid: expected integer, got 1.5'
	bad_number '.process.user.additionalGids' '[4294967295]' 'process.user.additionalGids[0]: 4294967295 is not a valid group id'
	bad_number .process.oomScoreAdj 2147483648 'config.json: process.oomScoreAdj: 2147483648 is out of range (-2147483648 to 2147483647)'
	bad_number '.process.rlimits[0].hard' 18446744073709551616 'config.json: process.rlimits[0].hard: 1.8446744073709552e+19 is out of range'
	bad_number .linux.resources.memory.limit 9223372036854775808 'config.json: linux.resources.memory.limit: 9223372036854775808 is out of range'
	bad_number .linux.resources.memory.limit 1e9 'config.json: linux.resources.memory.limit: expected integer, got 1000000000.0'
	bad_number .linux.resources.blockIO.weight 65536 'config.json: linux.resources.blockIO.weight: 65536 is out of range (0 to 65535)'
	bad_number .linux.resources.cpu.shares -1 'config.json: linux.resources.cpu.shares: -1 is out of range'
	bad_number .linux.resources.cpu.shares 1.0 'config.json: linux.resources.cpu.shares: expected integer, got 1.0'
	bad_number '.hooks.prestart' '[{"path": "/bin/true", "timeout": 0}]' 'config.json: hooks.prestart[0].timeout: must be greater than 0, got 0'
	# In range for the type, out of range for the kernel: the cgroup write fails and says which
	# field it came from (runc fails the same way).
	if host_has_v1_controller pids || [ -e /sys/fs/cgroup/cgroup.controllers ]; then
		bad_number .linux.resources.pids.limit 2147483648 'linux.resources.pids.limit'
	fi
	# And values at the edges that are valid are applied: -1 is "unlimited".
	set_number .linux.resources.memory.limit -1
	good_create
	set_number .process.oomScoreAdj 1000
	good_create
}

# cpu_files ID: "quota period" of the container's cgroup (v1 cpu.cfs_*_us, or v2 cpu.max).
cpu_files() {
	local dir
	if [ -n "$(cgroup_v1_mount cpu)" ]; then
		dir="$(cgroup_v1_mount cpu)$1"
		echo "$(cat "$dir/cpu.cfs_quota_us") $(cat "$dir/cpu.cfs_period_us")"
	else
		cat "/sys/fs/cgroup$1/cpu.max"
	fi
}

@test "cpu.quota > 0 with cpu.period 0: accepted as runc does, the period keeps its value (create and update)" {
	host_has_v1_controller cpu || grep -qw cpu /sys/fs/cgroup/cgroup.controllers 2>/dev/null ||
		skip "no cpu controller on this host"
	local cg="/$ID"
	update_config '.linux.cgroupsPath = "'"$cg"'" | .linux.resources.cpu = {"quota": 50000, "period": 0}'
	set_args sleep 1000
	rund -0 cr create -b "$BUNDLE" "$ID"
	# Period 0 means "not set" (runc, crun): the kernel's default period, 100 ms.
	[ "$(cpu_files "$cg")" = "50000 100000" ] || fail "cpu: $(cpu_files "$cg")"
	rund -0 cr update --cpu-period 50000 "$ID"
	[ "$(cpu_files "$cg")" = "50000 50000" ] || fail "cpu: $(cpu_files "$cg")"
	# A period of 0 in update keeps the previous period (runc's update quirk, cli-contract §7.11).
	rund -0 cr update --cpu-quota 30000 --cpu-period 0 "$ID"
	[ "$(cpu_files "$cg")" = "30000 50000" ] || fail "cpu: $(cpu_files "$cg")"
	echo '{"cpu": {"quota": 20000, "period": 0}}' >"$BATS_TEST_TMPDIR/r.json"
	rund -0 cr update -r "$BATS_TEST_TMPDIR/r.json" "$ID"
	[ "$(cpu_files "$cg")" = "20000 50000" ] || fail "cpu: $(cpu_files "$cg")"
	# A number of the wrong type in update is refused naming it; nothing changed.
	echo '{"cpu": {"quota": 1.5}}' >"$BATS_TEST_TMPDIR/r.json"
	rund -1 cr update -r "$BATS_TEST_TMPDIR/r.json" "$ID"
	assert_one_error_line 'cpu.quota: expected integer, got 1.5'
	[ "$(cpu_files "$cg")" = "20000 50000" ] || fail "cpu: $(cpu_files "$cg")"
	# update checks what it would apply by create's rules (a burst above the quota in force).
	echo '{"cpu": {"burst": 30000}}' >"$BATS_TEST_TMPDIR/r.json"
	rund -1 cr update -r "$BATS_TEST_TMPDIR/r.json" "$ID"
	assert_one_error_line 'update: linux.resources.cpu.burst: must not exceed cpu.quota (20000), got 30000'
	[ "$(cpu_files "$cg")" = "20000 50000" ] || fail "cpu: $(cpu_files "$cg")"
	rund -0 cr delete --force "$ID"
	[ -z "$(cgroups_left)" ] || fail "cgroups left behind: $(cgroups_left)"

	# runc, where installed, does the same with the same config (the reference).
	command -v runc >/dev/null || skip "runc not installed: cruntime checked alone"
	local rroot="$BATS_TEST_TMPDIR/runc-root"
	runc --root "$rroot" create -b "$BUNDLE" "$ID" </dev/null >/dev/null 2>"$BATS_TEST_TMPDIR/runc.err" ||
		fail "runc create: $(cat "$BATS_TEST_TMPDIR/runc.err")"
	local runc_cpu
	runc_cpu="$(cpu_files "$cg")"
	runc --root "$rroot" delete --force "$ID"
	[ "$runc_cpu" = "50000 100000" ] || fail "runc: $runc_cpu"
}

@test "NUL bytes in paths and names: refused naming the field; nothing runs, nothing left" {
	# A hook at the path before the NUL would have run (C strings end there).
	local marker="$BATS_TEST_TMPDIR/hook-ran"
	printf '#!/bin/sh\ntouch %s\n' "$marker" >"$BATS_TEST_TMPDIR/hook"
	chmod +x "$BATS_TEST_TMPDIR/hook"
	bad_config '.hooks.prestart = [{"path": "'"$BATS_TEST_TMPDIR"'/hook\u0000x"}]' \
		'config.json: hooks.prestart[0].path: must not contain a NUL byte'
	[ ! -e "$marker" ] || fail "the truncated hook path ran"
	bad_config '.root.path = "rootfs\u0000x"' 'config.json: root.path: must not contain a NUL byte, got "rootfs\u0000x"'
	bad_config '.process.cwd = "/tm\u0000p"' 'config.json: process.cwd: must not contain a NUL byte'
	bad_config '.mounts += [{"destination": "/mn\u0000t", "type": "tmpfs", "source": "tmpfs"}]' 'destination: must not contain a NUL byte'
	bad_config '.mounts += [{"destination": "/mnt", "type": "bind", "source": "/tm\u0000p", "options": ["rbind"]}]' 'source: must not contain a NUL byte'
	bad_config '.linux.cgroupsPath = "/'"$ID"'\u0000x"' 'config.json: linux.cgroupsPath: must not contain a NUL byte'
	bad_config '.linux.maskedPaths += ["/proc/k\u0000core"]' 'config.json: linux.maskedPaths['
	bad_config '.hostname = "a\u0000b"' 'config.json: hostname: must not contain a NUL byte'
	bad_config '.linux.sysctl = {"kernel.shmmax\u0000x": "1"}' 'config.json: linux.sysctl: member name must not contain a NUL byte'
}

@test "'..' in paths: root.path and process.cwd work as in runc, nothing outside the rootfs is touched" {
	# root.path may leave the bundle through ".." (runc resolves it against the bundle).
	local name="escape-$ID"
	cp "$PRISTINE" "$BUNDLE/config.json"
	update_config '.root.path = "../bundle/rootfs"'
	rund -0 cr run -b "$BUNDLE" "$ID"
	# process.cwd: ".." stops at the container's "/"; the directory is made in the rootfs.
	update_config '.process.cwd = "/../../../../tmp/'"$name"'"'
	set_args pwd
	rund -0 cr run -b "$BUNDLE" "$ID"
	[ "$output" = "/tmp/$name" ]
	[ ! -e "/tmp/$name" ] || { rmdir "/tmp/$name"; fail "process.cwd created /tmp/$name on the host"; }
	[ -d "$BUNDLE/rootfs/tmp/$name" ]
	# A mount destination with ".." is refused outright (hostile.bats: and never leaves the rootfs).
	bad_config '.mounts += [{"destination": "/tmp/../../'"$name"'", "type": "tmpfs", "source": "tmpfs"}]' \
		'must not contain ".." components'
	assert_nothing_left
}

@test "very long names and paths: one error naming the field, nothing left" {
	local long vlong i
	long="$(printf 'a%.0s' $(seq 300))"
	vlong=""
	for i in $(seq 20); do vlong+="/$(printf 'c%.0s' $(seq 250))"; done
	bad_config '.root.path = "'"$long"'"' 'config.json: root.path: '
	bad_config '.process.cwd = "/'"$long"'"' 'process.cwd: '
	bad_config '.process.cwd = "'"$vlong"'"' 'process.cwd: '
	bad_config '.mounts += [{"destination": "/'"$long"'", "type": "tmpfs", "source": "tmpfs"}]' 'mounts['
	bad_config '.mounts += [{"destination": "/mnt", "type": "bind", "source": "/tmp/'"$long"'", "options": ["rbind"]}]' 'mounts['
	bad_config '.hooks.prestart = [{"path": "/bin/'"$long"'"}]' 'prestart hook #0'
	bad_config '.linux.cgroupsPath = "'"$vlong"'"' 'linux.cgroupsPath'
	grep -q 'File name too long' "$RUND_ERR"
	# cgroupfs (kernfs) takes names longer than NAME_MAX: a 300-byte cgroupsPath works (as with
	# runc) and is removed again.
	cp "$PRISTINE" "$BUNDLE/config.json"
	update_config '.linux.cgroupsPath = "/'"$ID-$long"'"'
	good_create
}

@test "duplicate JSON keys: refused naming the key (config.json, update -r, exec -p)" {
	cp "$PRISTINE" "$BUNDLE/config.json"
	# Spliced as text: jq cannot write a duplicate key.
	sed -i '0,/"hostname": *"[^"]*"/s//"hostname": "one", "hostname": "two"/' "$BUNDLE/config.json"
	grep -q '"hostname": "one", "hostname": "two"' "$BUNDLE/config.json"
	try_create 'config.json: hostname: duplicate key (each key may appear once per object)'
	sed -i 's/"uid": 0,/"uid": 1000, "uid": 0,/' "$BUNDLE/config.json"
	try_create 'duplicate key'

	cp "$PRISTINE" "$BUNDLE/config.json"
	set_args sleep 1000
	rund -0 cr create -b "$BUNDLE" "$ID"
	echo '{"pids": {"limit": 10, "limit": -1}}' >"$BATS_TEST_TMPDIR/r.json"
	rund -1 cr update -r "$BATS_TEST_TMPDIR/r.json" "$ID"
	assert_one_error_line 'pids.limit: duplicate key'
	echo '{"args": ["true"], "cwd": "/", "cwd": "/tmp"}' >"$BATS_TEST_TMPDIR/p.json"
	rund -255 cr exec -p "$BATS_TEST_TMPDIR/p.json" "$ID"
	assert_one_error_line 'cwd: duplicate key'
	[ "$(status_of "$ID")" = created ]
	rund -0 cr delete --force "$ID"
	assert_nothing_left
}

@test "100,000-deep nesting: one error line (config.json, update -r, exec -p), nothing left" {
	local deep="$BATS_TEST_TMPDIR/deep.json"
	{
		printf '{"ociVersion": "1.0.0", "annotations": '
		head -c 100000 /dev/zero | tr '\0' '['
		head -c 100000 /dev/zero | tr '\0' ']'
		printf '}'
	} >"$deep"
	cp "$deep" "$BUNDLE/config.json"
	try_create 'nesting deeper than 64 levels'

	cp "$PRISTINE" "$BUNDLE/config.json"
	set_args sleep 1000
	rund -0 cr create -b "$BUNDLE" "$ID"
	rund -1 cr update -r "$deep" "$ID"
	assert_one_error_line 'nesting deeper than 64 levels'
	rund -255 cr exec -p "$deep" "$ID"
	assert_one_error_line 'nesting deeper than 64 levels'
	[ "$(status_of "$ID")" = created ]
	rund -0 cr delete --force "$ID"
	assert_nothing_left
}

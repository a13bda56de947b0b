#!/usr/bin/env bats
# cgroups on this host (v1 or hybrid): linux.resources in the cgroup files and their effect,
# pause/resume, update, events, ps, and cleanup (cli-contract §6, §7.9-§7.12, §12.4).
# cgroup v2 runs the same kind of checks in a VM: integration/vm/.

load helpers
load lifecycle_helpers

setup() {
	lc_setup
	requires_v1
	# An absolute cgroupsPath of our own: its directories are known and removed by delete.
	CGPATH="/cruntime-bats-$$-$BATS_TEST_NUMBER"
	update_config '.linux.cgroupsPath = "'"$CGPATH"'"'
	add_shared_dir
}

teardown() {
	lc_teardown
	local dir
	for dir in /sys/fs/cgroup/*"$CGPATH"; do
		[ -d "$dir" ] && fail "cgroup left behind: $dir"
	done
	return 0
}

# requires_v1: these tests read v1 files; a cgroup v2-only host is covered by the VM suite.
requires_v1() {
	[ -d /sys/fs/cgroup/memory ] && [ -d /sys/fs/cgroup/pids ] && [ -d /sys/fs/cgroup/freezer ] ||
		skip "needs cgroup v1 memory, pids and freezer hierarchies (v2 is tested in integration/vm)"
}

# cg_mount CONTROLLER: the mount point of the v1 hierarchy that has CONTROLLER.
cg_mount() {
	awk -v c="$1" '$9 == "cgroup" { n = split($NF, o, ","); for (i = 1; i <= n; i++) if (o[i] == c) { print $5; exit } }' \
		/proc/self/mountinfo
}

# cgf CONTROLLER FILE: the path of FILE in the container's cgroup of CONTROLLER.
cgf() {
	echo "$(cg_mount "$1")$CGPATH/$2"
}

# start_ct [ID]: run -d a container that writes /shared/ready and sleeps.
start_ct() {
	sleeper_args
	rund -0 cr run -d -b "$BUNDLE" "${1:-ct}"
	wait_for_file "$SHARED/ready"
}

# proc_states PID...: the one-letter states of the processes.
proc_states() {
	local pid
	for pid in "$@"; do
		awk '/^State:/ { print $2 }' "/proc/$pid/status"
	done
}

@test "linux.resources land in the v1 files and the cgroup is removed by delete" {
	update_config '.linux.resources = {
		"memory": {"limit": 67108864, "reservation": 33554432},
		"cpu": {"shares": 512, "quota": 20000, "period": 100000, "cpus": "0"},
		"pids": {"limit": 42}, "blockIO": {"weight": 300}}'
	start_ct
	[ "$(cat "$(cgf memory memory.limit_in_bytes)")" = 67108864 ]
	[ "$(cat "$(cgf memory memory.soft_limit_in_bytes)")" = 33554432 ]
	[ "$(cat "$(cgf cpu cpu.shares)")" = 512 ]
	[ "$(cat "$(cgf cpu cpu.cfs_quota_us)")" = 20000 ]
	[ "$(cat "$(cgf cpu cpu.cfs_period_us)")" = 100000 ]
	[ "$(cat "$(cgf cpuset cpuset.cpus)")" = 0 ]
	[ "$(cat "$(cgf pids pids.max)")" = 42 ]
	# CFQ's blkio.weight, or BFQ's where the kernel has that scheduler instead.
	local weight
	weight="$(cgf blkio blkio.weight)"
	[ -e "$weight" ] || weight="$(cgf blkio blkio.bfq.weight)"
	[ "$(awk '{ print $NF; exit }' "$weight")" = 300 ] || fail "$weight: $(cat "$weight")"
	# The init is in the container's cgroup of every hierarchy.
	local pid
	pid="$(pid_of ct)"
	grep -qx "$pid" "$(cgf pids cgroup.procs)"
	grep -qx "$pid" "$(cgf memory cgroup.procs)"
	# From inside: the cpuset is what the process may run on.
	rund -0 cr kill ct KILL
	wait_for_status ct stopped
	rund -0 cr delete ct
	[ ! -e "$(cg_mount pids)$CGPATH" ] || fail "pids cgroup still there"
	[ ! -e "$(cg_mount memory)$CGPATH" ] || fail "memory cgroup still there"
}

@test "pids.limit stops a fork loop inside the container" {
	update_config '.linux.resources.pids = {"limit": 8}'
	# ash exits when a fork fails, so the loop runs in a subshell the init outlives.
	set_args sh -c '(for i in $(seq 20); do sleep 100 & done) 2>/dev/null; echo x >/shared/ready; exec sleep 1000'
	rund -0 cr run -d -b "$BUNDLE" ct
	wait_for_file "$SHARED/ready"
	local count
	count="$(cr ps -f json ct | jq length)"
	[ "$count" -ge 2 ] && [ "$count" -le 8 ] || fail "expected 2..8 processes under pids.max 8, got $count"
	[ "$(cat "$(cgf pids pids.current)")" -le 8 ]
	awk '$1 == "max" { exit !($2 > 0) }' "$(cgf pids pids.events)" || fail "pids.events: $(cat "$(cgf pids pids.events)")"
}

@test "an allocation over memory.limit is OOM-killed and events reports it" {
	update_config '.linux.resources.memory = {"limit": 16777216}'
	set_args sh -c 'echo $$ >/shared/ready; sleep 1; dd if=/dev/zero of=/dev/null bs=64M count=1; echo $? >/shared/dd; exec sleep 1000'
	rund -0 cr run -d -b "$BUNDLE" ct
	wait_for_file "$SHARED/ready"
	start_bg "$BATS_TEST_TMPDIR/events" "$CRUNTIME" --root "$TEST_ROOT" events --interval 30s ct
	local events_pid="$BG_PID"
	wait_for_file "$SHARED/dd"
	[ "$(cat "$SHARED/dd")" = 137 ] || fail "dd was not killed: $(cat "$SHARED/dd")"
	local tries=100
	until grep -q '"type":"oom"' "$BATS_TEST_TMPDIR/events" || [ "$tries" -eq 0 ]; do
		sleep 0.05
		tries=$((tries - 1))
	done
	grep -qx '{"type":"oom","id":"ct"}' "$BATS_TEST_TMPDIR/events" ||
		fail "no oom event: $(cat "$BATS_TEST_TMPDIR/events")"
	head -1 "$BATS_TEST_TMPDIR/events" | jq -e '.type == "stats" and .id == "ct"'
	# events ends by itself once the container is gone.
	rund -0 cr kill ct KILL
	tries=100
	while kill -0 "$events_pid" 2>/dev/null && [ "$tries" -gt 0 ]; do
		sleep 0.05
		tries=$((tries - 1))
	done
	! kill -0 "$events_pid" 2>/dev/null || fail "events still running after the container died"
}

@test "a container runs with a 512 KiB memory limit" {
	update_config '.linux.resources.memory = {"limit": 524288}'
	run_sh -0 'cat /proc/self/cgroup >/dev/null; echo ok'
	[ "$output" = ok ]
}

@test "pause freezes every process, resume thaws them; state and list say paused" {
	set_args sh -c 'sleep 1000 & echo $$ >/shared/ready; exec sleep 1000'
	rund -0 cr run -d -b "$BUNDLE" ct
	wait_for_file "$SHARED/ready"
	local pids
	pids="$(cr ps -f json ct | jq -r '.[]')"
	[ "$(wc -w <<<"$pids")" -eq 2 ] || fail "expected 2 processes, got: $pids"
	rund -0 cr pause ct
	[ "$(status_of ct)" = paused ]
	cr list | grep -E '^ct +[0-9]+ +paused '
	[ "$(cat "$(cgf freezer freezer.state)")" = FROZEN ]
	for state in $(proc_states $pids); do
		[[ "$state" == [DT] ]] || fail "a frozen process is in state $state"
	done
	# What a paused container refuses (cli-contract §6).
	rund -1 cr pause ct
	assert_one_error_line "container not running"
	rund -1 cr delete ct
	assert_one_error_line "paused"
	rund -0 cr resume ct
	[ "$(status_of ct)" = running ]
	[ "$(cat "$(cgf freezer freezer.state)")" = THAWED ]
	for state in $(proc_states $pids); do
		[[ "$state" == S ]] || fail "a thawed sleep is in state $state"
	done
	rund -1 cr resume ct
	assert_one_error_line "container not paused"
}

@test "a paused container dies on kill KILL and delete --force removes it" {
	start_ct
	rund -0 cr pause ct
	rund -0 cr kill ct KILL
	wait_for_status ct stopped
	rund -0 cr delete ct
	start_ct ct2
	rund -0 cr pause ct2
	rund -0 cr delete --force ct2
	[ -z "$(cr list -q)" ]
}

@test "pause of a created container, start refuses while paused, resume then start runs it" {
	sleeper_args
	rund -0 cr create -b "$BUNDLE" ct
	rund -0 cr pause ct
	[ "$(status_of ct)" = paused ]
	rund -1 cr start ct
	assert_one_error_line "cannot start a container in the paused state"
	rund -0 cr resume ct
	[ "$(status_of ct)" = created ]
	rund -0 cr start ct
	wait_for_file "$SHARED/ready"
}

@test "pause, resume, update, events of a stopped or unknown container fail with one line" {
	set_args true
	rund -0 cr run --keep -b "$BUNDLE" ct
	[ "$(status_of ct)" = stopped ]
	rund -1 cr pause ct
	assert_one_error_line "container not running"
	rund -1 cr resume ct
	assert_one_error_line "container not paused"
	rund -1 cr update --memory 64m ct
	assert_one_error_line "container not running"
	rund -1 cr events --stats ct
	assert_one_error_line "container with id ct is not running"
	rund -0 cr ps -f json ct
	[ "$output" = "[]" ]
	local cmd
	for cmd in pause resume ps events update; do
		rund -1 cr "$cmd" nosuch
		assert_one_error_line 'container "nosuch" does not exist'
	done
}

@test "update flags change the cgroup files and are persisted for later updates" {
	update_config '.linux.resources = {"memory": {"limit": 67108864}, "cpu": {"quota": 20000, "period": 100000}}'
	start_ct
	rund -0 cr update --memory 128m --memory-reservation 64m --pids-limit 77 --cpu-share 256 \
		--cpu-quota 30000 --cpuset-cpus 0 --kernel-memory 1m ct
	grep -q 'level=warning msg="--kernel-memory is deprecated and ignored"' "$CRUNTIME_LOG" ||
		fail "no warning for --kernel-memory: $(cat "$CRUNTIME_LOG")"
	[ "$(cat "$(cgf memory memory.limit_in_bytes)")" = 134217728 ]
	[ "$(cat "$(cgf memory memory.soft_limit_in_bytes)")" = 67108864 ]
	[ "$(cat "$(cgf pids pids.max)")" = 77 ]
	[ "$(cat "$(cgf cpu cpu.shares)")" = 256 ]
	# A quota alone keeps the period.
	[ "$(cat "$(cgf cpu cpu.cfs_quota_us)")" = 30000 ]
	[ "$(cat "$(cgf cpu cpu.cfs_period_us)")" = 100000 ]
	[ "$(cat "$(cgf cpuset cpuset.cpus)")" = 0 ]
	rund -0 cr update --cpu-period 50000 ct
	[ "$(cat "$(cgf cpu cpu.cfs_period_us)")" = 50000 ]
	[ "$(cat "$(cgf cpu cpu.cfs_quota_us)")" = 30000 ]
	# Persisted: the container's config snapshot carries the merged resources.
	jq -e '.linux.resources.memory.limit == 134217728 and .linux.resources.pids.limit == 77 and
		.linux.resources.cpu.period == 50000 and .linux.resources.cpu.quota == 30000' \
		"$TEST_ROOT/ct/config.json"
	# -1 lifts the limit.
	rund -0 cr update --memory -1 ct
	[ "$(cat "$(cgf memory memory.limit_in_bytes)")" -gt 1000000000000 ]
}

@test "update --resources reads LinuxResources JSON from a file and from stdin" {
	start_ct
	echo '{"memory": {"limit": 100663296}, "pids": {"limit": 55}}' >"$BATS_TEST_TMPDIR/r.json"
	rund -0 cr update -r "$BATS_TEST_TMPDIR/r.json" ct
	[ "$(cat "$(cgf memory memory.limit_in_bytes)")" = 100663296 ]
	[ "$(cat "$(cgf pids pids.max)")" = 55 ]
	# With -r the other flags are ignored.
	echo '{"pids": {"limit": 66}}' | cr update --resources - --pids-limit 99 ct
	[ "$(cat "$(cgf pids pids.max)")" = 66 ]
	# Omitted fields stay as they are.
	[ "$(cat "$(cgf memory memory.limit_in_bytes)")" = 100663296 ]
	echo '{"pids": {"limit": "many"}}' >"$BATS_TEST_TMPDIR/bad.json"
	rund -1 cr update -r "$BATS_TEST_TMPDIR/bad.json" ct
	assert_one_error_line "pids.limit"
}

@test "a failed update restores the previous limits" {
	update_config '.linux.resources = {"memory": {"limit": 67108864}, "pids": {"limit": 40}}'
	start_ct
	# pids is written before cpuset (runc's order), so the bad cpuset fails after it changed.
	rund -1 cr update --pids-limit 90 --memory 96m --cpuset-cpus 999 ct
	assert_one_error_line "cpu.cpus"
	[ "$(cat "$(cgf pids pids.max)")" = 40 ]
	[ "$(cat "$(cgf memory memory.limit_in_bytes)")" = 67108864 ]
	jq -e '.linux.resources.pids.limit == 40' "$TEST_ROOT/ct/config.json"
	rund -1 cr update --memory lots ct
	assert_one_error_line "--memory"
	rund -1 cr update --l3-cache-schema L3:0=ff ct
	assert_one_error_line "Intel RDT"
}

@test "events --stats prints one stats record with runc's field names" {
	update_config '.linux.resources = {"memory": {"limit": 67108864}, "pids": {"limit": 30}}'
	start_ct
	rund -0 cr events --stats ct
	[ "$(wc -l <"$RUND_OUT")" -eq 1 ]
	jq -e '.type == "stats" and .id == "ct"' <<<"$output"
	jq -e '.data.memory.usage.limit == 67108864 and .data.memory.usage.usage > 0' <<<"$output"
	jq -e '.data.pids.current == 1 and .data.pids.limit == 30' <<<"$output"
	jq -e '.data.cpu.usage.total > 0 and (.data.cpu.usage | has("kernel") and has("user"))' <<<"$output"
	jq -e '.data.memory.raw.cache >= 0 and (.data | has("cpuset") and has("blkio") and has("hugetlb"))' <<<"$output"
	rund -1 cr events --interval 0s ct
	assert_one_error_line "--interval"
	rund -1 cr events --interval soon ct
	assert_one_error_line "--interval"
}

@test "events without --stats prints a stats record every interval" {
	start_ct
	start_bg "$BATS_TEST_TMPDIR/events" "$CRUNTIME" --root "$TEST_ROOT" events --interval 200ms ct
	local tries=100
	until [ "$(wc -l <"$BATS_TEST_TMPDIR/events")" -ge 3 ] || [ "$tries" -eq 0 ]; do
		sleep 0.05
		tries=$((tries - 1))
	done
	[ "$(wc -l <"$BATS_TEST_TMPDIR/events")" -ge 3 ] || fail "events: $(cat "$BATS_TEST_TMPDIR/events")"
	head -3 "$BATS_TEST_TMPDIR/events" | jq -se 'all(.type == "stats" and .id == "ct")'
}

@test "ps shows the container's processes only; -f json lists their host pids" {
	set_args sh -c 'sleep 1000 & echo $$ >/shared/ready; exec sleep 999'
	rund -0 cr run -d -b "$BUNDLE" ct
	wait_for_file "$SHARED/ready"
	local init
	init="$(pid_of ct)"
	rund -0 cr ps -f json ct
	jq -e --argjson init "$init" 'length == 2 and (index($init) != null)' <<<"$output"
	local json="$output"
	rund -0 cr ps ct
	[[ "$(head -1 <<<"$output")" == *PID* ]] || fail "no header: $output"
	[ "$(wc -l <<<"$output")" -eq 3 ] || fail "expected header + 2 rows: $output"
	grep -q "sleep 999" <<<"$output"
	# Any ps options; rows are matched on the PID column.
	rund -0 cr ps ct -- -o pid,args
	[ "$(tail -n +2 <<<"$output" | awk '{ print $1 }' | sort -n | jq -sc .)" = "$(jq -c 'sort' <<<"$json")" ]
	rund -1 cr ps ct -o comm
	assert_one_error_line "PID"
	rund -1 cr ps -f yaml ct
	assert_one_error_line "yaml"
}

@test "a failed create leaves no cgroup behind" {
	snapshot_host
	update_config '.linux.resources.cpu = {"cpus": "999"}'
	rund -1 cr create -b "$BUNDLE" ct
	assert_one_error_line "cpus"
	assert_nothing_left
	[ ! -e "$(cg_mount cpuset)$CGPATH" ] || fail "cpuset cgroup left behind"
	[ ! -e "$(cg_mount memory)$CGPATH" ] || fail "memory cgroup left behind"
}

@test "kill --all reaches every process of the cgroup, also without a pid namespace" {
	update_config '.linux.namespaces |= map(select(.type != "pid"))'
	set_args sh -c 'sleep 1000 & sleep 1000 & echo $$ >/shared/ready; exec sleep 1000'
	rund -0 cr run -d -b "$BUNDLE" ct
	wait_for_file "$SHARED/ready"
	local pids
	pids="$(cr ps -f json ct | jq -r '.[]')"
	[ "$(wc -w <<<"$pids")" -eq 3 ]
	rund -0 cr kill --all ct KILL
	wait_for_status ct stopped
	local pid tries=100
	for pid in $pids; do
		while kill -0 "$pid" 2>/dev/null && [ "$tries" -gt 0 ]; do
			sleep 0.05
			tries=$((tries - 1))
		done
		! kill -0 "$pid" 2>/dev/null || fail "pid $pid survived kill --all"
	done
	rund -0 cr delete ct
}

@test "device rules: a denied device gives EPERM inside, an allow rule lets it through" {
	# /dev/kmsg (c 1:11) is created in the container but not among the default allowed devices.
	update_config '.linux.devices = [{"path": "/dev/kmsg", "type": "c", "major": 1, "minor": 11,
		"fileMode": 438, "uid": 0, "gid": 0}]'
	run_sh -0 'echo cruntime-test >/dev/kmsg && echo kmsg-ok; echo x >/dev/null && echo null-ok; exit 0'
	[[ "$output" != *kmsg-ok* ]] || fail "writing /dev/kmsg was allowed: $output"
	[[ "$output" == *null-ok* ]] || fail "/dev/null is not usable: $output $stderr"
	[[ "$stderr" == *"Operation not permitted"* ]] || fail "no EPERM: $stderr"
	update_config '.linux.resources.devices += [{"allow": true, "type": "c", "major": 1, "minor": 11, "access": "w"}]'
	run_sh -0 'echo cruntime-test >/dev/kmsg && echo kmsg-ok; exit 0'
	[[ "$output" == *kmsg-ok* ]] || fail "the allow rule did not let the write through: $output $stderr"
}

#!/usr/bin/env bats
# cgroups on this host (v1 or hybrid): linux.resources in the cgroup files and their effect,
# pause/resume, update, events, ps, and cleanup (cli-contract §6, §7.9-§7.12, §12.4).
# cgroup v2 runs the same kind of checks in a VM: integration/vm/.

load helpers
load lifecycle_helpers

setup() {
	lc_setup
	requires_cgroup_v1
	# An absolute cgroupsPath of our own: its directories are known and removed by delete.
	CGPATH="/cruntime-bats-$$-$BATS_TEST_NUMBER"
	update_config '.linux.cgroupsPath = "'"$CGPATH"'"'
	add_shared_dir
}

teardown() {
	lc_teardown
	# Unset when setup skipped (no cgroup v1 here): then there is nothing of ours to look for.
	[ -n "${CGPATH:-}" ] || return 0
	local dir
	for dir in /sys/fs/cgroup/*"$CGPATH"; do
		[ -d "$dir" ] && fail "cgroup left behind: $dir"
	done
	return 0
}

# Each test needs the v1 hierarchies whose files it reads (requires_v1_controller); a host
# without cgroup v1 skips them all (the VM suite covers cgroup v2).

# cg_mount CONTROLLER: the mount point of the v1 hierarchy that has CONTROLLER.
cg_mount() {
	cgroup_v1_mount "$1"
}

# cgf CONTROLLER FILE: the path of FILE in the container's cgroup of CONTROLLER.
cgf() {
	echo "$(cg_mount "$1")$CGPATH/$2"
}

# A cpu the container may be limited to: the highest of the root cpuset's (the container's
# cgroup is a child of the root), so that on a host with several cpus it differs from the default.
one_cpu() {
	cpu_list_last "$(cat "$(cg_mount cpuset)/cpuset.cpus")"
}

# start_ct [ID]: run -d a container that writes /shared/ready and sleeps.
start_ct() {
	sleeper_args
	rund -0 cr run -d -b "$BUNDLE" "${1:-ct}"
	wait_for_file "$SHARED/ready"
}

@test "linux.resources land in the v1 files and the cgroup is removed by delete" {
	# Every knob whose hierarchy (and file) this host has; blockIO has tests of its own below.
	local res='{}' cpu=""
	host_has_v1_controller memory &&
		res="$(jq -c '.memory = {"limit": 67108864, "reservation": 33554432}' <<<"$res")"
	host_has_v1_controller cpu && res="$(jq -c '.cpu.shares = 512' <<<"$res")"
	host_has_cgroup_file cpu cpu.cfs_quota_us &&
		res="$(jq -c '.cpu.quota = 20000 | .cpu.period = 100000' <<<"$res")"
	if host_has_v1_controller cpuset; then
		cpu="$(one_cpu)"
		res="$(jq -c --arg cpu "$cpu" '.cpu.cpus = $cpu' <<<"$res")"
	fi
	host_has_v1_controller pids && res="$(jq -c '.pids.limit = 42' <<<"$res")"
	[ "$res" != '{}' ] || skip "none of the memory, cpu, cpuset and pids v1 hierarchies on this host"
	update_config ".linux.resources = $res"
	start_ct
	local pid checked=0
	pid="$(pid_of ct)"
	if host_has_v1_controller memory; then
		[ "$(cat "$(cgf memory memory.limit_in_bytes)")" = 67108864 ]
		[ "$(cat "$(cgf memory memory.soft_limit_in_bytes)")" = 33554432 ]
		grep -qx "$pid" "$(cgf memory cgroup.procs)"
		checked=$((checked + 1))
	fi
	if host_has_v1_controller cpu; then
		[ "$(cat "$(cgf cpu cpu.shares)")" = 512 ]
		if host_has_cgroup_file cpu cpu.cfs_quota_us; then
			[ "$(cat "$(cgf cpu cpu.cfs_quota_us)")" = 20000 ]
			[ "$(cat "$(cgf cpu cpu.cfs_period_us)")" = 100000 ]
		fi
		checked=$((checked + 1))
	fi
	if [ -n "$cpu" ]; then
		[ "$(cat "$(cgf cpuset cpuset.cpus)")" = "$cpu" ]
		# The cpuset is what the init may run on.
		[ "$(awk '$1 == "Cpus_allowed_list:" { print $2 }' "/proc/$pid/status")" = "$cpu" ]
		checked=$((checked + 1))
	fi
	if host_has_v1_controller pids; then
		[ "$(cat "$(cgf pids pids.max)")" = 42 ]
		grep -qx "$pid" "$(cgf pids cgroup.procs)"
		checked=$((checked + 1))
	fi
	[ "$checked" -gt 0 ]
	rund -0 cr kill ct KILL
	wait_for_status ct stopped
	rund -0 cr delete ct
	local dir
	for dir in /sys/fs/cgroup/*"$CGPATH"; do
		[ ! -e "$dir" ] || fail "$dir still there after delete"
	done
}

# blkio_weight_file: the weight file of this host's v1 blkio hierarchy: CFQ's blkio.weight (before
# Linux 5.0) or BFQ's blkio.bfq.weight (once the bfq scheduler is loaded); empty when neither.
blkio_weight_file() {
	local f
	for f in blkio.weight blkio.bfq.weight; do
		host_has_cgroup_file blkio "$f" && echo "$f" && return 0
	done
	return 0
}

# active_io_schedulers: the I/O schedulers the host's block devices use, e.g. "mq-deadline none".
active_io_schedulers() {
	sed -n 's/.*\[\(.*\)\].*/\1/p' /sys/block/*/queue/scheduler 2>/dev/null | sort -u | paste -sd ' '
}

@test "blockIO.weight lands in blkio.weight, or blkio.bfq.weight where the kernel has BFQ" {
	requires_v1_controller blkio
	local file
	file="$(blkio_weight_file)"
	[ -n "$file" ] || skip "no blkio weight file on this host (neither CFQ nor BFQ; disk schedulers in use: $(active_io_schedulers))"
	update_config '.linux.resources.blockIO = {"weight": 300}'
	start_ct
	# The last field of the first line: "300", or "default 300" where a kernel prints it so.
	[ "$(awk '{ print $NF; exit }' "$(cgf blkio "$file")")" = 300 ] || fail "$file: $(cat "$(cgf blkio "$file")")"
}

@test "blockIO.weight on a host without a blkio weight file: create fails with one line, nothing left" {
	requires_v1_controller blkio
	[ -z "$(blkio_weight_file)" ] || skip "this host has $(blkio_weight_file): the weight is checked by the test above"
	update_config '.linux.resources.blockIO = {"weight": 300}'
	snapshot_host
	rund -1 cr create -b "$BUNDLE" ct
	assert_one_error_line "linux.resources.blockIO.weight"
	assert_nothing_left
	local dir
	for dir in /sys/fs/cgroup/*"$CGPATH"; do
		[ ! -e "$dir" ] || fail "$dir left behind"
	done
}

@test "pids.limit stops a fork loop inside the container" {
	requires_v1_controller pids
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
	requires_v1_controller memory
	# Nothing to escape to where the host has swap: swappiness 0 keeps the cgroup's pages in
	# memory, and where swap is accounted (memory.memsw.*) memory+swap is capped at the limit too.
	local memory='{"limit": 16777216, "swappiness": 0}'
	host_has_cgroup_file memory memory.memsw.limit_in_bytes &&
		memory='{"limit": 16777216, "swap": 16777216, "swappiness": 0}'
	update_config ".linux.resources.memory = $memory"
	# The allocation waits for SIGUSR1, sent once events has printed its first record and so
	# has read the OOM counter it compares against (a fixed sleep races on a loaded machine).
	set_args sh -c 'trap "dd if=/dev/zero of=/dev/null bs=64M count=1; echo \$? >/shared/dd" USR1
		echo $$ >/shared/ready; while :; do sleep 0.2; done'
	rund -0 cr run -d -b "$BUNDLE" ct
	wait_for_file "$SHARED/ready"
	start_bg "$BATS_TEST_TMPDIR/events" "$CRUNTIME" --root "$TEST_ROOT" events --interval 30s ct
	local events_pid="$BG_PID"
	wait_for_file "$BATS_TEST_TMPDIR/events"
	rund -0 cr kill ct USR1
	wait_for_file "$SHARED/dd" 30
	[ "$(cat "$SHARED/dd")" = 137 ] || fail "dd was not killed: $(cat "$SHARED/dd")"
	local tries=200
	until grep -q '"type":"oom"' "$BATS_TEST_TMPDIR/events" || [ "$tries" -eq 0 ]; do
		sleep 0.05
		tries=$((tries - 1))
	done
	grep -qx '{"type":"oom","id":"ct"}' "$BATS_TEST_TMPDIR/events" ||
		fail "no oom event: $(cat "$BATS_TEST_TMPDIR/events")"
	head -1 "$BATS_TEST_TMPDIR/events" | jq -e '.type == "stats" and .id == "ct"'
	# events ends by itself once the container is gone.
	rund -0 cr kill ct KILL
	wait_for_exit "$events_pid" || fail "events still running after the container died"
}

@test "a container runs with a 512 KiB memory limit" {
	requires_v1_controller memory
	skip_if_sanitized "ASan's shadow memory and allocator take more than 512 KiB in the init"
	update_config '.linux.resources.memory = {"limit": 524288}'
	# One process, no shell forking a second one: the limit is for the runtime's init and the
	# payload, and `sh -c 'cat; echo'` alone peaked near 700 KiB of charges (page cache included),
	# which made the test an OOM-kill lottery.
	set_args cat /proc/self/cgroup
	rund -0 cr run -b "$BUNDLE" ct
	grep -q ":memory:" <<<"$output" || fail "output: $output"
}

# ticks_of: how many ticks the container's ticking processes have written so far.
ticks_of() {
	wc -l <"$SHARED/ticks" 2>/dev/null || echo 0
}

# both_ticked_after N: after its first N lines, the tick file has lines of both processes.
both_ticked_after() {
	local after
	after="$(tail -n +$(($1 + 1)) "$SHARED/ticks")"
	grep -qx init <<<"$after" && grep -qx child <<<"$after"
}

@test "pause freezes every process, resume thaws them; state and list say paused" {
	requires_v1_controller freezer
	# Two processes that keep writing: frozen, neither may write; thawed, both go on. (How /proc
	# shows a frozen task's state differs between kernels: D, or R on 6.1 without a fix.)
	set_args sh -c 'tick() { while :; do echo "$1" >>/shared/ticks; usleep 20000; done; }
		tick child & echo $$ >/shared/ready; tick init'
	rund -0 cr run -d -b "$BUNDLE" ct
	wait_for_file "$SHARED/ready"
	# The two shells (each tick also forks a short-lived usleep).
	local pid shells=0
	for pid in $(cr ps -f json ct | jq -r '.[]'); do
		[ "$(cat "/proc/$pid/comm" 2>/dev/null)" = sh ] && shells=$((shells + 1))
	done
	[ "$shells" -eq 2 ] || fail "expected 2 shells in the container, got $shells"
	rund -0 cr pause ct
	[ "$(status_of ct)" = paused ]
	cr list | grep -E '^ct +[0-9]+ +paused '
	[ "$(cat "$(cgf freezer freezer.state)")" = FROZEN ]
	local frozen
	frozen="$(ticks_of)"
	sleep 0.5
	[ "$(ticks_of)" -eq "$frozen" ] || fail "ticks went on while frozen: $frozen, then $(ticks_of)"
	# What a paused container refuses (cli-contract §6).
	rund -1 cr pause ct
	assert_one_error_line "container not running"
	rund -1 cr delete ct
	assert_one_error_line "paused"
	rund -0 cr resume ct
	[ "$(status_of ct)" = running ]
	[ "$(cat "$(cgf freezer freezer.state)")" = THAWED ]
	# Both processes tick again.
	local tries=200
	until both_ticked_after "$frozen" || [ "$tries" -eq 0 ]; do
		sleep 0.05
		tries=$((tries - 1))
	done
	both_ticked_after "$frozen" || fail "not both processes ticked after resume: $(tail -n +$((frozen + 1)) "$SHARED/ticks")"
	rund -1 cr resume ct
	assert_one_error_line "container not paused"
}

@test "a paused container dies on kill KILL and delete --force removes it" {
	requires_v1_controller freezer
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
	requires_v1_controller freezer
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
	requires_v1_controller memory pids cpu
	# CPU bandwidth (cpu.cfs_*) is a kernel option, cpuset a hierarchy the host may not mount:
	# without them, their flags are left out and the rest is checked.
	local bw=0 quota=() cpu="" cpus=()
	host_has_cgroup_file cpu cpu.cfs_quota_us && bw=1 && quota=(--cpu-quota 30000)
	if host_has_v1_controller cpuset; then
		cpu="$(one_cpu)"
		cpus=(--cpuset-cpus "$cpu")
	fi
	update_config '.linux.resources = {"memory": {"limit": 67108864}}'
	[ "$bw" = 0 ] || update_config '.linux.resources.cpu = {"quota": 20000, "period": 100000}'
	start_ct
	rund -0 cr update --memory 128m --memory-reservation 64m --pids-limit 77 --cpu-share 256 \
		"${quota[@]}" "${cpus[@]}" --kernel-memory 1m ct
	grep -q 'level=warning msg="--kernel-memory is deprecated and ignored"' "$CRUNTIME_LOG" ||
		fail "no warning for --kernel-memory: $(cat "$CRUNTIME_LOG")"
	[ "$(cat "$(cgf memory memory.limit_in_bytes)")" = 134217728 ]
	[ "$(cat "$(cgf memory memory.soft_limit_in_bytes)")" = 67108864 ]
	[ "$(cat "$(cgf pids pids.max)")" = 77 ]
	[ "$(cat "$(cgf cpu cpu.shares)")" = 256 ]
	# Persisted: the container's config snapshot carries the merged resources.
	jq -e '.linux.resources.memory.limit == 134217728 and .linux.resources.pids.limit == 77' \
		"$TEST_ROOT/ct/config.json"
	if [ -n "$cpu" ]; then
		[ "$(cat "$(cgf cpuset cpuset.cpus)")" = "$cpu" ]
		jq -e --arg cpu "$cpu" '.linux.resources.cpu.cpus == $cpu' "$TEST_ROOT/ct/config.json"
	fi
	if [ "$bw" = 1 ]; then
		# A quota alone keeps the period.
		[ "$(cat "$(cgf cpu cpu.cfs_quota_us)")" = 30000 ]
		[ "$(cat "$(cgf cpu cpu.cfs_period_us)")" = 100000 ]
		rund -0 cr update --cpu-period 50000 ct
		[ "$(cat "$(cgf cpu cpu.cfs_period_us)")" = 50000 ]
		[ "$(cat "$(cgf cpu cpu.cfs_quota_us)")" = 30000 ]
		jq -e '.linux.resources.cpu.period == 50000 and .linux.resources.cpu.quota == 30000' \
			"$TEST_ROOT/ct/config.json"
	fi
	# -1 lifts the limit.
	rund -0 cr update --memory -1 ct
	[ "$(cat "$(cgf memory memory.limit_in_bytes)")" -gt 1000000000000 ]
}

@test "update --resources reads LinuxResources JSON from a file and from stdin" {
	requires_v1_controller memory pids
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
	requires_v1_controller memory pids cpuset
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
	requires_v1_controller memory pids cpuacct
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
	local tries=300
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
	requires_v1_controller cpuset
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
	local pid
	for pid in $pids; do
		wait_for_exit "$pid" || fail "pid $pid survived kill --all"
	done
	rund -0 cr delete ct
}

@test "device rules: a denied device gives EPERM inside, an allow rule lets it through" {
	requires_v1_controller devices
	# /dev/kmsg (c 1:11) is created in the container but not among the default allowed devices.
	update_config '.linux.devices = [{"path": "/dev/kmsg", "type": "c", "major": 1, "minor": 11,
		"fileMode": 438, "uid": 0, "gid": 0}]'
	run_sh -0 'echo cruntime-test >/dev/kmsg && echo kmsg-ok; echo x >/dev/null && echo null-ok; exit 0'
	[[ "$output" != *kmsg-ok* ]] || fail "writing /dev/kmsg was allowed: $output"
	[[ "$output" == *null-ok* ]] || fail "/dev/null is not usable: $output $stderr"
	[[ "$stderr" == *"Operation not permitted"* ]] || fail "no EPERM: $stderr"
	# The container makes its own node, but writing it needs the kernel's kmsg (CONFIG_PRINTK).
	[ -c /dev/kmsg ] || skip "no /dev/kmsg (c 1:11) on this host to check the allow rule with"
	update_config '.linux.resources.devices += [{"allow": true, "type": "c", "major": 1, "minor": 11, "access": "w"}]'
	run_sh -0 'echo cruntime-test >/dev/kmsg && echo kmsg-ok; exit 0'
	[[ "$output" == *kmsg-ok* ]] || fail "the allow rule did not let the write through: $output $stderr"
}

@test "cpuset: a cgroupsPath under a parent that does not exist yet (pod/ctr) gets cpus and mems on every new level" {
	requires_v1_controller cpuset
	# Regression (issue 10): a new v1 cpuset directory starts with empty cpuset.cpus/mems and no
	# task can join it (ENOSPC) until every level created on the way has the parent's values.
	update_config '.linux.cgroupsPath = "'"$CGPATH/pod_1234/ctr"'"'
	start_ct
	local pid dir level
	pid="$(pid_of ct)"
	dir="$(cg_mount cpuset)$CGPATH"
	for level in "$dir" "$dir/pod_1234" "$dir/pod_1234/ctr"; do
		[ -n "$(cat "$level/cpuset.cpus")" ] || fail "empty cpuset.cpus in $level"
		[ -n "$(cat "$level/cpuset.mems")" ] || fail "empty cpuset.mems in $level"
	done
	grep -qx "$pid" "$dir/pod_1234/ctr/cgroup.procs"
	grep -q ":cpuset:$CGPATH/pod_1234/ctr\$" "/proc/$pid/cgroup"
	rund -0 cr kill ct KILL
	wait_for_status ct stopped
	rund -0 cr delete ct
	# delete removes the container's own cgroup; the parents stay, as runc leaves a pod's
	# cgroup to whoever manages the pod. They were made by this test's container: remove them.
	local leaf
	for leaf in /sys/fs/cgroup/*"$CGPATH/pod_1234/ctr"; do
		[ ! -e "$leaf" ] || fail "delete left the container's cgroup: $leaf"
	done
	for level in /sys/fs/cgroup/*"$CGPATH/pod_1234" /sys/fs/cgroup/*"$CGPATH"; do
		[ ! -d "$level" ] || rmdir "$level"
	done
}

#!/usr/bin/env bats
# cruntime on a real cgroup v2 host: linux.resources → the cgroup's files, and their effect seen
# from inside the container. Runs only inside the test VM (run.sh boots it; init.sh starts bats),
# where / is a tmpfs, cgroup2 is mounted alone on /sys/fs/cgroup and we are root. TCG is slow:
# keep the number of containers per test small.

load vm_helpers

setup_file() {
	grep -q '^cgroup2 /sys/fs/cgroup cgroup2 ' /proc/mounts ||
		fail "/sys/fs/cgroup is not cgroup2: this suite runs in the VM (integration/vm/run.sh)"
}

teardown_file() {
	[ -d "$CGROUP_MNT$CG_PARENT" ] && remove_cgroup "$CGROUP_MNT$CG_PARENT"
	return 0
}

setup() { vm_setup; }
teardown() { vm_teardown; }

# ---- memory ---------------------------------------------------------------------------------

@test "memory: limit, swap and reservation → memory.max, memory.swap.max (swap - limit), memory.low" {
	v2_has_file memory memory.swap.max || skip "no memory.swap.max: this kernel does not account swap"
	set_resources '{"memory": {"limit": 67108864, "swap": 100663296, "reservation": 33554432}}'
	create_ct
	assert_cg_file memory.max 67108864
	assert_cg_file memory.swap.max 33554432
	assert_cg_file memory.low 33554432
}

@test "memory: limit -1 and swap -1 → max" {
	set_resources '{"memory": {"limit": -1, "swap": -1}}'
	create_ct
	assert_cg_file memory.max max
	# Without swap accounting the swap value is a no-op (runc).
	[ ! -e "$CGDIR/memory.swap.max" ] || assert_cg_file memory.swap.max max
}

@test "memory: an allocation over memory.max is OOM-killed and memory.events counts it" {
	set_resources '{"memory": {"limit": 16777216, "swap": 16777216}}'
	mount_cgroup2
	# dd reads 64 MiB from /dev/zero into one buffer: every page of it is touched and charged.
	run_sh 'dd if=/dev/zero of=/dev/null bs=64M count=1 2>/dev/null; echo "dd=$?"
		grep oom_kill /sys/fs/cgroup/memory.events'
	[ "$status" -eq 0 ] || fail "run exited $status: $stderr"
	[[ "$output" == *"dd=137"* ]] || fail "dd was not SIGKILLed: $output"
	local kills
	kills="$(awk '$1 == "oom_kill" { print $2 }' <<<"$output")"
	[ "${kills:-0}" -gt 0 ] || fail "memory.events oom_kill is '${kills}': $output"
}

@test "memory: a container limited to 512 KiB runs true" {
	set_resources '{"memory": {"limit": 524288}}'
	set_args true
	rund cr run -b "$BUNDLE" ct
	[ "$status" -eq 0 ] || fail "run exited $status: $stderr"
}

# ---- cpu and cpuset -------------------------------------------------------------------------

@test "cpu: shares → cpu.weight (the default 1024 → the default 100), quota/period → cpu.max" {
	# runc since opencontainers/runc#4785 (and crun): a quadratic in log2(shares) through
	# (2, 1), (1024, 100) and (262144, 10000); the older linear formula gave 39 for 1024.
	# cpu.max.burst is Linux 5.14+: the burst is set and checked where the kernel has it.
	local burst=0
	v2_has_file cpu cpu.max.burst && burst=1
	set_resources '{"cpu": {"shares": 1024, "quota": 50000, "period": 100000}}'
	[ "$burst" = 0 ] || update_config '.linux.resources.cpu.burst = 10000'
	create_ct
	assert_cg_file cpu.weight 100
	assert_cg_file cpu.max "50000 100000"
	[ "$burst" = 0 ] || assert_cg_file cpu.max.burst 10000
}

@test "cpu: shares 262144 and 2 → cpu.weight 10000 and 1; quota -1 → max" {
	set_resources '{"cpu": {"shares": 262144, "quota": -1, "period": 50000}}'
	create_ct
	assert_cg_file cpu.weight 10000
	assert_cg_file cpu.max "max 50000"
	rund -0 cr delete --force ct
	# The same cgroup path again, now empty: it is reused.
	set_resources '{"cpu": {"shares": 2}}'
	create_ct
	assert_cg_file cpu.weight 1
}

@test "cpuset: cpus and mems → cpuset.cpus and cpuset.mems; the container runs on those cpus" {
	local last=$(($(nproc) - 1))
	set_resources '{"cpu": {"cpus": "'"$last"'", "mems": "0"}}'
	mount_cgroup2
	run_sh 'cat /sys/fs/cgroup/cpuset.cpus /sys/fs/cgroup/cpuset.mems; nproc
		grep Cpus_allowed_list /proc/self/status'
	[ "$status" -eq 0 ] || fail "run exited $status: $stderr"
	# Read before the container exits: run (without --keep) removes the cgroup afterwards.
	[ "${lines[0]}" = "$last" ] || fail "cpuset.cpus inside: $output"
	[ "${lines[1]}" = 0 ] || fail "cpuset.mems inside: $output"
	[ "${lines[2]}" = 1 ] || fail "nproc inside: $output"
	[[ "${lines[3]}" == *"$last" ]] || fail "Cpus_allowed_list inside: $output"
}

@test "cpuset: a create with cpus \"999\" fails and leaves no cgroup and no state behind" {
	set_resources '{"cpu": {"cpus": "999"}}'
	rund cr create -b "$BUNDLE" ct
	[ "$status" -eq 1 ] || fail "create exited $status, expected 1: $stderr"
	[[ "$stderr" == *"cpuset.cpus"* ]] || fail "stderr does not name cpuset.cpus: $stderr"
	[ ! -e "$CGDIR" ] || fail "cgroup $CGDIR left behind"
	[ -z "$(state_entries "$TEST_ROOT")" ] || fail "state left behind: $(state_entries "$TEST_ROOT")"
}

# ---- pids -----------------------------------------------------------------------------------

@test "pids: limit → pids.max, and forking stops at the limit" {
	set_resources '{"pids": {"limit": 10}}'
	mount_cgroup2
	# 20 background sleeps; the ones over the limit fail to fork (EAGAIN) and the loop goes on.
	# 20 background sleeps in a subshell; the forks over the limit fail with EAGAIN. Builtins
	# only afterwards, so reading the files forks nothing.
	run_sh '( i=0; while [ $i -lt 20 ]; do sleep 1000 & i=$((i + 1)); done ) 2>/dev/null
		read max </sys/fs/cgroup/pids.max; read cur </sys/fs/cgroup/pids.current
		echo "max=$max current=$cur"
		while read key value; do [ "$key" = max ] && echo "refused=$value"; done </sys/fs/cgroup/pids.events'
	[ "$status" -eq 0 ] || fail "run exited $status: $output $stderr"
	[ "${lines[0]%% *}" = max=10 ] || fail "pids.max inside: $output"
	# The shell and the sleeps that got a pid: 9, or 10 if the subshell is still counted.
	local current="${lines[0]##*current=}"
	[ "$current" -ge 9 ] && [ "$current" -le 10 ] || fail "pids.current inside: $output"
	[ "${lines[1]#refused=}" -gt 0 ] || fail "pids.events max: $output"
}

# ---- io and unified -------------------------------------------------------------------------

@test "blockIO: weight → io.bfq.weight, or io.weight (converted) without BFQ" {
	# Decided before create: with neither file the runtime refuses the weight (runc).
	local file
	if v2_has_file io io.bfq.weight; then
		file=io.bfq.weight
	elif v2_has_file io io.weight; then
		file=io.weight
	else
		skip "neither io.bfq.weight nor io.weight in this kernel"
	fi
	set_resources '{"blockIO": {"weight": 500}}'
	create_ct
	if [ "$file" = io.bfq.weight ]; then
		assert_cg_file io.bfq.weight "default 500"
	else
		# runc: 1 + (weight - 10) * 9999 / 990
		assert_cg_file io.weight "default 4950"
	fi
}

@test "unified: every key is written to the file it names" {
	set_resources '{"unified": {"pids.max": "42", "memory.high": "33554432"}}'
	create_ct
	assert_cg_file pids.max 42
	assert_cg_file memory.high 33554432
}

@test "unified: a key naming no file fails create and leaves no cgroup behind" {
	set_resources '{"unified": {"memory.no_such_file": "1"}}'
	rund cr create -b "$BUNDLE" ct
	[ "$status" -eq 1 ] || fail "create exited $status, expected 1: $stderr"
	[ ! -e "$CGDIR" ] || fail "cgroup $CGDIR left behind"
}

@test "hugepageLimits: the 2MB limit → hugetlb.2MB.max" {
	[ -e "$CGROUP_MNT/cgroup.controllers" ] && grep -qw hugetlb "$CGROUP_MNT/cgroup.controllers" ||
		skip "no hugetlb controller"
	set_resources '{"hugepageLimits": [{"pageSize": "2MB", "limit": 4194304}]}'
	create_ct
	assert_cg_file hugetlb.2MB.max 4194304
}

# ---- cgroup path and namespace --------------------------------------------------------------

@test "cgroupsPath: without one, the cgroup is cruntime/<id> below the runtime's parent cgroup" {
	update_config 'del(.linux.cgroupsPath)'
	create_ct ct-default
	# Our shell is in the root cgroup, whose parent is itself.
	local dir="$CGROUP_MNT/cruntime/ct-default"
	[ -d "$dir" ] || fail "no cgroup $dir"
	local pid
	pid="$(cr state ct-default | jq -r .pid)"
	grep -qx "$pid" "$dir/cgroup.procs" || fail "init $pid not in $dir/cgroup.procs"
	rund -0 cr delete --force ct-default
	[ ! -e "$dir" ] || fail "delete left $dir behind"
	rmdir "$CGROUP_MNT/cruntime" 2>/dev/null || true
}

@test "cgroup namespace: the container sees its cgroup as / and a cgroup2 mount shows its files" {
	set_resources '{"pids": {"limit": 77}}'
	mount_cgroup2
	run_sh 'cat /proc/self/cgroup; cat /sys/fs/cgroup/pids.max'
	[ "$status" -eq 0 ] || fail "run exited $status: $stderr"
	[ "${lines[0]}" = "0::/" ] || fail "/proc/self/cgroup inside: $output"
	[ "${lines[1]}" = 77 ] || fail "pids.max inside: $output"
}

@test "cgroup namespace: the spec's mount of type cgroup is a cgroup2 mount of the container's cgroup" {
	set_resources '{"pids": {"limit": 78}}'
	run_sh 'cat /sys/fs/cgroup/pids.max; grep " /sys/fs/cgroup " /proc/self/mounts'
	[ "$status" -eq 0 ] || fail "run exited $status: $stderr"
	[ "${lines[0]}" = 78 ] || fail "pids.max inside: $output"
	[[ "${lines[1]}" == *" /sys/fs/cgroup cgroup2 ro,"* ]] || fail "mount inside: $output"
}

@test "no cgroup namespace: the spec's mount of type cgroup binds the container's own cgroup" {
	set_resources '{"pids": {"limit": 79}}'
	update_config '.linux.namespaces = [.linux.namespaces[] | select(.type != "cgroup")]'
	run_sh 'cat /sys/fs/cgroup/pids.max; ls /sys/fs/cgroup | grep -c cruntime-test; grep " /sys/fs/cgroup " /proc/self/mounts'
	[ "$status" -eq 0 ] || [ "$status" -eq 1 ] || fail "run exited $status: $stderr"
	[ "${lines[0]}" = 79 ] || fail "pids.max inside: $output"
	[ "${lines[1]}" = 0 ] || fail "the host's hierarchy is visible inside: $output"
	[[ "${lines[2]}" == *" /sys/fs/cgroup cgroup2 ro,"* ]] || fail "mount inside: $output"
}

# userns_with_cgroup_mount RW|RO: a new user namespace (0 → 100000), its cgroup namespace, and the
# spec's cgroup mount read-write or read-only.
userns_with_cgroup_mount() {
	local keep='map(select(. != "ro" and . != "rw")) + ["'"$1"'"]'
	update_config '.linux.namespaces += [{"type": "user"}]
		| .linux.uidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}]
		| .linux.gidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}]
		| (.mounts[] | select(.type == "cgroup") | .options) |= ('"$keep"')'
}

@test "user + cgroup namespaces with a rw cgroup mount: the cgroup is delegated to the container's root" {
	userns_with_cgroup_mount rw
	run_detached 'mkdir /sys/fs/cgroup/sub && exec sleep 1000'
	[ "$(stat -c %u:%g "$CGDIR")" = 100000:100000 ] || fail "owner of $CGDIR: $(stat -c %u:%g "$CGDIR")"
	[ "$(stat -c %u "$CGDIR/cgroup.procs")" = 100000 ]
	[ "$(stat -c %u "$CGDIR/cgroup.subtree_control")" = 100000 ]
	[ "$(stat -c %u "$CGDIR/memory.max")" = 0 ] || fail "memory.max must stay the host's"
	# The container's root made a sub-cgroup of its own; delete removes it with the rest.
	wait_until 10 test -d "$CGDIR/sub" || fail "no sub-cgroup made inside"
	rund -0 cr delete --force ct
	[ ! -e "$CGDIR" ] || fail "delete left $CGDIR behind"
}

@test "user + cgroup namespaces with a read-only cgroup mount: the cgroup stays the host's" {
	userns_with_cgroup_mount ro
	run_detached 'exec sleep 1000'
	[ "$(stat -c %u "$CGDIR")" = 0 ] || fail "owner of $CGDIR: $(stat -c %u "$CGDIR")"
	[ "$(stat -c %u "$CGDIR/cgroup.procs")" = 0 ]
}

@test "processes: init and its children are in the container's cgroup" {
	run_detached 'sleep 1000 & sleep 1000 & exec sleep 1000'
	wait_until 10 cg_procs_are 3
	local pid
	pid="$(cr state ct | jq -r .pid)"
	grep -qx "$pid" "$CGDIR/cgroup.procs" || fail "init $pid not in $CGDIR/cgroup.procs"
	grep -qx "0::$CG" "/proc/$pid/cgroup" || fail "/proc/$pid/cgroup: $(cat "/proc/$pid/cgroup")"
}

# ---- kill --all, delete ---------------------------------------------------------------------

@test "kill --all: every process of a container without its own pid namespace gets the signal" {
	no_pid_namespace
	run_detached 'sleep 1000 & sleep 1000 & exec sleep 1000'
	wait_until 10 cg_procs_are 3
	rund -0 cr kill --all ct KILL
	wait_until 10 cg_procs_are 0
	wait_until 10 status_is ct stopped
	rund -0 cr delete ct
	[ ! -e "$CGDIR" ] || fail "delete left $CGDIR behind"
}

@test "delete --force: a running container without its own pid namespace leaves no process or cgroup" {
	no_pid_namespace
	run_detached 'sleep 1000 & sleep 1000 & exec sleep 1000'
	wait_until 10 cg_procs_are 3
	local pids
	pids="$(procs_of "$CGDIR")"
	rund -0 cr delete --force ct
	[ ! -e "$CGDIR" ] || fail "delete --force left $CGDIR behind"
	local pid
	for pid in $pids; do
		[ ! -e "/proc/$pid" ] || [ "$(awk '{ print $3 }' "/proc/$pid/stat")" = Z ] ||
			fail "process $pid survived: $(tr '\0' ' ' <"/proc/$pid/cmdline")"
	done
}

@test "delete: a stopped container's cgroup is removed" {
	set_args true
	create_ct
	[ -d "$CGDIR" ] || fail "create made no cgroup $CGDIR"
	rund -0 cr start ct
	wait_until 10 status_is ct stopped
	[ -d "$CGDIR" ] || fail "the cgroup went away before delete"
	rund -0 cr delete ct
	[ ! -e "$CGDIR" ] || fail "delete left $CGDIR behind"
}

# A create killed at its Nth mkdir or clone3 (strace's fault injection, swept until it completes):
# half-way through making the cgroup, and with the cgroup whole but no init yet. The cgroup is
# recorded before it is made, so `state` and `delete --force` work and delete removes it
# (integration/fault.bats does this at many more steps on the host).
@test "create killed at each cgroup step: state works, delete --force removes the cgroup" {
	command -v strace >/dev/null || skip "no strace in this VM image"
	local syscall n kills=0 rc
	for syscall in mkdir clone3; do
		for ((n = 1; n < 100; n++)); do
			rc=0
			strace -o /dev/null -e trace="$syscall" -e inject="$syscall:signal=KILL:when=$n" \
				"$CRUNTIME" --root "$TEST_ROOT" --log "$CRUNTIME_LOG" create -b "$BUNDLE" ct \
				</dev/null >/dev/null 2>&1 || rc=$?
			[ "$rc" -eq 137 ] || break
			kills=$((kills + 1))
			rund cr state ct
			[ "$status" -eq 0 ] || [[ "$stderr" == *"does not exist"* ]] ||
				fail "$syscall $n: state: $stderr" || return 1
			[ "$status" -ne 0 ] || [ "$(jq -r .status <<<"$output")" = stopped ] ||
				fail "$syscall $n: state: $output" || return 1
			rund -0 cr delete --force ct
			[ ! -e "$CGDIR" ] || fail "$syscall $n: delete --force left $CGDIR behind" || return 1
			[ -z "$(state_entries "$TEST_ROOT")" ] || fail "$syscall $n: state left behind" || return 1
		done
		[ "$rc" -eq 0 ] || fail "create failed undisturbed ($rc)" || return 1
		rund -0 cr delete --force ct
	done
	[ "$kills" -gt 0 ] || fail "create was never killed"
}

# ---- devices --------------------------------------------------------------------------------

# The rules of the spec come first and runc's default allowed devices (null, zero, full, tty,
# random, urandom, pts, ptmx, tun) last, so those stay usable whatever the spec says; a denied
# device is therefore one outside that list, here /dev/kmsg (c 1:11), as in runc's dev.bats.

# add_kmsg: the device node /dev/kmsg in the container (linux.devices), writable by root.
add_kmsg() {
	update_config '.linux.devices += [{"path": "/dev/kmsg", "type": "c", "major": 1, "minor": 11,
		"fileMode": 438, "uid": 0, "gid": 0}]'
}

@test "devices: writing a device the rules deny fails with EPERM; the default devices still work" {
	add_kmsg
	run_sh 'cat /dev/null && echo null-read-ok; echo x >/dev/null && echo null-write-ok
		echo cruntime-vm-test >/dev/kmsg && echo kmsg-write-ok; exit 0'
	[ "$status" -eq 0 ] || fail "run exited $status: $stderr"
	[[ "$output" == *null-read-ok*null-write-ok* ]] || fail "/dev/null is not usable: $output $stderr"
	[[ "$output" != *kmsg-write-ok* ]] || fail "writing /dev/kmsg succeeded: $output"
	[[ "$stderr" == *"Operation not permitted"* ]] || fail "no EPERM: $stderr"
}

@test "devices: an allow rule for the device lets the write through" {
	add_kmsg
	update_config '.linux.resources.devices += [{"allow": true, "type": "c", "major": 1,
		"minor": 11, "access": "w"}]'
	run_sh 'echo cruntime-vm-test >/dev/kmsg && echo kmsg-write-ok; exit 0'
	[ "$status" -eq 0 ] || fail "run exited $status: $stderr"
	[[ "$output" == *kmsg-write-ok* ]] || fail "writing /dev/kmsg failed: $output $stderr"
}

# ---- pause, resume, update, events, ps ------------------------------------------------------

# pause_ct_started: a detached container with two sleeping processes, both in its cgroup.
start_two_sleeps() {
	run_detached 'sleep 1000 & exec sleep 1000'
	wait_until 10 cg_procs_are 2 || fail "the container's processes did not show up"
}

# cpu_usage_above N: the test cgroup's cpu.stat usage_usec is above N.
cpu_usage_above() {
	[ "$(cg_key cpu.stat usage_usec)" -gt "$1" ]
}

@test "pause freezes the cgroup (cgroup.freeze, cgroup.events frozen 1), resume thaws it" {
	run_detached 'while :; do :; done'
	wait_until 10 cg_procs_are 1 || fail "no process in the cgroup"
	rund -0 cr pause ct
	status_is ct paused || fail "status after pause: $(status_of ct)"
	assert_cg_file cgroup.freeze 1
	[ "$(cg_key cgroup.events frozen)" = 1 ] || fail "cgroup.events: $(cg_file cgroup.events)"
	cr list | grep -E '^ct +[0-9]+ +paused ' || fail "list: $(cr list)"
	# A frozen busy loop uses no CPU.
	local before after
	before="$(cg_key cpu.stat usage_usec)"
	sleep 0.5
	after="$(cg_key cpu.stat usage_usec)"
	[ "$before" = "$after" ] || fail "cpu usage grew from $before to $after while frozen"
	rund -1 cr pause ct
	[[ "$stderr" == *"container not running"* ]] || fail "pause twice: $stderr"
	rund -0 cr resume ct
	status_is ct running || fail "status after resume: $(status_of ct)"
	assert_cg_file cgroup.freeze 0
	[ "$(cg_key cgroup.events frozen)" = 0 ]
	# Polled: under TCG on a loaded host the thawed loop may wait a while for a vCPU.
	wait_until 10 cpu_usage_above "$before" || fail "cpu usage did not grow after resume"
	rund -1 cr resume ct
	[[ "$stderr" == *"container not paused"* ]] || fail "resume twice: $stderr"
	# A paused container dies on SIGKILL and delete --force removes its cgroup.
	rund -0 cr pause ct
	rund -0 cr delete --force ct
	[ ! -d "$CGDIR" ] || fail "$CGDIR still exists"
}

@test "update changes the v2 files, keeps what it does not name, and rolls back a failure" {
	set_resources '{"memory": {"limit": 67108864}, "cpu": {"quota": 20000, "period": 100000}, "pids": {"limit": 40}}'
	# --memory-swap needs swap accounting (memory.swap.max); without it the rest is checked.
	local swap=()
	v2_has_file memory memory.swap.max && swap=(--memory-swap 256m)
	start_two_sleeps
	rund -0 cr update --memory 128m "${swap[@]}" --pids-limit 50 --cpu-share 1024 --cpu-quota 30000 ct
	assert_cg_file memory.max 134217728
	[ "${#swap[@]}" -eq 0 ] || assert_cg_file memory.swap.max 134217728
	assert_cg_file pids.max 50
	assert_cg_file cpu.weight 100
	assert_cg_file cpu.max "30000 100000"
	echo '{"unified": {"memory.high": "104857600"}, "pids": {"limit": 60}}' | cr update -r - ct
	assert_cg_file memory.high 104857600
	assert_cg_file pids.max 60
	assert_cg_file memory.max 134217728
	rund -1 cr update --pids-limit 70 --cpuset-cpus 99 ct
	[[ "$stderr" == *"cpu.cpus"* ]] || fail "update error: $stderr"
	assert_cg_file pids.max 60
	rund -0 cr update --memory -1 ct
	assert_cg_file memory.max max
}

@test "events --stats reads the v2 files; events reports an OOM kill" {
	set_resources '{"memory": {"limit": 16777216, "swap": 16777216}, "pids": {"limit": 20}}'
	# The allocation waits for SIGUSR1, sent once events has printed its first record (and so
	# has read the OOM counter it compares against): TCG is too slow for a fixed sleep.
	run_detached 'trap "dd if=/dev/zero of=/dev/null bs=64M count=1" USR1; while :; do sleep 0.2; done'
	status_is ct running || fail "status: $(status_of ct)"
	rund -0 cr events --stats ct
	jq -e '.type == "stats" and .id == "ct" and .data.memory.usage.limit == 16777216
		and .data.pids.current >= 1 and .data.pids.limit == 20 and .data.cpu.usage.total > 0' \
		<<<"$output" || fail "stats: $output"
	local events="$BATS_TEST_TMPDIR/events"
	cr events --interval 60s ct >"$events" 2>&1 &
	local events_pid=$!
	wait_until 30 grep -q '"type":"stats"' "$events" || fail "no stats record: $(cat "$events")"
	rund -0 cr kill ct USR1
	wait_until 30 grep -q '"type":"oom"' "$events" || fail "no oom event: $(cat "$events")"
	grep -qx '{"type":"oom","id":"ct"}' "$events"
	rund -0 cr kill ct KILL
	wait_until 10 eval '! kill -0 '"$events_pid"' 2>/dev/null' || { kill "$events_pid"; fail "events did not end"; }
	wait "$events_pid" || true
}

@test "ps lists the container's processes; -f json gives the pids of cgroup.procs" {
	start_two_sleeps
	rund -0 cr ps -f json ct
	[ "$(jq -c 'sort' <<<"$output")" = "$(procs_of "$CGDIR" | sort -n | jq -sc .)" ] ||
		fail "ps json $output vs cgroup.procs $(procs_of "$CGDIR")"
	rund -0 cr ps ct -- -o pid,args
	[ "$(wc -l <<<"$output")" -eq 3 ] || fail "expected header + 2 rows: $output"
	[ "$(grep -c 'sleep 1000' <<<"$output")" -eq 2 ] || fail "ps: $output"
}

# ---- exec -----------------------------------------------------------------------------------

@test "exec: the process is born in the container's cgroup (CLONE_INTO_CGROUP) and sees it as /" {
	run_detached 'exec sleep 1000'
	wait_until 10 cg_procs_are 1
	rund -0 cr exec -d --pid-file "$BATS_TEST_TMPDIR/exec.pid" ct sleep 1000
	local pid
	pid="$(cat "$BATS_TEST_TMPDIR/exec.pid")"
	grep -qx "$pid" "$CGDIR/cgroup.procs" || fail "exec'd $pid not in $CGDIR/cgroup.procs"
	rund -0 cr exec ct cat /proc/self/cgroup
	[ "$output" = "0::/" ] || fail "inside: $output"
	rund -0 cr ps -f json ct
	[ "$(jq -c 'sort' <<<"$output")" = "$(procs_of "$CGDIR" | sort -n | jq -sc .)" ]
}

@test "exec --cgroup: a sub-cgroup of the container's; ../ and controllers are refused on v2" {
	run_detached 'exec sleep 1000'
	wait_until 10 cg_procs_are 1
	mkdir "$CGDIR/sub"
	rund -0 cr exec -d --pid-file "$BATS_TEST_TMPDIR/exec.pid" --cgroup sub ct sleep 1000
	grep -qx "$(cat "$BATS_TEST_TMPDIR/exec.pid")" "$CGDIR/sub/cgroup.procs" ||
		fail "not in $CGDIR/sub: $(cat "$CGDIR/sub/cgroup.procs")"
	rund -255 cr exec --cgroup ../x ct true
	rund -255 cr exec --cgroup pids:sub ct true
	[[ "$stderr" == *"--cgroup"* ]] || fail "$stderr"
}

@test "exec: a container cgroup that takes no processes falls back to the init's cgroup; --cgroup / does not" {
	run_detached 'exec sleep 1000'
	wait_until 10 cg_procs_are 1
	local init
	init="$(cr state ct | jq -r .pid)"
	# What a container that delegates to its children does: processes down in a leaf, controllers on.
	mkdir "$CGDIR/leaf"
	echo "$init" >"$CGDIR/leaf/cgroup.procs"
	echo +pids >"$CGDIR/cgroup.subtree_control"
	rund -0 cr exec -d --pid-file "$BATS_TEST_TMPDIR/exec.pid" ct sleep 1000
	grep -qx "$(cat "$BATS_TEST_TMPDIR/exec.pid")" "$CGDIR/leaf/cgroup.procs" ||
		fail "not in the init's cgroup: $(cat "$CGDIR/leaf/cgroup.procs")"
	rund -255 cr exec --cgroup / ct true
	[[ "$stderr" == *"Device or resource busy"* ]] || fail "$stderr"
}

# ---- cruntime check ---------------------------------------------------------------------------

@test "check --format json: cgroup v2, the controllers where containers go, delegated to root" {
	local out own parent
	out="$("$CRUNTIME" --root "$TEST_ROOT" check --format json)" || fail "check exited $?: $out"
	cval() {
		jq -r --arg n "$1" --arg f "${2:-value}" \
			'.checks[] | select(.name == $n) | .[$f] | if type == "array" then join(" ") else tostring end' <<<"$out"
	}
	[ "$(cval cgroup.mode)" = v2 ] || fail "cgroup.mode is '$(cval cgroup.mode)': $(cval cgroup.mode reason)"
	[ "$(cval cgroup.mode status)" = ok ]
	# The cgroup containers go below: the parent of our own (make_manager, relative paths).
	own="$(awk -F: '$1 == 0 { print $3 }' /proc/self/cgroup)"
	parent="$(dirname "$own")"
	[ "$parent" = / ] && parent=""
	[ "$(cval cgroup.controllers)" = "$(cat "$CGROUP_MNT$parent/cgroup.controllers")" ] ||
		fail "controllers '$(cval cgroup.controllers)', $CGROUP_MNT$parent: $(cat "$CGROUP_MNT$parent/cgroup.controllers")"
	[ "$(cval cgroup.subtree_control)" = "$(cat "$CGROUP_MNT$parent/cgroup.subtree_control")" ]
	[ "$(cval cgroup.delegation)" = yes ]
	jq -e '.canRun == true and .blockers == []' <<<"$out" >/dev/null ||
		fail "cannot run: $(jq -c .blockers <<<"$out")"
	[ -z "$(ls -A "$TEST_ROOT")" ] || fail "check left state: $(ls -A "$TEST_ROOT")"
}

#!/usr/bin/env bats
# The systemd cgroup driver (--systemd-cgroup) on a systemd host with cgroup v2: the container's
# cgroup is a transient scope that systemd made over D-Bus, with the resources as unit properties
# and in the cgroup files; update, pause/resume, ps, kill --all and events work on it; delete and
# a failed create leave no unit; podman and containerd drive it. Runs only inside the system VM
# (integration/sysvm/run.sh).

load sysvm_helpers

setup_file() { sysvm_setup_file; }

# Per test: the container's cgroupsPath in systemd's form, its unit, and its cgroup directory
# (CG/CGDIR, which vm_teardown checks is gone).
setup() {
	vm_setup
	SLICE=system.slice
	UNIT="cruntime-test-t$BATS_TEST_NUMBER.scope"
	use_cgroups_path "$SLICE:cruntime-test:t$BATS_TEST_NUMBER"
}

teardown() {
	local rc=0
	vm_teardown || rc=1
	# The unit must be gone from systemd too, not only its directory.
	if unit_loaded "$UNIT"; then
		echo "teardown: unit $UNIT left behind: $(systemctl list-units --all --no-legend --plain "$UNIT")" >&2
		systemctl stop "$UNIT" 2>/dev/null
		systemctl reset-failed "$UNIT" 2>/dev/null
		rc=1
	fi
	return "$rc"
}

# use_cgroups_path PATH: linux.cgroupsPath = PATH ("slice:prefix:name"), and CG/CGDIR where
# systemd puts its scope (SLICE and UNIT must match PATH).
use_cgroups_path() {
	update_config '.linux.cgroupsPath = "'"$1"'"'
	CG="$(slice_dir "$SLICE")/$UNIT"
	CGDIR="$CGROUP_MNT$CG"
}

# slice_dir SLICE: where systemd puts SLICE: a-b.slice is /a.slice/a-b.slice.
slice_dir() {
	local stem="${1%.slice}" path="" prefix="" part
	local IFS=-
	for part in $stem; do
		path+="/$prefix$part.slice"
		prefix+="$part-"
	done
	echo "$path"
}

# crs ARGS...: cruntime with --systemd-cgroup (conmon and the containerd shim pass it to create
# and run; the other commands find the driver in the container's state).
crs() { cr --systemd-cgroup "$@"; }

# unit_loaded UNIT: systemd still lists UNIT (any state).
unit_loaded() {
	[ -n "$(systemctl list-units --all --no-legend --plain "$1" 2>/dev/null)" ]
}

# unit_prop UNIT PROPERTY: the value systemctl shows for PROPERTY of UNIT.
unit_prop() {
	systemctl show -P "$2" "$1"
}

# assert_unit_prop UNIT PROPERTY EXPECTED
assert_unit_prop() {
	local got
	got="$(unit_prop "$1" "$2")"
	[ "$got" = "$3" ] || fail "$1 $2 is '$got', expected '$3'"
}

# start_ct [SCRIPT]: `run -d` of a container that sleeps (or runs SCRIPT), through the driver.
start_ct() {
	set_args sh -c "${1:-exec sleep 1000}"
	rund -0 crs run -d -b "$BUNDLE" ct
	wait_until 10 status_is ct running
}

# inside FILE: FILE of the container's cgroup as the container sees it (cgroup namespace).
inside() {
	rund -0 cr exec ct cat "/sys/fs/cgroup/$1"
	echo "$output"
}

@test "the container's cgroup is a transient scope with the resources as its properties" {
	set_resources '{"memory": {"limit": 67108864, "reservation": 33554432, "swap": 100663296},
		"cpu": {"shares": 512, "quota": 50000, "period": 100000, "cpus": "0"},
		"pids": {"limit": 42}, "blockIO": {"weight": 500}}'
	start_ct
	local pid
	pid="$(cr state ct | jq -r .pid)"
	# The unit systemd made: where the init is, in the slice, delegated, not bound to shutdown.
	assert_unit_prop "$UNIT" ActiveState active
	assert_unit_prop "$UNIT" ControlGroup "$CG"
	assert_unit_prop "$UNIT" Slice "$SLICE"
	assert_unit_prop "$UNIT" Delegate yes
	assert_unit_prop "$UNIT" DefaultDependencies no
	assert_unit_prop "$UNIT" Description "cruntime container ct"
	[ "$(cat "/proc/$pid/cgroup")" = "0::$CG" ] || fail "init's cgroup: $(cat "/proc/$pid/cgroup")"
	[ "$(jq -r .systemdUnit "$TEST_ROOT/ct/state.json")" = "$UNIT" ] || fail "state.json: $(cat "$TEST_ROOT/ct/state.json")"
	# The resources, as systemd has them ...
	assert_unit_prop "$UNIT" MemoryMax 67108864
	assert_unit_prop "$UNIT" MemoryLow 33554432
	assert_unit_prop "$UNIT" MemorySwapMax 33554432
	assert_unit_prop "$UNIT" TasksMax 42
	assert_unit_prop "$UNIT" CPUWeight 59
	assert_unit_prop "$UNIT" CPUQuotaPerSecUSec 500ms
	assert_unit_prop "$UNIT" CPUQuotaPeriodUSec 100ms
	assert_unit_prop "$UNIT" AllowedCPUs 0
	assert_unit_prop "$UNIT" IOWeight 4950
	# ... and as the container reads them from its own cgroup (its cgroup namespace's root).
	rund -0 cr exec ct cat /proc/self/cgroup
	[ "$output" = "0::/" ] || fail "exec's cgroup inside: $output"
	[ "$(inside memory.max)" = 67108864 ] || fail "memory.max inside: $output"
	[ "$(inside memory.low)" = 33554432 ] || fail "memory.low inside: $output"
	[ "$(inside memory.swap.max)" = 33554432 ] || fail "memory.swap.max inside: $output"
	[ "$(inside pids.max)" = 42 ] || fail "pids.max inside: $output"
	[ "$(inside cpu.weight)" = 59 ] || fail "cpu.weight inside: $output"
	[ "$(inside cpu.max)" = "50000 100000" ] || fail "cpu.max inside: $output"
	[ "$(inside cpuset.cpus)" = 0 ] || fail "cpuset.cpus inside: $output"
	[[ "$(inside io.weight)" == "default 4950"* ]] || fail "io.weight inside: $output"
}

@test "the device rules are the eBPF filter on the scope, as on cgroupfs" {
	# /dev/kmsg (c 1:11) is outside the default allowed devices (as in ../vm/cgroup2.bats).
	update_config '.linux.devices += [{"path": "/dev/kmsg", "type": "c", "major": 1, "minor": 11,
		"fileMode": 438, "uid": 0, "gid": 0}]'
	start_ct
	rund -0 cr exec ct sh -c 'echo x >/dev/null && echo null-ok'
	[ "$output" = null-ok ] || fail "/dev/null: $output $stderr"
	rund -1 cr exec ct sh -c 'echo cruntime-sysvm-test >/dev/kmsg'
	[[ "$stderr" == *"Operation not permitted"* ]] || fail "no EPERM writing /dev/kmsg: $stderr"
	# systemd realizes the unit again on a reload; it must leave our filter alone.
	systemctl daemon-reload
	rund -1 cr exec ct sh -c 'echo cruntime-sysvm-test >/dev/kmsg'
	[[ "$stderr" == *"Operation not permitted"* ]] || fail "no EPERM after daemon-reload: $stderr"
	rund -0 cr exec ct sh -c 'echo x >/dev/null && echo null-ok'
}

@test "a CPU quota that is no whole percentage is rounded up, in the unit and the file alike" {
	set_resources '{"cpu": {"quota": 12345, "period": 100000}}'
	start_ct
	assert_unit_prop "$UNIT" CPUQuotaPerSecUSec 130ms
	assert_cg_file cpu.max "13000 100000"
}

@test "update sets the unit's properties and the files; a later daemon-reload keeps them" {
	set_resources '{"memory": {"limit": 67108864}, "cpu": {"quota": 20000, "period": 100000}, "pids": {"limit": 40}}'
	start_ct
	# update is called without --systemd-cgroup, as podman and containerd call it.
	rund -0 cr update --memory 128m --pids-limit 50 --cpu-share 1024 --cpu-quota 30000 --cpuset-cpus 1 ct
	assert_unit_prop "$UNIT" MemoryMax 134217728
	assert_unit_prop "$UNIT" TasksMax 50
	assert_unit_prop "$UNIT" CPUWeight 100
	assert_unit_prop "$UNIT" CPUQuotaPerSecUSec 300ms
	assert_unit_prop "$UNIT" AllowedCPUs 1
	assert_cg_file memory.max 134217728
	assert_cg_file pids.max 50
	assert_cg_file cpu.weight 100
	assert_cg_file cpu.max "30000 100000"
	assert_cg_file cpuset.cpus 1
	# systemd writes its properties to the files again on a reload: they must agree.
	systemctl daemon-reload
	assert_cg_file memory.max 134217728
	assert_cg_file pids.max 50
	assert_cg_file cpu.max "30000 100000"
	# A refused update changes neither.
	rund -1 cr update --pids-limit 70 --cpuset-cpus 99 ct
	[[ "$stderr" == *"cpu.cpus"* ]] || fail "update error: $stderr"
	assert_unit_prop "$UNIT" TasksMax 50
	assert_cg_file pids.max 50
}

@test "pause/resume, ps, kill --all and events --stats work on the scope" {
	set_resources '{"memory": {"limit": 67108864}, "pids": {"limit": 20}}'
	start_ct 'sleep 1000 & exec sleep 1000'
	wait_until 10 cg_procs_are 2
	rund -0 cr ps -f json ct
	[ "$(jq -c 'sort' <<<"$output")" = "$(procs_of "$CGDIR" | sort -n | jq -sc .)" ] ||
		fail "ps json $output vs cgroup.procs $(procs_of "$CGDIR")"
	rund -0 cr pause ct
	status_is ct paused || fail "status after pause: $(status_of ct)"
	assert_cg_file cgroup.freeze 1
	[ "$(cg_key cgroup.events frozen)" = 1 ] || fail "cgroup.events: $(cg_file cgroup.events)"
	rund -0 cr resume ct
	status_is ct running || fail "status after resume: $(status_of ct)"
	assert_cg_file cgroup.freeze 0
	rund -0 cr events --stats ct
	jq -e '.type == "stats" and .id == "ct" and .data.memory.usage.limit == 67108864
		and .data.pids.current == 2 and .data.pids.limit == 20' <<<"$output" || fail "stats: $output"
	rund -0 cr kill --all ct KILL
	wait_until 10 status_is ct stopped
	rund -0 cr delete ct
	[ ! -e "$TEST_ROOT/ct" ] || fail "state left after delete"
}

@test "delete stops the unit: nothing left in systemctl list-units --all" {
	start_ct
	unit_loaded "$UNIT" || fail "no unit $UNIT"
	rund -0 cr delete --force ct
	unit_loaded "$UNIT" && fail "$UNIT still listed: $(systemctl list-units --all --no-legend --plain "$UNIT")"
	[ ! -d "$CGDIR" ] || fail "$CGDIR left"
	# Created but never started, then deleted (containerd's way to drop a task).
	rund -0 crs create -b "$BUNDLE" ct
	unit_loaded "$UNIT" || fail "no unit $UNIT after create"
	rund -0 cr delete ct
	unit_loaded "$UNIT" && fail "$UNIT still listed after deleting a created container"
	return 0
}

@test "after an OOM kill in the scope, delete leaves no unit (a failed one is reset)" {
	set_resources '{"memory": {"limit": 16777216, "swap": 16777216}}'
	start_ct 'dd if=/dev/zero of=/dev/null bs=64M count=1; exec sleep 1000'
	wait_until 30 eval '[ "$(cg_key memory.events oom_kill 2>/dev/null)" -ge 1 ] 2>/dev/null || ! unit_loaded "$UNIT" || [ "$(unit_prop "$UNIT" ActiveState)" = failed ]'
	# systemd's OOMPolicy=stop (the default) may have stopped the unit: "failed" until reset.
	echo "unit after the OOM kill: $(unit_prop "$UNIT" ActiveState) ($(unit_prop "$UNIT" Result))"
	rund -0 cr delete --force ct
	unit_loaded "$UNIT" && fail "$UNIT still listed: $(systemctl list-units --all --no-legend --plain "$UNIT")"
	return 0
}

@test "a custom slice that does not exist is made, and holds the scope" {
	SLICE=cruntimetest-sub.slice
	use_cgroups_path "$SLICE:cruntime-test:t$BATS_TEST_NUMBER"
	[ ! -d "$CGROUP_MNT/cruntimetest.slice" ] || fail "the slice exists before the test"
	start_ct
	assert_unit_prop "$UNIT" Slice "$SLICE"
	assert_unit_prop "$UNIT" ControlGroup /cruntimetest.slice/cruntimetest-sub.slice/"$UNIT"
	assert_unit_prop "$SLICE" ActiveState active
	[ "$(cat "/proc/$(cr state ct | jq -r .pid)/cgroup")" = "0::$CG" ]
	rund -0 cr delete --force ct
	unit_loaded "$UNIT" && fail "$UNIT still listed"
	# The slices stay, as with runc; this test removes them.
	systemctl stop cruntimetest.slice
	[ ! -d "$CGROUP_MNT/cruntimetest.slice" ] || fail "cruntimetest.slice left"
}

@test "a name ending in .slice makes a slice unit that the init joins" {
	UNIT=cruntimetest-t$BATS_TEST_NUMBER.slice
	use_cgroups_path "system.slice:ignored:$UNIT"
	CG="/cruntimetest.slice/$UNIT"
	CGDIR="$CGROUP_MNT$CG"
	start_ct
	assert_unit_prop "$UNIT" ActiveState active
	[ "$(cat "/proc/$(cr state ct | jq -r .pid)/cgroup")" = "0::$CG" ]
	rund -0 cr delete --force ct
	unit_loaded "$UNIT" && fail "$UNIT still listed"
	systemctl stop cruntimetest.slice
	[ ! -d "$CGROUP_MNT/cruntimetest.slice" ] || fail "cruntimetest.slice left"
}

@test "org.systemd.property.* annotations become unit properties (runc's syntax)" {
	local annotations
	annotations="$(jq -cn --arg mode "'inactive-or-failed'" --arg wants "['dbus.service']" '{
		"org.systemd.property.CollectMode": $mode, "org.systemd.property.TimeoutStopSec": "5",
		"org.systemd.property.Wants": $wants}')"
	update_config ".annotations = $annotations"
	start_ct
	assert_unit_prop "$UNIT" CollectMode inactive-or-failed
	assert_unit_prop "$UNIT" TimeoutStopUSec 5s
	assert_unit_prop "$UNIT" Wants dbus.service
}

@test "a failed create leaves no unit, no cgroup and no state" {
	# systemd refuses a property: no unit was made.
	update_config '.annotations = {"org.systemd.property.NoSuchProperty": "true"}'
	set_args true
	rund -1 crs create -b "$BUNDLE" ct
	[ "${#stderr_lines[@]}" -eq 1 ] && [[ "$stderr" == "cruntime: "*"StartTransientUnit $UNIT: "* ]] ||
		fail "stderr: $stderr"
	! unit_loaded "$UNIT" || fail "unit left after a refused start"
	# The unit was started, then a file write failed (an unknown unified key): rolled back.
	update_config 'del(.annotations) | .linux.resources.unified = {"memory.no_such_file": "1"}'
	rund -1 crs create -b "$BUNDLE" ct
	[ "${#stderr_lines[@]}" -eq 1 ] && [[ "$stderr" == *"memory.no_such_file"* ]] ||
		fail "stderr: $stderr"
	! unit_loaded "$UNIT" || fail "unit left after a failed create: $(systemctl list-units --all --no-legend --plain "$UNIT")"
	[ ! -d "$CGDIR" ] || fail "$CGDIR left"
	# A prestart hook that fails, after the unit and the init exist.
	update_config 'del(.linux.resources.unified) | .hooks.createRuntime = [{"path": "/bin/false"}]'
	rund -1 crs create -b "$BUNDLE" ct
	! unit_loaded "$UNIT" || fail "unit left after a failed hook"
	[ ! -d "$CGDIR" ] || fail "$CGDIR left"
	[ -z "$(state_entries "$TEST_ROOT")" ] || fail "state left: $(state_entries "$TEST_ROOT")"
	# Bad cgroupsPath for the driver: one line naming the field.
	update_config 'del(.hooks) | .linux.cgroupsPath = "/not/systemd"'
	rund -1 crs create -b "$BUNDLE" ct
	[[ "$stderr" == "cruntime: "*"linux.cgroupsPath: \"/not/systemd\" must be \"slice:prefix:name\""* ]] ||
		fail "stderr: $stderr"
}

@test "a second container for a unit in use fails and leaves the first alone" {
	start_ct
	rund -1 crs create -b "$BUNDLE" ct2
	# systemd's UnitExists: "Unit ... was already loaded or has a fragment file."
	[[ "$stderr" == *"StartTransientUnit $UNIT: Unit $UNIT was already loaded"* ]] ||
		fail "stderr: $stderr"
	status_is ct running || fail "ct is $(status_of ct)"
	assert_unit_prop "$UNIT" ActiveState active
	[ ! -e "$TEST_ROOT/ct2" ] || fail "state of ct2 left"
}

@test "podman --cgroup-manager systemd runs its containers in a libpod scope with cruntime" {
	sysvm_podman_image
	# With podman's default AppArmor profile (containers-default), as on any such host.
	rund -0 podman --runtime "$CRUNTIME" --cgroup-manager systemd run -d --name sdcg --network none \
		--memory 64m --pids-limit 30 "$SYSVM_IMAGE" sleep 1000
	local id="${lines[-1]}" scope
	scope="libpod-$id.scope"
	assert_unit_prop "$scope" ActiveState active
	assert_unit_prop "$scope" Slice machine.slice
	assert_unit_prop "$scope" MemoryMax 67108864
	assert_unit_prop "$scope" TasksMax 30
	rund -0 podman exec sdcg cat /sys/fs/cgroup/memory.max
	[ "$output" = 67108864 ] || fail "memory.max inside: $output"
	rund -0 podman update --memory 96m sdcg
	assert_unit_prop "$scope" MemoryMax 100663296
	rund -0 podman pause sdcg
	rund -0 podman unpause sdcg
	rund -0 podman rm -f -t 0 sdcg
	unit_loaded "$scope" && fail "$scope still listed after podman rm"
	run podman ps --all --quiet
	[ -z "$output" ] || fail "containers left behind: $output"
}

# ---- rootless: the user's own systemd --------------------------------------------------------

RL_USER=cruntime-sd

# as_rl_user CMD...: CMD as $RL_USER in its home, with the environment a login session gives
# it (its runtime directory and session bus, where the user's systemd listens).
as_rl_user() {
	runuser -u "$RL_USER" -- env -i --chdir="/home/$RL_USER" PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME="/home/$RL_USER" \
		XDG_RUNTIME_DIR="/run/user/$RL_UID" DBUS_SESSION_BUS_ADDRESS="unix:path=/run/user/$RL_UID/bus" "$@"
}

# rl_cr ARGS...: cruntime as the user, with a state root of its own.
rl_cr() { as_rl_user "$CRUNTIME" --root "/run/user/$RL_UID/cruntime" "$@"; }

# rl_user_prop UNIT PROPERTY: what the user's systemd shows for PROPERTY of UNIT.
rl_user_prop() { as_rl_user systemctl --user show -P "$2" "$1"; }

rl_unit_loaded() {
	[ -n "$(as_rl_user systemctl --user list-units --all --no-legend --plain "$1" 2>/dev/null)" ]
}

# rl_scenario: a rootless container under the user's systemd, checked from both sides.
rl_scenario() {
	local unit=cruntime-ct.scope bundle="/home/$RL_USER/bundle" pid cg
	as_rl_user mkdir -p "$bundle" && as_rl_user "$CRUNTIME" spec --rootless --bundle "$bundle" ||
		fail "cruntime spec --rootless as $RL_USER failed" || return 1
	# No cgroupsPath: ":cruntime:ct", in the user's user.slice.
	jq --arg rootfs "$VM_ROOTFS" '.process.terminal = false | .process.args = ["sleep", "1000"]
		| .root = {"path": $rootfs, "readonly": true}
		| .linux.resources = {"memory": {"limit": 67108864}, "pids": {"limit": 30}}' \
		"$bundle/config.json" >"$BATS_TEST_TMPDIR/rl.json" && cp "$BATS_TEST_TMPDIR/rl.json" "$bundle/config.json" ||
		fail "jq failed" || return 1
	rund rl_cr --systemd-cgroup run -d -b "$bundle" ct
	[ "$status" -eq 0 ] || fail "run as $RL_USER: $stderr" || return 1
	cg="$(rl_user_prop "$unit" ControlGroup)"
	[ "$cg" = "/user.slice/user-$RL_UID.slice/user@$RL_UID.service/user.slice/$unit" ] ||
		fail "$unit's ControlGroup in the user's systemd: '$cg'" || return 1
	pid="$(rl_cr state ct | jq -r .pid)"
	[ "$(cat "/proc/$pid/cgroup")" = "0::$cg" ] || fail "init's cgroup: $(cat "/proc/$pid/cgroup")" || return 1
	[ "$(rl_user_prop "$unit" Delegate)" = yes ] || fail "Delegate: $(rl_user_prop "$unit" Delegate)" || return 1
	[ "$(rl_user_prop "$unit" MemoryMax)" = 67108864 ] || fail "MemoryMax: $(rl_user_prop "$unit" MemoryMax)" || return 1
	[ "$(rl_user_prop "$unit" TasksMax)" = 30 ] || fail "TasksMax: $(rl_user_prop "$unit" TasksMax)" || return 1
	[ "$(cat "$CGROUP_MNT$cg/memory.max")" = 67108864 ] || fail "memory.max: $(cat "$CGROUP_MNT$cg/memory.max")" || return 1
	[ "$(jq -r .systemdUser "/run/user/$RL_UID/cruntime/ct/state.json")" = true ] || fail "state.json lacks systemdUser" || return 1
	# update and delete, without --systemd-cgroup: the state says which systemd.
	rund rl_cr update --memory 96m --pids-limit 40 ct
	[ "$status" -eq 0 ] || fail "update: $stderr" || return 1
	[ "$(rl_user_prop "$unit" MemoryMax)" = 100663296 ] || fail "MemoryMax after update: $(rl_user_prop "$unit" MemoryMax)" || return 1
	[ "$(cat "$CGROUP_MNT$cg/pids.max")" = 40 ] || fail "pids.max after update" || return 1
	rund rl_cr delete --force ct
	[ "$status" -eq 0 ] || fail "delete: $stderr" || return 1
	! rl_unit_loaded "$unit" || fail "$unit still listed by the user's systemd" || return 1
	[ ! -d "$CGROUP_MNT$cg" ] || fail "$cg left" || return 1
}

@test "rootless: the scope is the user's own systemd's, over its session bus" {
	rund -0 "$CRUNTIME" features
	[ "$(jq -r .linux.cgroup.systemdUser <<<"$output")" = true ] || fail "features: systemdUser is not true"
	useradd --create-home --shell /bin/sh "$RL_USER" || fail "useradd failed"
	RL_UID="$(id -u "$RL_USER")"
	local rc=0
	# A user manager that runs without a login: what a rootless podman host has.
	loginctl enable-linger "$RL_USER" || rc=1
	[ "$rc" -ne 0 ] || wait_until 60 test -S "/run/user/$RL_UID/bus" || rc=1
	[ "$rc" -ne 0 ] || rl_scenario || rc=1
	if [ "$rc" -ne 0 ]; then
		echo "--- user manager: $(systemctl status "user@$RL_UID.service" --no-pager 2>&1 | head -n 15)"
		rl_cr delete --force ct 2>/dev/null || true
	fi
	loginctl disable-linger "$RL_USER" || true
	loginctl terminate-user "$RL_USER" 2>/dev/null || true
	wait_until 30 eval '! systemctl is-active --quiet "user@$RL_UID.service"' || true
	systemctl reset-failed "user@$RL_UID.service" 2>/dev/null || true
	userdel --remove "$RL_USER" 2>/dev/null || true
	[ "$rc" -eq 0 ]
}

# rl_podman_scenario: rootless podman with its default cgroup manager on this host, systemd.
rl_podman_scenario() {
	tar -C "$VM_ROOTFS" -c . | as_rl_user podman import --quiet - "$SYSVM_IMAGE" >/dev/null ||
		fail "podman import as $RL_USER failed" || return 1
	rund as_rl_user podman --runtime "$CRUNTIME" --cgroup-manager systemd run -d --name rl --network none \
		--pids-limit 30 "$SYSVM_IMAGE" sleep 1000
	[ "$status" -eq 0 ] || fail "rootless podman run: $stderr" || return 1
	local id="${lines[-1]}" scope cg
	scope="libpod-$id.scope"
	cg="$(rl_user_prop "$scope" ControlGroup)"
	[[ "$cg" == "/user.slice/user-$RL_UID.slice/user@$RL_UID.service/user.slice/$scope" ]] ||
		fail "$scope's ControlGroup in the user's systemd: '$cg'" || return 1
	[ "$(rl_user_prop "$scope" TasksMax)" = 30 ] || fail "TasksMax: $(rl_user_prop "$scope" TasksMax)" || return 1
	rund as_rl_user podman exec rl cat /proc/self/cgroup
	[ "$output" = "0::/" ] || fail "podman exec's cgroup: $output $stderr" || return 1
	rund as_rl_user podman rm -f -t 0 rl
	[ "$status" -eq 0 ] || fail "podman rm: $stderr" || return 1
	! rl_unit_loaded "$scope" || fail "$scope still listed by the user's systemd" || return 1
}

@test "rootless podman --cgroup-manager systemd runs its containers with cruntime in the user's systemd" {
	sysvm_rootfs
	useradd --create-home --shell /bin/sh "$RL_USER" || fail "useradd failed"
	RL_UID="$(id -u "$RL_USER")"
	local rc=0
	loginctl enable-linger "$RL_USER" || rc=1
	[ "$rc" -ne 0 ] || wait_until 60 test -S "/run/user/$RL_UID/bus" || rc=1
	[ "$rc" -ne 0 ] || rl_podman_scenario || rc=1
	as_rl_user podman rm -a -f -t 0 >/dev/null 2>&1 || true
	as_rl_user podman system reset --force >/dev/null 2>&1 || true
	loginctl disable-linger "$RL_USER" || true
	loginctl terminate-user "$RL_USER" 2>/dev/null || true
	wait_until 30 eval '! systemctl is-active --quiet "user@$RL_UID.service"' || true
	systemctl reset-failed "user@$RL_UID.service" 2>/dev/null || true
	userdel --remove "$RL_USER" 2>/dev/null || true
	[ "$rc" -eq 0 ]
}

# ctr_task_status ID: RUNNING / STOPPED / ... as containerd reports the task.
ctr_task_status() { ctr_ task ls | awk -v id="$1" '$1 == id { print $3 }'; }

# ctr_systemd_scenario ID: a task through the shim with SystemdCgroup, checked from systemd's
# side and from inside; fails at the first thing that is wrong, saying what.
ctr_systemd_scenario() {
	local id=$1 scope="ctr-$1.scope"
	# The shim option SystemdCgroup=true (what CRI's `SystemdCgroup = true` sets) makes the shim
	# call the runtime with --systemd-cgroup; the cgroup path is then slice:prefix:name.
	ctr_ run -d --runtime io.containerd.runc.v2 --runc-binary "$CRUNTIME" --runc-systemd-cgroup \
		--cgroup "system.slice:ctr:$id" --memory-limit 67108864 "$SYSVM_IMAGE" "$id" sleep 1000 ||
		fail "ctr run failed" || return 1
	wait_until 30 eval '[ "$(ctr_task_status '"$id"')" = RUNNING ]' || return 1
	[ "$(unit_prop "$scope" ActiveState)" = active ] ||
		fail "unit $scope: $(systemctl status "$scope" 2>&1)" || return 1
	[ "$(unit_prop "$scope" MemoryMax)" = 67108864 ] ||
		fail "MemoryMax of $scope: $(unit_prop "$scope" MemoryMax)" || return 1
	# ctr's spec has neither a cgroup namespace nor a cgroup mount: check from the host.
	local cg="/system.slice/$scope" inside
	[ "$(cat "$CGROUP_MNT$cg/memory.max")" = 67108864 ] ||
		fail "memory.max of $cg: $(cat "$CGROUP_MNT$cg/memory.max")" || return 1
	inside="$(ctr_ task exec --exec-id e1 "$id" cat /proc/self/cgroup 2>&1)"
	[ "$inside" = "0::$cg" ] || fail "an exec'd process is in '$inside', not $cg" || return 1
	ctr_ task kill -s KILL "$id" || fail "ctr task kill failed" || return 1
	wait_until 30 eval '[ "$(ctr_task_status '"$id"')" = STOPPED ]' || return 1
	ctr_ task delete "$id" || fail "ctr task delete failed" || return 1
	ctr_ container delete "$id" || fail "ctr container delete failed" || return 1
	! unit_loaded "$scope" || fail "$scope still listed" || return 1
}

@test "containerd with SystemdCgroup (ctr --runc-systemd-cgroup) runs a task in a scope with cruntime" {
	sysvm_podman_image
	local dir="$BATS_FILE_TMPDIR/containerd" ns=sdcg id=sdcg1
	CTR_SOCK="$dir/containerd.sock"
	CTR_NS=$ns
	mkdir -p "$dir/root" "$dir/state"
	cat >"$dir/config.toml" <<-EOF
		version = 2
		root = "$dir/root"
		state = "$dir/state"
		disabled_plugins = ["io.containerd.grpc.v1.cri"]
		[grpc]
		  address = "$CTR_SOCK"
		[ttrpc]
		  address = "$CTR_SOCK.ttrpc"
	EOF
	containerd --config "$dir/config.toml" >"$dir/log" 2>&1 3>&- &
	local daemon=$! rc=0
	wait_until 60 eval 'ctr_ version >/dev/null 2>&1' || rc=1
	if [ "$rc" -eq 0 ]; then
		{ podman save --format docker-archive -o "$dir/image.tar" "$SYSVM_IMAGE" >/dev/null 2>&1 &&
			ctr_ images import --all-platforms "$dir/image.tar" >/dev/null; } ||
			fail "image import failed" || rc=1
	fi
	[ "$rc" -ne 0 ] || ctr_systemd_scenario "$id" || rc=1
	if [ "$rc" -ne 0 ]; then
		local bundle="$dir/state/io.containerd.runtime.v2.task/$ns/$id"
		echo "--- cruntime log: $(cat "$bundle/log.json" 2>&1)"
		echo "--- namespaces and mounts of the task: $(jq -c '.linux.namespaces, [.mounts[] | select(.destination == "/sys/fs/cgroup")]' "$bundle/config.json" 2>&1)"
		echo "--- containerd log: $(tail -n 15 "$dir/log")"
		ctr_ task kill -s KILL "$id" 2>/dev/null
		ctr_ task delete -f "$id" 2>/dev/null
		ctr_ container delete "$id" 2>/dev/null
	fi
	kill "$daemon"
	wait "$daemon" || true
	[ "$rc" -eq 0 ]
}

# ctr_ ARGS...: ctr against the test's containerd, in its namespace.
ctr_() { ctr --address "$CTR_SOCK" -n "$CTR_NS" "$@"; }

#!/usr/bin/env bats
# AppArmor on a host that has it (issue 12): process.apparmorProfile and exec --apparmor put the
# process under the profile at execve, read back from /proc/self/attr/current inside and proven
# by a denial; exec takes config.json's profile unless --apparmor overrides it; a profile that is
# not loaded is one line and nothing left; podman's own default profile applies. Runs only
# inside the system VM (integration/sysvm/run.sh), which boots with AppArmor enforcing. SELinux
# is not tested here: the VM boots AppArmor (the host-side tests cover a host without SELinux and
# the unit tests the attr/exec and attr/keycreate writes).

load sysvm_helpers

# Two profiles loaded for the whole file: both allow what the busybox container does, and deny
# reading one file each, so a denial says which profile confines the process.
PROFILE=cruntime-test-lsm
PROFILE2=cruntime-test-lsm2

# load_profile NAME DENIED: load (or replace) profile NAME, denying reads of DENIED.
load_profile() {
	cat >"$BATS_FILE_TMPDIR/$1" <<-EOP
		abi <abi/3.0>,
		include <tunables/global>
		profile $1 flags=(attach_disconnected,mediate_deleted) {
		  include <abstractions/base>
		  file,
		  capability,
		  network,
		  signal,
		  ptrace,
		  unix,
		  deny $2 r,
		}
	EOP
	apparmor_parser --replace "$BATS_FILE_TMPDIR/$1" || fail "apparmor_parser could not load $1"
}

setup_file() {
	sysvm_setup_file || return 1
	load_profile "$PROFILE" /etc/group || return 1
	load_profile "$PROFILE2" /etc/passwd
}

teardown_file() {
	local name
	for name in "$PROFILE" "$PROFILE2"; do
		[ ! -f "$BATS_FILE_TMPDIR/$name" ] || apparmor_parser --remove "$BATS_FILE_TMPDIR/$name"
	done
}

setup() { vm_setup; }
teardown() { vm_teardown; }

# exec_label EXPECTED [EXEC-ARGS...]: /proc/self/attr/current in a process exec'd into "ct"
# (with EXEC-ARGS) reads EXPECTED.
exec_label() {
	local expected="$1"
	shift
	rund -0 cr exec "$@" ct cat /proc/self/attr/current || return 1
	[ "$output" = "$expected" ] || fail "exec $*: runs as '$output', expected '$expected'"
}

@test "features reports AppArmor enabled" {
	rund -0 cr features
	jq -e '.linux.apparmor.enabled == true' <<<"$output" >/dev/null ||
		fail "features: $(jq -c .linux.apparmor <<<"$output")"
}

@test "process.apparmorProfile confines the container's init from execve on" {
	update_config ".process.apparmorProfile = \"$PROFILE\""
	run_detached 'sleep 600'
	wait_until 10 status_is ct running
	local pid
	pid="$(cr state ct | jq -r .pid)"
	# Read from the host: the init itself, not a process exec'd next to it.
	[ "$(cat "/proc/$pid/attr/current")" = "$PROFILE (enforce)" ] ||
		fail "init $pid runs as '$(cat "/proc/$pid/attr/current")'"
	[ "$(cat "/proc/$pid/attr/apparmor/current")" = "$PROFILE (enforce)" ]
	# The profile is enforced: the denied file cannot be read, the others can.
	rund -0 cr exec ct cat /etc/passwd
	rund cr exec ct cat /etc/group
	[ "$status" -ne 0 ] && [[ "$stderr" == *"Permission denied"* ]] ||
		fail "reading /etc/group under $PROFILE: status $status, $stderr"
	# The runtime does not leave the profile on itself: `cruntime` here is still unconfined.
	[ "$(cat /proc/self/attr/current)" = unconfined ] ||
		fail "the test shell runs as $(cat /proc/self/attr/current)"
}

@test "exec takes config.json's profile; --apparmor overrides it; unconfined is unconfined" {
	update_config ".process.apparmorProfile = \"$PROFILE\""
	run_detached 'sleep 600'
	wait_until 10 status_is ct running
	exec_label "$PROFILE (enforce)"
	exec_label "$PROFILE2 (enforce)" --apparmor "$PROFILE2"
	# Under the other profile the other file is denied.
	rund -0 cr exec --apparmor "$PROFILE2" ct cat /etc/group
	rund cr exec --apparmor "$PROFILE2" ct cat /etc/passwd
	[ "$status" -ne 0 ] && [[ "$stderr" == *"Permission denied"* ]] ||
		fail "reading /etc/passwd under $PROFILE2: status $status, $stderr"
	exec_label unconfined --apparmor unconfined
	# A detached exec is confined the same way.
	rund -0 cr exec -d --pid-file "$BATS_TEST_TMPDIR/exec.pid" --apparmor "$PROFILE2" ct sleep 600
	[ "$(cat "/proc/$(cat "$BATS_TEST_TMPDIR/exec.pid")/attr/current")" = "$PROFILE2 (enforce)" ]
}

@test "a container without a profile, and one asking for unconfined, run unconfined" {
	update_config 'del(.process.apparmorProfile)'
	set_args cat /proc/self/attr/current
	rund -0 cr run -b "$BUNDLE" ct
	[ "$output" = unconfined ] || fail "no profile: $output"
	update_config '.process.apparmorProfile = "unconfined"'
	rund -0 cr run -b "$BUNDLE" ct
	[ "$output" = unconfined ] || fail "unconfined: $output"
}

@test "a profile that is not loaded: one line naming it, nothing left" {
	update_config '.process.apparmorProfile = "cruntime-test-not-loaded"'
	rund -1 cr create -b "$BUNDLE" ct
	[ "${#stderr_lines[@]}" -eq 1 ] || fail "expected one line: $stderr"
	[[ "$stderr" == *'process.apparmorProfile: AppArmor profile "cruntime-test-not-loaded" is not loaded'* ]] ||
		fail "stderr: $stderr"
	[ -z "$(state_entries "$TEST_ROOT")" ] || fail "state left: $(state_entries "$TEST_ROOT")"
	[ ! -d "$CGDIR" ] || fail "cgroup left: $CGDIR"
	# The same for exec into a running container.
	update_config 'del(.process.apparmorProfile)'
	run_detached 'sleep 600'
	wait_until 10 status_is ct running
	rund -255 cr exec --apparmor cruntime-test-not-loaded ct true
	[ "${#stderr_lines[@]}" -eq 1 ] && [[ "$stderr" == *'"cruntime-test-not-loaded" is not loaded'* ]] ||
		fail "exec: $stderr"
	[ "$(cr ps -f json ct | jq length)" = 1 ] || fail "processes: $(cr ps -f json ct)"
}

@test "the profile holds with noNewPrivileges, a non-root user and a seccomp filter" {
	update_config ".process.apparmorProfile = \"$PROFILE\" | .process.noNewPrivileges = true
		| .process.user = {uid: 65534, gid: 65534}
		| .linux.seccomp = {defaultAction: \"SCMP_ACT_ALLOW\",
			syscalls: [{names: [\"sethostname\"], action: \"SCMP_ACT_ERRNO\"}]}"
	set_args sh -c 'cat /proc/self/attr/current; id -u; cat /etc/group >/dev/null 2>&1 && echo READ || echo DENIED'
	rund -0 cr run -b "$BUNDLE" ct
	[ "$output" = "$PROFILE (enforce)"$'\n'65534$'\n'DENIED ] || fail "output: $output"
}

@test "the profile applies in a user namespace too" {
	update_config ".process.apparmorProfile = \"$PROFILE\"
		| .linux.namespaces += [{type: \"user\"}]
		| .linux.uidMappings = [{containerID: 0, hostID: 100000, size: 65536}]
		| .linux.gidMappings = [{containerID: 0, hostID: 100000, size: 65536}]"
	set_args sh -c 'cat /proc/self/attr/current; cat /proc/self/uid_map; cat /etc/group >/dev/null 2>&1 && echo READ || echo DENIED'
	rund -0 cr run -b "$BUNDLE" ct
	[ "${lines[0]}" = "$PROFILE (enforce)" ] || fail "output: $output"
	[[ "${lines[1]}" =~ ^\ *0\ +100000\ +65536$ ]] || fail "not in the user namespace: $output"
	[ "${lines[2]}" = DENIED ] || fail "output: $output"
}

@test "podman --runtime cruntime applies podman's default AppArmor profile" {
	sysvm_podman_image
	rund podman --runtime "$CRUNTIME" --cgroup-manager cgroupfs run --rm --network none \
		"$SYSVM_IMAGE" cat /proc/self/attr/current
	[ "$status" -eq 0 ] || fail "podman run exited $status: $stderr"
	[[ "$output" =~ ^containers-default-[0-9.]+\ \(enforce\)$ ]] || fail "label: $output"
}

#!/usr/bin/env bats
# The system VM itself, what every suite in this directory relies on: systemd as PID 1 on a pure
# cgroup v2 hierarchy, AppArmor enforcing, the D-Bus system bus, and cruntime running containers
# there directly and under podman. Runs only inside the VM (integration/sysvm/run.sh).

load sysvm_helpers

setup_file() { sysvm_setup_file; }
setup() { vm_setup; }
teardown() { vm_teardown; }

@test "systemd is PID 1 and the system reaches running" {
	[ "$(cat /proc/1/comm)" = systemd ] || fail "PID 1 is $(cat /proc/1/comm)"
	run timeout 120 systemctl is-system-running --wait
	[ "$output" = running ] ||
		fail "system is '$output'; failed units: $(systemctl --failed --no-legend --no-pager)"
	# This suite runs as a service, in its own cgroup, as the tests of a service manager would.
	[ "$(cat /proc/self/cgroup)" = "0::/system.slice/cruntime-sysvm.service" ] ||
		fail "the suite's cgroup is $(cat /proc/self/cgroup)"
}

@test "/sys/fs/cgroup is cgroup2 alone, with systemd's slices and the controllers" {
	[ "$(stat -f -c %T /sys/fs/cgroup)" = cgroup2fs ] ||
		fail "/sys/fs/cgroup is $(stat -f -c %T /sys/fs/cgroup)"
	run awk '$3 == "cgroup" { print $2 }' /proc/self/mounts
	[ -z "$output" ] || fail "cgroup v1 hierarchies mounted: $output"
	[ -d /sys/fs/cgroup/system.slice ] || fail "no system.slice"
	local ctrl
	for ctrl in cpuset cpu io memory pids; do
		grep -qw "$ctrl" /sys/fs/cgroup/cgroup.controllers ||
			fail "no $ctrl controller: $(cat /sys/fs/cgroup/cgroup.controllers)"
	done
	# systemd enables the others below the root only when a unit asks for them.
	for ctrl in memory pids; do
		grep -qw "$ctrl" /sys/fs/cgroup/cgroup.subtree_control ||
			fail "$ctrl not enabled below the root: $(cat /sys/fs/cgroup/cgroup.subtree_control)"
	done
}

@test "AppArmor is enabled, its policy is readable, and a profile loaded with apparmor_parser confines a process" {
	[ "$(cat /sys/module/apparmor/parameters/enabled)" = Y ] || fail "apparmor.enabled is not Y"
	grep -qw apparmor /sys/kernel/security/lsm || fail "LSMs: $(cat /sys/kernel/security/lsm)"
	aa-enabled --quiet || fail "aa-enabled: AppArmor is not enabled"
	[ "$(systemctl is-active apparmor.service)" = active ] || fail "apparmor.service did not start"
	cat /sys/kernel/security/apparmor/profiles >/dev/null || fail "cannot read the loaded profiles"

	local profile=cruntime-sysvm-smoke
	cat >"$BATS_TEST_TMPDIR/profile" <<-EOP
		abi <abi/3.0>,
		include <tunables/global>
		profile $profile {
		  include <abstractions/base>
		  /usr/bin/cat rix,
		  owner @{PROC}/@{pid}/attr/{,apparmor/}current r,
		  deny /etc/hostname r,
		}
	EOP
	apparmor_parser --replace "$BATS_TEST_TMPDIR/profile" || fail "apparmor_parser could not load $profile"
	grep -q "^$profile (enforce)$" /sys/kernel/security/apparmor/profiles ||
		fail "$profile is not listed in enforce mode"
	run aa-exec -p "$profile" -- cat /proc/self/attr/current
	local current="$output"
	run aa-exec -p "$profile" -- cat /etc/hostname
	local denied_status="$status" denied_output="$output"
	apparmor_parser --remove "$BATS_TEST_TMPDIR/profile" || fail "apparmor_parser could not remove $profile"
	[ "$current" = "$profile (enforce)" ] || fail "confined process reads its label as '$current'"
	[ "$denied_status" -ne 0 ] && [[ "$denied_output" == *"Permission denied"* ]] ||
		fail "the profile did not deny /etc/hostname: status $denied_status, $denied_output"
}

@test "the D-Bus system bus is up and systemd answers on it" {
	[ "$(systemctl is-active dbus.service)" = active ] || fail "dbus.service is not active"
	[ -S /run/dbus/system_bus_socket ] || fail "no /run/dbus/system_bus_socket"
	run busctl --system get-property org.freedesktop.systemd1 /org/freedesktop/systemd1 \
		org.freedesktop.systemd1.Manager Version
	[ "$status" -eq 0 ] && [[ "$output" == 's "252'* ]] ||
		fail "systemd's Manager.Version over the bus: status $status, $output"
}

@test "check --systemd-cgroup --format json: cgroup v2, systemd reachable, AppArmor enabled" {
	local out version
	out="$("$CRUNTIME" --root "$TEST_ROOT" --systemd-cgroup check --format json)" ||
		fail "check --systemd-cgroup exited $?: $out"
	cval() {
		jq -r --arg n "$1" --arg f "${2:-value}" \
			'.checks[] | select(.name == $n) | .[$f] | if type == "array" then join(" ") else tostring end' <<<"$out"
	}
	[ "$(cval cgroup.mode)" = v2 ] || fail "cgroup.mode is '$(cval cgroup.mode)'"
	[ "$(cval systemd)" = reachable ] || fail "systemd: $(cval systemd reason)"
	[ "$(cval systemd status)" = ok ]
	# The version systemd gives over the bus, asked independently.
	version="$(busctl --system get-property org.freedesktop.systemd1 /org/freedesktop/systemd1 \
		org.freedesktop.systemd1.Manager Version | sed -n 's/^s "\([0-9]*\).*/\1/p')"
	[[ " $(cval systemd values) " == *" version=$version "* ]] ||
		fail "systemd values '$(cval systemd values)', busctl says $version"
	[ "$(cval lsm.apparmor)" = enabled ] || fail "lsm.apparmor: $(cval lsm.apparmor reason)"
	[ "$(cval cgroup.delegation)" = systemd ]
	jq -e '.canRun == true and .blockers == []' <<<"$out" >/dev/null ||
		fail "cannot run: $(jq -c .blockers <<<"$out")"
}

@test "cruntime run: a busybox container in a cgroup of its own, deleted without leftovers" {
	run_detached 'echo started; sleep 600'
	wait_until 10 status_is ct running
	local pid
	pid="$(cr state ct | jq -r .pid)"
	grep -qx "$pid" "$CGDIR/cgroup.procs" || fail "init $pid is not in $CGDIR: $(cat "$CGDIR/cgroup.procs")"
	# shellcheck disable=SC2016 # expanded in the container
	rund -0 cr exec ct sh -c 'echo hello from $(hostname)'
	[ "$output" = "hello from $(jq -r .hostname "$BUNDLE/config.json")" ] || fail "exec printed '$output'"
	rund -0 cr kill ct KILL
	wait_until 10 status_is ct stopped
	rund -0 cr delete ct
	[ ! -d "$CGDIR" ] || fail "$CGDIR left after delete"
}

@test "podman --runtime cruntime runs a local busybox image (cgroupfs manager)" {
	sysvm_podman_image
	# --cgroup-manager cgroupfs until cruntime has the systemd driver (issue 12): podman's default
	# on a systemd host, which cruntime refuses. Podman's default AppArmor profile applies
	# (lsm.bats checks it). --network none: no CNI plugins in the image.
	rund podman --runtime "$CRUNTIME" --cgroup-manager cgroupfs run --rm --network none \
		"$SYSVM_IMAGE" sh -c 'echo hello from podman; cat /proc/self/cgroup'
	[ "$status" -eq 0 ] || fail "podman run exited $status: $stderr"
	[ "${lines[0]}" = "hello from podman" ] || fail "podman run printed: $output"
	run podman ps --all --quiet
	[ -z "$output" ] || fail "containers left behind: $output"
}

#!/usr/bin/env bats
# AppArmor profiles and SELinux labels (process.apparmorProfile, process.selinuxLabel, exec
# --apparmor/--process-label; cli-contract §12.1, security.md promise 13) on what this host can
# check: where the LSM is missing, a profile or label is one clear error and nothing is left,
# never a silent unconfined run; `features` says what the host has. Applying them is tested in
# the system VM, which boots with AppArmor (integration/sysvm).

load helpers
load lifecycle_helpers

setup() { lc_setup; }
teardown() { lc_teardown; }

# host_has_selinux: selinuxfs mounted read-write, what cruntime (and go-selinux) call enabled.
host_has_selinux() {
	[ "$(stat -f -c %T /sys/fs/selinux 2>/dev/null)" = selinuxfs ] &&
		! grep -qE '^[^ ]+ /sys/fs/selinux [^ ]+ ro[, ]' /proc/mounts
}

# refused_everywhere WHAT: `create` and `run` of the bundle both fail with one line naming WHAT,
# leaving no state, process or mount.
refused_everywhere() {
	local what="$1" cmd
	snapshot_host
	for cmd in create run; do
		rund -1 cr "$cmd" -b "$BUNDLE" ct
		assert_one_error_line "$what"
		assert_nothing_left
	done
}

@test "an AppArmor profile on a host without AppArmor: one line, nothing left (runc)" {
	! host_has_apparmor || skip "this host has AppArmor (the system VM suite applies profiles)"
	update_config '.process.apparmorProfile = "foo"'
	refused_everywhere 'process.apparmorProfile: apparmor profile "foo" specified but AppArmor is not enabled on this system'
	# runc writes "exec unconfined" like any other profile, and a kernel without AppArmor
	# refuses it: "unconfined" is refused as well.
	update_config '.process.apparmorProfile = "unconfined"'
	refused_everywhere 'apparmor profile "unconfined" specified but AppArmor is not enabled'
	# Empty asks for nothing.
	update_config '.process.apparmorProfile = ""'
	rund -0 cr run -b "$BUNDLE" ct
}

@test "an SELinux label on a host without SELinux: one line, nothing left (runc)" {
	! host_has_selinux || skip "this host has SELinux"
	update_config '.process.selinuxLabel = "system_u:system_r:container_t:s0:c1,c2"'
	refused_everywhere 'process.selinuxLabel: selinux label "system_u:system_r:container_t:s0:c1,c2" is specified in config, but selinux is disabled or not supported'
}

@test "linux.mountLabel on a host without SELinux is ignored, as runc and crun do" {
	! host_has_selinux || skip "this host has SELinux"
	update_config '.linux.mountLabel = "system_u:object_r:container_file_t:s0"'
	set_args sh -c 'grep -c context= /proc/self/mountinfo || true'
	rund -0 cr run -b "$BUNDLE" ct
	[ "$output" = 0 ]
}

@test "exec --apparmor, --process-label and a config.json template with either are refused" {
	! host_has_apparmor || skip "this host has AppArmor (the system VM suite applies profiles)"
	! host_has_selinux || skip "this host has SELinux"
	add_tmpfs /tmp
	set_args sleep 1000
	rund -0 cr run -d -b "$BUNDLE" ct
	local init
	init="$(pid_of ct)"
	rund -255 cr exec --apparmor foo ct true
	assert_one_error_line 'process.apparmorProfile: apparmor profile "foo" specified but AppArmor is not enabled'
	rund -255 cr exec --apparmor unconfined ct true
	assert_one_error_line 'process.apparmorProfile'
	rund -255 cr exec --process-label system_u:system_r:container_t:s0 ct true
	assert_one_error_line 'process.selinuxLabel: selinux label "system_u:system_r:container_t:s0"'
	# Without the flags, exec takes the process of config.json as it is now (runc): a profile
	# there is the exec'd process's too.
	update_config '.process.apparmorProfile = "foo"'
	rund -255 cr exec ct true
	assert_one_error_line 'apparmor profile "foo"'
	update_config 'del(.process.apparmorProfile) | .process.selinuxLabel = "system_u:system_r:container_t:s0"'
	rund -255 cr exec ct true
	assert_one_error_line 'process.selinuxLabel'
	# Nothing was started: the init is the container's only process.
	[ "$(cr ps -f json ct | jq -c .)" = "[$init]" ]
	update_config 'del(.process.selinuxLabel)'
	rund -0 cr exec ct true
}

@test "features reports apparmor and selinux as the host has them" {
	local features apparmor=false selinux=false
	features="$(cr features)"
	host_has_apparmor && apparmor=true
	host_has_selinux && selinux=true
	jq -e --argjson a "$apparmor" --argjson s "$selinux" \
		'.linux.apparmor.enabled == $a and .linux.selinux.enabled == $s' <<<"$features" >/dev/null ||
		fail "features: $(jq -c '{apparmor: .linux.apparmor, selinux: .linux.selinux}' <<<"$features"), host: apparmor=$apparmor selinux=$selinux"
}

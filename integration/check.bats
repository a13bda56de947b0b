#!/usr/bin/env bats
# `cruntime check` (issue 15): every fact it reports is checked here against the host, read
# independently (/proc/mounts, /proc/cgroups, actions_avail, uname, /etc/subuid of a throwaway
# user); the JSON and the text agree; nothing is left behind.

load helpers

setup() {
	common_setup
	CHECK_JSON="$BATS_TEST_TMPDIR/check.json"
}

teardown() {
	local rc=0
	[ -z "${TEST_USER:-}" ] || test_user_del || rc=1
	[ -z "${CK_DIR:-}" ] || rm -rf "${CK_DIR:?}"
	common_teardown || rc=1
	return "$rc"
}

# check_json [ARGS...]: `cruntime check --format json` into CHECK_JSON (exit status kept in
# CHECK_STATUS, stderr in CHECK_STDERR).
check_json() {
	CHECK_STATUS=0
	cruntime "$@" check --format json >"$CHECK_JSON" 2>"$BATS_TEST_TMPDIR/check.err" || CHECK_STATUS=$?
	CHECK_STDERR="$(cat "$BATS_TEST_TMPDIR/check.err")"
	jq -e 'type == "object"' "$CHECK_JSON" >/dev/null || fail "check --format json: not a JSON object: $(cat "$CHECK_JSON")"
}

# cval NAME [FIELD]: a field (default value) of the check NAME; fails when there is none.
cval() {
	jq -er --arg n "$1" --arg f "${2:-value}" \
		'[.checks[] | select(.name == $n)] | if length == 1 then .[0][$f] else error("no check \($n)") end |
		 if type == "array" then join(" ") else tostring end' "$CHECK_JSON" ||
		fail "check: no single check named $1"
}

# host_cgroup_mode: v2, hybrid or v1 from /proc/mounts (the last mount on a path wins).
host_cgroup_mode() {
	local top unified
	top="$(awk '$2 == "/sys/fs/cgroup" { t = $3 } END { print t }' /proc/mounts)"
	unified="$(awk '$2 == "/sys/fs/cgroup/unified" { t = $3 } END { print t }' /proc/mounts)"
	case "$top" in
	cgroup2) echo v2 ;;
	tmpfs) [ "$unified" = cgroup2 ] && echo hybrid || echo v1 ;;
	*) echo "none" ;;
	esac
}

# host_v1_controllers: the enabled subsystems of /proc/cgroups that a mounted v1 hierarchy
# carries, sorted, one line.
host_v1_controllers() {
	awk 'NR == FNR { if ($1 !~ /^#/ && $4 == 1) enabled[$1] = 1; next }
		$3 == "cgroup" { n = split($4, o, ","); for (i = 1; i <= n; i++) if (o[i] in enabled) seen[o[i]] = 1 }
		END { for (c in seen) print c }' /proc/cgroups /proc/mounts | sort | paste -sd' '
}

@test "check: exit 0 here, one JSON object whose every check has every key" {
	requires_root
	requires jq
	check_json
	[ "$CHECK_STATUS" -eq 0 ] || fail "check exited $CHECK_STATUS: $CHECK_STDERR"
	[ -z "$CHECK_STDERR" ] || fail "check wrote to stderr: $CHECK_STDERR"
	jq -e '.canRun == true and .blockers == [] and .euid == 0 and .rootless == false' "$CHECK_JSON" >/dev/null ||
		fail "unexpected top level: $(jq -c 'del(.checks)' "$CHECK_JSON")"
	jq -e '.checks | length > 20 and all(
		(.name | type == "string") and (.status | IN("ok", "warning", "missing")) and
		(.value | type == "string") and (.values | type == "array") and
		(.reason | type == "string" and length > 0) and (.impact | type == "string") and
		(.blocks | type == "boolean"))' "$CHECK_JSON" >/dev/null ||
		fail "a check lacks a key or has a wrong type: $(cat "$CHECK_JSON")"
	# Names are unique.
	[ "$(jq '[.checks[].name] | length' "$CHECK_JSON")" -eq "$(jq '[.checks[].name] | unique | length' "$CHECK_JSON")" ]
}

@test "check: the text names every check with the status and value of the JSON" {
	requires_root
	requires jq
	check_json
	run -0 --separate-stderr cruntime check
	local text="$output" name status value line
	grep -q "^Result: this host can run the default \`cruntime spec\` container.$" <<<"$text" ||
		fail "no positive verdict: $text"
	while IFS=$'\t' read -r name status value; do
		[ -n "$value" ] || value="-"
		line="$(printf '%-8s %-24s %s' "$status" "$name" "$value")"
		grep -qxF -- "$line" <<<"$text" || fail "text lacks the row '$line':
$text"
	done < <(jq -r '.checks[] | [.name, .status, .value] | @tsv' "$CHECK_JSON")
}

@test "check: cgroup mode and controllers match /proc/mounts and the cgroup files" {
	requires_root
	requires jq
	check_json
	local mode
	mode="$(host_cgroup_mode)"
	[ "$(cval cgroup.mode)" = "$mode" ] || fail "cgroup.mode $(cval cgroup.mode), /proc/mounts says $mode"
	if [ "$mode" = v2 ]; then
		local own parent
		own="$(awk -F: '$1 == 0 { print $3 }' /proc/self/cgroup)"
		parent="$(dirname "$own")"
		[ "$parent" = / ] && parent=""
		[ "$(cval cgroup.controllers)" = "$(cat "/sys/fs/cgroup$parent/cgroup.controllers")" ] ||
			fail "controllers $(cval cgroup.controllers) != /sys/fs/cgroup$parent/cgroup.controllers"
		[ "$(cval cgroup.subtree_control)" = "$(cat "/sys/fs/cgroup$parent/cgroup.subtree_control")" ]
	else
		[ "$(cval cgroup.controllers values)" = "$(host_v1_controllers)" ] ||
			fail "controllers '$(cval cgroup.controllers values)', /proc/mounts+/proc/cgroups: '$(host_v1_controllers)'"
		jq -e 'all(.checks[]; .name != "cgroup.subtree_control")' "$CHECK_JSON" >/dev/null
	fi
	# Root may create cgroups where the runtime puts them.
	[ "$(cval cgroup.delegation)" = yes ]
}

@test "check: seccomp facts match actions_avail and the installed libseccomp" {
	requires_root
	requires jq
	check_json
	if [ ! -e /proc/sys/kernel/seccomp/actions_avail ]; then
		[ "$(cval seccomp.actions status)" = missing ]
		skip "no actions_avail on this kernel"
	fi
	[ "$(cval seccomp.actions)" = "$(tr -s ' \n' '  ' </proc/sys/kernel/seccomp/actions_avail | sed 's/ $//')" ]
	if grep -qw user_notif /proc/sys/kernel/seccomp/actions_avail; then
		[ "$(cval seccomp.user_notif)" = yes ]
	else
		[ "$(cval seccomp.user_notif)" = no ]
	fi
	requires dpkg-query
	local pkg
	pkg="$(dpkg-query -W -f '${Version}' libseccomp2 2>/dev/null)" || skip "libseccomp2 is not a Debian package here"
	pkg="${pkg#*:}"
	[ "$(cval seccomp.libseccomp)" = "${pkg%%-*}" ] || fail "libseccomp $(cval seccomp.libseccomp), dpkg says $pkg"
}

@test "check: kernel release, namespaces, system calls and user namespace sysctls match the host" {
	requires_root
	requires jq
	check_json
	[ "$(cval kernel.release)" = "$(uname -r)" ]
	local ns expected=()
	for ns in pid:pid network:net ipc:ipc uts:uts mount:mnt cgroup:cgroup user:user time:time; do
		[ -e "/proc/self/ns/${ns#*:}" ] && expected+=("${ns%%:*}")
	done
	[ "$(cval namespaces)" = "${expected[*]}" ] || fail "namespaces '$(cval namespaces)', /proc/self/ns: '${expected[*]}'"
	# pidfd_open and clone3 came in 5.3, open_tree in 5.2, mount_setattr in 5.12.
	local call name major minor
	for call in pidfd_open:5:3 clone3:5:3 open_tree:5:2 mount_setattr:5:12; do
		IFS=: read -r name major minor <<<"$call"
		if kernel_at_least "$major" "$minor"; then
			[ "$(cval "kernel.$name")" = yes ] || fail "kernel.$name: $(cval "kernel.$name" reason)"
		fi
	done
	if host_has_idmap_fs tmpfs; then
		[ "$(cval kernel.idmapped_mounts)" = yes ] || fail "idmapped: $(cval kernel.idmapped_mounts reason)"
	fi
	grep -qxF "user.max_user_namespaces=$(cat /proc/sys/user/max_user_namespaces)" <<<"$(jq -r '.checks[] | select(.name == "userns") | .values[]' "$CHECK_JSON")"
	if host_has_userns && [ "$(cat /proc/sys/kernel/unprivileged_userns_clone 2>/dev/null || echo 1)" = 1 ]; then
		[ "$(cval userns)" = enabled ]
	fi
}

@test "check: AppArmor, SELinux, systemd, resctrl and criu as the host has them" {
	requires_root
	requires jq
	check_json
	if host_has_apparmor; then [ "$(cval lsm.apparmor)" = enabled ]; else [ "$(cval lsm.apparmor)" = disabled ]; fi
	if [ "$(stat -f -c %T /sys/fs/selinux 2>/dev/null)" = selinux ] && [ -e /sys/fs/selinux/enforce ]; then
		[ "$(cval lsm.selinux)" != disabled ]
	else
		[ "$(cval lsm.selinux)" = disabled ]
	fi
	if [ -d /run/systemd/system ] && [ -S /run/dbus/system_bus_socket ]; then
		[ "$(cval systemd)" = reachable ]
	else
		[ "$(cval systemd)" = unreachable ]
		[ "$(cval systemd status)" = missing ]
	fi
	if [ "$(stat -f -c %T /sys/fs/resctrl 2>/dev/null)" = resctrl ]; then
		[ "$(cval resctrl)" = mounted ]
	else
		[ "$(cval resctrl)" = absent ] && [ "$(cval resctrl status)" = missing ]
	fi
	if command -v criu >/dev/null; then
		[ "$(cval criu)" = "$(criu --version | awk '$1 == "Version:" { print $2 }')" ]
	else
		[ "$(cval criu status)" = missing ]
	fi
}

@test "check: a user's subuid and subgid ranges, judged rootless" {
	requires_root
	requires jq useradd runuser
	CK_DIR="$(mktemp -d /tmp/cruntime-check.XXXXXX)"
	chmod 0755 "$CK_DIR"
	test_user_add "crck$$" "$CK_DIR"
	# A second subuid range only, added by hand: ranges are listed in file order.
	local extra=$((TEST_USER_SUBID + TEST_USER_SUBIDS))
	usermod --add-subuids "$extra-$((extra + 9))" "$TEST_USER"
	install -m 0755 "$CRUNTIME" "$CK_DIR/cruntime"
	local sanitizer=()
	mkdir -m 1777 "$CK_DIR/sanitizer"
	mapfile -t sanitizer < <(sanitizer_env "$CK_DIR/sanitizer")
	local status=0
	runuser -u "$TEST_USER" -- env -i PATH=/usr/bin:/bin HOME=/ "${sanitizer[@]}" \
		XDG_RUNTIME_DIR="$TEST_USER_XDG" "$CK_DIR/cruntime" check --format json >"$CHECK_JSON" || status=$?
	sanitizer_collect "$CK_DIR/sanitizer"
	jq -e --argjson uid "$TEST_USER_UID" '.euid == $uid and .rootless == true' "$CHECK_JSON" >/dev/null ||
		fail "not judged for the user: $(jq -c 'del(.checks)' "$CHECK_JSON")"
	[ "$(cval userns.subuid values)" = "$TEST_USER_SUBID:$TEST_USER_SUBIDS $extra:10" ] ||
		fail "subuid: '$(cval userns.subuid values)'"
	[ "$(cval userns.subgid values)" = "$TEST_USER_SUBID:$TEST_USER_SUBIDS" ] ||
		fail "subgid: '$(cval userns.subgid values)'"
	[ "$(cval runtime.root)" = "$TEST_USER_XDG/cruntime" ]
	# The verdict follows the blockers, and the exit status the verdict.
	if jq -e '.canRun' "$CHECK_JSON" >/dev/null; then
		[ "$status" -eq 0 ]
	else
		[ "$status" -eq 1 ] && jq -e '.blockers | length > 0' "$CHECK_JSON" >/dev/null
	fi
	# Without user namespaces for users the rootless container cannot run: the check says so.
	if ! runuser -u "$TEST_USER" -- unshare --user true 2>/dev/null; then
		[ "$(cval userns blocks)" = true ]
	fi
}

@test "check: a --root that cannot hold state stops it: exit 1, the reason on stderr and in JSON" {
	requires_root
	requires jq
	: >"$BATS_TEST_TMPDIR/not-a-dir"
	CHECK_STATUS=0
	"$CRUNTIME" --root "$BATS_TEST_TMPDIR/not-a-dir" check --format json >"$CHECK_JSON" 2>"$BATS_TEST_TMPDIR/err" || CHECK_STATUS=$?
	[ "$CHECK_STATUS" -eq 1 ]
	grep -q "^cruntime: this host cannot run the default container: runtime.root: --root $BATS_TEST_TMPDIR/not-a-dir is not a directory" "$BATS_TEST_TMPDIR/err" ||
		fail "stderr: $(cat "$BATS_TEST_TMPDIR/err")"
	jq -e '.canRun == false and (.blockers | length == 1) and (.blockers[0] | startswith("runtime.root: "))' "$CHECK_JSON" >/dev/null
	[ "$(cval runtime.root blocks)" = true ]
	# The text says it too, at the end.
	run -1 --separate-stderr "$CRUNTIME" --root "$BATS_TEST_TMPDIR/not-a-dir" check
	grep -q "^Result: this host cannot run the default" <<<"$output"
	grep -q "^  - runtime.root: " <<<"$output"
}

@test "check --systemd-cgroup: without a reachable systemd on cgroup v2 the container cannot run" {
	requires_root
	requires jq
	check_json --systemd-cgroup
	if [ "$(host_cgroup_mode)" = v2 ] && [ -d /run/systemd/system ] && [ -S /run/dbus/system_bus_socket ]; then
		[ "$(cval systemd)" = reachable ] && [ "$CHECK_STATUS" -eq 0 ]
		skip "systemd is reachable on cgroup v2 here: the failing case cannot be shown"
	fi
	[ "$CHECK_STATUS" -eq 1 ]
	[ "$(cval systemd blocks)" = true ]
	[ "$(cval cgroup.delegation)" = systemd ]
	grep -q "^cruntime: this host cannot run the default container: systemd: " <<<"$CHECK_STDERR"
}

@test "check: bad --format and extra arguments are refused" {
	run -1 --separate-stderr "$CRUNTIME" check --format yaml
	[ "$stderr" = 'cruntime: invalid format "yaml" (want text or json)' ] || fail "stderr: $stderr"
	run -1 --separate-stderr "$CRUNTIME" check extra
}

@test "check leaves nothing behind: mounts, cgroups, processes, state" {
	requires_root
	local mounts_before cgroups_before pid left=""
	mounts_before="$(wc -l </proc/self/mountinfo)"
	cgroups_before="$(find /sys/fs/cgroup -maxdepth 3 -type d -name 'cruntime*' 2>/dev/null | sort)"
	run -0 cruntime check
	run -0 cruntime check --format json
	[ "$(wc -l </proc/self/mountinfo)" -eq "$mounts_before" ]
	[ "$(find /sys/fs/cgroup -maxdepth 3 -type d -name 'cruntime*' 2>/dev/null | sort)" = "$cgroups_before" ]
	# No process of the binary survives (the id-mapping probe's user namespace helper is a
	# clone of cruntime, so its exe is the binary too).
	for pid in /proc/[0-9]*; do
		[ "$(readlink "$pid/exe" 2>/dev/null)" = "$(readlink -f "$CRUNTIME")" ] && left+=" ${pid#/proc/}"
	done
	[ -z "$left" ] || fail "cruntime processes left:$left"
	[ -z "$(ls -A "$TEST_ROOT")" ]
}

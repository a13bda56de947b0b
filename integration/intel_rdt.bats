#!/usr/bin/env bats
# linux.intelRdt through resctrl (runtime-spec config-linux.md "IntelRdt"; cgroup/resctrl.cpp) on a
# host that mounts resctrl at /sys/fs/resctrl. Elsewhere (this development VM, most CI machines)
# every test skips with that reason; the refusal there is tested in errors.bats, the writes on a
# fake tree in tests/cgroup/resctrl_test.cpp. The schemata used are the root group's own L3 line,
# which every group of this hardware accepts.

load helpers

RESCTRL=/sys/fs/resctrl

setup() {
	requires_root
	[ "$(stat -f -c %T "$RESCTRL" 2>/dev/null)" = resctrl ] ||
		skip "resctrl is not mounted at $RESCTRL on this host"
	common_setup
	setup_bundle
	update_config '.process.args = ["sleep", "600"]'
	ROOT_L3="$(awk '$1 ~ /^L3:/ { print $1; exit }' "$RESCTRL/schemata")"
	CT="rdt$$-$BATS_TEST_NUMBER"
}

teardown() {
	common_teardown
	[ -z "${CLOS:-}" ] || rmdir "$RESCTRL/$CLOS" 2>/dev/null || true
}

@test "intelRdt without closID: the container's own group with the schemata and the init; delete removes it" {
	[ -n "$ROOT_L3" ] || skip "no L3 allocation on this host ($(tr '\n' ' ' <"$RESCTRL/schemata"))"
	update_config ".linux.intelRdt = {\"l3CacheSchema\": \"$ROOT_L3\", \"enableMonitoring\": true}"
	cruntime create -b "$BUNDLE" "$CT"
	local pid
	pid="$(cruntime state "$CT" | jq -r .pid)"
	grep -qx "$pid" "$RESCTRL/$CT/tasks" || fail "init $pid not in $RESCTRL/$CT/tasks"
	[ -d "$RESCTRL/$CT/mon_groups/$CT" ] || fail "no MON group"
	grep -qx "$pid" "$RESCTRL/$CT/mon_groups/$CT/tasks" || fail "init $pid not in the MON group"
	cruntime delete --force "$CT"
	[ ! -e "$RESCTRL/$CT" ] || fail "$RESCTRL/$CT left after delete"
}

@test "intelRdt with an existing closID: joined, its schemata compared, kept after delete" {
	[ -n "$ROOT_L3" ] || skip "no L3 allocation on this host"
	CLOS="cruntime-test-$$"
	mkdir "$RESCTRL/$CLOS"
	update_config ".linux.intelRdt = {\"closID\": \"$CLOS\", \"l3CacheSchema\": \"$ROOT_L3\"}"
	cruntime create -b "$BUNDLE" "$CT"
	grep -qx "$(cruntime state "$CT" | jq -r .pid)" "$RESCTRL/$CLOS/tasks"
	cruntime delete --force "$CT"
	[ -d "$RESCTRL/$CLOS" ] || fail "the closID group was removed"
	# A missing closID group without schemata is an error naming it.
	update_config ".linux.intelRdt = {\"closID\": \"cruntime-none-$$\"}"
	run -1 --separate-stderr cruntime create -b "$BUNDLE" "$CT"
	[[ "$stderr" == *"cruntime-none-$$ does not exist"* ]] || fail "stderr: $stderr"
}

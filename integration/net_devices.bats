#!/usr/bin/env bats
# linux.netDevices (runtime-spec 1.3, config-linux.md "Network Devices"): a host interface moved
# into the container's network namespace by create, renamed, its permanent global addresses
# kept, up; refused without a network namespace of its own, for a device the host lacks and for a
# name the container already has; gone from the host with the container (a veth pair is
# destroyed with the namespace its end is in).

load helpers
load lifecycle_helpers

setup() {
	lc_setup
	requires ip
	# Short names (IFNAMSIZ is 16): c... is the end the container gets, h... stays on the host.
	local tag="$(($$ % 10000))$BATS_TEST_NUMBER"
	HOST_END="crh$tag"
	MOVED="crc$tag"
	ip link add "$HOST_END" type veth peer name "$MOVED" 2>"$BATS_TEST_TMPDIR/veth.err" ||
		skip "cannot make a veth pair here: $(cat "$BATS_TEST_TMPDIR/veth.err")"
	ip addr add 10.213.7.2/24 dev "$MOVED"
	ip link set "$HOST_END" up
	snapshot_host
}

teardown() {
	# Deleting one end removes the pair; after a passing test the namespace took both.
	[ -z "${HOST_END:-}" ] || ip link del "$HOST_END" 2>/dev/null || true
	lc_teardown
}

host_has_link() { ip link show "$1" >/dev/null 2>&1; }

# wait_link_gone NAME: the kernel cleans up a dead network namespace in a work queue.
wait_link_gone() {
	local tries=100
	while host_has_link "$1" && [ "$tries" -gt 0 ]; do
		sleep 0.05
		tries=$((tries - 1))
	done
	! host_has_link "$1"
}

@test "netDevices: the device is moved, renamed, up and keeps its address; gone with the container" {
	# What features claims is what this test shows working.
	cr features | jq -e '.linux.netDevices.enabled == true' >/dev/null || fail "features: netDevices"
	update_config ".linux.netDevices = {\"$MOVED\": {\"name\": \"eth9\"}}"
	set_args sleep 1000
	rund -0 cr run -d -b "$BUNDLE" ct
	! host_has_link "$MOVED" || fail "$MOVED is still on the host"
	rund -0 cr exec ct ip -o -4 addr show dev eth9
	[[ "$output" == *"inet 10.213.7.2/24 "* ]] || fail "address: $output"
	rund -0 cr exec ct cat /sys/class/net/eth9/flags
	(($(printf '%d' "$output") & 1)) || fail "eth9 is not up: flags $output"
	# The host end sees its peer up: the pair still works across the namespaces.
	[ "$(cat "/sys/class/net/$HOST_END/operstate")" = up ] || fail "host end not up"
	rund -0 cr delete --force ct
	wait_link_gone "$HOST_END" || fail "the veth pair outlived the container"
	assert_nothing_left
}

@test "netDevices: a %d template takes the first free number, no name keeps the host's" {
	update_config ".linux.netDevices = {\"$MOVED\": {\"name\": \"net%d\"}}"
	set_args ls /sys/class/net
	rund -0 cr run -b "$BUNDLE" ct
	[ "$(echo $output)" = "lo net0" ] || fail "links: $output"
	wait_link_gone "$HOST_END" || fail "the veth pair outlived the container"
	ip link add "$HOST_END" type veth peer name "$MOVED"
	update_config ".linux.netDevices = {\"$MOVED\": {}}"
	rund -0 cr run -b "$BUNDLE" ct
	[ "$(echo $output)" = "$MOVED lo" ] || fail "links: $output"
	assert_nothing_left
}

@test "netDevices: a missing device, a name taken, or no network namespace of its own is one line; nothing is left" {
	update_config '.linux.netDevices = {"crnosuchdev0": {}}'
	set_args true
	rund -1 cr run -b "$BUNDLE" ct
	assert_one_error_line \
		"cruntime: linux.netDevices.crnosuchdev0: no network device crnosuchdev0 on the host"
	assert_nothing_left

	update_config ".linux.netDevices = {\"$MOVED\": {\"name\": \"lo\"}}"
	rund -1 cr run -b "$BUNDLE" ct
	assert_one_error_line "linux.netDevices.$MOVED: name: the container's network namespace already has a device lo"
	assert_nothing_left
	host_has_link "$MOVED" || fail "a refused device left the host"

	update_config ".linux.netDevices = {\"$MOVED\": {}} | .linux.namespaces |= map(select(.type != \"network\"))"
	rund -1 cr run -b "$BUNDLE" ct
	assert_one_error_line 'linux.netDevices: needs a "network" namespace in linux.namespaces'
	assert_nothing_left

	update_config '.linux.namespaces += [{"type": "network", "path": "/proc/'"$$"'/ns/net"}]'
	rund -1 cr run -b "$BUNDLE" ct
	assert_one_error_line "linux.netDevices: the container shares the runtime's network namespace"
	assert_nothing_left
	host_has_link "$MOVED" || fail "a refused device left the host"
}

#!/usr/bin/env bats
# linux.namespaces, uid/gid mappings and timeOffsets (cli-contract §12.3): new namespaces, joined
# ones by path, a user namespace with mappings, a time namespace with offsets, bad paths.

load helpers
load lifecycle_helpers

setup() {
	lc_setup
	add_shared_dir
}
teardown() { lc_teardown; }

# The /proc/self/ns names of the namespace types config.json calls them.
declare -gA NS_FILE=([pid]=pid [network]=net [ipc]=ipc [uts]=uts [mount]=mnt [cgroup]=cgroup
	[user]=user [time]=time)

# inside_ns: run a container printing "name inode" for every namespace of its pid 1.
inside_ns() {
	set_args sh -c 'for n in pid net ipc uts mnt cgroup user time; do
		echo "$n $(stat -L -c %i /proc/self/ns/$n)"; done'
	rund -0 cr run -b "$BUNDLE" ct
	INSIDE="$output"
}

# inside_inode NAME: the inode the container reported for /proc/self/ns/NAME.
inside_inode() {
	awk -v n="$1" '$1 == n { print $2 }' <<<"$INSIDE"
}

# start_holder UNSHARE-FLAGS...: a `sleep` in new namespaces made by unshare(1); HOLDER = its pid
# once the namespaces exist (the sleep itself, not unshare).
start_holder() {
	start_bg "$BATS_TEST_TMPDIR/holder.out" unshare "$@" sleep 1000
	HOLDER="$BG_PID"
	local tries=200
	while [ "$(readlink "/proc/$HOLDER/exe" 2>/dev/null)" != "$(readlink -f "$(command -v sleep)")" ] &&
		[ "$tries" -gt 0 ]; do
		sleep 0.05
		tries=$((tries - 1))
	done
	[ "$tries" -gt 0 ] || fail "namespace holder did not start: $(cat "$BATS_TEST_TMPDIR/holder.out")"
}

@test "every namespace type in the config is new; the others are the runtime's" {
	# Time namespaces are Linux 5.6+ (CONFIG_TIME_NS): checked where the host has them.
	local types=(pid network ipc uts mount cgroup)
	host_has_timens && types+=(time)
	update_config ".linux.namespaces = $(jq -cn '$ARGS.positional | map({type: .})' --args "${types[@]}")"
	inside_ns
	local t
	for t in "${types[@]}"; do
		[ "$(inside_inode "${NS_FILE[$t]}")" != "$(ns_inode $$ "${NS_FILE[$t]}")" ] ||
			fail "$t namespace is the host's"
	done
	[ "$(inside_inode user)" = "$(ns_inode $$ user)" ]

	update_config '.linux.namespaces = [{"type": "mount"}] | del(.hostname)'
	inside_ns
	for t in "${types[@]/mount/}" user; do
		[ -n "$t" ] || continue
		[ "$(inside_inode "${NS_FILE[$t]}")" = "$(ns_inode $$ "${NS_FILE[$t]}")" ] ||
			fail "$t namespace should be the host's"
	done
	[ "$(inside_inode mnt)" != "$(ns_inode $$ mnt)" ]
}

@test "the namespaces the host sees for the init are the ones it sees itself; pid 1 inside" {
	set_args sh -c 'echo $$ >/shared/inner-pid
		for n in pid net ipc uts mnt cgroup; do echo "$n $(stat -L -c %i /proc/self/ns/$n)"; done >/shared/ns
		exec sleep 1000'
	rund -0 cr run -d -b "$BUNDLE" ct
	wait_for_file "$SHARED/ns"
	[ "$(cat "$SHARED/inner-pid")" = 1 ]
	local pid n inode
	pid="$(pid_of ct)"
	while read -r n inode; do
		[ "$(ns_inode "$pid" "$n")" = "$inode" ] || fail "$n: host sees $(ns_inode "$pid" "$n"), inside $inode"
	done <"$SHARED/ns"
}

@test "joined by path: net, ipc, uts, cgroup and time namespaces of another process" {
	local types=(network ipc uts cgroup) flags=(--net --uts --ipc --cgroup)
	host_has_timens && types+=(time) && flags+=(--time)
	start_holder "${flags[@]}"
	local t
	update_config '.linux.namespaces = [{"type": "pid"}, {"type": "mount"}]'
	for t in "${types[@]}"; do
		update_config '.linux.namespaces += [{"type": "'"$t"'", "path": "/proc/'"$HOLDER"'/ns/'"${NS_FILE[$t]}"'"}]'
	done
	inside_ns
	for t in "${types[@]}"; do
		[ "$(inside_inode "${NS_FILE[$t]}")" = "$(ns_inode "$HOLDER" "${NS_FILE[$t]}")" ] ||
			fail "$t: inside $(inside_inode "${NS_FILE[$t]}"), holder $(ns_inode "$HOLDER" "${NS_FILE[$t]}")"
	done
	[ "$(inside_inode pid)" != "$(ns_inode $$ pid)" ]
	# Joined namespaces are never destroyed: the holder lives on, in the same namespaces.
	kill -0 "$HOLDER"
	[ "$(ns_inode "$HOLDER" net)" != "$(ns_inode $$ net)" ]
}

@test "joined pid namespace: the container is not pid 1 there and sees the holder as pid 1" {
	start_bg "$BATS_TEST_TMPDIR/holder.out" unshare --pid --fork --mount-proc sleep 1000
	local unshare_pid="$BG_PID" tries=200
	HOLDER=""
	while [ -z "$HOLDER" ] && [ "$tries" -gt 0 ]; do
		HOLDER="$(cat "/proc/$unshare_pid/task/$unshare_pid/children" 2>/dev/null | awk '{print $1}')"
		[ -n "$HOLDER" ] && [ "$(readlink "/proc/$HOLDER/exe")" = "$(readlink -f "$(command -v sleep)")" ] ||
			HOLDER=""
		sleep 0.05
		tries=$((tries - 1))
	done
	[ -n "$HOLDER" ] || fail "pid namespace holder did not start"
	echo "$HOLDER" >>"$PID_LIST"

	update_config '.linux.namespaces = [{"type": "pid", "path": "/proc/'"$HOLDER"'/ns/pid"}, {"type": "mount"}]
		| del(.hostname)'
	set_args sh -c 'echo $$; stat -L -c %i /proc/self/ns/pid; tr "\0" " " </proc/1/cmdline'
	rund -0 cr run -b "$BUNDLE" ct
	local lines
	mapfile -t lines <<<"$output"
	[ "${lines[0]}" -gt 1 ] || fail "pid inside the joined namespace: ${lines[0]}"
	[ "${lines[1]}" = "$(ns_inode "$HOLDER" pid)" ]
	[ "${lines[2]}" = "sleep 1000 " ]
	kill -0 "$HOLDER"
}

@test "user namespace: container root is host uid/gid 100000, maps as configured" {
	add_userns
	set_args sh -c 'id -u >/shared/id; id -g >>/shared/id; cat /proc/self/uid_map /proc/self/gid_map >/shared/maps
		exec sleep 1000'
	rund -0 cr run -d -b "$BUNDLE" ct
	wait_for_file "$SHARED/maps"
	[ "$(cat "$SHARED/id")" = "$(printf '0\n0')" ]
	[ "$(tr -s ' ' <"$SHARED/maps" | sed 's/^ //')" = "$(printf '0 100000 65536\n0 100000 65536')" ]
	local pid
	pid="$(pid_of ct)"
	[ "$(awk '$1 == "Uid:" { print $2, $3, $4, $5 }' "/proc/$pid/status")" = "100000 100000 100000 100000" ]
	[ "$(awk '$1 == "Gid:" { print $2, $3, $4, $5 }' "/proc/$pid/status")" = "100000 100000 100000 100000" ]
	[ "$(ns_inode "$pid" user)" != "$(ns_inode $$ user)" ]
	# Files the container creates belong to the mapped host ids.
	[ "$(stat -c %u:%g "$SHARED/maps")" = "100000:100000" ]
}

@test "user namespace unshared after a setns: binds from below 0700 dirs are opened by the runtime" {
	# A joined namespace takes the init off the one-clone3 path: it unshares the user and mount
	# namespaces itself (kIdMapRequest) before asking for the mount sources.
	start_holder --uts
	add_userns
	private_sources
	update_config '.linux.namespaces |= map(select(.type != "uts"))
		| .linux.namespaces += [{"type": "uts", "path": "/proc/'"$HOLDER"'/ns/uts"}] | del(.hostname)'
	set_args sh -c 'cat /one/file /two; stat -L -c %i /proc/self/ns/uts'
	rund -0 cr run -b "$BUNDLE" ct
	[ "$output" = "one
two
$(ns_inode "$HOLDER" uts)" ]
}

@test "time namespace: timeOffsets are applied to monotonic and boottime" {
	requires_timens
	update_config '.linux.namespaces += [{"type": "time"}]
		| .linux.timeOffsets = {"monotonic": {"secs": 86400, "nanosecs": 0},
			"boottime": {"secs": 172800, "nanosecs": 500}}'
	set_args sh -c 'cat /proc/self/timens_offsets; cut -d. -f1 /proc/uptime'
	rund -0 cr run -b "$BUNDLE" ct
	local lines
	mapfile -t lines <<<"$output"
	[ "$(tr -s ' ' <<<"${lines[0]}")" = "monotonic 86400 0" ]
	[ "$(tr -s ' ' <<<"${lines[1]}")" = "boottime 172800 500" ]
	# uptime counts boottime: at least the offset plus the host's uptime before the run.
	[ "${lines[2]}" -ge $((172800 + $(cut -d. -f1 /proc/uptime) - 5)) ]
}

@test "user and time namespace: timeOffsets are applied, and exec sees them too" {
	# Regression: the init wrote the offsets after becoming root of the new user namespace (host
	# uid 100000). That change of euid made it non-dumpable, so its /proc/self files belonged to
	# host root and opening timens_offsets failed with EACCES.
	requires_timens
	add_userns
	update_config '.linux.namespaces += [{"type": "time"}]
		| .linux.timeOffsets = {"monotonic": {"secs": 86400, "nanosecs": 0},
			"boottime": {"secs": 172800, "nanosecs": 500}}'
	set_args sh -c 'cat /proc/self/timens_offsets >/shared/offsets; exec sleep 1000'
	local host_uptime
	host_uptime="$(cut -d. -f1 /proc/uptime)"
	rund -0 cr run -d -b "$BUNDLE" ct
	wait_for_file "$SHARED/offsets"
	local want
	want="$(printf 'monotonic 86400 0\nboottime 172800 500')"
	[ "$(tr -s ' ' <"$SHARED/offsets" | sed 's/^ //')" = "$want" ] ||
		fail "init's offsets: $(cat "$SHARED/offsets")"
	local pid
	pid="$(pid_of ct)"
	[ "$(ns_inode "$pid" time)" != "$(ns_inode $$ time)" ]
	[ "$(ns_inode "$pid" user)" != "$(ns_inode $$ user)" ]

	# An exec'd process joins the same time namespace (and so sees the same clocks).
	rund -0 cr exec ct sh -c 'stat -L -c %i /proc/self/ns/time; cat /proc/self/timens_offsets
		cut -d. -f1 /proc/uptime'
	local lines
	mapfile -t lines <<<"$output"
	[ "${lines[0]}" = "$(ns_inode "$pid" time)" ] || fail "exec in time namespace ${lines[0]}"
	[ "$(printf '%s\n' "${lines[1]}" "${lines[2]}" | tr -s ' ' | sed 's/^ //')" = "$want" ] ||
		fail "exec's offsets: ${lines[1]} / ${lines[2]}"
	[ "${lines[3]}" -ge $((172800 + host_uptime - 5)) ] || fail "exec's uptime ${lines[3]}"
}

@test "joined user namespace and a new time namespace: timeOffsets are applied" {
	# The same EACCES through setns: root of a joined namespace mapped to host uid 100000. The
	# user namespace to join is another container's.
	requires_timens
	add_userns
	set_args sleep 1000
	rund -0 cr run -d -b "$BUNDLE" holder
	local holder
	holder="$(pid_of holder)"
	update_config '.linux.namespaces |= map(select(.type != "user")) + [{"type": "time"},
			{"type": "user", "path": "/proc/'"$holder"'/ns/user"}]
		| del(.linux.uidMappings, .linux.gidMappings)
		| .linux.timeOffsets = {"monotonic": {"secs": 86400, "nanosecs": 0}}'
	set_args sh -c 'stat -L -c %i /proc/self/ns/user; cat /proc/self/timens_offsets; id -u'
	rund -0 cr run -b "$BUNDLE" ct
	local lines
	mapfile -t lines <<<"$output"
	[ "${lines[0]}" = "$(ns_inode "$holder" user)" ] || fail "user namespace ${lines[0]}"
	[ "$(tr -s ' ' <<<"${lines[1]}" | sed 's/^ //')" = "monotonic 86400 0" ] ||
		fail "offsets: ${lines[1]}"
	[ "${lines[3]}" = 0 ]
}

@test "a namespace path that is not a namespace, or of the wrong type: clean error" {
	snapshot_host
	: >"$BATS_TEST_TMPDIR/not-a-namespace"
	update_config '.linux.namespaces = [{"type": "pid"}, {"type": "mount"}, {"type": "uts"},
		{"type": "network", "path": "'"$BATS_TEST_TMPDIR"'/not-a-namespace"}]'
	rund -1 cr create -b "$BUNDLE" ct
	assert_one_error_line "not-a-namespace"
	assert_nothing_left

	# The host's uts namespace offered as a network namespace.
	update_config '.linux.namespaces = [{"type": "pid"}, {"type": "mount"}, {"type": "uts"},
		{"type": "network", "path": "/proc/'"$$"'/ns/uts"}]'
	rund -1 cr create -b "$BUNDLE" ct
	assert_one_error_line "/proc/$$/ns/uts"
	assert_nothing_left
}

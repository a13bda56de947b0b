#!/usr/bin/env bats
# `cruntime spec` (cli-contract §7.13): the starter config.json and its --rootless variant.

load helpers

setup() {
	common_setup
	NOBODY_DIR=""
}

teardown() {
	[ -z "$NOBODY_DIR" ] || rm -rf -- "$NOBODY_DIR"
	common_teardown
}

# Sorted arrays, for order-insensitive comparisons in jq.
DEFAULT_NAMESPACES='["cgroup","ipc","mount","network","pid","uts"]'
DEFAULT_CAPS='["CAP_AUDIT_WRITE","CAP_KILL","CAP_NET_BIND_SERVICE"]'

@test "spec writes config.json in the cwd and nothing on stdout" {
	mkdir work && cd work
	run -0 --separate-stderr cruntime spec
	[ -z "$output" ]
	[ -z "$stderr" ]
	jq -e 'type == "object"' config.json
	# Nothing else is created.
	[ "$(ls -A)" = config.json ]
}

@test "spec output is tab-indented and re-serialises identically" {
	run -0 cruntime spec
	# Reading it with jq and writing it back with tabs gives the same bytes (modulo the final
	# newline): canonical JSON, tab indentation, no duplicate keys, no odd number formats.
	diff <(jq --tab . config.json) <(cat config.json; [ -z "$(tail -c1 config.json)" ] || echo)
	[ "$(sed -n 2p config.json | cut -c1)" = $'\t' ]
}

@test "spec is deterministic" {
	mkdir a b
	run -0 cruntime spec --bundle a
	run -0 cruntime spec --bundle b
	cmp a/config.json b/config.json
	mkdir ra rb
	run -0 cruntime spec --rootless --bundle ra
	run -0 cruntime spec --rootless --bundle rb
	cmp ra/config.json rb/config.json
}

@test "spec: process is sh with a terminal, as root, caps and NOFILE 1024" {
	run -0 cruntime spec
	jq -e '.ociVersion | test("^1\\.[0-9]+\\.[0-9]+$")' config.json
	jq -e '.process.args == ["sh"]' config.json
	jq -e '.process.terminal == true' config.json
	jq -e '.process.cwd == "/"' config.json
	jq -e '.process.user.uid == 0 and .process.user.gid == 0' config.json
	jq -e '.process.env | any(startswith("PATH=/")) and index("TERM=xterm")' config.json
	jq -e '.process.noNewPrivileges == true' config.json
	jq -e --argjson caps "$DEFAULT_CAPS" \
		'.process.capabilities | (.bounding | sort) == $caps and (.effective | sort) == $caps
			and (.permitted | sort) == $caps and (.ambient // []) == [] and (.inheritable // []) == []' config.json
	jq -e '.process.rlimits == [{"type": "RLIMIT_NOFILE", "hard": 1024, "soft": 1024}]' config.json
}

@test "spec: root, hostname, namespaces, devices" {
	run -0 cruntime spec
	jq -e '.root == {"path": "rootfs", "readonly": true}' config.json
	jq -e '.hostname | type == "string" and length > 0' config.json
	jq -e --argjson ns "$DEFAULT_NAMESPACES" '[.linux.namespaces[].type] | sort == $ns' config.json
	# New namespaces only: no path joins another process' namespace.
	jq -e 'all(.linux.namespaces[]; has("path") | not)' config.json
	jq -e '.linux.resources.devices == [{"allow": false, "access": "rwm"}]' config.json
	jq -e '.linux | has("uidMappings") or has("gidMappings") | not' config.json
}

@test "spec: mounts" {
	run -0 cruntime spec
	jq -e '[.mounts[].destination] == ["/proc", "/dev", "/dev/pts", "/dev/shm", "/dev/mqueue", "/sys", "/sys/fs/cgroup"]' config.json
	jq -e '[.mounts[].type] == ["proc", "tmpfs", "devpts", "tmpfs", "mqueue", "sysfs", "cgroup"]' config.json
	jq -e '.mounts[0].source == "proc"' config.json
	jq -e '.mounts[1].options | index("nosuid") and index("mode=755")' config.json
	jq -e '.mounts[2].options | index("newinstance") and index("ptmxmode=0666") and index("gid=5")' config.json
	jq -e '.mounts[3].options | index("nosuid") and index("noexec") and index("nodev") and index("mode=1777")' config.json
	jq -e '.mounts[5].options | index("ro") and index("nosuid") and index("noexec") and index("nodev")' config.json
	jq -e '.mounts[6].options | index("ro")' config.json
	jq -e 'all(.mounts[]; (.source | type == "string") and (.options // [] | all(type == "string")))' config.json
}

@test "spec: masked and read-only paths" {
	run -0 cruntime spec
	local p
	for p in /proc/acpi /proc/kcore /proc/keys /proc/latency_stats /proc/timer_list /proc/timer_stats \
		/proc/sched_debug /proc/scsi /sys/firmware; do
		jq -e --arg p "$p" '.linux.maskedPaths | index([$p])' config.json >/dev/null || fail "$p not masked"
	done
	jq -e '.linux.readonlyPaths | sort == ["/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger"]' config.json
	jq -e '(.linux.maskedPaths | length) == (.linux.maskedPaths | unique | length)' config.json
	jq -e 'all(.linux.maskedPaths[], .linux.readonlyPaths[]; startswith("/"))' config.json
}

@test "spec: every value has the runtime-spec type" {
	run -0 cruntime spec
	# A schema check of the parts cruntime writes (runtime-spec schema/config-schema.json).
	jq -e '
		(.ociVersion | type == "string")
		and (.process | (.terminal | type == "boolean") and (.args | type == "array")
			and (.env | all(type == "string" and contains("="))) and (.cwd | type == "string")
			and (.user.uid | type == "number") and (.rlimits | all(.hard >= .soft)))
		and (.root.path | type == "string") and (.root.readonly | type == "boolean")
		and (.mounts | all(.destination | startswith("/")))
		and (.linux.namespaces | all(.type | IN("pid", "network", "mount", "ipc", "uts", "user", "cgroup", "time")))
		and (.linux.maskedPaths | type == "array") and (.linux.readonlyPaths | type == "array")
	' config.json
	# No null values anywhere: absent fields are omitted, as runc (Go omitempty) does.
	jq -e '[.. | select(. == null)] | length == 0' config.json
}

@test "spec refuses to overwrite an existing config.json" {
	echo '{"keep": true}' >config.json
	run -1 --separate-stderr cruntime spec
	[ "${#stderr_lines[@]}" -eq 1 ]
	[[ "$stderr" == *"config.json"* ]]
	[[ "$stderr" == *exists* ]]
	[ "$(cat config.json)" = '{"keep": true}' ]
	# Also through --bundle and for --rootless.
	mkdir b && echo keep >b/config.json
	run -1 cruntime spec --bundle b --rootless
	[ "$(cat b/config.json)" = keep ]
}

@test "spec --bundle writes into that directory only" {
	mkdir bundle
	run -0 cruntime spec --bundle "$BATS_TEST_TMPDIR/bundle"
	[ -f bundle/config.json ]
	[ ! -e config.json ]
	# Relative to the cwd.
	mkdir -p sub/rel
	run -0 cruntime spec -b sub/rel
	[ -f sub/rel/config.json ]
	jq -e '.process.args == ["sh"]' sub/rel/config.json
}

@test "spec --bundle on a missing directory fails without creating it" {
	run -1 --separate-stderr cruntime spec --bundle "$BATS_TEST_TMPDIR/missing"
	[ "${#stderr_lines[@]}" -eq 1 ]
	[ ! -e missing ]
}

@test "spec --rootless: user namespace mapped to the caller, no network ns or resources" {
	run -0 cruntime spec --rootless
	jq -e '[.linux.namespaces[].type] | sort == ["cgroup","ipc","mount","pid","user","uts"]' config.json
	jq -e --argjson uid "$(id -u)" '.linux.uidMappings == [{"containerID": 0, "hostID": $uid, "size": 1}]' config.json
	jq -e --argjson gid "$(id -g)" '.linux.gidMappings == [{"containerID": 0, "hostID": $gid, "size": 1}]' config.json
	jq -e '.linux | has("resources") | not' config.json
	# No uid=/gid= mount options: the ids would not exist in the user namespace.
	jq -e '[.mounts[].options // [] | .[] | select(startswith("uid=") or startswith("gid="))] == []' config.json
	# A fresh sysfs needs a private netns owned by the userns: /sys is a read-only rbind instead.
	jq -e '[.mounts[] | select(.destination == "/sys")] | length == 1' config.json
	jq -e '.mounts[] | select(.destination == "/sys") | .source == "/sys" and (.type | IN("none", "bind"))
		and (.options | index("rbind") and index("ro") and index("nosuid") and index("noexec") and index("nodev"))' config.json
}

@test "spec --rootless differs from the default exactly as documented" {
	mkdir def rl
	run -0 cruntime spec --bundle def
	run -0 cruntime spec --bundle rl --rootless
	# Apply cli-contract §7.13's transformation to the default and compare with --rootless
	# (/sys is checked by the previous test; namespace order is not significant).
	local uid gid
	uid="$(id -u)"
	gid="$(id -g)"
	diff <(jq -S --argjson uid "$uid" --argjson gid "$gid" '
		.linux.namespaces |= (map(select(.type != "network")) + [{"type": "user"}] | sort_by(.type))
		| .linux.uidMappings = [{"containerID": 0, "hostID": $uid, "size": 1}]
		| .linux.gidMappings = [{"containerID": 0, "hostID": $gid, "size": 1}]
		| del(.linux.resources)
		| .mounts |= map(if .destination == "/sys" then "sys"
			elif has("options") then .options |= map(select(startswith("uid=") or startswith("gid=") | not))
			else . end)' def/config.json) \
		<(jq -S '.linux.namespaces |= sort_by(.type)
			| .mounts |= map(if .destination == "/sys" then "sys" else . end)' rl/config.json)
}

@test "spec --rootless as an unprivileged user maps that user" {
	requires_root
	requires setpriv
	NOBODY_DIR="$(mktemp -d /tmp/cruntime-spec.XXXXXX)"
	chown 65534:65534 "$NOBODY_DIR"
	run -0 setpriv --reuid=65534 --regid=65534 --clear-groups "$CRUNTIME" spec --rootless --bundle "$NOBODY_DIR"
	jq -e '.linux.uidMappings == [{"containerID": 0, "hostID": 65534, "size": 1}]' "$NOBODY_DIR/config.json"
	jq -e '.linux.gidMappings == [{"containerID": 0, "hostID": 65534, "size": 1}]' "$NOBODY_DIR/config.json"
	[ "$(stat -c %u "$NOBODY_DIR/config.json")" -eq 65534 ]
}

@test "setup_bundle builds a busybox bundle whose config points at it" {
	setup_bundle
	[ -x "$BUNDLE/rootfs/bin/busybox" ]
	[ -L "$BUNDLE/rootfs/bin/sh" ]
	[ "$(readlink "$BUNDLE/rootfs/bin/sh")" = busybox ]
	grep -q '^nobody:x:65534:65534:' "$BUNDLE/rootfs/etc/passwd"
	grep -q '^nobody:x:65534:' "$BUNDLE/rootfs/etc/group"
	[ -d "$BUNDLE/rootfs/proc" ] && [ -d "$BUNDLE/rootfs/sys" ] && [ -d "$BUNDLE/rootfs/dev" ]
	[ "$(stat -c %a "$BUNDLE/rootfs/tmp")" = 1777 ]
	jq -e '.process.terminal == false and .root.path == "rootfs"' "$BUNDLE/config.json"
	# The payload really runs (as a host process here; containers come with `run`).
	run -0 "$BUNDLE/rootfs/bin/sh" -c 'echo hello'
	[ "$output" = hello ]
	update_config '.process.args = ["echo", "hi"]'
	jq -e '.process.args == ["echo", "hi"]' "$BUNDLE/config.json"
}

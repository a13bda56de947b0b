#!/usr/bin/env bats
# `cruntime features` (cli-contract §7.14, runtime-spec features.md): valid, honest, consistent.

load helpers

setup() {
	common_setup
	run -0 --separate-stderr cruntime features
	[ -z "$stderr" ] || fail "features wrote to stderr: $stderr"
	FEATURES="$output"
}

teardown() { common_teardown; }

SEMVER_RE='^(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$'

# fjq FILTER: evaluate a jq boolean over the features document (fails the test if false).
fjq() {
	jq -e "$@" <<<"$FEATURES" >/dev/null || fail "features: jq $* is false"
}

@test "features prints one valid JSON object" {
	fjq 'type == "object"'
	# Exactly one document on stdout.
	[ "$(jq -s length <<<"$FEATURES")" -eq 1 ]
}

@test "features: ociVersionMin and ociVersionMax are SemVer, min 1.0.0, min <= max" {
	local min max
	min="$(jq -r .ociVersionMin <<<"$FEATURES")"
	max="$(jq -r .ociVersionMax <<<"$FEATURES")"
	[[ "$min" =~ $SEMVER_RE ]] || fail "ociVersionMin '$min' is not SemVer"
	[[ "$max" =~ $SEMVER_RE ]] || fail "ociVersionMax '$max' is not SemVer"
	[ "$min" = 1.0.0 ]
	[ "$(printf '%s\n%s\n' "$min" "$max" | sort -V | head -n1)" = "$min" ]
}

@test "features: keys are the runtime-spec camelCase names" {
	# Every object key outside the free-form annotations is camelCase (no C++ member names).
	fjq '[del(.annotations) | paths | .[] | strings | select(test("^[a-z][a-zA-Z0-9]*$") | not)] == []'
	# Only keys features.md / features-linux.md define.
	fjq 'keys - ["ociVersionMin", "ociVersionMax", "hooks", "mountOptions", "linux", "annotations",
		"potentiallyUnsafeConfigAnnotations"] == []'
	fjq '(.linux // {}) | keys - ["namespaces", "capabilities", "cgroup", "seccomp", "apparmor", "selinux",
		"intelRdt", "memoryPolicy", "mountExtensions", "netDevices"] == []'
	# No nulls: absent means "unknown" and is spelled by omitting the key.
	fjq '[.. | select(. == null)] == []'
}

@test "features: annotations are present and agree with --version" {
	fjq '.annotations | type == "object" and length > 0 and all(.[]; type == "string")'
	run -0 "$CRUNTIME" --version
	local version="${lines[0]#cruntime version }" commit="${lines[1]#commit: }"
	local seccomp_version="${lines[3]#libseccomp: }"
	# Whatever the key prefix (runc: io.github.seccomp.libseccomp.version,
	# org.opencontainers.runc.commit), the values are the ones --version reports.
	fjq --arg v "$seccomp_version" '[.annotations | to_entries[] | select(.key | test("libseccomp[.]version$"))]
		| length == 1 and all(.value == $v)'
	fjq --arg c "$commit" '[.annotations | to_entries[] | select(.key | test("[.]commit$"))]
		| length == 1 and all(.value == $c)'
	fjq --arg v "$version" '[.annotations | to_entries[] | select(.key | test("cruntime[.]version$"))] | all(.value == $v)'
}

@test "features: the rootless annotations say what rootless mode supports and refuses" {
	# The cases behind each statement are rootless.bats's (and vm/rootless.bats's for v2).
	fjq '[.annotations | keys[] | select(startswith("io.github.cruntime.rootless"))] | sort ==
		["io.github.cruntime.rootless", "io.github.cruntime.rootless.cgroups",
		 "io.github.cruntime.rootless.fallbacks", "io.github.cruntime.rootless.idMappings",
		 "io.github.cruntime.rootless.refused"]'
	fjq '.annotations["io.github.cruntime.rootless.idMappings"] | test("newuidmap/newgidmap")'
	fjq '.annotations["io.github.cruntime.rootless.refused"] | test("id-mapped mounts") and test("additionalGids")'
}

@test "features: hooks are listed, exactly the six hook names (cruntime runs all six)" {
	fjq --argjson names "$HOOK_NAMES" '(.hooks | type) == "array" and (.hooks | sort) == $names'
}

@test "features: listed values are well-formed and unique" {
	fjq '(.mountOptions // []) | all(type == "string" and length > 0) and length == (unique | length)'
	fjq '(.linux.namespaces // []) | all(IN("pid", "network", "mount", "ipc", "uts", "user", "cgroup", "time"))
		and length == (unique | length)'
	fjq '(.linux.capabilities // []) | all(test("^CAP_[A-Z_]+$")) and length == (unique | length)'
	fjq '(.linux.cgroup // {}) | all(.[]; type == "boolean")'
	fjq '[.linux.apparmor, .linux.selinux, .linux.netDevices, .linux.mountExtensions.idmap | objects | .enabled]
		| all(type == "boolean")'
	fjq '(.potentiallyUnsafeConfigAnnotations // []) | all(type == "string")'
}

@test "features: seccomp lists only libseccomp names, supported flags are known flags" {
	fjq '(.linux.seccomp // {}) as $s
		| ($s.actions // [] | all(IN("SCMP_ACT_KILL", "SCMP_ACT_KILL_PROCESS", "SCMP_ACT_KILL_THREAD",
			"SCMP_ACT_TRAP", "SCMP_ACT_ERRNO", "SCMP_ACT_TRACE", "SCMP_ACT_ALLOW", "SCMP_ACT_LOG",
			"SCMP_ACT_NOTIFY")))
		and ($s.operators // [] | all(IN("SCMP_CMP_NE", "SCMP_CMP_LT", "SCMP_CMP_LE", "SCMP_CMP_EQ",
			"SCMP_CMP_GE", "SCMP_CMP_GT", "SCMP_CMP_MASKED_EQ")))
		and ($s.archs // [] | all(test("^SCMP_ARCH_[A-Z0-9_]+$")))
		and ($s.knownFlags // [] | all(test("^SECCOMP_FILTER_FLAG_[A-Z_]+$")))
		and (($s.supportedFlags // []) - ($s.knownFlags // []) == [])'
	# seccomp.enabled=false with actions listed would be a contradiction.
	fjq '(.linux.seccomp // {}) | .enabled != false or ((.actions // []) == [])'
}

@test "features claims container features only when create exists" {
	# Hooks, namespaces, mount options, capabilities, cgroups and seccomp are properties of
	# created containers: advertising them before `create` works would be a lie (containerd
	# and CRI consult these lists).
	local claims
	claims="$(jq -c '{hooks, mountOptions, ns: .linux.namespaces, caps: .linux.capabilities,
		cgroup: ((.linux.cgroup // {}) | map_values(select(. == true))),
		seccomp: .linux.seccomp.enabled} | with_entries(select(.value != null and .value != false
		and .value != {}))' <<<"$FEATURES")"
	[ "$claims" = "{}" ] && return 0
	run --separate-stderr cruntime create --bundle "$BATS_TEST_TMPDIR/no-bundle" probe
	[[ "$stderr" != *"not implemented yet"* ]] || fail "features claims $claims but create is not implemented"
}

@test "features: checkpoint is advertised only if it is implemented" {
	# runc's key is org.opencontainers.runc.checkpoint.enabled; accept any prefix.
	local enabled
	enabled="$(jq -r '[.annotations | to_entries[] | select(.key | test("checkpoint[.]enabled$")) | .value]
		| if length == 0 then "false" else unique | join(",") end' <<<"$FEATURES")"
	[ "$enabled" = true ] || [ "$enabled" = false ] || fail "checkpoint.enabled annotation(s): $enabled"
	if [ "$enabled" = true ]; then
		run --separate-stderr cruntime checkpoint nosuch
		[[ "$stderr" != *"not implemented yet"* ]]
	fi
}

@test "features is deterministic and does not depend on the state root" {
	run -0 "$CRUNTIME" --root "$BATS_TEST_TMPDIR/elsewhere" features
	[ "$output" = "$FEATURES" ]
	[ ! -e "$BATS_TEST_TMPDIR/elsewhere" ]
}

#!/usr/bin/env bash
# Writes the three bundles the benchmark measures, each a config.json whose root is ROOTFS:
#   DIR/minimal  the config `runc spec` writes (`cruntime spec` without runc), process `true`;
#   DIR/docker   what docker and podman send: their default seccomp profile (podman's
#                /usr/share/containers/seccomp.json, converted into the OCI form the way the
#                clients do: the rules whose includes/excludes fit the capabilities and the
#                architecture), docker's default capabilities, its masked and read-only paths, a
#                tmpfs /dev (runc spec has it), docker's device rules, memory, pids
#                and cpu shares limits;
#   DIR/userns   the minimal config in a user namespace (container root = host uid 100000).
# Every process is `true`, without a terminal; ociVersion 1.0.2, which all runtimes accept.
#
# usage: bench/configs.sh DIR ROOTFS     (needs jq; the seccomp profile from podman's
#        golang-github-containers-common package, else the docker bundle is not written and a
#        note says so)
set -euo pipefail

[ $# -eq 2 ] || { echo "usage: $0 DIR ROOTFS" >&2; exit 2; }
dir="$1"
rootfs="$(realpath "$2")"
profile="${BENCH_SECCOMP_PROFILE:-/usr/share/containers/seccomp.json}"

mkdir -p "$dir/minimal"
if command -v runc >/dev/null; then
	(cd "$dir/minimal" && runc spec)
else
	"${CRUNTIME:-cruntime}" spec --bundle "$dir/minimal"
fi
jq --arg root "$rootfs" '.ociVersion = "1.0.2" | .root.path = $root
	| .process.terminal = false | .process.args = ["true"]' \
	"$dir/minimal/config.json" >"$dir/c.json"
mv "$dir/c.json" "$dir/minimal/config.json"

mkdir -p "$dir/userns"
jq '.linux.namespaces += [{ type: "user" }]
	| .linux.uidMappings = [{ containerID: 0, hostID: 100000, size: 65536 }]
	| .linux.gidMappings = [{ containerID: 0, hostID: 100000, size: 65536 }]' \
	"$dir/minimal/config.json" >"$dir/userns/config.json"

if [ ! -r "$profile" ]; then
	echo "configs: $profile not found (Debian: golang-github-containers-common), no docker-like bundle" >&2
	exit 0
fi
case "$(uname -m)" in
x86_64) arch=SCMP_ARCH_X86_64 goarch=amd64 ;;
aarch64) arch=SCMP_ARCH_AARCH64 goarch=arm64 ;;
*) echo "configs: no seccomp arch mapping for $(uname -m), no docker-like bundle" >&2; exit 0 ;;
esac
caps='["CAP_CHOWN","CAP_DAC_OVERRIDE","CAP_FSETID","CAP_FOWNER","CAP_MKNOD","CAP_NET_RAW",
	"CAP_SETGID","CAP_SETUID","CAP_SETFCAP","CAP_SETPCAP","CAP_NET_BIND_SERVICE","CAP_SYS_CHROOT",
	"CAP_KILL","CAP_AUDIT_WRITE"]'
# The profile in the OCI form: a rule is kept when none of its excluded caps is granted, all of
# its included caps are, and its arches (if any) include this one; the profile-only keys go.
seccomp="$(jq --argjson caps "$caps" --arg arch "$arch" --arg goarch "$goarch" '
	def granted: . as $c | $caps | any(. == $c);
	{
		defaultAction,
		defaultErrnoRet,
		architectures: ([.archMap[] | select(.architecture == $arch)
			| [.architecture] + .subArchitectures] | add),
		syscalls: [.syscalls[]
			| select(all(.excludes.caps // [] | .[]; granted | not))
			| select(all(.includes.caps // [] | .[]; granted))
			| select(.excludes.arches // [] | any(. == $goarch) | not)
			| select(.includes.arches // [] | length == 0 or any(. == $goarch))
			| { names, action }
				+ (if (.args // []) != [] then { args } else {} end)
				+ (if .errnoRet then { errnoRet } else {} end)]
	}' "$profile")"

mkdir -p "$dir/docker"
jq --argjson caps "$caps" --argjson seccomp "$seccomp" '
	.process.capabilities = { bounding: $caps, effective: $caps, permitted: $caps }
	| .process.noNewPrivileges = false
	| .linux.seccomp = $seccomp
	| .linux.maskedPaths = ["/proc/asound", "/proc/acpi", "/proc/kcore", "/proc/keys",
		"/proc/latency_stats", "/proc/timer_list", "/proc/timer_stats", "/proc/sched_debug",
		"/proc/scsi", "/sys/firmware", "/sys/devices/virtual/powercap"]
	| .linux.readonlyPaths = ["/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys",
		"/proc/sysrq-trigger"]
	| .linux.resources = {
		devices: ([{ allow: false, access: "rwm" }]
			+ ([[1, 3], [1, 5], [1, 7], [1, 8], [1, 9], [5, 0], [5, 1], [5, 2], [136, -1], [10, 200]]
			| map({ allow: true, type: "c", major: .[0], access: "rwm" }
				+ (if .[1] >= 0 then { minor: .[1] } else {} end)))),
		memory: { limit: 536870912 },
		pids: { limit: 1024 },
		cpu: { shares: 512 } }' \
	"$dir/minimal/config.json" >"$dir/docker/config.json"

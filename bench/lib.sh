# Shared helpers of the benchmark scripts (issue 14), sourced, never run. They need root, jq and
# a static busybox (busybox-static) for the bundles. Each script that sources this gets:
#   $work       its own work directory, removed at exit (also on failure or Ctrl-C)
#   $prefix     the prefix of every container id it makes (its cgroups carry the same name)
#   on_exit CMD a command run at exit before $work goes, in the reverse order of registration
#   rt NAME ... a runtime (cruntime, runc, crun) with its own --root under $work
# The caller sets $bench_name (message prefix) and $cruntime (the binary measured) first, and
# $work_parent where $work must outlive bench/cgroup_view.sh's tmpfs on /tmp.

die() {
	echo "$bench_name: $*" >&2
	exit 1
}

[ "$(id -u)" = 0 ] || die "run as root (containers need namespaces, mounts and cgroups)"
command -v jq >/dev/null || die "jq is needed"
[ -x "${cruntime:-}" ] || die "${cruntime:-cruntime} is not built (run make bench)"

work="$(mktemp -d "${work_parent:-${TMPDIR:-/tmp}}/cruntime-bench.XXXXXX")"
# Traversable by a user-namespace container's root (a host uid other than 0) to its rootfs.
chmod 0755 "$work"
prefix="bench-$$"
exit_cmds=()
on_exit() { exit_cmds=("$*" "${exit_cmds[@]}"); }

# The runtimes' state roots that may hold containers of this run, for the cleanup.
declare -A roots=()

bench_cleanup() {
	local cmd name left
	trap - EXIT INT TERM
	for cmd in "${exit_cmds[@]}"; do eval "$cmd" || true; done
	for name in "${!roots[@]}"; do delete_all "$name"; done
	left="$(cgroups_left)"
	[ -z "$left" ] || echo "$bench_name: cgroups left behind: $left" >&2
	rm -rf -- "$work"
}
trap bench_cleanup EXIT
trap 'exit 130' INT TERM

binary_of() {
	case "$1" in
	cruntime) echo "$cruntime" ;;
	*) command -v "$1" || true ;;
	esac
}

version_of() { "$(binary_of "$1")" --version 2>/dev/null | head -1; }

# rt NAME ARGS...: the runtime with its own --root under the work directory (made on first use).
rt() {
	local name="$1"
	shift
	if [ -z "${roots[$name]:-}" ]; then
		roots[$name]="$work/root-$name"
		mkdir -p -m 0700 "${roots[$name]}"
	fi
	"$(binary_of "$name")" --root "${roots[$name]}" "$@"
}

# delete_all NAME: delete --force every container in the runtime's root.
delete_all() {
	local name="$1" id
	[ -d "${roots[$name]:-}" ] || return 0
	for id in $(ls -A "${roots[$name]}"); do
		[ -d "${roots[$name]}/$id" ] || continue
		rt "$name" delete --force "$id" >/dev/null 2>&1 || echo "$bench_name: delete $id ($name) failed" >&2
	done
}

# cgroups_left: cgroup directories named after this run's containers, in any hierarchy.
cgroups_left() {
	local mnt
	for mnt in $(awk '{ for (i = 7; $i != "-"; i++)
		if ($(i + 1) == "cgroup" || $(i + 1) == "cgroup2") print $5 }' /proc/self/mountinfo); do
		find "$mnt" -type d -name "$prefix-*" 2>/dev/null
	done
}

# make_rootfs DIR: a busybox root file system with /bin/true and /bin/sleep, files owned by root
# and world-readable, so a user-namespace container can run it too.
make_rootfs() {
	local busybox
	busybox="$(command -v busybox || true)"
	[ -n "$busybox" ] && ! ldd "$busybox" >/dev/null 2>&1 || die "a static busybox is needed (busybox-static)"
	mkdir -p "$1"/{bin,etc,proc,sys,dev,tmp,root}
	cp "$(realpath "$busybox")" "$1/bin/busybox"
	ln -s busybox "$1/bin/true"
	ln -s busybox "$1/bin/sleep"
	ln -s busybox "$1/bin/sh"
}

# median: the median of the numbers on stdin, one per line.
median() {
	sort -g | awk '{ v[NR] = $1 } END { if (NR == 0) exit 1
		print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

# host_facts: Markdown lines describing the machine, the load and the runtimes.
host_facts() {
	echo "- cpu: $(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo), $(nproc) cores"
	echo "- memory: $(awk '/^MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo)"
	echo "- kernel: $(uname -r)"
	echo "- cgroups: $(if [ -e /sys/fs/cgroup/cgroup.controllers ]; then echo v2; elif [ -d /sys/fs/cgroup/unified ]; then echo "hybrid (v1 controllers + v2 at /sys/fs/cgroup/unified)"; else echo v1; fi)"
	echo "- cruntime: $(version_of cruntime) ($(git -C "$(dirname "${BASH_SOURCE[0]}")/.." rev-parse --short HEAD 2>/dev/null || echo unknown))"
	local name
	for name in runc crun; do [ -z "$(binary_of "$name")" ] || echo "- $name: $(version_of "$name")"; done
	echo "- hyperfine: $(hyperfine --version 2>/dev/null || echo 'not installed')"
}

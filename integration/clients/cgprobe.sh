#!/bin/sh
# cgprobe: runs inside the test image and prints the limits of the container's own cgroup as
# "memory=<bytes|max> pids=<n|max> cpu=<quota|max>/<period>", on cgroup v2 or v1 alike, so the
# client tests need not know the host's layout. With a cgroup namespace, or when the runtime
# binds the container's own cgroup at /sys/fs/cgroup, the files are right there; when it mounts
# the whole hierarchy (no cgroup namespace) they are under the path /proc/self/cgroup names.
cg=/sys/fs/cgroup

# dir MOUNT CONTROLLER FILE: the directory holding FILE for this process' cgroup. CONTROLLER is
# the v1 controller name, or empty for the v2 line "0::/path".
dir() {
	path=$(awk -F: -v c="$2" '
		c == "" && $1 == "0" && $2 == "" { print $3; exit }
		c != "" { n = split($2, cs, ","); for (i = 1; i <= n; i++) if (cs[i] == c) { print $3; exit } }
	' /proc/self/cgroup)
	if [ -n "$path" ] && [ "$path" != / ] && [ -f "$1$path/$3" ]; then
		echo "$1$path"
	else
		echo "$1"
	fi
}

if [ -f $cg/cgroup.controllers ]; then
	d=$(dir $cg "" memory.max)
	mem=$(cat "$d/memory.max")
	pids=$(cat "$d/pids.max")
	set -- $(cat "$d/cpu.max")
	cpu="$1/$2"
else
	d=$(dir $cg/memory memory memory.limit_in_bytes)
	mem=$(cat "$d/memory.limit_in_bytes")
	# v1 has no "max": an unlimited limit is the page-rounded LONG_MAX
	[ "$mem" -ge 9223372036854000000 ] 2>/dev/null && mem=max
	d=$(dir $cg/pids pids pids.max)
	pids=$(cat "$d/pids.max")
	cpudir=$cg/cpu
	[ -d $cpudir ] || cpudir=$cg/cpu,cpuacct
	d=$(dir $cpudir cpu cpu.cfs_quota_us)
	quota=$(cat "$d/cpu.cfs_quota_us")
	[ "$quota" = -1 ] && quota=max
	cpu="$quota/$(cat "$d/cpu.cfs_period_us")"
fi
echo "memory=$mem pids=$pids cpu=$cpu"

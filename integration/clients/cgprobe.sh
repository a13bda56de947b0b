#!/bin/sh
# cgprobe: runs inside the test image and prints the limits of the container's own cgroup as
# "memory=<bytes|max> pids=<n|max> cpu=<quota|max>/<period>", on cgroup v2 or v1 alike, so the
# client tests need not know the host's layout. The runtime mounts the container's cgroup at
# /sys/fs/cgroup (a cgroup namespace, or a bind of the container's own cgroup without one).
cg=/sys/fs/cgroup
if [ -f $cg/cgroup.controllers ]; then
	mem=$(cat $cg/memory.max)
	pids=$(cat $cg/pids.max)
	set -- $(cat $cg/cpu.max)
	cpu="$1/$2"
else
	mem=$(cat $cg/memory/memory.limit_in_bytes)
	# v1 has no "max": an unlimited limit is the page-rounded LONG_MAX
	[ "$mem" -ge 9223372036854000000 ] 2>/dev/null && mem=max
	pids=$(cat $cg/pids/pids.max)
	cpudir=$cg/cpu
	[ -f $cpudir/cpu.cfs_quota_us ] || cpudir=$cg/cpu,cpuacct
	quota=$(cat $cpudir/cpu.cfs_quota_us)
	[ "$quota" = -1 ] && quota=max
	cpu="$quota/$(cat $cpudir/cpu.cfs_period_us)"
fi
echo "memory=$mem pids=$pids cpu=$cpu"

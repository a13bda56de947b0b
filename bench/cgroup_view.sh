#!/usr/bin/env bash
# Runs a command in a private mount namespace whose /sys/fs/cgroup shows only the cgroup v1
# hierarchies of a hybrid host: a fresh tmpfs holding bind mounts of each v1 hierarchy (and the
# symlinks between them, such as cpu,cpuacct), no cgroup2. crun 1.8 refuses a hybrid host whose
# v2 hierarchy has controllers; in this view every runtime compared sees a plain v1 host, the
# same for all of them, so the comparison stays fair. On a v1 or v2 host /sys/fs/cgroup stays.
# The namespace also gets a fresh tmpfs on /tmp: the work directories and the runtimes' state
# roots live there, as state roots do on tmpfs (/run) on a systemd host; on a disk a runtime's
# fsync of its state costs milliseconds that production hosts do not pay.
#
# usage: bench/cgroup_view.sh COMMAND [ARG...]     (root)
# The host's cgroup mounts are never unmounted or written: the tmpfs and the bind mounts exist
# only in the private namespace and vanish with its last process, as does the tmpfs on /tmp.
# The cgroups the containers make are real ones, in the host's v1 hierarchies (the callers
# delete them).
set -euo pipefail

[ $# -gt 0 ] || { echo "usage: $0 COMMAND [ARG...]" >&2; exit 2; }
if [ -z "${CRUNTIME_BENCH_VIEW:-}" ]; then
	# Not yet in the private namespace: enter one and run this script again in it (private
	# propagation, so nothing mounted below reaches the host).
	exec env CRUNTIME_BENCH_VIEW=1 unshare -m --propagation private "$0" "$@"
fi
unset CRUNTIME_BENCH_VIEW
mount -t tmpfs -o mode=1777,nosuid,nodev bench-tmp /tmp
if [ ! -d /sys/fs/cgroup/unified ] || [ -e /sys/fs/cgroup/cgroup.controllers ]; then
	exec "$@" # not a hybrid host
fi

# The v1 hierarchies mounted under /sys/fs/cgroup (fields: 5 mount point, after "-" the type).
hierarchies="$(awk '{ for (i = 7; $i != "-"; i++); if ($(i + 1) == "cgroup" && $5 ~ "^/sys/fs/cgroup/") print $5 }' /proc/self/mountinfo)"
[ -n "$hierarchies" ] || { echo "cgroup_view: no cgroup v1 hierarchy under /sys/fs/cgroup" >&2; exit 1; }
# Built aside, then moved over /sys/fs/cgroup in one step.
stage="$(mktemp -d /tmp/cgroup-view.XXXXXX)"
mount -t tmpfs -o mode=0755,nosuid,nodev,noexec cgroup-view "$stage"
for mnt in $hierarchies; do
	mkdir "$stage/${mnt##*/}"
	mount --bind "$mnt" "$stage/${mnt##*/}"
done
for link in /sys/fs/cgroup/*; do
	[ ! -L "$link" ] || ln -s "$(readlink "$link")" "$stage/${link##*/}"
done
mount --move "$stage" /sys/fs/cgroup
rmdir "$stage"
exec "$@"

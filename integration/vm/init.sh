#!/bin/sh
# /init of the cgroup v2 test VM (busybox sh). Stage 1 copies the initramfs onto a tmpfs and
# switch_roots into it: pivot_root(2) fails with EINVAL while the root is the initramfs itself,
# and cruntime pivots into every container. Stage 2 mounts the API file systems and cgroup2,
# runs the bats suites (cgroup2.bats, then rootless.bats), prints one result line for run.sh and powers the VM off.
#
# Kernel command line options read here (run.sh sets them):
#   cruntime_vm.filter=REGEX  only the tests whose name matches (bats -f)
#   cruntime_vm.debug=1       cruntime --debug in every call (its log is shown for failed tests)
export PATH=/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
export HOME=/root LANG=C.UTF-8

result() {
	echo "CRUNTIME-VM-RESULT: $1"
	poweroff -f
	# Not reached; if poweroff fails, init exits and the kernel panics, which with panic=-1 and
	# qemu's -no-reboot also ends the VM.
	exit 1
}

cmdline_option() {
	tr ' ' '\n' </proc/cmdline | sed -n "s/^cruntime_vm\.$1=//p" | tail -n 1
}

stage1() {
	mount -t devtmpfs devtmpfs /dev || result fail
	exec </dev/console >/dev/console 2>&1
	mount -t tmpfs -o mode=0755 tmpfs /newroot || result fail
	for entry in /*; do
		case "$entry" in
		/newroot | /proc | /sys | /dev) mkdir -p "/newroot$entry" ;;
		*) cp -a "$entry" /newroot/ || result fail ;;
		esac
	done
	# The console is open on /dev: move the mount rather than unmount it.
	mount --move /dev /newroot/dev || result fail
	# shellcheck disable=SC2093 # exec returns only when switch_root cannot run
	CRUNTIME_VM_STAGE=2 exec switch_root /newroot /init
	echo "init: switch_root failed"
	result fail
}

stage2() {
	unset CRUNTIME_VM_STAGE
	mount -t proc proc /proc
	mount -t sysfs sysfs /sys
	grep -q '^devtmpfs /dev ' /proc/mounts || mount -t devtmpfs devtmpfs /dev
	mkdir -p /dev/pts /dev/shm
	mount -t devpts -o newinstance,ptmxmode=0666 devpts /dev/pts
	mount -t tmpfs -o mode=1777 tmpfs /dev/shm
	# bash's process substitution and some scripts use these; devtmpfs does not create them.
	ln -sf /proc/self/fd /dev/fd
	ln -sf /proc/self/fd/0 /dev/stdin
	ln -sf /proc/self/fd/1 /dev/stdout
	ln -sf /proc/self/fd/2 /dev/stderr
	mount -t tmpfs -o mode=1777 tmpfs /tmp
	mount -t tmpfs -o mode=0755 tmpfs /run
	mount -t cgroup2 -o nsdelegate cgroup2 /sys/fs/cgroup || result fail
	hostname "$(cat /etc/hostname)"
	# Keep kernel messages (an OOM kill report, say) from interleaving with the TAP output; they
	# are in dmesg, which is printed when the suite fails.
	echo 1 >/proc/sys/kernel/printk

	echo "CRUNTIME-VM: kernel $(uname -r), up $(cut -d' ' -f1 /proc/uptime) s, $(nproc) cpu(s)"
	echo "CRUNTIME-VM: cgroup2 controllers: $(cat /sys/fs/cgroup/cgroup.controllers)"

	set -- --tap
	filter="$(cmdline_option filter)"
	[ -n "$filter" ] && set -- "$@" -f "$filter"
	[ "$(cmdline_option debug)" = 1 ] && export CRUNTIME_DEBUG=1
	export CRUNTIME=/usr/local/bin/cruntime

	echo "CRUNTIME-VM: TAP begin"
	(cd /vm && bats "$@" cgroup2.bats rootless.bats)
	rc=$?
	echo "CRUNTIME-VM: TAP end (bats exit status $rc)"
	echo "CRUNTIME-VM: done after $(cut -d' ' -f1 /proc/uptime) s"
	if [ "$rc" -ne 0 ]; then
		echo "CRUNTIME-VM: last kernel messages:"
		dmesg | tail -n 40
		result fail
	fi
	result pass
}

if [ "${CRUNTIME_VM_STAGE:-1}" = 2 ]; then
	stage2
else
	stage1
fi

#!/bin/bash
# Run the system VM suite (integration/sysvm/*.bats) in a throwaway Debian 12 VM: systemd as PID 1
# on cgroup v2, AppArmor enabled, udev, D-Bus, podman, containerd. The kernel is the cgroup v2
# suite's (../vm/fetch-kernel.sh, cached in <build>/vm/kernel); the root file system is built with
# mmdebstrap (build-image.sh) and cached in <build>/sysvm, keyed on its recipe; each run boots it
# under a copy-on-write overlay (the cached image is never written) with a second small disk that
# holds the binary and the suite. Exit 0 only when the VM's result line says pass. CTest runs this
# as integration.vm_system.
#
# Environment:
#   CRUNTIME            the cruntime binary (default: build/cruntime next to the source tree)
#   CRUNTIME_BUILD_DIR  where the caches go (<dir>/vm/kernel, <dir>/sysvm; default: the binary's
#                       directory)
#   SD_NOTIFY           the static sd_notify client notify.bats puts in its containers (default:
#                       <CRUNTIME_BUILD_DIR>/integration/sd-notify)
#   VM_TIMEOUT          seconds before the VM is killed (default 600; the image build is extra)
#   VM_ACCEL            qemu accelerator (default tcg; "kvm" where /dev/kvm works)
#   VM_CPUS, VM_MEMORY  vCPUs (default 2) and MiB of memory (default 3072)
#   VM_BATS_FILTER      only the tests matching this regex (bats -f)
#   SYSVM_FILES         only these bats files of integration/sysvm (space-separated names)
#   SYSVM_APPEND        more kernel command line (e.g. another LSM: "security=selinux selinux=1")
#   SYSVM_REBUILD=1     build the image again even if the cache holds one for this recipe
#   CRUNTIME_DEBUG=1    cruntime --debug inside the VM
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=../vm/qemu.bash
source "$here/../vm/qemu.bash"
CRUNTIME="$(realpath -m "${CRUNTIME:-$here/../../build/cruntime}")"
build_dir="${CRUNTIME_BUILD_DIR:-$(dirname "$CRUNTIME")}"
sysvm_dir="$(realpath -m "$build_dir/sysvm")"
kernel_dir="$(realpath -m "$build_dir/vm/kernel")"
# The whole suite takes 4-6 minutes under TCG on a loaded 2-core machine.
timeout_s="${VM_TIMEOUT:-900}"

die() {
	echo "sysvm: $*" >&2
	exit 1
}

# A missing tool is a failure, not a skip: `make deps` installs them all.
command -v qemu-system-x86_64 >/dev/null ||
	die "qemu-system-x86_64 not found: install qemu-system-x86 (make deps)"
command -v mkfs.ext4 >/dev/null || die "mkfs.ext4 not found: install e2fsprogs (make deps)"
[ -x "$CRUNTIME" ] || die "cruntime binary not found at $CRUNTIME (build first, or set CRUNTIME)"
SD_NOTIFY="$(realpath -m "${SD_NOTIFY:-$build_dir/integration/sd-notify}")"
[ -x "$SD_NOTIFY" ] || die "sd-notify not found at $SD_NOTIFY (build the sd-notify target, or set SD_NOTIFY)"
for f in ${SYSVM_FILES:-}; do
	[ -f "$here/$f" ] || die "SYSVM_FILES: no $f in $here"
done

# runtime_packages: the Debian packages of the shared libraries cruntime links (the image must
# have them; libsystemd0 once the systemd driver links sd-bus, say), one a line.
runtime_packages() {
	local lib owner
	for lib in $(ldd "$CRUNTIME" | awk '$2 == "=>" && $3 ~ /^\// { print $3 } $1 ~ /^\// { print $1 }'); do
		# Merged /usr: dpkg knows a library by the path its package ships, /lib/... or /usr/lib/...
		owner="$(dpkg -S "$lib" 2>/dev/null || dpkg -S "/usr$lib" 2>/dev/null ||
			dpkg -S "$(realpath "$lib")" 2>/dev/null)" ||
			die "cruntime links $lib, which no Debian package ships (the VM image cannot have it)"
		echo "${owner%%:*}"
	done | sort -u
}

started=$(date +%s)
mkdir -p "$sysvm_dir"
kernel="$(bash "$here/../vm/fetch-kernel.sh" "$kernel_dir")" || die "no kernel"
modules="$kernel_dir/modules/${kernel##*/vmlinuz-}"
libs="$(runtime_packages)"

# The image is named after everything that goes into it, so a changed recipe, kernel or library
# set builds a new one and an unchanged one is reused.
key="$({
	cat "$here/packages" "$here/build-image.sh" "$here"/image/*
	cat "$kernel_dir/package"
	echo "$libs"
} | sha256sum | cut -c1-16)"
image="$sysvm_dir/rootfs-$key.img"
# Two runs at once (ctest -j) build the image once.
exec 9>"$sysvm_dir/build.lock"
flock 9
if [ ! -s "$image" ] || [ "${SYSVM_REBUILD:-0}" = 1 ]; then
	if [ "$(id -u)" -ne 0 ]; then
		echo "sysvm: skipped: building the VM image needs root (mmdebstrap --mode=root)"
		exit 77
	fi
	echo "sysvm: building the image $image (mmdebstrap; a minute or two)"
	build_started=$(date +%s)
	# shellcheck disable=SC2086 # one package a word
	bash "$here/build-image.sh" "$image.new" "$modules" $libs || die "building the image failed"
	mv "$image.new" "$image"
	find "$sysvm_dir" -maxdepth 1 -name 'rootfs-*.img' ! -path "$image" -delete
	echo "sysvm: image built in $(($(date +%s) - build_started)) s"
fi
exec 9>&-

# The suite disk: cruntime (without debug info: every byte is read under emulation) and the
# static sd-notify client (notify.bats copies it into its containers, which have no systemd), the bats
# files with the helpers they share with the other suites, the in-VM driver and its settings.
suite_img="$sysvm_dir/suite.img"
stage="$(mktemp -d "$sysvm_dir/suite.XXXXXX")"
trap 'rm -rf -- "$stage"' EXIT
mkdir -p "$stage/bin" "$stage/suite"
strip --strip-debug -o "$stage/bin/cruntime" "$CRUNTIME" 2>/dev/null || cp "$CRUNTIME" "$stage/bin/cruntime"
strip --strip-debug -o "$stage/bin/sd-notify" "$SD_NOTIFY" 2>/dev/null || cp "$SD_NOTIFY" "$stage/bin/sd-notify"
cp "$here"/*.bats "$here"/*.bash "$here/../vm/vm_helpers.bash" "$here/../common.bash" "$stage/suite/"
cp "$here/suite.sh" "$stage/suite.sh"
{
	printf 'VM_BATS_FILTER=%q\n' "${VM_BATS_FILTER:-}"
	printf 'SYSVM_FILES=%q\n' "${SYSVM_FILES:-}"
	printf 'CRUNTIME_DEBUG=%q\n' "${CRUNTIME_DEBUG:-}"
} >"$stage/env"
mkfs.ext4 -q -L CRUNTIME-SUITE -d "$stage" "$suite_img" "$(($(du -sm "$stage" | cut -f1) + 32))M" >/dev/null ||
	die "mkfs.ext4 of the suite disk failed"
rm -rf -- "$stage"
trap - EXIT

append="console=ttyS0 root=/dev/nvme0n1 rootfstype=ext4 rw rootwait fsck.mode=skip quiet panic=-1"
append+=" systemd.unified_cgroup_hierarchy=1 apparmor=1 security=apparmor ${SYSVM_APPEND:-}"
log="$sysvm_dir/serial.log"
echo "sysvm: booting $(basename "$kernel") with $(basename "$image") (accel ${VM_ACCEL:-tcg}, timeout ${timeout_s} s); serial log: $log"
# Both disks are namespaces of one NVMe controller (nvme and ext4 are built into the kernel, so
# no initramfs), the root first: /dev/nvme0n1. snapshot=on puts the writes in a temporary
# overlay, so the cached image stays as built.
qemu_run "$log" "$timeout_s" \
	-accel "${VM_ACCEL:-tcg}" -cpu max -smp "${VM_CPUS:-2}" -m "${VM_MEMORY:-3072}" -net none \
	-kernel "$kernel" -append "$append" \
	-drive "file=$image,if=none,id=root,format=raw,snapshot=on" \
	-drive "file=$suite_img,if=none,id=suite,format=raw,snapshot=on" \
	-device nvme,serial=cruntime-sysvm,id=nvme0 \
	-device nvme-ns,drive=root,bus=nvme0,nsid=1 \
	-device nvme-ns,drive=suite,bus=nvme0,nsid=2

elapsed=$(($(date +%s) - started))
result="$(qemu_result "$log" CRUNTIME-SYSVM-RESULT)"
if [ "$QEMU_RC" -eq 124 ]; then
	die "the VM did not finish within ${timeout_s} s (result: ${result:-none}; total ${elapsed} s)"
fi
case "$result" in
pass) echo "sysvm: system VM suite passed (total ${elapsed} s)" ;;
fail) die "system VM suite failed (total ${elapsed} s; see the TAP output above)" ;;
*) die "the VM printed no result line (qemu exit status $QEMU_RC, total ${elapsed} s): boot failure?" ;;
esac

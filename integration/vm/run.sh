#!/bin/bash
# Run the cgroup v2 suites (cgroup2.bats, rootless.bats) in a throwaway qemu VM: fetch a Debian
# kernel (cached), build the initramfs, boot it under TCG, stream the serial console, and exit 0
# only when the VM's result line says pass. CTest runs this as integration.vm_cgroup2.
#
# Environment:
#   CRUNTIME            the cruntime binary (default: build/cruntime next to the source tree)
#   CRUNTIME_BUILD_DIR  where the kernel cache and the initramfs go (<dir>/vm; default: the
#                       binary's directory)
#   VM_TIMEOUT          seconds before the VM is killed (default 600)
#   VM_ACCEL            qemu accelerator (default tcg; "kvm" where /dev/kvm works)
#   VM_CPUS, VM_MEMORY  vCPUs (default 2) and MiB of memory (default 1024)
#   VM_BATS_FILTER      only the tests matching this regex (bats -f; no spaces)
#   CRUNTIME_DEBUG=1    cruntime --debug inside the VM
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=qemu.bash
source "$here/qemu.bash"
CRUNTIME="$(realpath -m "${CRUNTIME:-$here/../../build/cruntime}")"
build_dir="${CRUNTIME_BUILD_DIR:-$(dirname "$CRUNTIME")}"
vm_dir="$(realpath -m "$build_dir/vm")"
timeout_s="${VM_TIMEOUT:-600}"

die() {
	echo "vm: $*" >&2
	exit 1
}

# A missing qemu is a failure, not a skip: `make deps` installs it, and a skipped suite would
# hide that the v2 code paths went untested.
command -v qemu-system-x86_64 >/dev/null ||
	die "qemu-system-x86_64 not found: install qemu-system-x86 (make deps)"
[ -x "$CRUNTIME" ] || die "cruntime binary not found at $CRUNTIME (build first, or set CRUNTIME)"
case "${VM_BATS_FILTER:-}" in *[[:space:]]*) die "VM_BATS_FILTER must not contain spaces" ;; esac

started=$(date +%s)
mkdir -p "$vm_dir"
kernel="$(bash "$here/fetch-kernel.sh" "$vm_dir/kernel")" || die "no kernel"
initrd="$vm_dir/initramfs.cpio.gz"
bash "$here/build-initramfs.sh" "$initrd" "$CRUNTIME" || die "building the initramfs failed"

append="console=ttyS0 quiet panic=-1"
[ -n "${VM_BATS_FILTER:-}" ] && append+=" cruntime_vm.filter=$VM_BATS_FILTER"
[ "${CRUNTIME_DEBUG:-}" = 1 ] && append+=" cruntime_vm.debug=1"

log="$vm_dir/serial.log"
echo "vm: booting $(basename "$kernel") (accel ${VM_ACCEL:-tcg}, timeout ${timeout_s} s); serial log: $log"
qemu_run "$log" "$timeout_s" \
	-accel "${VM_ACCEL:-tcg}" -cpu max -smp "${VM_CPUS:-2}" -m "${VM_MEMORY:-1024}" -net none \
	-kernel "$kernel" -initrd "$initrd" -append "$append"
qemu_rc=$QEMU_RC

elapsed=$(($(date +%s) - started))
result="$(qemu_result "$log" CRUNTIME-VM-RESULT)"
if [ "$qemu_rc" -eq 124 ]; then
	die "the VM did not finish within ${timeout_s} s (result: ${result:-none}; total ${elapsed} s)"
fi
case "$result" in
pass)
	echo "vm: cgroup v2 suite passed (qemu exit $qemu_rc, total ${elapsed} s)"
	;;
fail)
	die "cgroup v2 suite failed (total ${elapsed} s; see the TAP output above)"
	;;
*)
	die "the VM printed no result line (qemu exit status $qemu_rc, total ${elapsed} s): boot failure?"
	;;
esac

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
: >"$log"
echo "vm: booting $(basename "$kernel") (accel ${VM_ACCEL:-tcg}, timeout ${timeout_s} s); serial log: $log"
# stdin from /dev/null: with -nographic qemu would otherwise put a terminal into raw mode.
timeout -k 10 "$timeout_s" qemu-system-x86_64 \
	-accel "${VM_ACCEL:-tcg}" -cpu max -smp "${VM_CPUS:-2}" -m "${VM_MEMORY:-1024}" \
	-nographic -no-reboot -net none \
	-kernel "$kernel" -initrd "$initrd" -append "$append" \
	</dev/null >"$log" 2>&1 &
qemu_pid=$!
# Killing timeout makes it pass a TERM on to qemu, so an interrupted run leaves no VM behind.
stop_vm() {
	kill "$qemu_pid" 2>/dev/null && echo "vm: interrupted; stopping the VM" >&2
	return 0
}
trap stop_vm EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
# Stream the console while the VM runs, without its CRs and the firmware's terminal escapes. In
# the background, so that `wait` (unlike a foreground pipeline) lets a signal's trap run at once.
tail -n +1 -f --pid="$qemu_pid" "$log" |
	sed -u -e 's/\r$//' -e 's/\x1bc//g' -e 's/\x1b\[[0-9;?]*[a-zA-Z]//g' &
stream_pid=$!
qemu_rc=0
wait "$qemu_pid" || qemu_rc=$?
wait "$stream_pid" || true
trap - EXIT INT TERM

elapsed=$(($(date +%s) - started))
result="$(tr -d '\r' <"$log" | sed -n 's/^CRUNTIME-VM-RESULT: //p' | tail -n 1)"
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

#!/bin/bash
# The system VM's suite driver, run from the suite disk (/sysvm) by the image's
# cruntime-sysvm-boot once systemd has started multi-user.target: bats --tap on the suite's files,
# diagnostics when it fails, and the result line run.sh waits for. The unit powers the VM off when
# this exits.
set -u
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
export HOME=/root LANG=C.UTF-8
export CRUNTIME=/sysvm/bin/cruntime
VM_BATS_FILTER="" SYSVM_FILES="" CRUNTIME_DEBUG=""
# shellcheck source=/dev/null # written by run.sh
source /sysvm/env
[ "$CRUNTIME_DEBUG" = 1 ] && export CRUNTIME_DEBUG

# Keep kernel messages (an OOM report, an AppArmor denial) from interleaving with the TAP output;
# they are in the journal, printed when the suite fails.
echo 1 >/proc/sys/kernel/printk

uptime_s() { cut -d' ' -f1 /proc/uptime; }
echo "CRUNTIME-SYSVM: kernel $(uname -r), $(nproc) cpu(s), $(systemctl --version | head -n 1)"
echo "CRUNTIME-SYSVM: suite started $(uptime_s) s after boot (multi-user.target reached); LSMs: $(cat /sys/kernel/security/lsm)"

args=(--tap)
[ -n "$VM_BATS_FILTER" ] && args+=(-f "$VM_BATS_FILTER")
cd /sysvm/suite || exit 1
# The smoke tests of the VM itself first: when they fail, the rest says little.
files=(system.bats)
for f in *.bats; do
	[ "$f" = system.bats ] || files+=("$f")
done
# shellcheck disable=SC2206 # a space-separated list of file names
[ -n "$SYSVM_FILES" ] && files=($SYSVM_FILES)

echo "CRUNTIME-SYSVM: TAP begin"
bats "${args[@]}" "${files[@]}" | tee /run/cruntime-sysvm.tap
rc=${PIPESTATUS[0]}
echo "CRUNTIME-SYSVM: TAP end (bats exit status $rc)"
# A filter that matches nothing must not pass as a green run.
if [ "$rc" -eq 0 ] && [ "$(head -n 1 /run/cruntime-sysvm.tap)" = "1..0" ]; then
	echo "CRUNTIME-SYSVM: no test ran (VM_BATS_FILTER '$VM_BATS_FILTER', files: ${files[*]})"
	rc=1
fi
echo "CRUNTIME-SYSVM: done after $(uptime_s) s"
if [ "$rc" -ne 0 ]; then
	echo "CRUNTIME-SYSVM: system state: $(systemctl is-system-running)"
	systemctl --failed --no-legend --no-pager
	echo "CRUNTIME-SYSVM: last warnings in the journal:"
	journalctl -b -p warning -n 40 --no-pager -o short-monotonic
	echo "CRUNTIME-SYSVM-RESULT: fail"
	exit 0
fi
echo "CRUNTIME-SYSVM-RESULT: pass"

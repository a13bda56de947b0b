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
echo "CRUNTIME-SYSVM: multi-user.target reached after $(uptime_s) s; LSMs: $(cat /sys/kernel/security/lsm)"

args=(--tap)
[ -n "$VM_BATS_FILTER" ] && args+=(-f "$VM_BATS_FILTER")
cd /sysvm/suite || exit 1
# shellcheck disable=SC2206 # a space-separated list of file names
files=(${SYSVM_FILES:-*.bats})

echo "CRUNTIME-SYSVM: TAP begin"
bats "${args[@]}" "${files[@]}"
rc=$?
echo "CRUNTIME-SYSVM: TAP end (bats exit status $rc)"
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

# Booting a test VM and reading its verdict, shared by vm/run.sh (the cgroup v2 VM) and
# sysvm/run.sh (the Debian system VM). Sourced, not run.
#
#   qemu_run LOG TIMEOUT QEMU_ARGS...  boot qemu under `timeout` with the serial console written
#                                      to LOG and streamed to stdout; sets QEMU_RC (124: timed out)
#   qemu_result LOG TAG                the last "TAG: <word>" line the VM printed, or nothing

# qemu_stop: the trap that ends a VM still running when the caller exits (an interrupt, a failed
# stream). Killing timeout makes it pass a TERM on to qemu, so nothing is left behind.
qemu_stop() {
	[ -n "${QEMU_PID:-}" ] && kill "$QEMU_PID" 2>/dev/null && echo "vm: interrupted; stopping the VM" >&2
	return 0
}

qemu_run() {
	local log="$1" timeout_s="$2" stream_pid
	shift 2
	: >"$log"
	# stdin from /dev/null: with -nographic qemu would otherwise put a terminal into raw mode.
	timeout -k 10 "$timeout_s" qemu-system-x86_64 -nographic -no-reboot "$@" </dev/null >"$log" 2>&1 &
	QEMU_PID=$!
	trap qemu_stop EXIT
	trap 'exit 130' INT
	trap 'exit 143' TERM
	# Stream the console while the VM runs, without its CRs and the firmware's terminal escapes.
	# In the background, so that `wait` (unlike a foreground pipeline) lets a signal's trap run
	# at once.
	tail -n +1 -f --pid="$QEMU_PID" "$log" |
		sed -u -e 's/\r$//' -e 's/\x1bc//g' -e 's/\x1b\[[0-9;?]*[a-zA-Z]//g' &
	stream_pid=$!
	QEMU_RC=0
	wait "$QEMU_PID" || QEMU_RC=$?
	wait "$stream_pid" || true
	QEMU_PID=
	trap - EXIT INT TERM
}

qemu_result() {
	tr -d '\r' <"$1" | sed -n "s/^$2: //p" | tail -n 1
}

# bats helpers shared by the host suites (helpers.bash, lifecycle_helpers.bash) and the cgroup v2
# VM suite (vm/vm_helpers.bash; vm/build-initramfs.sh copies this file next to it, into /vm).
# Only what both sides need, in the subset of bash tools the VM has (busybox, bash, jq).
# The caller sets CRUNTIME, TEST_ROOT, CRUNTIME_LOG, BUNDLE and RUND_SEQ (per test).

# Seconds any single cruntime call may take before the test gives up on it (exit 124).
LC_TIMEOUT="${LC_TIMEOUT:-60}"

# Fail the current test with a message on bats' output.
fail() {
	echo "FAIL: $*" >&2
	return 1
}

# update_config FILTER [BUNDLE]: apply a jq filter to BUNDLE/config.json in place.
update_config() {
	local file="${2:-$BUNDLE}/config.json"
	jq "$1" "$file" >"$file.new" || { rm -f "$file.new"; fail "jq '$1' failed"; return 1; }
	mv "$file.new" "$file"
}

# state_entries DIR: what DIR (a state root) holds besides the runtime's seccomp program cache
# ('@seccomp-cache', kept across containers on purpose), one name per line: empty once every
# container is gone.
state_entries() {
	ls -A "$1" | grep -vx '@seccomp-cache' || true
}

# cr ARGS...: cruntime with this test's --root/--log, killed after $LC_TIMEOUT seconds. When the
# test set LC_TAG (lifecycle_helpers.bash), it is put in cruntime's environment only (the test
# shell does not export it), so a process that still carries it after cruntime returned is a
# runtime process left behind (the init before execve, a hook). CRUNTIME_DEBUG=1 adds --debug.
cr() {
	local debug=() tag=()
	[ -n "${CRUNTIME_DEBUG:-}" ] && debug=(--debug)
	[ -n "${LC_TAG:-}" ] && tag=("LC_TAG=$LC_TAG")
	env "${tag[@]}" timeout -k 5 "$LC_TIMEOUT" \
		"$CRUNTIME" --root "$TEST_ROOT" --log "$CRUNTIME_LOG" "${debug[@]}" "$@"
}

# rund [-N] CMD...: like bats' `run --separate-stderr`, but stdin is /dev/null and stdout/stderr
# go to files, never to a pipe: a container that outlives the command (create, run -d, a bug)
# would otherwise hold bats' pipe open and hang the test. Sets status, output, lines, stderr,
# stderr_lines, and RUND_OUT/RUND_ERR (the files; a detached container keeps writing there).
# With -N, fails unless the exit status is N.
# shellcheck disable=SC2034 # lines, stderr_lines: bats' own variables, read by the tests
rund() {
	local expect=""
	if [[ "${1:-}" =~ ^-[0-9]+$ ]]; then
		expect="${1#-}"
		shift
	fi
	RUND_SEQ=$((${RUND_SEQ:-0} + 1))
	RUND_OUT="$BATS_TEST_TMPDIR/rund.$RUND_SEQ.out"
	RUND_ERR="$BATS_TEST_TMPDIR/rund.$RUND_SEQ.err"
	status=0
	"$@" </dev/null >"$RUND_OUT" 2>"$RUND_ERR" 3>&- || status=$?
	output="$(cat "$RUND_OUT")"
	stderr="$(cat "$RUND_ERR")"
	lines=()
	[ -z "$output" ] || mapfile -t lines <<<"$output"
	stderr_lines=()
	[ -z "$stderr" ] || mapfile -t stderr_lines <<<"$stderr"
	if [ -n "$expect" ] && [ "$status" -ne "$expect" ]; then
		echo "rund: expected exit status $expect, got $status from: $*" >&2
		echo "stdout: $output" >&2
		echo "stderr: $stderr" >&2
		return 1
	fi
}

# set_args ARG...: process.args = the arguments.
set_args() {
	local json
	json="$(jq -cn '$ARGS.positional' --args -- "$@")"
	update_config ".process.args = $json"
}

# run_sh [-N] SCRIPT [RUN-FLAGS...]: run `sh -c SCRIPT` in a foreground `cruntime run` of
# container "ct" (stdio in files, see rund). -N as for rund.
run_sh() {
	local expect=()
	if [[ "${1:-}" =~ ^-[0-9]+$ ]]; then
		expect=("$1")
		shift
	fi
	local script="$1"
	shift
	set_args sh -c "$script"
	rund "${expect[@]}" cr run -b "$BUNDLE" "$@" ct
}

# status_of ID: the status field of `cruntime state ID` (empty if state fails).
status_of() {
	cr state "$1" 2>/dev/null | jq -r .status
}

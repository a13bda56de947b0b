# Shared bats setup for the integration tests: binary, per-test state root, bundles, teardown.
# Usage in a .bats file:
#   load helpers
#   setup() { common_setup; }
#   teardown() { common_teardown; }

# `run -N` and `run --separate-stderr` need bats >= 1.5 (Debian 12 ships 1.8.2).
bats_require_minimum_version 1.5.0

INTEGRATION_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# CTest sets CRUNTIME to the built binary; by hand the default is ../build/cruntime.
CRUNTIME="${CRUNTIME:-$INTEGRATION_DIR/../build/cruntime}"
CRUNTIME="$(realpath -m "$CRUNTIME")"

# The six hook names of runtime-spec config.md, sorted.
HOOK_NAMES='["createContainer","createRuntime","poststart","poststop","prestart","startContainer"]'
# RFC 3339 as Go's time.Parse(time.RFC3339Nano) accepts it (what containerd decodes).
RFC3339_RE='^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]{1,9})?(Z|[+-][0-9]{2}:[0-9]{2})$'

# Fail the current test with a message on bats' output.
fail() {
	echo "FAIL: $*" >&2
	return 1
}

# Skip unless running as root (state roots under /run, mounts and namespaces need it).
requires_root() {
	[ "$(id -u)" -eq 0 ] || skip "needs root"
}

# requires CMD...: skip unless every command is on PATH.
requires() {
	local cmd
	for cmd in "$@"; do
		command -v "$cmd" >/dev/null 2>&1 || skip "needs $cmd"
	done
}

# Per-test state: a fresh --root (0700, as cruntime creates it) and a --log file, both under
# $BATS_TEST_TMPDIR, so tests never touch /run/cruntime and never see each other; the cwd is
# $BATS_TEST_TMPDIR too.
common_setup() {
	[ -x "$CRUNTIME" ] || fail "cruntime binary not found at $CRUNTIME (build first, or set CRUNTIME)"
	TEST_ROOT="$BATS_TEST_TMPDIR/root"
	CRUNTIME_LOG="$BATS_TEST_TMPDIR/cruntime.log"
	PID_LIST="$BATS_TEST_TMPDIR/pids"
	mkdir -m 0700 "$TEST_ROOT"
	: >"$PID_LIST"
	# Commands that write to the cwd (spec) must never write into the source tree.
	cd "$BATS_TEST_TMPDIR" || return 1
}

# cruntime ARGS...: the binary with this test's --root and --log. Errors still reach stderr
# (cli-contract §3: the final error is printed there too); warnings and debug go to the log.
# Set CRUNTIME_DEBUG=1 to add --debug.
cruntime() {
	local debug=()
	[ -n "${CRUNTIME_DEBUG:-}" ] && debug=(--debug)
	"$CRUNTIME" --root "$TEST_ROOT" --log "$CRUNTIME_LOG" "${debug[@]}" "$@"
}

# cruntime_nolog ARGS...: the binary with --root only, for tests of what reaches stderr.
cruntime_nolog() {
	"$CRUNTIME" --root "$TEST_ROOT" "$@"
}

# Print the --log file and the state root (teardown calls this; bats only shows it on failure).
dump_debug_info() {
	if [ -s "${CRUNTIME_LOG:-}" ]; then
		echo "--- cruntime --log ($CRUNTIME_LOG):"
		cat "$CRUNTIME_LOG"
	fi
	if [ -d "${TEST_ROOT:-}" ]; then
		echo "--- state root ($TEST_ROOT):"
		find "$TEST_ROOT" -ls 2>/dev/null
	fi
}

# Teardown: delete every container under the test root with `delete --force`, kill the helper
# processes this test started (by pid, nothing else), and check nothing is left behind.
common_teardown() {
	local rc=0 entry id
	# bats shows what teardown prints only when the test failed.
	dump_debug_info
	kill_started_processes || rc=1
	if [ -d "${TEST_ROOT:-}" ]; then
		for entry in "$TEST_ROOT"/* "$TEST_ROOT"/.[!.]*; do
			[ -e "$entry" ] || [ -L "$entry" ] || continue
			id="${entry##*/}"
			force_delete "$id" || rc=1
		done
		if [ -n "$(ls -A "$TEST_ROOT")" ]; then
			echo "teardown: left behind in $TEST_ROOT:" >&2
			ls -la "$TEST_ROOT" >&2
			rc=1
		fi
	fi
	return "$rc"
}

# force_delete ID: `delete --force ID`. While delete is not implemented, remove the state dir by
# hand; any other failure is a real bug and fails the test.
force_delete() {
	local id="$1" out
	if out="$("$CRUNTIME" --root "$TEST_ROOT" delete --force "$id" 2>&1)"; then
		return 0
	fi
	if [[ "$out" == *"not implemented yet"* ]]; then
		rm -rf -- "${TEST_ROOT:?}/$id"
		return 0
	fi
	# Entries planted on purpose as broken (symlinks, files) may legitimately be refused.
	if [ -L "$TEST_ROOT/$id" ] || [ ! -d "$TEST_ROOT/$id" ]; then
		rm -f -- "${TEST_ROOT:?}/$id"
		return 0
	fi
	echo "teardown: delete --force $id failed: $out" >&2
	rm -rf -- "${TEST_ROOT:?}/$id"
	return 1
}

# ---- helper processes --------------------------------------------------------------------

# start_sleep: start `sleep` in the background of the test shell (not in a $(...) subshell, so
# the test can wait for it), detached from bats' output fds; sets SLEEP_PID and records it for
# teardown.
start_sleep() {
	sleep 1000 >/dev/null 2>&1 3>&- &
	SLEEP_PID=$!
	echo "$SLEEP_PID" >>"$PID_LIST"
}

# start_sleep_unreaped: a sleep whose parent never reaps it (bash reaps its own children at
# once), so killing SLEEP_PID leaves a zombie until teardown kills PARENT_PID.
start_sleep_unreaped() {
	local pidfile="$BATS_TEST_TMPDIR/unreaped.pid"
	rm -f "$pidfile"
	sh -c 'sleep 1000 & echo $! >"$1.tmp" && mv "$1.tmp" "$1"; exec sleep 1001' sh "$pidfile" \
		</dev/null >/dev/null 2>&1 3>&- &
	PARENT_PID=$!
	local _
	for _ in $(seq 100); do
		[ -s "$pidfile" ] && break
		sleep 0.05
	done
	SLEEP_PID="$(cat "$pidfile")" || return 1
	# Teardown kills in this order: the child first, then the parent that holds its zombie.
	printf '%s\n%s\n' "$SLEEP_PID" "$PARENT_PID" >>"$PID_LIST"
}

# kill_started_processes: SIGKILL and reap every pid start_sleep recorded in this test.
kill_started_processes() {
	local pid
	[ -s "${PID_LIST:-}" ] || return 0
	while read -r pid; do
		kill -KILL "$pid" 2>/dev/null || true
		wait "$pid" 2>/dev/null || true
	done <"$PID_LIST"
	: >"$PID_LIST"
}

# proc_start_time PID: field 22 of /proc/PID/stat (starttime in clock ticks since boot). comm
# (field 2) may contain spaces and parentheses, so split after the last ')'.
proc_start_time() {
	local stat rest
	stat="$(cat "/proc/$1/stat")" || return 1
	rest="${stat##*) }"
	# shellcheck disable=SC2086 # word splitting is the point
	set -- $rest
	# $1 is field 3 (state), so field 22 is $20.
	echo "${20}"
}

# ---- rootfs and bundles ------------------------------------------------------------------

# make_busybox_rootfs DIR: a minimal rootfs from the static busybox of busybox-static. Built once
# per bats run under $BATS_RUN_TMPDIR, then copied with cp -a.
make_busybox_rootfs() {
	local dir="$1" cache="$BATS_RUN_TMPDIR/busybox-rootfs"
	if [ ! -d "$cache" ]; then
		build_busybox_rootfs "$cache.tmp.$$" || return 1
		mv -T "$cache.tmp.$$" "$cache" 2>/dev/null || rm -rf "$cache.tmp.$$"
	fi
	mkdir -p "$dir"
	cp -a "$cache/." "$dir/"
}

build_busybox_rootfs() {
	local dir="$1" bb applet
	bb="$(command -v busybox)" || fail "busybox not found (apt-get install busybox-static)" || return 1
	bb="$(realpath "$bb")"
	# A dynamic busybox (Debian's `busybox` package) would not run inside the rootfs.
	if ldd "$bb" >/dev/null 2>&1; then
		fail "$bb is dynamically linked; install busybox-static"
		return 1
	fi
	mkdir -p "$dir"/{bin,etc,proc,sys,dev,tmp,root,usr/bin,usr/sbin,sbin,var}
	chmod 1777 "$dir/tmp"
	cp "$bb" "$dir/bin/busybox"
	for applet in $("$bb" --list); do
		[ -e "$dir/bin/$applet" ] || ln -s busybox "$dir/bin/$applet"
	done
	cat >"$dir/etc/passwd" <<-'EOF'
		root:x:0:0:root:/root:/bin/sh
		nobody:x:65534:65534:nobody:/nonexistent:/bin/false
	EOF
	cat >"$dir/etc/group" <<-'EOF'
		root:x:0:
		nobody:x:65534:
	EOF
}

# setup_bundle: $BUNDLE = a bundle with a busybox rootfs and `cruntime spec`'s config, with
# terminal off (tests have no tty). Edit it further with update_config.
setup_bundle() {
	BUNDLE="$BATS_TEST_TMPDIR/bundle"
	mkdir -p "$BUNDLE"
	make_busybox_rootfs "$BUNDLE/rootfs" || return 1
	cruntime spec --bundle "$BUNDLE" || fail "cruntime spec failed" || return 1
	update_config '.process.terminal = false'
}

# update_config FILTER [BUNDLE]: apply a jq filter to BUNDLE/config.json in place.
update_config() {
	local file="${2:-$BUNDLE}/config.json"
	jq "$1" "$file" >"$file.new" || { rm -f "$file.new"; fail "jq '$1' failed"; return 1; }
	mv "$file.new" "$file"
}

# ---- planted state -----------------------------------------------------------------------

# plant_state ID PID START_TIME [JQ-EDIT]: create <root>/ID by hand, as `create` would leave it:
# a 0711 dir, state.json and, for a "created" container, an exec.fifo (the caller makes it).
# The JSON is the one spec::dump_stored_state writes (spec/src/state_json.cpp). PLANT_ROOT
# overrides the directory it goes into.
plant_state() {
	local id="$1" pid="$2" start="$3" edit="${4:-.}" dir="${PLANT_ROOT:-$TEST_ROOT}/$1"
	mkdir -m 0711 "$dir"
	jq -n --arg id "$id" --argjson pid "$pid" --argjson start "$start" \
		--arg bundle "$BATS_TEST_TMPDIR/bundle-$id" --arg created "2025-01-02T03:04:05.123456789Z" \
		'{
			ociVersion: "1.3.0",
			id: $id,
			initPid: $pid,
			initStartTime: $start,
			bundle: $bundle,
			rootfs: ($bundle + "/rootfs"),
			created: $created,
			annotations: {},
			cgroupPath: "",
			ownPidNamespace: true,
			configPath: ($bundle + "/config.json")
		} | '"$edit" >"$dir/state.json"
}

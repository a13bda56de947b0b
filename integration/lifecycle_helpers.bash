# Helpers for the bats tests that run real containers (lifecycle, process, namespaces, hooks,
# seccomp, terminal, errors). Load after helpers.bash:
#   load helpers
#   load lifecycle_helpers
#   setup() { lc_setup; }
#   teardown() { lc_teardown; }

# The helper programs built next to cruntime (integration/tools); CTest passes their paths.
BUILD_DIR="$(dirname "$CRUNTIME")"
RECVTTY="${RECVTTY:-$BUILD_DIR/integration/recvtty}"
SECCOMP_LISTENER="${SECCOMP_LISTENER:-$BUILD_DIR/integration/seccomp-listener}"
# cr (cruntime with a timeout and LC_TAG), rund, set_args, run_sh, status_of: common.bash.

# Per test: root-only, a fresh bundle (busybox rootfs, `cruntime spec` config, terminal off), and
# a tag that marks every cruntime process of this test (see leaked_processes).
lc_setup() {
	requires_root
	common_setup
	setup_bundle
	LC_TAG="lctest-$$-$BATS_TEST_NUMBER-$RANDOM$RANDOM"
	RUND_SEQ=0
}

lc_teardown() {
	common_teardown
}

# pid_of ID: the pid field of `cruntime state ID`.
pid_of() {
	cr state "$1" 2>/dev/null | jq -r .pid
}

# wait_for_status ID STATUS [SECONDS]: poll state until it reports STATUS (default 10 s).
wait_for_status() {
	local id="$1" want="$2" tries=$((${3:-10} * 20)) got=""
	while [ "$tries" -gt 0 ]; do
		got="$(status_of "$id")"
		[ "$got" = "$want" ] && return 0
		sleep 0.05
		tries=$((tries - 1))
	done
	fail "container $id: status '$got', expected '$want'"
}

# wait_for_file FILE [SECONDS]: until FILE exists and is not empty (default 10 s).
wait_for_file() {
	local file="$1" tries=$((${2:-10} * 20))
	while [ "$tries" -gt 0 ]; do
		[ -s "$file" ] && return 0
		sleep 0.05
		tries=$((tries - 1))
	done
	fail "timed out waiting for $file"
}

# wait_for_socket PATH [SECONDS]
wait_for_socket() {
	local path="$1" tries=$((${2:-10} * 20))
	while [ "$tries" -gt 0 ]; do
		[ -S "$path" ] && return 0
		sleep 0.05
		tries=$((tries - 1))
	done
	fail "timed out waiting for socket $path"
}

# start_bg OUT CMD...: start a helper process in the background (stdout+stderr to OUT), record
# its pid for teardown (killed by pid, never by name); sets BG_PID.
start_bg() {
	local out="$1"
	shift
	"$@" </dev/null >"$out" 2>&1 3>&- &
	BG_PID=$!
	echo "$BG_PID" >>"$PID_LIST"
}

# ns_inode PID TYPE: inode of /proc/PID/ns/TYPE (what `readlink` shows as TYPE:[inode]).
ns_inode() {
	stat -L -c %i "/proc/$1/ns/$2"
}

# leaked_processes: pids (other than this shell) whose environment carries this test's LC_TAG,
# i.e. runtime processes (init before execve, hooks) still alive.
leaked_processes() {
	local dir pid
	for dir in /proc/[0-9]*; do
		pid="${dir#/proc/}"
		[ "$pid" = "$$" ] || [ "$pid" = "$BASHPID" ] && continue
		if grep -qsxzF "LC_TAG=$LC_TAG" "$dir/environ"; then
			echo "$pid"
		fi
	done
}

# mounts_under_tmpdir: host mounts whose mount point or source mentions this test's directory.
mounts_under_tmpdir() {
	grep -F -- "$BATS_TEST_TMPDIR" /proc/self/mountinfo || true
}

# mounts_changed: the host's mounts (mount point onwards) that appeared (+) or went (-) since
# snapshot_host; something else on the machine mounting meanwhile shows up here too.
mounts_changed() {
	diff <(echo "$SNAP_MOUNTINFO") <(cut -d' ' -f5- /proc/self/mountinfo | sort) |
		sed -n 's/^> /+ /p; s/^< /- /p'
}

# snapshot_host: remember what assert_nothing_left compares against.
snapshot_host() {
	SNAP_MOUNTS="$(wc -l </proc/self/mountinfo)"
	SNAP_MOUNTINFO="$(cut -d' ' -f5- /proc/self/mountinfo | sort)"
	SNAP_ROOT="$(state_entries "$TEST_ROOT")"
}

# assert_nothing_left: after a failed command — no new state dir, nothing in `list -q`, no
# runtime process of this test alive, no mount under the test dir, mount count unchanged.
assert_nothing_left() {
	local now leaked
	[ "$(state_entries "$TEST_ROOT")" = "$SNAP_ROOT" ] ||
		fail "state root changed: $(ls -la "$TEST_ROOT")" || return 1
	now="$(cr list -q)" || fail "list -q failed" || return 1
	[ -z "$now" ] || fail "list -q shows: $now" || return 1
	# The init may take a moment to die after its parent reported the failure.
	local tries=200
	while leaked="$(leaked_processes)" && [ -n "$leaked" ] && [ "$tries" -gt 0 ]; do
		sleep 0.05
		tries=$((tries - 1))
	done
	[ -z "$leaked" ] || fail "runtime processes left behind: $(for p in $leaked; do
		echo "$p: $(tr '\0' ' ' <"/proc/$p/cmdline")"
	done)" || return 1
	[ -z "$(mounts_under_tmpdir)" ] || fail "mounts left behind: $(mounts_under_tmpdir)" || return 1
	[ "$(wc -l </proc/self/mountinfo)" -eq "$SNAP_MOUNTS" ] ||
		fail "host mount count changed from $SNAP_MOUNTS to $(wc -l </proc/self/mountinfo): $(mounts_changed)"
}

# assert_one_error_line [SUBSTRING]: stderr of the last rund is exactly one `cruntime: ...`
# line (containing SUBSTRING if given) and stdout is empty.
assert_one_error_line() {
	[ -z "$output" ] || fail "stdout not empty: $output" || return 1
	[ "${#stderr_lines[@]}" -eq 1 ] || fail "expected one stderr line, got: $stderr" || return 1
	[[ "${stderr_lines[0]}" == "cruntime: "* ]] || fail "not a 'cruntime: ' line: $stderr" || return 1
	[ -z "${1:-}" ] || [[ "$stderr" == *"$1"* ]] || fail "stderr lacks '$1': $stderr"
}

# hex_mask CAP_NUMBER...: the /proc/PID/status capability mask (16 hex digits) of those caps.
hex_mask() {
	local mask=0 n
	for n in "$@"; do
		mask=$((mask | (1 << n)))
	done
	printf '%016x\n' "$mask"
}

# status_field FILE KEY: the value of "KEY:\t..." in a /proc/PID/status-style text.
status_field() {
	awk -v k="$2:" '$1 == k { print $2 }' "$1"
}

# add_shared_dir: $SHARED (a host directory, mode 0777) bind-mounted read-write at /shared in the
# container, so markers written inside are visible from the test (the rootfs is read-only).
add_shared_dir() {
	SHARED="$BATS_TEST_TMPDIR/shared"
	mkdir -p "$SHARED"
	chmod 0777 "$SHARED"
	update_config '.mounts += [{"destination": "/shared", "type": "bind", "source": "'"$SHARED"'",
		"options": ["rbind", "rw"]}]'
}

# add_tmpfs DEST: a writable tmpfs at DEST in the container.
add_tmpfs() {
	update_config '.mounts += [{"destination": "'"$1"'", "type": "tmpfs", "source": "tmpfs",
		"options": ["nosuid", "nodev", "mode=1777"]}]'
}

# sleeper_args: process.args that write /shared/ready and then sleep (needs add_shared_dir).
sleeper_args() {
	set_args sh -c 'echo $$ >/shared/ready; exec sleep 1000'
}

# add_userns: a new user namespace mapping container ids 0-65535 to host 100000-165535, with the
# image owned by the container's root and the test directories reachable by it (as with runc).
# Skips the test where the host allows no user namespaces.
add_userns() {
	requires_userns
	local dir="$BUNDLE"
	while [ "$dir" != / ]; do
		[ "$(stat -c %u "$dir")" = 0 ] && chmod o+x "$dir"
		dir="$(dirname "$dir")"
	done
	chown -R 100000:100000 "$BUNDLE/rootfs"
	update_config '.linux.namespaces += [{"type": "user"}]
		| .linux.uidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}]
		| .linux.gidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}]'
}

# private_sources: binds of host paths below root-owned 0700 directories, which the container's
# root (host uid 100000 with add_userns) may not search: /one, the directory $PRIV1/data, and
# /two, the file $PRIV2/file (the sources themselves are world-readable).
private_sources() {
	PRIV1="$BATS_TEST_TMPDIR/private1"
	PRIV2="$BATS_TEST_TMPDIR/private2"
	mkdir -m 0700 "$PRIV1" "$PRIV2"
	mkdir -m 0755 "$PRIV1/data"
	echo one >"$PRIV1/data/file"
	echo two >"$PRIV2/file"
	chmod 0644 "$PRIV1/data/file" "$PRIV2/file"
	update_config '.mounts += [
		{"destination": "/one", "type": "bind", "source": "'"$PRIV1/data"'", "options": ["rbind"]},
		{"destination": "/two", "type": "bind", "source": "'"$PRIV2/file"'", "options": ["bind", "ro"]}]'
}

# Shared bats setup for the integration tests: binary, per-test state root, bundles, teardown.
# Usage in a .bats file:
#   load helpers
#   setup() { common_setup; }
#   teardown() { common_teardown; }

# `run -N` and `run --separate-stderr` need bats >= 1.5 (Debian 12 ships 1.8.2).
bats_require_minimum_version 1.5.0

INTEGRATION_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# fail, update_config, cr, rund, set_args, run_sh, status_of: shared with the VM suite.
# shellcheck source-path=SCRIPTDIR
source "$INTEGRATION_DIR/common.bash"
# sanitizer_mark, sanitizer_check, sanitizer_env, sanitizer_collect: reports of the sanitizer build.
# shellcheck source-path=SCRIPTDIR
source "$INTEGRATION_DIR/sanitizer.bash"
# CTest sets CRUNTIME to the built binary; by hand the default is ../build/cruntime.
CRUNTIME="${CRUNTIME:-$INTEGRATION_DIR/../build/cruntime}"
CRUNTIME="$(realpath -m "$CRUNTIME")"

# The six hook names of runtime-spec config.md, sorted.
HOOK_NAMES='["createContainer","createRuntime","poststart","poststop","prestart","startContainer"]'
# RFC 3339 as Go's time.Parse(time.RFC3339Nano) accepts it (what containerd decodes).
RFC3339_RE='^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]{1,9})?(Z|[+-][0-9]{2}:[0-9]{2})$'

# host_has_apparmor: the AppArmor LSM is enabled (dockerd and podman then give containers a
# profile by default, which cruntime refuses to drop silently; client tests ask for unconfined).
host_has_apparmor() {
	[ "$(cat /sys/module/apparmor/parameters/enabled 2>/dev/null)" = Y ]
}

# readme_snippet NAME: the fenced code block of README.md that follows the line
# "<!-- snippet: NAME -->". The client tests configure their clients with this text, so the
# README shows what is tested.
readme_snippet() {
	local text
	text="$(awk -v marker="<!-- snippet: $1 -->" '
		$0 == marker { found = 1; next }
		found == 1 && /^```/ { found = 2; next }
		found == 2 && /^```/ { exit }
		found == 2 { print }' "$INTEGRATION_DIR/../README.md")"
	[ -n "$text" ] || { fail "README.md has no snippet '$1'"; return 1; }
	printf '%s\n' "$text"
}

# bats 1.8 cannot skip from setup_file (a skip there fails the file), so setup_file records why
# the file cannot run in CLIENT_SKIP and returns early, and every test's setup calls
# skip_unless_ready, which skips with that reason.
cannot_run() {
	CLIENT_SKIP="$*"
	export CLIENT_SKIP
	return 1
}

skip_unless_ready() {
	[ -z "${CLIENT_SKIP:-}" ] || skip "$CLIENT_SKIP"
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
	sanitizer_mark
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
		# The seccomp program cache is the runtime's own, not a container: removed with the root.
		rm -rf "$TEST_ROOT/@seccomp-cache"
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
	sanitizer_check || rc=1
	return "$rc"
}

# force_delete ID: `delete --force ID`; a failure is a real bug and fails the test (the state
# dir is removed by hand so the next test starts clean).
force_delete() {
	local id="$1" out
	if out="$("$CRUNTIME" --root "$TEST_ROOT" delete --force "$id" 2>&1)"; then
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

# build_client_rootfs DIR: build_busybox_rootfs plus what the client tests' images need: user
# 1000 ("user", group "users") with a home, /run and /work, and a non-executable /noexec (the
# 126 case).
build_client_rootfs() {
	local dir="$1"
	build_busybox_rootfs "$dir" || return 1
	mkdir -p "$dir"/{run,work,home/user}
	cat >"$dir/etc/passwd" <<-'EOF'
		root:x:0:0:root:/root:/bin/sh
		user:x:1000:1000:user:/home/user:/bin/sh
		nobody:x:65534:65534:nobody:/nonexistent:/bin/false
	EOF
	cat >"$dir/etc/group" <<-'EOF'
		root:x:0:
		users:x:1000:user
		nogroup:x:65534:
	EOF
	chown 1000:1000 "$dir/home/user"
	printf '#!/bin/sh\necho this must not run\n' >"$dir/noexec"
	chmod 0644 "$dir/noexec"
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

# ---- what this host has ------------------------------------------------------------------
# CI runs on machines unlike this one (another kernel, disk scheduler, cgroup layout, sysctls).
# A test checks what the host offers: host_has_* answer, requires_* skip the test with the
# reason. Use requires_* before a test's first check, or after the checks that do not need the
# feature (bats' skip then ends the test with everything before it checked).

# kernel_at_least MAJOR MINOR: the running kernel is MAJOR.MINOR or newer.
kernel_at_least() {
	local major minor
	IFS=. read -r major minor _ <<<"$(uname -r)"
	minor="${minor%%[!0-9]*}"
	[ "$major" -gt "$1" ] || { [ "$major" -eq "$1" ] && [ "${minor:-0}" -ge "$2" ]; }
}

requires_kernel() {
	kernel_at_least "$1" "$2" || skip "needs Linux $1.$2+ (this host runs $(uname -r))"
}

# cgroup_v1_mount CONTROLLER: the mount point of the v1 hierarchy with CONTROLLER (or
# name=NAME), empty when there is none.
cgroup_v1_mount() {
	awk -v c="$1" '{ for (i = 7; $i != "-"; i++); if ($(i + 1) != "cgroup") next
		n = split($(i + 3), o, ","); for (j = 1; j <= n; j++) if (o[j] == c) { print $5; exit } }' \
		/proc/self/mountinfo
}

# host_has_cgroup_v1: some cgroup v1 hierarchy is mounted (a legacy or hybrid host).
host_has_cgroup_v1() {
	awk '{ for (i = 7; $i != "-"; i++); if ($(i + 1) == "cgroup") found = 1 } END { exit !found }' \
		/proc/self/mountinfo
}

requires_cgroup_v1() {
	host_has_cgroup_v1 || skip "no cgroup v1 hierarchy on this host (cgroup v2 is tested in integration/vm)"
}

host_has_v1_controller() {
	local c
	for c in "$@"; do
		[ -n "$(cgroup_v1_mount "$c")" ] || return 1
	done
}

# requires_v1_controller CONTROLLER...: skip unless each has a mounted v1 hierarchy.
requires_v1_controller() {
	local c
	for c in "$@"; do
		[ -n "$(cgroup_v1_mount "$c")" ] || skip "no cgroup v1 $c hierarchy on this host"
	done
}

# host_has_cgroup_file CONTROLLER FILE: a cgroup of CONTROLLER's v1 hierarchy has FILE. Many
# files are not in the root cgroup (pids.max, blkio.bfq.weight), so a throwaway child cgroup is
# looked at too; it is removed at once.
host_has_cgroup_file() {
	local mnt probe found=1
	mnt="$(cgroup_v1_mount "$1")"
	[ -n "$mnt" ] || return 1
	[ -e "$mnt/$2" ] && return 0
	probe="$mnt/cruntime-probe-$$-$RANDOM"
	mkdir "$probe" 2>/dev/null || return 1
	[ -e "$probe/$2" ] && found=0
	rmdir "$probe"
	return "$found"
}

# requires_cgroup_file CONTROLLER FILE
requires_cgroup_file() {
	requires_v1_controller "$1"
	host_has_cgroup_file "$1" "$2" || skip "no $2 in the cgroup v1 $1 hierarchy of this host"
}

# cpu_list_first LIST / cpu_list_last LIST: the lowest and highest cpu of a cpuset(7) list.
cpu_list_first() { awk -F'[-,]' '{ print $1 }' <<<"$1"; }
cpu_list_last() { awk -F'[-,]' '{ print $NF }' <<<"$1"; }

# own_cpus: the cpus this shell (and so the runtime) may run on.
own_cpus() {
	awk '$1 == "Cpus_allowed_list:" { print $2 }' /proc/self/status
}

# host_has_userns: a new user namespace can be made (user.max_user_namespaces may be 0).
host_has_userns() {
	[ -e /proc/self/ns/user ] && unshare --user true 2>/dev/null
}

requires_userns() {
	host_has_userns || skip "user namespaces are not available on this host (user.max_user_namespaces: $(cat /proc/sys/user/max_user_namespaces 2>/dev/null || echo none))"
}

# host_has_timens: time namespaces (Linux 5.6+, CONFIG_TIME_NS).
host_has_timens() {
	[ -e /proc/self/ns/time ] && unshare --time true 2>/dev/null
}

requires_timens() {
	host_has_timens || skip "no time namespaces on this host ($(uname -r))"
}

# requires_seccomp_action NAME: the kernel offers the seccomp action (its name in
# /proc/sys/kernel/seccomp/actions_avail: user_notif, kill_process, log, ...).
host_has_seccomp_action() {
	grep -qw -- "$1" /proc/sys/kernel/seccomp/actions_avail 2>/dev/null
}

requires_seccomp_action() {
	host_has_seccomp_action "$1" || skip "the kernel has no seccomp action $1 ($(cat /proc/sys/kernel/seccomp/actions_avail 2>/dev/null))"
}

# fs_type PATH: the filesystem type of PATH as stat -f names it (ext2/ext3 for ext4 too, tmpfs, ...).
fs_type() {
	stat -f -c %T "$1"
}

# host_has_idmap_fs FSTYPE: id-mapped mounts of FSTYPE work on this kernel (mount_setattr(2)
# with MOUNT_ATTR_IDMAP: ext4, xfs and vfat since 5.12, btrfs 5.15, tmpfs 6.3).
host_has_idmap_fs() {
	case "$1" in
	ext2/ext3 | xfs | msdos) kernel_at_least 5 12 ;;
	btrfs) kernel_at_least 5 15 ;;
	tmpfs) kernel_at_least 6 3 ;;
	*) return 1 ;;
	esac
}

# requires_idmap_fs FSTYPE...
requires_idmap_fs() {
	local t
	for t in "$@"; do
		host_has_idmap_fs "$t" || skip "id-mapped mounts of $t are not supported by this kernel ($(uname -r))"
	done
}

# mounts_under DIR [PID]: the mount points below DIR in the mount namespace of PID (default:
# this shell's), deepest first.
mounts_under() {
	awk -v d="$1/" 'index($5, d) == 1 { print $5 }' "/proc/${2:-self}/mountinfo" | sort -r -u
}

# unmount_under DIR: unmount every mount point below DIR (deepest first). Only ever called
# with a test file's own directories.
unmount_under() {
	local dir=$1 mp
	[ -n "$dir" ] && [ -d "$dir" ] || return 0
	mounts_under "$dir" | while read -r mp; do
		umount "$mp" 2>/dev/null || umount -l "$mp" 2>/dev/null || true
	done
}

# wait_for_exit PID [SECONDS]: until PID is gone or a zombie (default 10 s); a killed process
# may take a moment to die on a loaded machine.
wait_for_exit() {
	local pid="$1" tries=$((${2:-10} * 20)) stat state
	while [ "$tries" -gt 0 ]; do
		stat="$(cat "/proc/$pid/stat" 2>/dev/null)" || return 0
		# comm (field 2) may hold spaces: the state follows the last ") ".
		state="${stat##*) }"
		state="${state%% *}"
		[ -z "$stat" ] || [ "$state" = Z ] || [ "$state" = X ] && return 0
		sleep 0.05
		tries=$((tries - 1))
	done
	fail "process $pid still alive: $(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null)"
}

# ---- a throwaway unprivileged user (rootless tests) ----------------------------------------

# How many subordinate uids and gids the test user gets (useradd's default SUB_UID_COUNT).
TEST_USER_SUBIDS=65536

# subid_free_start: the first id above every range in /etc/subuid and /etc/subgid, and at
# least 100000 (useradd's SUB_UID_MIN), so that the new range overlaps nobody's.
subid_free_start() {
	cat /etc/subuid /etc/subgid 2>/dev/null |
		awk -F: 'NF == 3 && $2 + $3 > max { max = $2 + $3 }
			END { printf "%d\n", (max > 100000 ? max : 100000) }'
}

# test_user_add NAME BASE: an ordinary user NAME with its home at BASE/home, an
# XDG_RUNTIME_DIR at BASE/xdg (0700, its own) and TEST_USER_SUBIDS subordinate uids and gids
# from subid_free_start (useradd's own allocation is off, so the range is the one chosen
# here). BASE must be reachable by the user. Sets and exports TEST_USER, TEST_USER_UID,
# TEST_USER_HOME, TEST_USER_XDG and TEST_USER_SUBID (the first subordinate id).
test_user_add() {
	local name=$1 base=$2
	useradd --create-home --home-dir "$base/home" --shell /bin/sh \
		-K SUB_UID_COUNT=0 -K SUB_GID_COUNT=0 "$name" || fail "useradd $name failed" || return 1
	TEST_USER="$name"
	TEST_USER_UID="$(id -u "$name")"
	TEST_USER_HOME="$base/home"
	TEST_USER_XDG="$base/xdg"
	TEST_USER_SUBID="$(subid_free_start)"
	export TEST_USER TEST_USER_UID TEST_USER_HOME TEST_USER_XDG TEST_USER_SUBID
	local last=$((TEST_USER_SUBID + TEST_USER_SUBIDS - 1))
	usermod --add-subuids "$TEST_USER_SUBID-$last" --add-subgids "$TEST_USER_SUBID-$last" "$name" ||
		fail "usermod --add-subuids $TEST_USER_SUBID-$last $name failed" || return 1
	mkdir -m 0700 "$TEST_USER_XDG"
	chown "$name:" "$TEST_USER_XDG"
}

# test_user_pids: live processes (zombies aside) running as TEST_USER or as one of its
# subordinate uids (a container's uid 1000 is one of those on the host).
test_user_pids() {
	local f key val uid state last=$((TEST_USER_SUBID + TEST_USER_SUBIDS))
	for f in /proc/[0-9]*/status; do
		uid="" state=""
		# State: comes before Uid: (proc(5)); bash's read forks nothing for ~200 processes.
		while read -r key val _; do
			case "$key" in
			State:) state=$val ;;
			Uid:) uid=$val && break ;;
			esac
		done 2>/dev/null <"$f"
		[ -n "$uid" ] && [ "$state" != Z ] || continue
		if [ "$uid" -eq "$TEST_USER_UID" ] || { [ "$uid" -ge "$TEST_USER_SUBID" ] && [ "$uid" -lt "$last" ]; }; then
			f="${f#/proc/}"
			echo "${f%/status}"
		fi
	done
	return 0
}

# test_user_del: kill what is left of TEST_USER's processes (by pid, see test_user_pids) and
# remove the user; userdel also drops its /etc/subuid and /etc/subgid lines. Fails when a
# process survives or a subordinate range is still there.
test_user_del() {
	[ -n "${TEST_USER:-}" ] && id -u "$TEST_USER" >/dev/null 2>&1 || return 0
	local pid left=""
	for pid in $(test_user_pids); do kill -KILL "$pid" 2>/dev/null || true; done
	for pid in $(test_user_pids); do wait_for_exit "$pid" 10 || left+=" $pid"; done
	# -f: a killed process may carry the uid until the host's init reaps it.
	userdel -f "$TEST_USER" || left+=" (userdel failed)"
	grep -q "^$TEST_USER:" /etc/subuid /etc/subgid 2>/dev/null && left+=" (subordinate ids)"
	[ -z "$left" ] || fail "user $TEST_USER: left behind:$left"
}

# bats helpers of the cgroup v2 suite, which runs inside the test VM (init.sh) as root on a
# cgroup2-only host with busybox tools. The helpers both suites use come from ../common.bash;
# the setup here is the VM's own: busybox has no `realpath -m`, and every container shares the
# read-only rootfs /vm/rootfs instead of copying one.
#   load vm_helpers
#   setup() { vm_setup; }
#   teardown() { vm_teardown; }

bats_require_minimum_version 1.5.0

CRUNTIME="${CRUNTIME:-/usr/local/bin/cruntime}"
VM_ROOTFS="${VM_ROOTFS:-/vm/rootfs}"
CGROUP_MNT=/sys/fs/cgroup
# Every test's cgroup lives below this one, so whatever a test leaves is easy to find.
CG_PARENT=/cruntime-test
# fail, update_config, cr, rund, set_args, run_sh, status_of: the host suites' own, from
# ../common.bash, which build-initramfs.sh copies next to this file.
# shellcheck source-path=SCRIPTDIR/..
source "$(dirname "${BASH_SOURCE[0]}")/common.bash"

# Per test: a fresh --root and --log under $BATS_TEST_TMPDIR, a bundle whose root is the shared
# rootfs, and an explicit cgroupsPath: $CG (below the hierarchy) / $CGDIR (on the host).
vm_setup() {
	[ "$(id -u)" -eq 0 ] || fail "the VM suite runs as root"
	[ -x "$CRUNTIME" ] || fail "cruntime binary not found at $CRUNTIME"
	TEST_ROOT="$BATS_TEST_TMPDIR/root"
	CRUNTIME_LOG="$BATS_TEST_TMPDIR/cruntime.log"
	mkdir -m 0700 "$TEST_ROOT"
	cd "$BATS_TEST_TMPDIR" || return 1
	RUND_SEQ=0
	BUNDLE="$BATS_TEST_TMPDIR/bundle"
	mkdir -p "$BUNDLE"
	CG="$CG_PARENT/test-$BATS_TEST_NUMBER"
	CGDIR="$CGROUP_MNT$CG"
	[ -s "$BATS_FILE_TMPDIR/config.json" ] || vm_base_config || return 1
	jq --arg cg "$CG" '.linux.cgroupsPath = $cg' "$BATS_FILE_TMPDIR/config.json" \
		>"$BUNDLE/config.json" || fail "jq failed" || return 1
}

# vm_base_config: `cruntime spec`'s config with terminal off and the shared rootfs, made once per
# file (every process start costs under emulation).
vm_base_config() {
	local dir="$BATS_FILE_TMPDIR/spec"
	mkdir -p "$dir"
	"$CRUNTIME" spec --bundle "$dir" || fail "cruntime spec failed" || return 1
	jq --arg rootfs "$VM_ROOTFS" '.process.terminal = false
		| .root = {"path": $rootfs, "readonly": true}' "$dir/config.json" \
		>"$BATS_FILE_TMPDIR/config.json.new" || fail "jq failed" || return 1
	mv "$BATS_FILE_TMPDIR/config.json.new" "$BATS_FILE_TMPDIR/config.json"
}

# Teardown: print the log (bats shows it for failed tests only), `delete --force` every
# container, then check that no cgroup of this test is left, and remove any that is.
vm_teardown() {
	local rc=0 entry id out
	if [ -s "${CRUNTIME_LOG:-}" ]; then
		echo "--- cruntime --log:"
		cat "$CRUNTIME_LOG"
	fi
	if [ -d "${TEST_ROOT:-}" ]; then
		# The seccomp program cache is the runtime's own, not a container: removed with the root.
		rm -rf "$TEST_ROOT/@seccomp-cache"
		for entry in "$TEST_ROOT"/*; do
			[ -e "$entry" ] || continue
			id="${entry##*/}"
			out="$(cr delete --force "$id" 2>&1)" || {
				echo "teardown: delete --force $id failed: $out" >&2
				rc=1
			}
		done
	fi
	if [ -n "${CGDIR:-}" ] && [ -d "$CGDIR" ]; then
		echo "teardown: cgroup $CGDIR left behind (procs: $(tr '\n' ' ' <"$CGDIR/cgroup.procs"))" >&2
		remove_cgroup "$CGDIR"
		rc=1
	fi
	return "$rc"
}

# remove_cgroup DIR: kill what is in DIR and below, then remove the directories bottom-up.
remove_cgroup() {
	local dir
	find "$1" -depth -type d 2>/dev/null | while read -r dir; do
		[ -e "$dir/cgroup.kill" ] && echo 1 >"$dir/cgroup.kill" 2>/dev/null
		rmdir "$dir" 2>/dev/null || { sleep 0.2 && rmdir "$dir" 2>/dev/null; } || true
	done
}

# set_resources JSON: linux.resources = JSON.
set_resources() {
	update_config ".linux.resources = $1"
}

# create_ct [ID]: `cruntime create` (default id "ct"); the cgroup exists from here on.
create_ct() {
	rund -0 cr create -b "$BUNDLE" "${1:-ct}"
}

# run_detached SCRIPT [ID]: `sh -c SCRIPT` as a detached container (run -d).
run_detached() {
	set_args sh -c "$1"
	rund -0 cr run -d -b "$BUNDLE" "${2:-ct}"
}

# mount_cgroup2: mount the container's own cgroup (with the cgroup namespace of the default spec)
# at /sys/fs/cgroup, replacing the spec's mount of type "cgroup".
mount_cgroup2() {
	update_config '.mounts = [.mounts[] | select(.destination != "/sys/fs/cgroup")]
		+ [{"destination": "/sys/fs/cgroup", "type": "cgroup2", "source": "cgroup2",
			"options": ["nosuid", "noexec", "nodev", "relatime", "rw"]}]'
}

# no_pid_namespace: the container shares the host's pid namespace, so its processes outlive its
# init unless the runtime kills them through the cgroup.
no_pid_namespace() {
	update_config '.linux.namespaces = [.linux.namespaces[] | select(.type != "pid")]'
}

# cg_file NAME: the content of the test cgroup's file NAME (one line, trailing newline cut).
cg_file() {
	cat "$CGDIR/$1"
}

# assert_cg_file NAME EXPECTED: the test cgroup's file NAME holds exactly EXPECTED.
assert_cg_file() {
	local got
	got="$(cat "$CGDIR/$1")" || fail "cannot read $CGDIR/$1" || return 1
	[ "$got" = "$2" ] || fail "$1 is '$got', expected '$2'"
}

# cg_key FILE KEY: the value of KEY in a flat-keyed file such as memory.events.
cg_key() {
	awk -v k="$2" '$1 == k { print $2 }' "$CGDIR/$1"
}

# wait_until SECONDS CMD...: poll CMD every 0.1 s until it succeeds. CMD is run afresh each
# time, so pass a function (cg_procs_are, status_is), not a "$(...)" that is expanded once.
wait_until() {
	local tries=$(($1 * 10))
	shift
	while [ "$tries" -gt 0 ]; do
		"$@" && return 0
		sleep 0.1
		tries=$((tries - 1))
	done
	fail "timed out waiting for: $*"
}

# procs_of DIR: the pids in DIR/cgroup.procs and every cgroup below it, one per line.
procs_of() {
	find "$1" -name cgroup.procs -exec cat {} + 2>/dev/null
}

# cg_procs_are N: the test cgroup (and those below it) holds exactly N processes.
cg_procs_are() {
	[ "$(procs_of "$CGDIR" | wc -l)" -eq "$1" ]
}

# status_is ID STATUS: `cruntime state ID` reports STATUS.
status_is() {
	[ "$(status_of "$1")" = "$2" ]
}

# v2_has_file CONTROLLER FILE: a child cgroup with CONTROLLER enabled has FILE (most files are
# not in the root cgroup; which exist depends on the kernel: io.bfq.weight needs BFQ,
# memory.swap.max swap accounting). The probe cgroup below $CG_PARENT is removed at once;
# enabling the controller there is what the runtime does for every test cgroup anyway.
v2_has_file() {
	local parent="$CGROUP_MNT$CG_PARENT" probe found=1
	grep -qw "$1" "$CGROUP_MNT/cgroup.controllers" || return 1
	mkdir -p "$parent" || return 1
	echo "+$1" >"$CGROUP_MNT/cgroup.subtree_control" 2>/dev/null
	echo "+$1" >"$parent/cgroup.subtree_control" 2>/dev/null
	probe="$parent/probe-$$"
	mkdir "$probe" || return 1
	[ -e "$probe/$2" ] && found=0
	rmdir "$probe"
	return "$found"
}

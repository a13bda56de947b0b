#!/usr/bin/env bats
# The container's /dev, checked from inside: the default nodes and links, a new devpts instance
# with ptmx, /dev/shm, linux.devices (c, b, p with mode/uid/gid), an image's own mismatching node,
# and bind-mounted nodes in a user namespace.

load helpers
load lifecycle_helpers

setup() { lc_setup; }
teardown() { lc_teardown; }

# The line "path type major:minor mode" stat prints for each default device (hex major:minor).
DEFAULT_NODES='/dev/null c 1:3 666
/dev/zero c 1:5 666
/dev/full c 1:7 666
/dev/random c 1:8 666
/dev/urandom c 1:9 666
/dev/tty c 5:0 666'

# stat_nodes_sh: shell printing "path type major:minor mode" for the default nodes.
stat_nodes_sh() {
	echo 'for d in null zero full random urandom tty; do
		f=/dev/$d; t=-; [ -c $f ] && t=c
		echo "$f $t $(stat -c "%t:%T %a" $f | awk -F"[: ]" "{ printf \"%d:%d %s\", \"0x\" \$1, \"0x\" \$2, \$3 }")"
	done'
}

@test "the default nodes: null zero full random urandom tty, char devices 0666" {
	run_sh -0 "$(stat_nodes_sh)"
	echo "$output"
	[ "$output" = "$DEFAULT_NODES" ]
}

@test "the default nodes work: null swallows, zero reads zeros, full is full" {
	run_sh -0 'echo x >/dev/null && echo null-ok
		head -c 4 /dev/zero | od -An -tx1 | tr -d " "
		{ echo x >/dev/full; } 2>&1
		[ "$(head -c 8 /dev/urandom | wc -c)" = 8 ] && echo urandom-ok; true'
	echo "$output"
	[ "$(sed -n 1p <<<"$output")" = null-ok ]
	[ "$(sed -n 2p <<<"$output")" = 00000000 ]
	grep -q 'No space left on device' <<<"$output"
	grep -qx urandom-ok <<<"$output"
}

@test "the /dev links: fd stdin stdout stderr ptmx (and core when the host has /proc/kcore)" {
	run_sh -0 'for l in fd stdin stdout stderr ptmx core; do
			echo "$l $(readlink /dev/$l)"
		done'
	echo "$output"
	grep -qx 'fd /proc/self/fd' <<<"$output"
	grep -qx 'stdin /proc/self/fd/0' <<<"$output"
	grep -qx 'stdout /proc/self/fd/1' <<<"$output"
	grep -qx 'stderr /proc/self/fd/2' <<<"$output"
	grep -qx 'ptmx pts/ptmx' <<<"$output"
	if [ -e /proc/kcore ]; then
		grep -qx 'core /proc/kcore' <<<"$output"
	else
		grep -qx 'core ' <<<"$output"
	fi
}

@test "/dev/pts is a new devpts instance: its ptmx opens and no host pty is visible" {
	local host_ptys
	host_ptys="$(ls /dev/pts | grep -c '^[0-9]' || true)"
	run_sh -0 'ls /dev/pts | grep -c "^[0-9]"
		stat -L -c "%t:%T" /dev/ptmx /dev/pts/ptmx
		awk '"'"'$5 == "/dev/pts" { print $9 }'"'"' /proc/self/mountinfo
		# Opening the multiplexer makes a pty 0 in this instance.
		exec 3<>/dev/ptmx && ls /dev/pts | grep "^[0-9]"; true'
	echo "$output (host ptys: $host_ptys)"
	# No pty of the host shows up; the multiplexer is the instance's (5:2), not the host's.
	[ "$(sed -n 1p <<<"$output")" = 0 ]
	[ "$(sed -n 2p <<<"$output")" = 5:2 ]
	[ "$(sed -n 3p <<<"$output")" = 5:2 ]
	[ "$(sed -n 4p <<<"$output")" = devpts ]
	[ "$(sed -n 5p <<<"$output")" = 0 ]
}

@test "/dev/shm is a writable tmpfs, /dev/mqueue an mqueue" {
	run_sh -0 'echo shm >/dev/shm/f && cat /dev/shm/f
		awk '"'"'$5 == "/dev/shm" || $5 == "/dev/mqueue" { for (i = 7; $i != "-"; i++); print $5, $(i + 1) }'"'"' /proc/self/mountinfo'
	echo "$output"
	[ "$output" = "shm
/dev/shm tmpfs
/dev/mqueue mqueue" ]
}

@test "linux.devices: char, block and fifo nodes with their mode, uid and gid" {
	update_config '.linux.devices = [
		{"path": "/dev/mychar", "type": "c", "major": 1, "minor": 5, "fileMode": 432, "uid": 1000, "gid": 1001},
		{"path": "/dev/sub/myblock", "type": "b", "major": 7, "minor": 200, "fileMode": 384, "uid": 0, "gid": 6},
		{"path": "/dev/myfifo", "type": "p", "fileMode": 420, "uid": 5, "gid": 7}]'
	run_sh -0 'for f in /dev/mychar /dev/sub/myblock /dev/myfifo; do
			t=-; [ -c $f ] && t=c; [ -b $f ] && t=b; [ -p $f ] && t=p
			echo "$f $t $(stat -c "%t:%T %a %u:%g" $f)"
		done'
	echo "$output"
	[ "$output" = "/dev/mychar c 1:5 660 1000:1001
/dev/sub/myblock b 7:c8 600 0:6
/dev/myfifo p 0:0 644 5:7" ]
}

@test "linux.devices replaces a default node of the same path" {
	update_config '.linux.devices = [{"path": "/dev/null", "type": "c", "major": 1, "minor": 3,
		"fileMode": 384, "uid": 3, "gid": 4}]'
	run_sh -0 'stat -c "%t:%T %a %u:%g" /dev/null'
	[ "$output" = "1:3 600 3:4" ]
}

@test "an image node that does not match linux.devices: one clear error, nothing left" {
	# /dev of the image itself (no /dev tmpfs), holding a /dev/mine that is the zero device.
	update_config 'del(.mounts[] | select(.destination == "/dev"))
		| .linux.devices = [{"path": "/dev/mine", "type": "c", "major": 1, "minor": 3}]'
	mknod -m 666 "$BUNDLE/rootfs/dev/mine" c 1 5
	set_args true
	snapshot_host
	rund -1 cr run -b "$BUNDLE" ct
	assert_one_error_line "/dev/mine"
	[[ "$stderr" == *"already exists"* ]]
	assert_nothing_left
	# The image's node is left as it was.
	[ "$(stat -c %t:%T "$BUNDLE/rootfs/dev/mine")" = 1:5 ]
}

@test "an image node that matches is kept" {
	update_config 'del(.mounts[] | select(.destination == "/dev"))'
	rm -f "$BUNDLE/rootfs/dev/null"
	mknod -m 666 "$BUNDLE/rootfs/dev/null" c 1 3
	run_sh -0 'echo x >/dev/null && stat -c %t:%T /dev/null'
	[ "$output" = 1:3 ]
}

@test "in a user namespace the nodes are the host's, bind-mounted" {
	add_userns
	# A linux.devices entry too, where the host has the node to bind (loop is a module).
	local extra=""
	if [ -c /dev/loop-control ]; then
		extra=loop-control
		update_config '.linux.devices = [{"path": "/dev/loop-control", "type": "c", "major": 10, "minor": 237}]'
	fi
	run_sh -0 "$(stat_nodes_sh)"'
		for d in null zero full random urandom tty '"$extra"'; do
			awk -v d=/dev/$d '"'"'$5 == d { print $5 }'"'"' /proc/self/mountinfo
		done
		echo x >/dev/null && echo null-writable'
	echo "$output"
	[ "$(head -n 6 <<<"$output")" = "$DEFAULT_NODES" ]
	# Each one is a mount point (a bind of the host's node), not a node made with mknod.
	local want="/dev/null
/dev/zero
/dev/full
/dev/random
/dev/urandom
/dev/tty"
	[ -z "$extra" ] || want+=$'\n'"/dev/$extra"
	[ "$(sed -n "7,$((6 + $(wc -l <<<"$want")))p" <<<"$output")" = "$want" ]
	grep -qx null-writable <<<"$output"
}

#!/usr/bin/env bats
# A hostile image must not make cruntime touch the host (security.md promises 1 and 10): symlinks
# planted in the rootfs at mount targets, and `..`-laden destinations, resolve inside the rootfs.

load helpers
load lifecycle_helpers

setup() {
	lc_setup
	HOST_DIR="$BATS_TEST_TMPDIR/host-dir"
	mkdir -p "$HOST_DIR"
	echo marker >"$HOST_DIR/marker"
}
teardown() { lc_teardown; }

# host_unchanged: the host directory holds only its marker, and no mount appeared anywhere.
host_unchanged() {
	[ "$(ls -A "$HOST_DIR")" = marker ] || fail "host dir changed: $(ls -A "$HOST_DIR")" || return 1
	[ "$(cat "$HOST_DIR/marker")" = marker ] || fail "marker rewritten" || return 1
	[ "$(wc -l </proc/self/mountinfo)" = "$SNAP_MOUNTS" ] ||
		fail "host mount table changed: $(mounts_changed)"
}

@test "a symlink at a mount target pointing at a host directory: the tmpfs lands inside" {
	ln -s "$HOST_DIR" "$BUNDLE/rootfs/mnt"
	update_config '.mounts += [{"destination": "/mnt", "type": "tmpfs", "source": "tmpfs"}]'
	set_args sh -c "echo inside >/mnt/written && cat /mnt/written && grep -c ' $HOST_DIR ' /proc/self/mountinfo"
	snapshot_host
	rund -0 cr run -b "$BUNDLE" ct
	# The link was followed inside the rootfs: the tmpfs sits on "$HOST_DIR" created in the image.
	[ "$output" = "inside
1" ]
	[ -d "$BUNDLE/rootfs$HOST_DIR" ]
	host_unchanged
}

@test "a symlink at a bind target pointing at a host directory: the bind lands inside" {
	mkdir -p "$BATS_TEST_TMPDIR/src"
	echo from-src >"$BATS_TEST_TMPDIR/src/file"
	ln -s "$HOST_DIR" "$BUNDLE/rootfs/data"
	update_config ".mounts += [{\"destination\": \"/data\", \"type\": \"bind\",
		\"source\": \"$BATS_TEST_TMPDIR/src\", \"options\": [\"rbind\", \"ro\"]}]"
	set_args sh -c 'cat /data/file'
	snapshot_host
	rund -0 cr run -b "$BUNDLE" ct
	[ "$output" = from-src ]
	host_unchanged
}

@test "a ..-laden destination stays inside the rootfs" {
	update_config ".mounts += [{\"destination\": \"/../../../..$HOST_DIR\", \"type\": \"tmpfs\",
		\"source\": \"tmpfs\"}]"
	set_args true
	snapshot_host
	run cr run -b "$BUNDLE" ct
	# Refused by validation or mounted inside: either way the host is untouched.
	if [ "$status" -ne 0 ]; then
		[ "$(grep -c '^cruntime: ' <<<"$output")" -ge 1 ]
		assert_nothing_left
	fi
	host_unchanged
}

@test "proc on a /proc that is a symlink to a host path is refused; nothing is left" {
	rmdir "$BUNDLE/rootfs/proc"
	ln -s "$HOST_DIR" "$BUNDLE/rootfs/proc"
	set_args true
	snapshot_host
	rund -1 cr run -b "$BUNDLE" ct
	assert_one_error_line "/proc"
	assert_nothing_left
	host_unchanged
}

# no_dev_tmpfs: the image's own /dev is used (no tmpfs on /dev), so what it plants there counts.
no_dev_tmpfs() {
	update_config 'del(.mounts[] | select(.destination == "/dev"))'
}

@test "/dev/null in the image is a symlink to a host file: refused before any mask; host untouched" {
	no_dev_tmpfs
	echo secret >"$BUNDLE/rootfs/secret"
	update_config '.linux.maskedPaths = ["/secret"]'
	ln -s "$HOST_DIR/marker" "$BUNDLE/rootfs/dev/null"
	set_args cat /secret
	snapshot_host
	rund -1 cr run -b "$BUNDLE" ct
	assert_one_error_line "/dev/null"
	assert_nothing_left
	host_unchanged
	# A relative link climbing out of the rootfs is no better.
	rm "$BUNDLE/rootfs/dev/null"
	ln -s "../../../../../../../../..$HOST_DIR/marker" "$BUNDLE/rootfs/dev/null"
	rund -1 cr run -b "$BUNDLE" ct
	assert_one_error_line "/dev/null"
	assert_nothing_left
	host_unchanged
}

@test "/dev/null in the image is a symlink, but /dev is a tmpfs: masks use the real 1:3" {
	ln -s "$HOST_DIR/marker" "$BUNDLE/rootfs/dev/null"
	echo secret >"$BUNDLE/rootfs/secret"
	update_config '.linux.maskedPaths = ["/secret"]'
	set_args sh -c 'echo "[$(cat /secret)]"; stat -c %t:%T /secret /dev/null'
	snapshot_host
	rund -0 cr run -b "$BUNDLE" ct
	[ "$output" = "[]
1:3
1:3" ]
	host_unchanged
}

@test "/dev/null replaced by a non-device file in a user namespace: refused, host untouched" {
	no_dev_tmpfs
	add_userns
	ln -s "$HOST_DIR/marker" "$BUNDLE/rootfs/dev/null"
	set_args true
	snapshot_host
	rund -1 cr run -b "$BUNDLE" ct
	assert_one_error_line "/dev/null"
	assert_nothing_left
	host_unchanged
}

@test "/dev/console in the image is a symlink to a host file (terminal true): refused cleanly" {
	no_dev_tmpfs
	ln -s "$HOST_DIR/marker" "$BUNDLE/rootfs/dev/console"
	update_config '.process.terminal = true'
	local sock="$BATS_TEST_TMPDIR/console.sock"
	start_bg "$BATS_TEST_TMPDIR/recvtty.out" "$RECVTTY" --timeout 30 "$sock"
	wait_for_socket "$sock"
	set_args true
	snapshot_host
	rund -1 cr create -b "$BUNDLE" --console-socket "$sock" ct
	assert_one_error_line "/dev/console"
	assert_nothing_left
	host_unchanged
	# The link itself is left as the image had it.
	[ "$(readlink "$BUNDLE/rootfs/dev/console")" = "$HOST_DIR/marker" ]
}

@test "a chain of symlinks at a mount target ends inside the rootfs" {
	mkdir -p "$BUNDLE/rootfs/c"
	ln -s b "$BUNDLE/rootfs/a"
	ln -s /c/../d "$BUNDLE/rootfs/b"
	ln -s "$HOST_DIR" "$BUNDLE/rootfs/d"
	update_config '.mounts += [{"destination": "/a", "type": "tmpfs", "source": "tmpfs"}]'
	set_args sh -c "echo inside >/a/written && grep -c ' $HOST_DIR ' /proc/self/mountinfo"
	snapshot_host
	rund -0 cr run -b "$BUNDLE" ct
	[ "$output" = 1 ]
	[ -d "$BUNDLE/rootfs$HOST_DIR" ]
	host_unchanged
}

@test "a symlink loop at a mount target: one error line, nothing left" {
	ln -s /loop2 "$BUNDLE/rootfs/loop1"
	ln -s /loop1 "$BUNDLE/rootfs/loop2"
	update_config '.mounts += [{"destination": "/loop1/x", "type": "tmpfs", "source": "tmpfs"}]'
	set_args true
	snapshot_host
	rund -1 cr run -b "$BUNDLE" ct
	assert_one_error_line "/loop1/x"
	assert_nothing_left
	host_unchanged
}

# Hooks run after every config.json mount (prestart/createRuntime on the host, createContainer
# in the container before pivot_root), so a hook cannot deterministically swap a `mounts` target
# mid-setup. What is still ahead of a hook: maskedPaths, readonlyPaths and /dev/console. The
# createRuntime hook swaps each for a symlink to the host directory.
@test "masked and read-only paths swapped for host symlinks by a createRuntime hook: host untouched" {
	update_config '.root.readonly = false'
	mkdir -p "$BUNDLE/rootfs/masked-dir" "$BUNDLE/rootfs/ro-dir"
	echo secret >"$BUNDLE/rootfs/masked-file"
	update_config '.linux.maskedPaths = ["/masked-dir", "/masked-file"]
		| .linux.readonlyPaths = ["/ro-dir"]'
	local r="$BUNDLE/rootfs" script
	script="rm -rf $r/masked-dir $r/ro-dir $r/masked-file
		ln -s $HOST_DIR $r/masked-dir; ln -s $HOST_DIR $r/ro-dir; ln -s $HOST_DIR/marker $r/masked-file"
	update_config '.hooks.createRuntime = [{"path": "/bin/sh", "args": ["sh", "-c", "'"${script//$'\n'/;}"'"]}]'
	set_args sh -c "ls -A /masked-dir/ /ro-dir/ 2>&1; { echo x >/masked-file; } 2>&1; true"
	snapshot_host
	rund -0 cr run -b "$BUNDLE" ct
	echo "$output"
	# The links resolve inside the rootfs, where $HOST_DIR does not exist: nothing to mask or
	# make read-only, and the links dangle inside the container too.
	[ "$(grep -c 'No such file or directory' <<<"$output")" -eq 2 ]
	grep -q 'nonexistent directory\|No such file' <<<"$(tail -n 1 <<<"$output")"
	host_unchanged
	[ ! -e "$BUNDLE/rootfs$HOST_DIR" ]
}

@test "/dev/console swapped for a host symlink by a createRuntime hook: refused cleanly" {
	no_dev_tmpfs
	update_config '.process.terminal = true'
	local r="$BUNDLE/rootfs"
	update_config '.hooks.createRuntime = [{"path": "/bin/sh", "args": ["sh", "-c",
		"rm -f '"$r"'/dev/console; ln -s '"$HOST_DIR"'/marker '"$r"'/dev/console"]}]'
	local sock="$BATS_TEST_TMPDIR/console.sock"
	start_bg "$BATS_TEST_TMPDIR/recvtty.out" "$RECVTTY" --timeout 30 "$sock"
	wait_for_socket "$sock"
	set_args true
	snapshot_host
	rund -1 cr create -b "$BUNDLE" --console-socket "$sock" ct
	assert_one_error_line "/dev/console"
	assert_nothing_left
	host_unchanged
}

@test "/dev in the image is a symlink to a host directory: the /dev tmpfs and its nodes land inside" {
	rm -rf "$BUNDLE/rootfs/dev"
	ln -s "$HOST_DIR" "$BUNDLE/rootfs/dev"
	set_args sh -c 'echo x >/dev/null && ls /dev/null /dev/zero >/dev/null && echo ok'
	snapshot_host
	rund cr run -b "$BUNDLE" ct
	# Either it ran with its /dev inside the rootfs, or it failed with one line; the host's
	# directory got no device nodes, links or mounts either way.
	if [ "$status" -eq 0 ]; then
		[ "$output" = ok ] || fail "output: $output"
		[ -d "$BUNDLE/rootfs$HOST_DIR" ] || fail "the /dev mount did not land inside the rootfs"
	else
		assert_one_error_line
	fi
	host_unchanged
}

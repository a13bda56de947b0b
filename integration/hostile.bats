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
		fail "host mount table changed: $(grep "$BATS_TEST_TMPDIR" /proc/self/mountinfo)"
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

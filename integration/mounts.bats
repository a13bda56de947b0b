#!/usr/bin/env bats
# config.json `mounts` (every type and option, the v1 `cgroup` mount, id-mapped binds),
# root.readonly, maskedPaths, readonlyPaths and rootfsPropagation, each checked from inside the
# container (its /proc/self/mountinfo and what writes do) and, where the host could be affected,
# from the host's mount table.

load helpers
load lifecycle_helpers

setup() {
	lc_setup
	HOST_MOUNTS=()
}

teardown() {
	local m
	# Host mounts this test made (deepest first), then the usual checks.
	for ((m = ${#HOST_MOUNTS[@]} - 1; m >= 0; m--)); do
		umount -R "${HOST_MOUNTS[m]}" 2>/dev/null || true
	done
	lc_teardown
}

# add_mount JSON: append one entry to .mounts.
add_mount() {
	update_config ".mounts += [$1]"
}

# host_mount ARGS... TARGET: mount(8) on the host; TARGET is unmounted at teardown.
host_mount() {
	mount "$@" || return 1
	HOST_MOUNTS+=("${!#}")
}

# Fields of one /proc/self/mountinfo line (proc(5)): per-mount options, optional fields up to
# "-", filesystem type, super options.
mi_opts() { awk '{ print $6 }' <<<"$1"; }
mi_optional() { awk '{ s = ""; for (i = 7; $i != "-"; i++) s = s " " $i; print s }' <<<"$1"; }
mi_type() { awk '{ for (i = 7; $i != "-"; i++); print $(i + 1) }' <<<"$1"; }
mi_super() { awk '{ for (i = 7; $i != "-"; i++); print $(i + 3) }' <<<"$1"; }

# has_opt LIST OPT: OPT is one of the comma-separated LIST.
has_opt() { [[ ",$1," == *",$2,"* ]]; }

# MI_SH DEST: shell printing the container's mountinfo line of the topmost mount at DEST.
mi_sh() { echo "awk '\$5 == \"$1\"' /proc/self/mountinfo | tail -n 1"; }

# ---- bind mounts ---------------------------------------------------------------------------

@test "bind of a directory: the host's files inside, writes back to the host" {
	mkdir -p "$BATS_TEST_TMPDIR/src"
	echo host-data >"$BATS_TEST_TMPDIR/src/file"
	add_mount '{"destination": "/data", "type": "bind", "source": "'"$BATS_TEST_TMPDIR/src"'",
		"options": ["bind", "rw"]}'
	run_sh -0 'cat /data/file; echo inside >/data/new'
	[ "$output" = host-data ]
	[ "$(cat "$BATS_TEST_TMPDIR/src/new")" = inside ]
}

@test "bind of a file: the missing target is created as a file, a missing dir target as a dir" {
	echo file-data >"$BATS_TEST_TMPDIR/one-file"
	mkdir -p "$BATS_TEST_TMPDIR/src"
	add_mount '{"destination": "/etc/deep/bound.conf", "type": "bind",
		"source": "'"$BATS_TEST_TMPDIR/one-file"'", "options": ["bind", "ro"]}'
	add_mount '{"destination": "/a/b/c", "type": "bind", "source": "'"$BATS_TEST_TMPDIR/src"'",
		"options": ["bind"]}'
	run_sh -0 '[ -f /etc/deep/bound.conf ] && cat /etc/deep/bound.conf; [ -d /a/b/c ] && echo dir'
	[ "$output" = "file-data
dir" ]
	# The targets were made in the image, never on the host.
	[ -f "$BUNDLE/rootfs/etc/deep/bound.conf" ]
	[ -d "$BUNDLE/rootfs/a/b/c" ]
}

@test "bind shows only the top mount, rbind the submounts too" {
	local src="$BATS_TEST_TMPDIR/src"
	mkdir -p "$src/sub"
	host_mount -t tmpfs tmpfs "$src/sub"
	echo in-submount >"$src/sub/file"
	add_mount '{"destination": "/b", "type": "bind", "source": "'"$src"'", "options": ["bind"]}'
	add_mount '{"destination": "/rb", "type": "bind", "source": "'"$src"'", "options": ["rbind"]}'
	run_sh -0 'ls /b/sub; echo -; cat /rb/sub/file'
	[ "$output" = "-
in-submount" ]
}

@test "a ro bind of a host directory is really read-only (EROFS), the host dir unchanged" {
	local src="$BATS_TEST_TMPDIR/src"
	mkdir -p "$src"
	echo keep >"$src/file"
	add_mount '{"destination": "/ro", "type": "bind", "source": "'"$src"'", "options": ["rbind", "ro"]}'
	run_sh -0 '{ echo x >/ro/file; } 2>&1; { echo x >/ro/new; } 2>&1; rm /ro/file 2>&1; '"$(mi_sh /ro)"
	echo "$output"
	[ "$(grep -c 'Read-only file system' <<<"$output")" -eq 3 ]
	has_opt "$(mi_opts "$(tail -n 1 <<<"$output")")" ro
	[ "$(ls -A "$src")" = file ]
	[ "$(cat "$src/file")" = keep ]
}

@test "rro makes a bind's submounts read-only too; plain ro leaves them writable" {
	local src="$BATS_TEST_TMPDIR/src"
	mkdir -p "$src/sub"
	host_mount -t tmpfs tmpfs "$src/sub"
	add_mount '{"destination": "/plain", "type": "bind", "source": "'"$src"'", "options": ["rbind", "ro"]}'
	add_mount '{"destination": "/rec", "type": "bind", "source": "'"$src"'", "options": ["rbind", "rro"]}'
	run_sh -0 'touch /plain/sub/a && echo plain-sub-writable
		touch /rec/sub/b 2>&1; touch /rec/c 2>&1; true'
	echo "$output"
	[ "$(head -n 1 <<<"$output")" = plain-sub-writable ]
	[ "$(grep -c 'Read-only file system' <<<"$output")" -eq 2 ]
}

@test "rnosuid, rnodev, rnoexec and rnoatime reach a bind's submounts" {
	local src="$BATS_TEST_TMPDIR/src"
	mkdir -p "$src/sub"
	host_mount -t tmpfs tmpfs "$src/sub"
	add_mount '{"destination": "/r", "type": "bind", "source": "'"$src"'",
		"options": ["rbind", "rnosuid", "rnodev", "rnoexec", "rnoatime"]}'
	run_sh -0 "$(mi_sh /r/sub)"
	local opts
	opts="$(mi_opts "$output")"
	echo "sub: $opts"
	for o in nosuid nodev noexec noatime; do has_opt "$opts" "$o" || fail "no $o: $opts"; done
}

# ---- bind sources a user namespace cannot reach ------------------------------------------------

@test "user namespace: binds from below 0700 root dirs are opened by the runtime; run and exec read them" {
	add_userns
	private_sources
	add_shared_dir
	set_args sh -c 'cat /one/file /two >/shared/read; exec sleep 1000'
	rund -0 cr create -b "$BUNDLE" ct
	# The sources went to the init as fds (runc's mount source fds) and were closed after the
	# mounts: the created init holds none of them.
	local pid fds
	pid="$(pid_of ct)"
	fds="$(ls -l "/proc/$pid/fd")"
	echo "$fds"
	[[ "$fds" != *"$BATS_TEST_TMPDIR/private"* ]]
	rund -0 cr start ct
	wait_for_file "$SHARED/read"
	[ "$(cat "$SHARED/read")" = "one
two" ]
	# exec joins the mounts; the container's process holds only its stdio.
	rund -0 cr exec ct sh -c 'cat /one/file /two; ls /proc/1/fd | sort -n | tr "\n" " "'
	[ "$output" = "one
two
0 1 2 " ]
}

@test "user namespace: a 0700 bind source itself is mounted but stays closed to the mapped root (runc)" {
	add_userns
	local src="$BATS_TEST_TMPDIR/private"
	mkdir -m 0700 "$src"
	echo secret >"$src/file"
	chmod 0644 "$src/file"
	add_mount '{"destination": "/p", "type": "bind", "source": "'"$src"'", "options": ["rbind"]}'
	run_sh -0 'stat -c "%u %a" /p; cat /p/file 2>&1; true'
	echo "$output"
	# The host's root is nobody in the user namespace: the mode decides, as with runc.
	[ "$output" = "65534 700
cat: can't open '/p/file': Permission denied" ]
}

@test "user namespace: a read-only host mount bound from below a 0700 dir stays locked read-only" {
	add_userns
	local private="$BATS_TEST_TMPDIR/private" src="$BATS_TEST_TMPDIR/rosrc"
	mkdir -m 0700 "$private"
	mkdir -p "$private/ro" "$src"
	host_mount --bind "$src" "$private/ro"
	mount -o remount,bind,ro "$private/ro"
	add_mount '{"destination": "/locked", "type": "bind", "source": "'"$private/ro"'", "options": ["rbind"]}'
	# The control: a "ro" the runtime set (not the host) may be lifted by the container's root.
	add_mount '{"destination": "/own", "type": "bind", "source": "'"$src"'", "options": ["rbind", "ro"]}'
	update_config '.process.capabilities.bounding += ["CAP_SYS_ADMIN"]
		| .process.capabilities.effective += ["CAP_SYS_ADMIN"]
		| .process.capabilities.permitted += ["CAP_SYS_ADMIN"]'
	run_sh -0 'mount -o remount,bind,rw /locked 2>/dev/null; echo locked=$?
		mount -o remount,bind,rw /own; echo own=$?; '"$(mi_sh /locked); $(mi_sh /own)"
	echo "$output"
	[ "$(sed -n 1,2p <<<"$output")" = "locked=1
own=0" ]
	has_opt "$(mi_opts "$(sed -n 3p <<<"$output")")" ro
	has_opt "$(mi_opts "$(sed -n 4p <<<"$output")")" rw
}

@test "without a user namespace the same binds work as before" {
	private_sources
	run_sh -0 'cat /one/file /two; stat -c %u /one'
	[ "$output" = "one
two
0" ]
}

@test "user namespace: a missing bind source is one error line naming the mount, nothing left" {
	add_userns
	private_sources
	local index
	index="$(jq '.mounts | length' "$BUNDLE/config.json")"
	add_mount '{"destination": "/gone", "type": "bind", "source": "'"$BATS_TEST_TMPDIR/no-such"'",
		"options": ["rbind"]}'
	set_args true
	snapshot_host
	rund -1 cr run -b "$BUNDLE" ct
	assert_one_error_line "mounts[$index] (/gone): bind source $BATS_TEST_TMPDIR/no-such: No such file or directory"
	assert_nothing_left
}

# ---- new filesystems -------------------------------------------------------------------------

@test "tmpfs with size and mode: the mode, the size limit and the options show inside" {
	add_mount '{"destination": "/t", "type": "tmpfs", "source": "tmpfs",
		"options": ["nosuid", "nodev", "size=1m", "mode=0710"]}'
	run_sh -0 'stat -c %a /t; '"$(mi_sh /t)"'
		dd if=/dev/zero of=/t/big bs=64k count=32 2>&1 | grep -o "No space left on device"'
	echo "$output"
	[ "$(sed -n 1p <<<"$output")" = 710 ]
	local line
	line="$(sed -n 2p <<<"$output")"
	[ "$(mi_type "$line")" = tmpfs ]
	has_opt "$(mi_opts "$line")" nosuid
	has_opt "$(mi_opts "$line")" nodev
	has_opt "$(mi_super "$line")" size=1024k
	has_opt "$(mi_super "$line")" mode=710
	[ "$(sed -n 3p <<<"$output")" = "No space left on device" ]
}

@test "proc, sysfs, devpts, mqueue, tmpfs and cgroup have their types; sysfs and cgroup are ro" {
	run_sh -0 'for d in /proc /sys /dev/pts /dev/mqueue /dev/shm /dev /sys/fs/cgroup; do
			echo "$d $('"awk -v d=\"\$d\" '\$5 == d' /proc/self/mountinfo | tail -n 1"')"
		done
		{ echo x >/sys/kernel/x; } 2>&1; mkdir /sys/fs/cgroup/x 2>&1; true'
	echo "$output"
	local d line
	for d in /proc:proc /sys:sysfs /dev/pts:devpts /dev/mqueue:mqueue /dev/shm:tmpfs /dev:tmpfs; do
		line="$(grep "^${d%%:*} " <<<"$output")"
		[ "$(mi_type "${line#* }")" = "${d#*:}" ] || fail "${d%%:*}: $line"
	done
	line="$(grep '^/sys ' <<<"$output")"
	has_opt "$(mi_opts "${line#* }")" ro
	line="$(grep '^/sys/fs/cgroup ' <<<"$output")"
	has_opt "$(mi_opts "${line#* }")" ro
	[ "$(grep -c 'Read-only file system' <<<"$output")" -eq 2 ]
}

@test "devpts: a new instance with the configured ptmxmode, mode and gid" {
	run_sh -0 "$(mi_sh /dev/pts)"
	local super
	super="$(mi_super "$output")"
	echo "$super"
	has_opt "$super" ptmxmode=666
	has_opt "$super" mode=620
	has_opt "$super" gid=5
}

@test "cgroup2 mount type, read-only" {
	# This host may be hybrid; a cgroup2 filesystem can be mounted either way.
	add_mount '{"destination": "/cg2", "type": "cgroup2", "source": "cgroup2",
		"options": ["nosuid", "noexec", "nodev", "ro"]}'
	run_sh -0 "$(mi_sh /cg2)"'; mkdir /cg2/x 2>&1; true'
	echo "$output"
	local line
	line="$(head -n 1 <<<"$output")"
	[ "$(mi_type "$line")" = cgroup2 ]
	has_opt "$(mi_opts "$line")" ro
	grep -q 'Read-only file system' <<<"$output"
}

@test "overlay with lowerdir, upperdir and workdir: writes land in the upper dir" {
	grep -qw overlay /proc/filesystems || modprobe overlay 2>/dev/null || true
	grep -qw overlay /proc/filesystems || skip "no overlay filesystem on this kernel"
	local o="$BATS_TEST_TMPDIR/ovl"
	mkdir -p "$o/lower" "$o/upper" "$o/work"
	echo from-lower >"$o/lower/file"
	add_mount '{"destination": "/ovl", "type": "overlay", "source": "overlay",
		"options": ["lowerdir='"$o/lower"'", "upperdir='"$o/upper"'", "workdir='"$o/work"'"]}'
	run_sh -0 'cat /ovl/file; echo from-container >/ovl/new; '"$(mi_sh /ovl)"
	echo "$output"
	[ "$(head -n 1 <<<"$output")" = from-lower ]
	[ "$(mi_type "$(tail -n 1 <<<"$output")")" = overlay ]
	[ "$(cat "$o/upper/new")" = from-container ]
	[ ! -e "$o/lower/new" ]
}

# ---- options ---------------------------------------------------------------------------------

@test "nosuid, nodev, noexec show in mountinfo; noexec stops a copied busybox" {
	add_mount '{"destination": "/nx", "type": "tmpfs", "source": "tmpfs",
		"options": ["nosuid", "nodev", "noexec", "mode=755"]}'
	add_mount '{"destination": "/x", "type": "tmpfs", "source": "tmpfs", "options": ["mode=755"]}'
	# busybox picks its applet from argv[0]: the copies are named "true".
	run_sh -0 'cp /bin/busybox /nx/true; cp /bin/busybox /x/true
		/x/true && echo exec-ok
		/nx/true 2>&1; echo "status $?"
		'"$(mi_sh /nx)"
	echo "$output"
	[ "$(sed -n 1p <<<"$output")" = exec-ok ]
	grep -q 'Permission denied' <<<"$output"
	grep -qx 'status 126' <<<"$output"
	local opts
	opts="$(mi_opts "$(tail -n 1 <<<"$output")")"
	for o in nosuid nodev noexec; do has_opt "$opts" "$o" || fail "no $o: $opts"; done
}

@test "the atime family: noatime, strictatime, relatime, nodiratime" {
	local d
	for d in noatime strictatime relatime; do
		add_mount '{"destination": "/'"$d"'", "type": "tmpfs", "source": "tmpfs", "options": ["'"$d"'"]}'
	done
	add_mount '{"destination": "/nodiratime", "type": "tmpfs", "source": "tmpfs",
		"options": ["nodiratime", "noatime"]}'
	run_sh -0 'for d in noatime strictatime relatime nodiratime; do
			echo "$d $('"awk -v d=\"/\$d\" '\$5 == d { print \$6 }' /proc/self/mountinfo"')"
		done'
	echo "$output"
	has_opt "$(grep '^noatime ' <<<"$output" | cut -d' ' -f2)" noatime
	# strictatime is the absence of relatime/noatime in mountinfo.
	local strict
	strict="$(grep '^strictatime ' <<<"$output" | cut -d' ' -f2)"
	! has_opt "$strict" relatime && ! has_opt "$strict" noatime
	has_opt "$(grep '^relatime ' <<<"$output" | cut -d' ' -f2)" relatime
	has_opt "$(grep '^nodiratime ' <<<"$output" | cut -d' ' -f2)" nodiratime
	has_opt "$(grep '^nodiratime ' <<<"$output" | cut -d' ' -f2)" noatime
}

@test "propagation options: shared, private, unbindable on a tmpfs" {
	add_mount '{"destination": "/sh", "type": "tmpfs", "source": "tmpfs", "options": ["shared"]}'
	add_mount '{"destination": "/pr", "type": "tmpfs", "source": "tmpfs", "options": ["rprivate"]}'
	add_mount '{"destination": "/ub", "type": "tmpfs", "source": "tmpfs", "options": ["unbindable"]}'
	run_sh -0 "$(mi_sh /sh); $(mi_sh /pr); $(mi_sh /ub)"
	echo "$output"
	[[ "$(mi_optional "$(sed -n 1p <<<"$output")")" == *shared:* ]]
	[ -z "$(mi_optional "$(sed -n 2p <<<"$output")" | tr -d ' ')" ]
	[[ "$(mi_optional "$(sed -n 3p <<<"$output")")" == *unbindable* ]]
}

@test "an unknown filesystem option is one error line naming the mount; nothing is left" {
	add_mount '{"destination": "/bad", "type": "tmpfs", "source": "tmpfs",
		"options": ["nosuid", "no-such-option"]}'
	set_args true
	snapshot_host
	rund -1 cr run -b "$BUNDLE" ct
	assert_one_error_line "(/bad)"
	[[ "$stderr" == *no-such-option* ]]
	assert_nothing_left
}

@test "a mount of an unknown filesystem type is one error line naming the mount" {
	add_mount '{"destination": "/bad", "type": "nosuchfs", "source": "x"}'
	set_args true
	snapshot_host
	rund -1 cr run -b "$BUNDLE" ct
	assert_one_error_line "(/bad)"
	assert_nothing_left
}

# ---- the root, masks, read-only paths -------------------------------------------------------

@test "root.readonly: writes to / fail with EROFS, a tmpfs on /tmp stays writable" {
	update_config '.root.readonly = true'
	add_tmpfs /tmp
	run_sh -0 '{ echo x >/new-file; } 2>&1; mkdir /newdir 2>&1; echo ok >/tmp/f && cat /tmp/f
		'"$(mi_sh /)"
	echo "$output"
	[ "$(grep -c 'Read-only file system' <<<"$output")" -eq 2 ]
	grep -qx ok <<<"$output"
	has_opt "$(mi_opts "$(tail -n 1 <<<"$output")")" ro
	[ ! -e "$BUNDLE/rootfs/new-file" ]
}

@test "root.readonly false: the root is writable" {
	update_config '.root.readonly = false'
	run_sh -0 'echo x >/new-file && echo written'
	[ "$output" = written ]
	[ -f "$BUNDLE/rootfs/new-file" ]
}

@test "maskedPaths: a masked file reads empty, a masked dir is an empty read-only tmpfs" {
	update_config '.root.readonly = false'
	mkdir -p "$BUNDLE/rootfs/secret-dir"
	echo secret >"$BUNDLE/rootfs/secret-dir/inner"
	echo secret >"$BUNDLE/rootfs/secret-file"
	update_config '.linux.maskedPaths = ["/secret-file", "/secret-dir", "/does/not/exist"]'
	run_sh -0 'echo "[$(cat /secret-file)]"; ls -A /secret-dir | wc -l
		touch /secret-dir/x 2>&1; echo x >/secret-file && echo write-to-null-ok
		stat -c %t:%T /secret-file; '"$(mi_sh /secret-dir)"
	echo "$output"
	[ "$(sed -n 1p <<<"$output")" = "[]" ]
	[ "$(sed -n 2p <<<"$output" | tr -d ' ')" = 0 ]
	grep -q 'Read-only file system' <<<"$output"
	grep -qx write-to-null-ok <<<"$output"
	grep -qx 1:3 <<<"$output"
	local line
	line="$(tail -n 1 <<<"$output")"
	[ "$(mi_type "$line")" = tmpfs ]
	has_opt "$(mi_opts "$line")" ro
	# The image itself is untouched.
	[ "$(cat "$BUNDLE/rootfs/secret-file")" = secret ]
}

@test "readonlyPaths: writes fail with EROFS, also below a submount" {
	update_config '.root.readonly = false'
	mkdir -p "$BUNDLE/rootfs/rodir/sub"
	add_mount '{"destination": "/rodir/sub", "type": "tmpfs", "source": "tmpfs"}'
	update_config '.linux.readonlyPaths = ["/rodir", "/missing"]'
	run_sh -0 'touch /rodir/a 2>&1; touch /rodir/sub/b 2>&1; touch /elsewhere && echo root-rw'
	echo "$output"
	[ "$(grep -c 'Read-only file system' <<<"$output")" -eq 2 ]
	grep -qx root-rw <<<"$output"
}

@test "default /proc readonlyPaths and maskedPaths from cruntime spec are in force" {
	# /proc/timer_list: masked by default and present on every kernel (kcore is optional).
	run_sh -0 '{ echo 1 >/proc/sys/kernel/domainname; } 2>&1; echo "[$(cat /proc/timer_list 2>&1)]"
		'"$(mi_sh /proc/sys)"
	echo "$output"
	grep -q 'Read-only file system' <<<"$output"
	grep -qx '\[\]' <<<"$output"
	has_opt "$(mi_opts "$(tail -n 1 <<<"$output")")" ro
}

# ---- propagation seen from the host ----------------------------------------------------------

# prop_setup: $PROP, a host directory made a shared mount, bound at /shared in the container
# with OPTION; the process may mount (CAP_SYS_ADMIN) and mounts a tmpfs on /shared/sub.
prop_setup() {
	PROP="$BATS_TEST_TMPDIR/prop"
	mkdir -p "$PROP"
	host_mount --bind "$PROP" "$PROP"
	mount --make-shared "$PROP"
	mkdir "$PROP/sub"
	add_mount '{"destination": "/shared", "type": "bind", "source": "'"$PROP"'",
		"options": ["rbind", "'"$1"'"]}'
	update_config '.process.capabilities.bounding += ["CAP_SYS_ADMIN"]
		| .process.capabilities.effective += ["CAP_SYS_ADMIN"]
		| .process.capabilities.permitted += ["CAP_SYS_ADMIN"]'
	set_args sh -c 'mount -t tmpfs inner-tmpfs /shared/sub && echo mounted'
}

host_sees_inner_mount() {
	grep -q " $PROP/sub .* inner-tmpfs " /proc/self/mountinfo
}

@test "rootfsPropagation rshared + an rshared bind of a shared host dir: an inner mount reaches the host" {
	prop_setup rshared
	update_config '.linux.rootfsPropagation = "rshared"'
	rund -0 cr run -b "$BUNDLE" ct
	[ "$output" = mounted ]
	host_sees_inner_mount || fail "the inner mount did not propagate: $(grep "$PROP" /proc/self/mountinfo)"
	umount "$PROP/sub"
}

@test "by default nothing mounted inside reaches the host, even through a shared host dir" {
	prop_setup rshared
	local before
	before="$(wc -l </proc/self/mountinfo)"
	rund -0 cr run -b "$BUNDLE" ct
	[ "$output" = mounted ]
	! host_sees_inner_mount
	[ "$(wc -l </proc/self/mountinfo)" -eq "$before" ]
}

@test "rootfsPropagation shared but an rprivate bind: the inner mount stays inside" {
	prop_setup rprivate
	update_config '.linux.rootfsPropagation = "shared"'
	local before
	before="$(wc -l </proc/self/mountinfo)"
	rund -0 cr run -b "$BUNDLE" ct
	[ "$output" = mounted ]
	! host_sees_inner_mount
	[ "$(wc -l </proc/self/mountinfo)" -eq "$before" ]
}

@test "rootfsPropagation private, slave, unbindable and their r-forms: nothing reaches the host" {
	# A plain rbind: non-recursive values once left the bind a peer of the host's shared dir.
	prop_setup rbind
	local p before
	before="$(wc -l </proc/self/mountinfo)"
	for p in private rprivate slave rslave unbindable runbindable; do
		update_config '.linux.rootfsPropagation = "'"$p"'"'
		rund -0 cr run -b "$BUNDLE" ct
		[ "$output" = mounted ]
		! host_sees_inner_mount || fail "$p: the inner mount reached the host"
		[ "$(wc -l </proc/self/mountinfo)" -eq "$before" ]
	done
}

# ---- cgroup on v1/hybrid hosts ---------------------------------------------------------------

@test "cgroup on a v1/hybrid host: the container's own cgroup per hierarchy, read-only" {
	[ "$(stat -f -c %T /sys/fs/cgroup)" = tmpfs ] || skip "not a v1/hybrid host"
	[ -d /sys/fs/cgroup/memory ] || skip "no v1 memory hierarchy"
	update_config '.linux.resources.memory.limit = 33554432'
	run_sh -0 'cat /sys/fs/cgroup/memory/memory.limit_in_bytes
		find /sys/fs/cgroup/memory/ -mindepth 1 -type d | wc -l
		grep -cx 1 /sys/fs/cgroup/memory/cgroup.procs
		ls /sys/fs/cgroup | tr "\n" " "; echo
		mkdir /sys/fs/cgroup/memory/x 2>&1; touch /sys/fs/cgroup/new 2>&1; '"$(mi_sh /sys/fs/cgroup)"'; true'
	echo "$output"
	local lines
	mapfile -t lines <<<"$output"
	[ "${lines[0]}" = 33554432 ]
	# No cgroup of the host below it, and the shell (pid 1 inside) is in it.
	[ "$(tr -d ' ' <<<"${lines[1]}")" = 0 ]
	[ "${lines[2]}" = 1 ]
	# Every hierarchy of the host has its directory.
	local h
	for h in /sys/fs/cgroup/*/; do
		h="$(basename "$h")"
		[[ " ${lines[3]} " == *" $h "* ]] || fail "$h missing: ${lines[3]}"
	done
	[ "$(grep -c 'Read-only file system' <<<"$output")" -eq 2 ]
	[ "$(mi_type "${lines[-1]}")" = tmpfs ]
	has_opt "$(mi_opts "${lines[-1]}")" ro
}

@test "cgroup on a v1/hybrid host without \"ro\": the container's cgroup is writable" {
	[ "$(stat -f -c %T /sys/fs/cgroup)" = tmpfs ] || skip "not a v1/hybrid host"
	[ -d /sys/fs/cgroup/pids ] || skip "no v1 pids hierarchy"
	update_config '(.mounts[] | select(.destination == "/sys/fs/cgroup") | .options) |= map(select(. != "ro"))
		| .process.capabilities.bounding += ["CAP_SYS_ADMIN"]
		| .process.capabilities.effective += ["CAP_SYS_ADMIN"]
		| .process.capabilities.permitted += ["CAP_SYS_ADMIN"]'
	run_sh -0 'mkdir /sys/fs/cgroup/pids/child && echo made && rmdir /sys/fs/cgroup/pids/child'
	[ "$output" = made ]
}

# ---- id-mapped mounts ------------------------------------------------------------------------

# idmap_source: $IDSRC, a host directory (on this test's filesystem) owned by root with a root
# file and a 1000:1000 file.
idmap_source() {
	IDSRC="$BATS_TEST_TMPDIR/idsrc"
	mkdir -p "$IDSRC"
	echo root-file >"$IDSRC/root-file"
	echo user-file >"$IDSRC/user-file"
	chown 1000:1000 "$IDSRC/user-file"
}

# requires_idmap: skip unless this kernel id-maps mounts of $IDSRC's filesystem (the mappings are
# a user namespace's, so those must be available too).
requires_idmap() {
	requires_userns
	requires_idmap_fs "$(fs_type "$IDSRC")"
}

MAPS='[{"containerID": 0, "hostID": 100000, "size": 65536}]'

@test "idmap with the mount's mappings: owners show mapped, files created land unmapped" {
	idmap_source
	requires_idmap
	add_mount '{"destination": "/id", "type": "bind", "source": "'"$IDSRC"'",
		"options": ["bind", "idmap"], "uidMappings": '"$MAPS"', "gidMappings": '"$MAPS"'}'
	# Creating needs an id the mapping covers: host 100000 is on-disk 0.
	update_config '.process.user = {"uid": 100000, "gid": 100000}'
	run_sh -0 'stat -c "%u:%g" /id/root-file /id/user-file /id
		echo new >/id/created && echo created'
	echo "$output"
	[ "$output" = "100000:100000
101000:101000
100000:100000
created" ]
	[ "$(stat -c %u:%g "$IDSRC/created")" = 0:0 ]
}

@test "idmap: root (unmapped by the mount) cannot create files there" {
	idmap_source
	requires_idmap
	add_mount '{"destination": "/id", "type": "bind", "source": "'"$IDSRC"'",
		"options": ["bind"], "uidMappings": '"$MAPS"', "gidMappings": '"$MAPS"'}'
	run_sh -0 '{ echo x >/id/by-root; } 2>&1; stat -c %u /id/root-file'
	echo "$output"
	grep -q 'Value too large\|Invalid argument\|Permission denied' <<<"$output"
	[ "$(tail -n 1 <<<"$output")" = 100000 ]
	[ ! -e "$IDSRC/by-root" ]
}

@test "idmap without mappings uses the container's user namespace" {
	idmap_source
	requires_idmap
	add_userns  # the same 0 → 100000 mapping as $MAPS
	add_mount '{"destination": "/id", "type": "bind", "source": "'"$IDSRC"'", "options": ["rbind", "idmap"]}'
	add_mount '{"destination": "/idro", "type": "bind", "source": "'"$IDSRC"'",
		"options": ["rbind", "ridmap", "ro"]}'
	run_sh -0 'stat -c "%u:%g" /id/root-file /id/user-file; id -u; echo new >/id/created && echo created
		stat -c "%u:%g" /idro/root-file; { echo x >/idro/no; } 2>&1; true'
	echo "$output"
	# The container's root owns the host's root files, as on the host; "ro" still holds.
	[ "$output" = "0:0
1000:1000
0
created
0:0
sh: can't create /idro/no: Read-only file system" ]
	[ "$(stat -c %u:%g "$IDSRC/created")" = 0:0 ]
}

@test "idmap maps only the bind, ridmap its submounts too" {
	idmap_source
	requires_idmap
	# The submount: a bind from the same filesystem, which requires_idmap found id-mappable (a
	# tmpfs could only be id-mapped from Linux 6.3 on).
	mkdir -p "$IDSRC/sub" "$BATS_TEST_TMPDIR/subsrc"
	host_mount --bind "$BATS_TEST_TMPDIR/subsrc" "$IDSRC/sub"
	echo sub >"$IDSRC/sub/file"
	add_mount '{"destination": "/flat", "type": "bind", "source": "'"$IDSRC"'",
		"options": ["rbind", "idmap"], "uidMappings": '"$MAPS"', "gidMappings": '"$MAPS"'}'
	add_mount '{"destination": "/deep", "type": "bind", "source": "'"$IDSRC"'",
		"options": ["rbind", "ridmap"], "uidMappings": '"$MAPS"', "gidMappings": '"$MAPS"'}'
	run_sh -0 'stat -c %u /flat/root-file /flat/sub/file /deep/root-file /deep/sub/file'
	echo "$output"
	[ "$output" = "100000
0
100000
100000" ]
}

@test "idmap of a filesystem that cannot be id-mapped: one error line naming the mount" {
	requires_userns
	add_mount '{"destination": "/id", "type": "bind", "source": "/sys/kernel",
		"options": ["rbind", "idmap"], "uidMappings": '"$MAPS"', "gidMappings": '"$MAPS"'}'
	set_args true
	snapshot_host
	rund -1 cr run -b "$BUNDLE" ct
	assert_one_error_line "(/id)"
	[[ "$stderr" == *"id-map"* ]]
	assert_nothing_left
}

@test "idmap without mappings and without a user namespace is refused" {
	idmap_source
	add_mount '{"destination": "/id", "type": "bind", "source": "'"$IDSRC"'", "options": ["bind", "idmap"]}'
	set_args true
	snapshot_host
	rund -1 cr run -b "$BUNDLE" ct
	assert_one_error_line "idmap"
	assert_nothing_left
}

@test "rootfsPropagation unbindable/runbindable: / (and with runbindable its submounts) unbindable" {
	update_config '.linux.rootfsPropagation = "runbindable"'
	run_sh -0 "$(mi_sh /); $(mi_sh /proc)"
	echo "$output"
	[[ "$(mi_optional "$(sed -n 1p <<<"$output")")" == *unbindable* ]]
	[[ "$(mi_optional "$(sed -n 2p <<<"$output")")" == *unbindable* ]]
	update_config '.linux.rootfsPropagation = "unbindable"'
	run_sh -0 "$(mi_sh /); $(mi_sh /proc)"
	echo "$output"
	[[ "$(mi_optional "$(sed -n 1p <<<"$output")")" == *unbindable* ]]
	[[ "$(mi_optional "$(sed -n 2p <<<"$output")")" != *unbindable* ]]
}

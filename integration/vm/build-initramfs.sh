#!/bin/bash
# Build the initramfs (cpio newc, gzip) of the cgroup v2 test VM: busybox, bash, bats, jq, setpriv
# and strace from the host, the cruntime binary with its shared libraries, a busybox rootfs for the
# containers, the test files, and init.sh as /init.
#
# Usage: build-initramfs.sh OUTPUT.cpio.gz CRUNTIME_BINARY
# Needs (Debian packages): busybox-static, bash, bats, jq, util-linux (setpriv), cpio, gzip.
set -euo pipefail

out="${1:?usage: build-initramfs.sh OUTPUT.cpio.gz CRUNTIME_BINARY}"
cruntime="${2:?usage: build-initramfs.sh OUTPUT.cpio.gz CRUNTIME_BINARY}"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

die() {
	echo "build-initramfs: $*" >&2
	exit 1
}

for cmd in busybox bash bats jq setpriv cpio gzip ldd; do
	command -v "$cmd" >/dev/null || die "$cmd not found (make deps installs it)"
done
[ -x "$cruntime" ] || die "cruntime binary not found at $cruntime (build first)"
busybox="$(realpath "$(command -v busybox)")"
# The containers' rootfs and the VM's own tools both need a busybox that runs without libraries.
if ldd "$busybox" >/dev/null 2>&1; then
	die "$busybox is dynamically linked; install busybox-static"
fi

mkdir -p "$(dirname "$out")"
stage="$(mktemp -d "$(dirname "$out")/initramfs.XXXXXX")"
trap 'rm -rf -- "$stage"' EXIT

# Merged /usr, as on Debian 12: ldd's /lib/... and /lib64/... paths land under usr/.
mkdir -p "$stage"/usr/{bin,sbin,lib,lib64,local/bin} "$stage"/{etc,proc,sys,dev,tmp,run,root,newroot,vm}
for d in bin sbin lib lib64; do ln -s "usr/$d" "$stage/$d"; done
chmod 1777 "$stage/tmp"

# copy_file PATH...: copy host files to the same path in the image (symlinks kept as such, and
# the file they point to copied as well).
copy_file() {
	local path target
	for path in "$@"; do
		[ -e "$stage$path" ] && continue
		mkdir -p "$stage$(dirname "$path")"
		cp -a "$path" "$stage$path"
		if [ -L "$path" ]; then
			target="$(realpath "$path")"
			copy_file "$target"
		fi
	done
}

# copy_libs BINARY: the shared libraries ldd lists for BINARY, and the dynamic loader.
copy_libs() {
	local lib
	# "libc.so.6 => /lib/x86_64-linux-gnu/libc.so.6 (0x...)" and "/lib64/ld-linux-x86-64.so.2 (0x...)"
	for lib in $(ldd "$1" 2>/dev/null | awk '$2 == "=>" && $3 ~ /^\// { print $3 } $1 ~ /^\// { print $1 }'); do
		copy_file "$lib"
	done
}

# copy_program PATH: a host program and its libraries.
copy_program() {
	copy_file "$1"
	copy_libs "$(realpath "$1")"
}

# 1. busybox with every applet as a symlink (bash, jq and the others copied below win).
cp "$busybox" "$stage/usr/bin/busybox"
for applet in $("$busybox" --list-full); do
	applet="usr/${applet#usr/}"
	[ -e "$stage/$applet" ] || [ -L "$stage/$applet" ] || ln -s /usr/bin/busybox "$stage/$applet"
done

# 2. bash, jq, setpriv (util-linux; rootless.bats runs the user's commands with it: busybox has
# none) and bats (Debian's bats: /usr/bin/bats, /usr/lib/bats-core, /usr/libexec/bats-core).
rm -f "$stage/usr/bin/bash" "$stage/usr/bin/jq" "$stage/usr/bin/setpriv"
copy_program "$(command -v bash)"
copy_program "$(command -v jq)"
copy_program "$(command -v setpriv)"
# strace for the fault test of cgroup2.bats (it skips without), as on the host (fault.bats).
if command -v strace >/dev/null; then copy_program "$(command -v strace)"; fi
bats_files="$(dpkg -L bats 2>/dev/null | grep -E '^/usr/(bin|lib|libexec)/' || true)"
[ -n "$bats_files" ] || die "dpkg -L bats lists no files (install Debian's bats)"
rm -f "$stage/usr/bin/bats"
for f in $bats_files; do
	[ -d "$f" ] && [ ! -L "$f" ] && continue
	copy_file "$f"
done

# 3. cruntime and its libraries, without debug info (a debug build is ~60 MB; the kernel unpacks
# and the init copies every byte of this image under emulation).
copy_libs "$cruntime"
if command -v strip >/dev/null; then
	strip --strip-debug -o "$stage/usr/local/bin/cruntime" "$cruntime"
else
	cp "$cruntime" "$stage/usr/local/bin/cruntime"
fi

# 4. /etc: enough for id, bats and jq.
cat >"$stage/etc/passwd" <<-'EOF'
	root:x:0:0:root:/root:/bin/bash
	nobody:x:65534:65534:nobody:/nonexistent:/bin/false
EOF
cat >"$stage/etc/group" <<-'EOF'
	root:x:0:
	nobody:x:65534:
EOF
echo cruntime-vm >"$stage/etc/hostname"

# 5. The containers' rootfs: static busybox and its applets, shared read-only by every test
# (config.json's root.path points at it), so no test copies it.
rootfs="$stage/vm/rootfs"
mkdir -p "$rootfs"/{bin,etc,proc,sys,dev,tmp,root,usr/bin,usr/sbin,sbin,var}
chmod 1777 "$rootfs/tmp"
cp "$busybox" "$rootfs/bin/busybox"
for applet in $("$busybox" --list); do
	[ -e "$rootfs/bin/$applet" ] || ln -s busybox "$rootfs/bin/$applet"
done
cp "$stage/etc/group" "$rootfs/etc/group"
sed 's|/bin/bash|/bin/sh|' "$stage/etc/passwd" >"$rootfs/etc/passwd"

# 6. The suite and the init.
cp "$here/cgroup2.bats" "$here/rootless.bats" "$here/vm_helpers.bash" "$here/../common.bash" "$stage/vm/"
cp "$here/init.sh" "$stage/init"
chmod 0755 "$stage/init"

# Everything is owned by root in the VM, whoever builds the image.
(cd "$stage" && find . -mindepth 1 | LC_ALL=C sort | cpio -o -H newc -R 0:0 --quiet) |
	gzip -1 >"$out.tmp"
mv "$out.tmp" "$out"
echo "build-initramfs: $out ($(du -h "$out" | cut -f1))" >&2

#!/bin/bash
# Build the system VM's root file system image: Debian 12 from the package list `packages` (plus
# the ones given here) with mmdebstrap, customized by image/customize.sh (kernel modules, the
# suite's unit, quiet boot), then written into an ext4 image with `mkfs.ext4 -d` (no loop
# device, no mount). run.sh caches the result and calls this only when the recipe changed.
#
# Usage: build-image.sh OUTPUT.img MODULES_DIR [EXTRA_PACKAGE...]
#   MODULES_DIR  the kernel's lib/modules/<version> (fetch-kernel.sh keeps it in its cache)
# Needs root (mmdebstrap --mode=root: the files must belong to root in the image), the
# mmdebstrap and e2fsprogs packages, and Debian's mirror.
set -euo pipefail

out="${1:?usage: build-image.sh OUTPUT.img MODULES_DIR [EXTRA_PACKAGE...]}"
modules="${2:?usage: build-image.sh OUTPUT.img MODULES_DIR [EXTRA_PACKAGE...]}"
shift 2
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# Free space in the image beyond what the packages take, for images, containers and logs the
# tests make. The file is sparse: unused space costs nothing on the host.
readonly FREE_MIB=2048

die() {
	echo "build-image: $*" >&2
	exit 1
}

[ "$(id -u)" -eq 0 ] || die "needs root (mmdebstrap --mode=root)"
for cmd in mmdebstrap mkfs.ext4; do
	command -v "$cmd" >/dev/null || die "$cmd not found (make deps installs it)"
done
[ -d "$modules" ] || die "no kernel modules at $modules"

# packages: one name a line, `#` comments.
packages="$({
	sed -e 's/#.*//' "$here/packages" | tr -s ' \t' '\n'
	printf '%s\n' "$@"
} | sed '/^$/d' | sort -u | paste -sd, -)"

mkdir -p "$(dirname "$out")"
stage="$(mktemp -d "$(dirname "$out")/rootfs.XXXXXX")"
# --one-file-system: should mmdebstrap die with /proc or /dev still mounted in the chroot, rm
# must not descend into them.
trap 'rm -rf --one-file-system -- "$stage" "$out.tmp"' EXIT

started=$(date +%s)
# Docs, man pages, locales: nothing in the VM reads them (a third of the size).
mmdebstrap --mode=root --variant=minbase --format=directory \
	--aptopt='APT::Install-Recommends "false"' \
	--dpkgopt='path-exclude=/usr/share/man/*' \
	--dpkgopt='path-exclude=/usr/share/info/*' \
	--dpkgopt='path-exclude=/usr/share/doc/*' \
	--dpkgopt='path-include=/usr/share/doc/*/copyright' \
	--dpkgopt='path-exclude=/usr/share/locale/*' \
	--dpkgopt='path-include=/usr/share/locale/locale.alias' \
	--include="$packages" \
	--customize-hook="bash '$here/image/customize.sh' \"\$1\" '$modules'" \
	bookworm "$stage" >&2 || die "mmdebstrap failed"

used_mib="$(du -sm "$stage" | cut -f1)"
size_mib=$((used_mib + used_mib / 5 + FREE_MIB))
mkfs.ext4 -q -L cruntime-root -d "$stage" "$out.tmp" "${size_mib}M" >/dev/null || die "mkfs.ext4 failed"
mv "$out.tmp" "$out"
echo "build-image: $out (${used_mib} MiB of files, $(du -h "$out" | cut -f1) on disk; $(($(date +%s) - started)) s)" >&2

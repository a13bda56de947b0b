#!/bin/bash
# Fetch a stock Debian kernel for the VM tests (the cgroup v2 suite and the system VM) into a cache
# directory and print the path of its vmlinuz. The package is downloaded with `apt-get download`
# and unpacked with `dpkg -x`; nothing is installed on the host. A kernel already in the cache is
# reused. Its modules are kept beside it in CACHE_DIR/modules/<version> (the system VM installs
# them into its root file system: overlay, veth, nf_tables are modules in the cloud flavour).
#
# Usage: fetch-kernel.sh CACHE_DIR
#   VM_KERNEL_PACKAGE=NAME  use this package instead of the newest
#                           linux-image-6.1.0-<abi>-cloud-amd64-unsigned
#   VM_KERNEL_REFRESH=1     download again even if the cache holds a kernel
#
# The cloud flavour is small (~27 MB) and builds in everything the VMs need to boot (checked below
# against the package's boot/config-*): the cgroup v2 VM's initramfs carries no modules, and the
# system VM boots from an NVMe disk (nvme and ext4 are built in) without an initramfs.
set -euo pipefail

cache="${1:?usage: fetch-kernel.sh CACHE_DIR}"
mkdir -p "$cache"
cache="$(cd "$cache" && pwd)"

die() {
	echo "fetch-kernel: $*" >&2
	exit 1
}

# Options the VM and the suite rely on. They must be built in (=y): the serial console is needed
# before any module could be loaded, and the rest are bool options anyway.
readonly REQUIRED_OPTIONS=(
	CONFIG_BLK_DEV_INITRD CONFIG_RD_GZIP CONFIG_DEVTMPFS CONFIG_TMPFS
	CONFIG_SERIAL_8250 CONFIG_SERIAL_8250_CONSOLE
	CONFIG_CGROUPS CONFIG_MEMCG CONFIG_CGROUP_PIDS CONFIG_CGROUP_SCHED CONFIG_CPUSETS
	CONFIG_BLK_CGROUP CONFIG_CGROUP_BPF CONFIG_BPF_SYSCALL
	CONFIG_NAMESPACES CONFIG_PID_NS CONFIG_UTS_NS CONFIG_IPC_NS CONFIG_NET_NS
	CONFIG_SECCOMP_FILTER
	CONFIG_BLK_DEV_NVME CONFIG_EXT4_FS CONFIG_SECURITY_APPARMOR
)

check_config() {
	local config="$1" option value missing=()
	for option in "${REQUIRED_OPTIONS[@]}"; do
		value="$(sed -n "s/^$option=//p" "$config")"
		[ "$value" = y ] || missing+=("$option=${value:-unset}")
	done
	[ "${#missing[@]}" -eq 0 ] ||
		die "$(basename "$config") does not build in: ${missing[*]} (pick another kernel package)"
}

# Every linux-image-6.1.0-<abi>-cloud-amd64-unsigned apt can download, newest ABI first (the
# ABI number is part of the name, so `apt-get download` needs the exact one).
candidate_packages() {
	local name candidate
	command -v apt-cache >/dev/null || die "apt-cache not found (a Debian host is needed)"
	for name in $(apt-cache search --names-only '^linux-image-6\.1\.0-[0-9]+-cloud-amd64-unsigned$' |
		awk '{ print $1 }' | sort -rV); do
		candidate="$(apt-cache policy "$name" | awk '$1 == "Candidate:" { print $2 }')"
		[ -n "$candidate" ] && [ "$candidate" != "(none)" ] && echo "$name"
	done
	return 0
}

# A cached kernel counts only with its modules (caches from before they were kept lack them).
cached_kernel() {
	local kernel
	kernel="$(find "$cache" -maxdepth 1 -name 'vmlinuz-*' ! -name '*.tmp' | sort -V | tail -n 1)"
	[ -n "$kernel" ] && [ -s "$kernel" ] && [ -d "$cache/modules/${kernel##*/vmlinuz-}" ] &&
		echo "$kernel"
}

if [ "${VM_KERNEL_REFRESH:-0}" != 1 ] && kernel="$(cached_kernel)"; then
	echo "$kernel"
	exit 0
fi

packages="${VM_KERNEL_PACKAGE:-$(candidate_packages)}"
[ -n "$packages" ] ||
	die "no linux-image-6.1.0-*-cloud-amd64-unsigned package is known to apt (run apt-get update)"
work="$(mktemp -d "$cache/fetch.XXXXXX")"
trap 'rm -rf -- "$work"' EXIT

# As root, apt drops to the _apt user for downloads, which cannot write into our directory.
sandbox=()
[ "$(id -u)" -eq 0 ] && sandbox=(-o APT::Sandbox::User=root)
# The newest first; an older one only if that download fails (lists older than the mirror).
package=""
for candidate in $packages; do
	echo "fetch-kernel: downloading $candidate" >&2
	if (cd "$work" && apt-get download "${sandbox[@]}" "$candidate" >&2); then
		package="$candidate"
		break
	fi
	echo "fetch-kernel: apt-get download $candidate failed" >&2
done
[ -n "$package" ] || die "could not download a kernel package (network? apt-get update?)"
deb="$(find "$work" -maxdepth 1 -name '*.deb' | head -n 1)"
[ -n "$deb" ] || die "apt-get download $package left no .deb"
dpkg -x "$deb" "$work/x" || die "dpkg -x $deb failed"

vmlinuz="$(find "$work/x/boot" -maxdepth 1 -name 'vmlinuz-*' | head -n 1)"
config="$(find "$work/x/boot" -maxdepth 1 -name 'config-*' | head -n 1)"
if [ -z "$vmlinuz" ] || [ -z "$config" ]; then
	die "$package has no boot/vmlinuz-* and boot/config-*"
fi
check_config "$config"
version="${vmlinuz##*/vmlinuz-}"
# Debian 12's kernel packages still ship /lib/modules (merged /usr is done by a symlink).
modules="$(find "$work/x" -maxdepth 4 -type d -path "*/lib/modules/$version" | head -n 1)"
[ -n "$modules" ] || die "$package has no lib/modules/$version"

# Publish atomically-ish: config and modules first, the kernel (what cached_kernel looks for) last.
rm -rf "$cache"/vmlinuz-* "$cache"/config-* "$cache/modules"
cp "$config" "$cache/"
mkdir -p "$cache/modules"
mv "$modules" "$cache/modules/$version"
cp "$vmlinuz" "$cache/$(basename "$vmlinuz").tmp"
mv "$cache/$(basename "$vmlinuz").tmp" "$cache/$(basename "$vmlinuz")"
echo "$package" >"$cache/package"
cached_kernel

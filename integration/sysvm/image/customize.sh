#!/bin/bash
# mmdebstrap's customize hook for the system VM image: runs on the host, after every package is
# installed, with the chroot directory as $1 (build-image.sh passes the kernel's modules as $2).
#
# Usage: customize.sh CHROOT MODULES_DIR
set -euo pipefail

root="${1:?usage: customize.sh CHROOT MODULES_DIR}"
modules="${2:?usage: customize.sh CHROOT MODULES_DIR}"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
version="$(basename "$modules")"

# The kernel's modules (overlay for podman and containerd, veth, nf_tables, ...), with the
# modules.dep the package's postinst would have made.
mkdir -p "$root/usr/lib/modules"
cp -a "$modules" "$root/usr/lib/modules/$version"
chroot "$root" depmod -a "$version"

# Identity. A fixed machine-id makes every boot a normal one: with none, systemd would treat each
# boot of the throwaway overlay as the first and run the interactive systemd-firstboot.
echo cruntime-sysvm >"$root/etc/hostname"
printf '127.0.0.1\tlocalhost\n127.0.1.1\tcruntime-sysvm\n::1\tlocalhost ip6-localhost\n' >"$root/etc/hosts"
chroot "$root" systemd-machine-id-setup >/dev/null
# The kernel mounts / read-write (root=... rw), so there is nothing to list.
echo '# / is mounted by the kernel (root=/dev/nvme0n1 rw); nothing else.' >"$root/etc/fstab"

# The suite's unit and its starter.
install -m 0644 "$here/cruntime-sysvm.service" "$root/etc/systemd/system/"
install -m 0755 "$here/cruntime-sysvm-boot" "$root/usr/local/sbin/"
chroot "$root" systemctl enable cruntime-sysvm.service

# Quiet, quick boots: the console is the suite's output, and every unit started costs seconds
# under emulation. The daemons the tests need they start themselves (containerd with its own
# configuration, for one); timers would fire in the middle of a run.
chroot "$root" systemctl mask serial-getty@ttyS0.service getty@tty1.service
for unit in containerd.service podman.service podman.socket podman-restart.service \
	podman-auto-update.service podman-auto-update.timer podman-clean-transient.service \
	apt-daily.timer apt-daily-upgrade.timer dpkg-db-backup.timer e2scrub_all.timer \
	e2scrub_reap.service fstrim.timer; do
	if [ -e "$root/lib/systemd/system/$unit" ]; then
		chroot "$root" systemctl disable "$unit" 2>/dev/null
	fi
done

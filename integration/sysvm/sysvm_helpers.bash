# bats helpers of the system VM suite, which runs inside the Debian 12 system VM (run.sh boots it)
# as root, from the unit cruntime-sysvm.service. Built on the cgroup v2 suite's vm_helpers.bash
# (a fresh --root/--log per test, a bundle on a shared read-only busybox rootfs, a cgroup below
# /cruntime-test, a teardown that deletes the test's containers and checks nothing is left) and
# ../common.bash (cr, rund, run_sh, set_args, update_config), both copied next to this file onto
# the suite disk.
#   load sysvm_helpers
#   setup_file() { sysvm_setup_file; }
#   setup() { vm_setup; }
#   teardown() { vm_teardown; }

# The containers' rootfs, made in the VM from the image's busybox-static (sysvm_rootfs); on the
# VM's root disk, a throwaway overlay.
VM_ROOTFS=/var/tmp/cruntime-sysvm/rootfs
# shellcheck source=../vm/vm_helpers.bash
source "$(dirname "${BASH_SOURCE[0]}")/vm_helpers.bash"

# The podman image of that rootfs (sysvm_podman_image): there is no registry in the VM.
SYSVM_IMAGE=localhost/cruntime-busybox:latest

# sysvm_setup_file: refuse to run outside the system VM, and make the rootfs.
sysvm_setup_file() {
	[ -f /sysvm/env ] && [ "$(cat /proc/1/comm)" = systemd ] ||
		fail "this suite runs inside the system VM (integration/sysvm/run.sh)" || return 1
	sysvm_rootfs
}

# sysvm_rootfs: a busybox rootfs at $VM_ROOTFS, made once per boot. The applets are hard links
# (`busybox --install` without -s), right whatever path the rootfs is seen at.
sysvm_rootfs() {
	[ -x "$VM_ROOTFS/bin/sh" ] && return 0
	local tmp="$VM_ROOTFS.new"
	rm -rf "$tmp"
	mkdir -p "$tmp"/{bin,etc,proc,sys,dev,tmp,root,var} || return 1
	chmod 1777 "$tmp/tmp"
	cp /bin/busybox "$tmp/bin/busybox" || return 1
	"$tmp/bin/busybox" --install "$tmp/bin" || fail "busybox --install failed" || return 1
	printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n' \
		>"$tmp/etc/passwd"
	printf 'root:x:0:\nnobody:x:65534:\n' >"$tmp/etc/group"
	mv "$tmp" "$VM_ROOTFS"
}

# sysvm_podman_image: $SYSVM_IMAGE in podman's store, imported from the rootfs once per boot.
sysvm_podman_image() {
	podman image exists "$SYSVM_IMAGE" && return 0
	sysvm_rootfs || return 1
	tar -C "$VM_ROOTFS" -c . | podman import --quiet - "$SYSVM_IMAGE" >/dev/null ||
		fail "podman import of $VM_ROOTFS failed"
}

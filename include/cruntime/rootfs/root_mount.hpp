// The rootfs mount itself: isolating the mount tree, binding the rootfs onto itself, and making it
// "/" (pivot_root, or MS_MOVE + chroot).
#pragma once

#include <string>

#include "cruntime/base/error.hpp"
#include "cruntime/base/unique_fd.hpp"

namespace cruntime::rootfs {

// mount(2) "/" with `propagation` (MS_SLAVE|MS_REC by default) so nothing mounted from now on
// reaches the host, then make the mount holding the rootfs private (or slave when `propagation`
// is a slave type): pivot_root refuses a shared parent, and a bind under a shared parent would be
// copied into the host's peer group. Non-recursive private/slave make the rest of the tree a
// slave first; (r)unbindable is deferred to finalize_rootfs (rslave until then).
Result<void> isolate_mount_tree(const std::string& rootfs, unsigned long propagation);

// Bind the rootfs onto itself with its submounts (pivot_root needs a mount point) and return an
// O_PATH|O_DIRECTORY fd of the new mount.
Result<UniqueFd> bind_rootfs_onto_itself(const std::string& rootfs);

// pivot_root(".", ".") with the cwd at the new root; the old root, stacked on the same
// directory, is made rslave (its unmount must not propagate) and detached (pivot_root(2) NOTES).
Result<void> pivot_to_cwd();

// --no-pivot: hide the full proc and sysfs mounts outside the rootfs (they would let the
// container mount an unmasked procfs), MS_MOVE the rootfs onto "/", chroot(".").
Result<void> move_root_and_chroot(const std::string& rootfs);

}  // namespace cruntime::rootfs

// Mount flags the kernel locks in a user namespace, and how a bind keeps them.
#pragma once

#include "cruntime/base/error.hpp"
#include "cruntime/rootfs/mount_options.hpp"

namespace cruntime::rootfs {

// `attr` without the clearing of what the mount `mount_fd` already has set among ro, nosuid,
// nodev, noexec, nodiratime and its atime mode: in a user namespace that does not own the
// source's mount namespace those are locked (MNT_LOCK_*), and clearing one fails with EPERM.
Result<MountAttr> keeping_locked_flags(int mount_fd, MountAttr attr);

// set_mount_attr for a bind's flags; in a user namespace, an EPERM is retried once with
// keeping_locked_flags, as runc keeps the source's locked flags rather than failing the mount.
Result<void> set_bind_attr(int mount_fd, const MountAttr& attr, bool recursive, bool user_ns);

}  // namespace cruntime::rootfs

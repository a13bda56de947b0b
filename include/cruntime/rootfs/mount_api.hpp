// Result wrappers for the fd-based mount API (open_tree, move_mount, mount_setattr, fsopen,
// fsconfig, fsmount, fspick): mounts are built detached and attached onto an O_PATH target fd,
// so no mount ever goes through a path the container could redirect.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "cruntime/base/error.hpp"
#include "cruntime/base/unique_fd.hpp"
#include "cruntime/rootfs/mount_options.hpp"

namespace cruntime::rootfs {

// A detached copy of the mount at `path` relative to `dir_fd` (path "" = dir_fd itself), with its
// submounts when `recursive`: open_tree(OPEN_TREE_CLONE [| AT_RECURSIVE]).
Result<UniqueFd> clone_mount_tree(int dir_fd, const std::string& path, bool recursive);

// Attach a detached mount (or move an attached one) on top of `target_fd` (an O_PATH fd).
Result<void> attach_mount(int mount_fd, int target_fd);

// mount_setattr on the mount `mount_fd` is the root of (and its whole subtree when recursive).
Result<void> set_mount_attr(int mount_fd, const MountAttr& attr, bool recursive);
// Change propagation: MS_SHARED/MS_SLAVE/MS_PRIVATE/MS_UNBINDABLE, recursive with MS_REC.
Result<void> set_propagation(int mount_fd, unsigned long ms_flags);

// A new filesystem instance: fsopen(type) + fsconfig(source, data options, superblock flags) +
// FSCONFIG_CMD_CREATE + fsmount(attr). Returns the detached mount. Kernel messages from the
// filesystem context ("tmpfs: Bad value for 'size'") are part of the error.
struct NewFilesystem {
  std::string type;
  std::string source;                 // "" → the type's name
  std::vector<std::string> data;      // "key=value" or "flag", one option each
  std::vector<std::string> sb_flags;  // fsconfig flag keys: "sync", "dirsync", ...
  uint64_t attr = 0;                  // MOUNT_ATTR_* for the mount itself
};
Result<UniqueFd> create_filesystem(const NewFilesystem& fs);

// Reconfigure the superblock of the mount `mount_fd` is the root of (fspick): data options.
Result<void> reconfigure_filesystem(int mount_fd, std::span<const std::string> data);

}  // namespace cruntime::rootfs

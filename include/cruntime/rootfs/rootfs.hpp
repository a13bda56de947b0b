// Building the container's filesystem inside the new mount namespace: propagation, the root bind,
// config.json `mounts`, /dev, pivot_root, masked and read-only paths, read-only root.
#pragma once

#include <string>

#include "cruntime/base/error.hpp"
#include "cruntime/spec/config.hpp"

namespace cruntime::rootfs {

struct RootfsOptions {
  std::string rootfs;      // absolute host path of root.path, symlink-free
  std::string bundle;      // absolute; relative mount sources resolve against it
  bool new_pid_ns = false; // a fresh proc mount shows the container's pids
  bool no_pivot = false;   // MS_MOVE + chroot instead of pivot_root
};

// Before pivot: make the mount tree rslave (or linux.rootfsPropagation) so nothing reaches the
// host, bind the rootfs onto itself, mount config.json `mounts` in order, create the default
// /dev nodes and links (when /dev is not a bind of the host). Leaves cwd at the rootfs.
Result<void> prepare_rootfs(const spec::Config& config, const RootfsOptions& options);

// pivot_root(".", ".") + detach the old root; with no_pivot: MS_MOVE onto / + chroot.
Result<void> switch_root(const RootfsOptions& options);

// After pivot: linux.maskedPaths, linux.readonlyPaths, rootfsPropagation re-applied to /,
// root.readonly remount.
Result<void> finalize_rootfs(const spec::Config& config);

}  // namespace cruntime::rootfs

// Building the container's filesystem inside the new mount namespace: propagation, the root bind,
// config.json `mounts`, /dev, pivot_root, masked and read-only paths, read-only root.
#pragma once

#include <string>
#include <vector>

#include "cruntime/base/error.hpp"
#include "cruntime/rootfs/cgroup_mount.hpp"
#include "cruntime/spec/config.hpp"

namespace cruntime::rootfs {

// The namespaces the container has apart from the runtime's (new or joined), from the init's
// NamespacePlan: the rootfs never derives them from the config again.
struct ContainerNamespaces {
  bool mount = false;
  bool user = false;
  bool net = false;
  bool cgroup = false;
  bool pid = false;  // a fresh proc mount shows the container's pids
};

struct RootfsOptions {
  std::string rootfs;      // absolute host path of root.path, symlink-free
  std::string bundle;      // absolute; relative mount sources resolve against it
  ContainerNamespaces namespaces;
  bool no_pivot = false;   // MS_MOVE + chroot instead of pivot_root
  // Per config.json mounts[i]: the detached id-mapped tree the runtime built before clone
  // (borrowed, inherited through clone), or -1. Empty when no mount is id-mapped.
  std::vector<int> idmapped_trees = {};
  // Per config.json mounts[i]: an O_PATH fd of the bind source, opened by the runtime in the
  // init's mount namespace for a container with a user namespace (borrowed), or -1. Empty when
  // the runtime opened none.
  std::vector<int> bind_source_fds = {};
  // v1/hybrid hosts with a `cgroup` mount: the container's own cgroup per hierarchy
  // (cgroup_v1_binds over its cgroup::Manager), made by the runtime before clone.
  std::vector<CgroupBind> cgroup_binds = {};
  // SELinux is on (looked up by the runtime on the host): linux.mountLabel applies.
  bool selinux_enabled = false;
};

// Before pivot: make the mount tree rslave (or linux.rootfsPropagation) so nothing reaches the
// host, bind the rootfs onto itself, mount config.json `mounts` in order, create the default
// /dev nodes and links (when /dev is not a bind of the host). Leaves cwd at the rootfs.
Result<void> prepare_rootfs(const spec::Config& config, const RootfsOptions& options);

// pivot_root(".", ".") + detach the old root; with no_pivot: MS_MOVE onto / + chroot.
Result<void> switch_root(const RootfsOptions& options);

// After pivot: linux.maskedPaths, linux.readonlyPaths, rootfsPropagation re-applied to /,
// root.readonly remount.
Result<void> finalize_rootfs(const spec::Config& config, const RootfsOptions& options = {});

}  // namespace cruntime::rootfs

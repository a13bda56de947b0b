// Mounting one config.json `mounts` entry inside the rootfs, every target an in-root O_PATH fd.
#pragma once

#include <string>
#include <vector>

#include "cruntime/base/error.hpp"
#include "cruntime/base/unique_fd.hpp"
#include "cruntime/rootfs/cgroup_mount.hpp"
#include "cruntime/rootfs/mount_api.hpp"
#include "cruntime/rootfs/mount_options.hpp"
#include "cruntime/spec/config.hpp"

namespace cruntime::rootfs {

// What mount_entry needs to know about the container being built.
struct MountContext {
  int root_fd = -1;      // O_PATH|O_DIRECTORY of the rootfs (already bound onto itself)
  std::string rootfs;    // its host path as the kernel prints it (readlink of root_fd)
  std::string bundle;    // relative bind sources resolve against it
  bool user_ns = false;  // the container has a user namespace (new or joined)
  bool net_ns = false;
  bool cgroup_ns = false;
  // v1/hybrid hosts: what a `cgroup` mount shows (RootfsOptions::cgroup_binds); null or empty
  // when unknown, then the host's /sys/fs/cgroup is bound read-only instead.
  const std::vector<CgroupBind>* cgroup_binds = nullptr;
  // linux.mountLabel as fsconfig options ("context=<label>") for tmpfs, devpts and mqueue
  // mounts; empty unless SELinux is enabled (mount_label_options).
  std::vector<std::string> mount_label_options;
};

// What the runtime prepared on the host for one entry (borrowed fds; -1 when none).
struct PreparedMount {
  // The detached id-mapped tree of an id-mapped bind (process::prepare_idmapped_mounts),
  // attached instead of a clone of the source.
  int idmapped_tree = -1;
  // An O_PATH fd of a bind source, opened by the runtime inside the init's mount namespace
  // (open_bind_source): the source is cloned from it, as the user namespace may not reach the
  // path. The path still names it in messages.
  int source_fd = -1;
};

// Mount one entry in runc's order: the target is resolved (or created to match the source: a
// directory, or an empty file for a file bind) inside the rootfs, the mount is built detached
// with its attributes, attached onto the target fd, then its propagation is changed.
Result<void> mount_entry(const MountContext& context, const spec::Mount& mount,
                         const PreparedMount& prepared = {});

// A bind source as a host path: absolute as given, relative ones from the bundle.
std::string bind_source_path(const std::string& bundle, const spec::Mount& mount);

// tmpfs and /dev mounts flagged "ro" are mounted read-write (files are still created in them)
// and made read-only by finalize_rootfs (cli-contract §12.2 "/dev handling").
bool readonly_at_end(const spec::Mount& mount, const MountOptions& options);

// The mount destination as a clean in-root path (a relative one is taken from "/", with a warning).
std::string mount_destination(const spec::Mount& mount);

// --- shared with mount_special.cpp ---

struct MountTarget {
  UniqueFd fd;           // O_PATH
  bool existed = false;  // it was there before us (tmpfs copies its mode)
};
// Resolve `dest` in the rootfs, or create it: an empty file when `file`, else a directory.
Result<MountTarget> open_mount_target(const MountContext& context, const std::string& dest,
                                      bool file);

// runc's /proc rules on the target as resolved (symlinks included): only proc, or a bind of a
// procfs, at /proc itself; under /proc only the lxcfs-style overlays. Also refuses a target that
// resolved to the rootfs itself or outside it. `bind_source` is empty for a new filesystem;
// `bind_source_fd`, when not -1, is the source's fd to look at instead of its path.
Result<void> check_mount_target(const MountContext& context, int target_fd, const std::string& type,
                                const std::string& bind_source, int bind_source_fd = -1);

// fsopen parameters for a new filesystem of the entry's type, data and flags. Without
// `keep_readonly` the "ro" is left for finalize_rootfs.
NewFilesystem filesystem_of(const spec::Mount& mount, const MountOptions& options,
                            bool keep_readonly);

// Attach `mount_fd` onto the target, then apply the entry's propagation options in order.
Result<void> attach_with_propagation(int mount_fd, int target_fd, const MountOptions& options);

}  // namespace cruntime::rootfs

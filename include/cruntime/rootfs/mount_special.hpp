// The mount types with extra rules: proc and sysfs (real directories only), cgroup, tmpcopyup.
#pragma once

#include <string>

#include "cruntime/base/error.hpp"
#include "cruntime/rootfs/mount.hpp"
#include "cruntime/rootfs/mount_options.hpp"
#include "cruntime/spec/config.hpp"

namespace cruntime::rootfs {

// proc and sysfs land only on a real directory (never through a symlink at the target); proc only
// on /proc. A fresh sysfs needs a private network namespace in a user namespace: say so.
Result<void> mount_proc_or_sysfs(const MountContext& context, const spec::Mount& mount,
                                 const MountOptions& options, const std::string& dest);

// Type "cgroup": a cgroup2 filesystem when the host is unified and the container has a cgroup
// namespace; on v1/hybrid hosts a tmpfs with the container's own cgroup per hierarchy
// (mount_cgroup_v1); else a recursive bind of the host's /sys/fs/cgroup with the entry's flags
// applied to the whole tree (so "ro" covers every controller mount below it).
Result<void> mount_cgroup(const MountContext& context, const spec::Mount& mount,
                          const MountOptions& options, const std::string& dest);

// tmpcopyup: copy the contents of directory `from_fd` into `to_fd` (a fresh tmpfs), keeping types,
// modes and owners; symlinks are copied as links, never followed.
Result<void> copy_directory_contents(int from_fd, int to_fd);

}  // namespace cruntime::rootfs

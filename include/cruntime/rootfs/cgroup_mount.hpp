// The `cgroup` mount on v1 and hybrid hosts: a tmpfs holding a bind of only the container's own
// cgroup in each hierarchy (runc's mountCgroupV1), never the host's whole /sys/fs/cgroup.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "cruntime/base/error.hpp"
#include "cruntime/cgroup/detect.hpp"
#include "cruntime/spec/config.hpp"

namespace cruntime::cgroup {
class Manager;
}

namespace cruntime::rootfs {

struct MountContext;
struct MountOptions;

// One hierarchy as the container sees it: <destination>/<name> is a bind of host_dir, and each
// of `links` is a symlink to <name> (co-mounted controllers: cpu → cpu,cpuacct).
struct CgroupBind {
  std::string name;                // the hierarchy's mount point basename: "memory", "unified"
  std::string host_dir;            // "/sys/fs/cgroup/memory/cruntime/abc"
  std::vector<std::string> links;  // "cpu", "cpuacct" for name "cpu,cpuacct"
  bool operator==(const CgroupBind&) const = default;
};

// Pure. The binds for the container whose cgroup::Manager::path() is `manager_path` (one
// relative path for every hierarchy, or "<controllers>:<path>" lines), over the host's
// hierarchies (cgroup::detect_layout). Hierarchies without a path in it are left out.
std::vector<CgroupBind> cgroup_v1_binds(const std::vector<cgroup::Hierarchy>& hierarchies,
                                        std::string_view manager_path);

// Runtime side, before clone: the binds for `cgroup`'s container when config.json has a
// "cgroup" mount: one per hierarchy on v1 and hybrid hosts; on v2 one entry with an empty name,
// the container's cgroup directory, bound when cgroup2 itself cannot be mounted. None without a
// "cgroup" mount.
Result<std::vector<CgroupBind>> container_cgroup_binds(const spec::Config& config,
                                                       const cgroup::Manager& cgroup);

// Mount the tmpfs on `target_fd`, then for each of context.cgroup_binds a directory with the
// bind (the entry's flags on the whole bind tree) and its links; the tmpfs goes read-only last
// when the entry asks for "ro". Propagation options apply to the tmpfs.
Result<void> mount_cgroup_v1(const MountContext& context, const MountOptions& options,
                             int target_fd);

}  // namespace cruntime::rootfs

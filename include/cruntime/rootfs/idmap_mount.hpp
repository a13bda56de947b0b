// Id-mapped bind mounts (mount uidMappings/gidMappings, "idmap"/"ridmap"): which mappings an entry
// uses, and the detached id-mapped tree the runtime builds for it before clone.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "cruntime/base/error.hpp"
#include "cruntime/base/unique_fd.hpp"
#include "cruntime/spec/config.hpp"

namespace cruntime::rootfs {

// Where an id-mapped mount's user namespace comes from: its own mappings (the mount's, or the
// container's linux.uidMappings/gidMappings), or the container's joined user namespace by path.
struct MountIdmap {
  std::vector<spec::IdMapping> uid;
  std::vector<spec::IdMapping> gid;
  std::string userns_path;  // set instead of uid/gid when the container joins a user namespace
  bool recursive = false;   // "ridmap": the bind's submounts are id-mapped too
  bool rbind = false;       // "rbind": the bind carries its submounts (mapped or not)
  bool operator==(const MountIdmap&) const = default;
};

// Pure. nullopt when the entry is not id-mapped. runc 1.2 semantics: "idmap" maps the bind only,
// "ridmap" its whole tree, mappings without either option mean "idmap"; without mappings of its
// own the mount uses the container's user namespace (its mappings, or its path when joined).
Result<std::optional<MountIdmap>> mount_idmap(const spec::Mount& mount, const spec::Config& config);

// True when some entry of config.json `mounts` is id-mapped (cheap; create skips the work else).
bool has_idmapped_mounts(const spec::Config& config);

// A detached copy of the host path `source` (with its submounts for an rbind) with
// MOUNT_ATTR_IDMAP set from the user namespace `userns_fd` on its top mount, or on every mount
// for ridmap: open_tree + mount_setattr. The kernel refuses some filesystems (EINVAL): the error
// says so.
Result<UniqueFd> clone_idmapped_tree(const std::string& source, const MountIdmap& idmap,
                                     int userns_fd);

}  // namespace cruntime::rootfs

// User namespace fds for id-mapped mounts, made by the runtime before it clones the init.
#pragma once

#include <vector>

#include "cruntime/base/error.hpp"
#include "cruntime/base/unique_fd.hpp"
#include "cruntime/spec/config.hpp"
#include "cruntime/spec/linux.hpp"

namespace cruntime::process {

// An fd of a new user namespace with these mappings: a helper child is cloned into it and waits,
// the maps are written from here, /proc/<pid>/ns/user is opened, and the child is killed.
Result<UniqueFd> make_userns_fd(const std::vector<spec::IdMapping>& uid_mappings,
                                const std::vector<spec::IdMapping>& gid_mappings);

// For every id-mapped entry of config.json `mounts` (rootfs::mount_idmap), the detached
// id-mapped tree of its source, built in the host's mount namespace with full privileges (inside
// a container user namespace mount_setattr(MOUNT_ATTR_IDMAP) is refused). Result[i] belongs to
// mounts[i]; an invalid fd where the entry is not id-mapped. Empty when no entry is (the common
// case costs one scan of the options). One user namespace per distinct mapping set.
Result<std::vector<UniqueFd>> prepare_idmapped_mounts(const spec::Config& config,
                                                      const std::string& bundle);

}  // namespace cruntime::process

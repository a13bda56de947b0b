// Bind sources handed to an init in a user namespace as fds (runc 1.1's "mount source fds"):
// the runtime opens them, the init mounts from them. Both ends of that exchange (sync.hpp).
#pragma once

#include <sys/types.h>

#include <vector>

#include "cruntime/base/error.hpp"
#include "cruntime/base/unique_fd.hpp"
#include "cruntime/process/init.hpp"
#include "cruntime/process/sync.hpp"

namespace cruntime::process {

// Pure. The init asks only with a user namespace (new or joined) and a mount namespace of its
// own, and when some entry is a bind whose source it would open by path.
bool needs_mount_sources(const InitContext& context);

// Init side, once it is in its user and mount namespaces: kMountSourcesRequest, then the fds up
// to kMountSourcesDone. Indexed like config.json `mounts`; an empty UniqueFd where the runtime
// sent none (not a bind, or it could not open it: the init then tries the path, as before).
// Empty when needs_mount_sources is false. The fds are CLOEXEC.
Result<std::vector<UniqueFd>> receive_mount_sources(const InitContext& context, SyncSocket& sync);

// Runtime side, answering kMountSourcesRequest for the init `init_pid`.
Result<void> send_mount_sources(const InitContext& context, pid_t init_pid, SyncSocket& sync);

// The borrowed view rootfs::RootfsOptions::bind_source_fds takes (-1 where empty).
std::vector<int> borrowed_fds(const std::vector<UniqueFd>& fds);

}  // namespace cruntime::process

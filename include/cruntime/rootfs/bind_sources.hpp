// Bind sources the container's user namespace may not reach: which entries, and opening one
// as the runtime, in the init's mount namespace (runc 1.1's "mount source fds").
#pragma once

#include <cstddef>
#include <string_view>
#include <vector>

#include "cruntime/base/error.hpp"
#include "cruntime/base/unique_fd.hpp"
#include "cruntime/spec/config.hpp"

namespace cruntime::rootfs {

// Pure. Indexes into config.json `mounts` of the entries whose source the init resolves by
// path: binds, not remounts (they have no source) and not id-mapped (the runtime already
// built their tree). Entries whose options do not parse are left to the init to report.
std::vector<size_t> host_bind_entries(const spec::Config& config);

// An O_PATH|O_CLOEXEC fd of the host path `source` (symlinks followed, the last one too),
// resolved from `init_root`, the init's root (/proc/<pid>/root) in its mount namespace:
// openat2 RESOLVE_IN_ROOT keeps absolute symlinks and ".." on that tree, so the fd is a mount
// of the init's namespace, as open_tree in the init requires, and the walk is the host's.
// Magic links (/proc/<pid>/...) are refused (ELOOP).
Result<UniqueFd> open_bind_source(int init_root, std::string_view source);

}  // namespace cruntime::rootfs

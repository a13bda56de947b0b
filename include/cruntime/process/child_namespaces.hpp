// Namespace steps the container init performs after clone (see namespaces.hpp for the plan).
#pragma once

#include "cruntime/base/error.hpp"
#include "cruntime/process/init.hpp"
#include "cruntime/process/sync.hpp"

namespace cruntime::process {

// setns every joined namespace (user first), unshare a new userns (asking the parent for id
// maps), unshare the remaining new namespaces, write time offsets.
Result<void> join_and_unshare(const InitContext& context, SyncSocket& sync);

// When the pid or time namespace was set up by setns/unshare, only children live in it: fork
// the real init (CLONE_PARENT), send kInitPid, and exit the intermediate. Returns in the init.
Result<void> second_fork_if_needed(const InitContext& context, SyncSocket& sync);

// Fast path: clone3 made the user namespace and the parent wrote the maps; become its root.
Result<void> become_userns_root_if_new(const InitContext& context);

}  // namespace cruntime::process

// Namespace steps the container init performs after clone (see namespaces.hpp for the plan).
#pragma once

#include <string_view>

#include "cruntime/base/error.hpp"
#include "cruntime/process/init.hpp"
#include "cruntime/process/sync.hpp"

namespace cruntime::process {

// setns every joined namespace (user first), unshare a new userns (asking the parent for id
// maps), unshare the remaining new namespaces, write time offsets, and only then become root of
// the joined or new user namespace.
Result<void> join_and_unshare(const InitContext& context, SyncSocket& sync);

// setns/unshare of a pid or time namespace applies to children only: fork (CLONE_PARENT, so the
// child is the runtime's), send kInitPid with the child's pid and _exit in the caller. Returns
// in the child. Shared by the init (second_fork_if_needed) and exec.
Result<void> fork_into_pending_namespaces(SyncSocket& sync, std::string_view what);

// When the pid or time namespace was set up by setns/unshare, only children live in it: fork
// the real init (CLONE_PARENT), send kInitPid, and exit the intermediate. Returns in the init.
Result<void> second_fork_if_needed(const InitContext& context, SyncSocket& sync);

// Fast path: clone3 made the user namespace and the parent wrote the maps; become its root.
Result<void> become_userns_root_if_new(const InitContext& context);

}  // namespace cruntime::process

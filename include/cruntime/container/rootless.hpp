// Rootless mode (--rootless, cli-contract §3): who counts as unprivileged, and when a container
// may run without a cgroup of its own.
#pragma once

#include <sys/types.h>

#include <string_view>

#include "cruntime/base/error.hpp"
#include "cruntime/spec/config.hpp"

namespace cruntime::container {

// --rootless true|false|auto. auto: an euid other than 0, or root inside a user namespace that
// is not the initial one (runc's rule for the cgroupfs driver).
Result<bool> resolve_rootless(std::string_view mode);

// The limits linux.resources asks for, device rules aside: those cannot be enforced without
// cgroup access, and a user namespace cannot make device nodes anyway (runc skips them too).
bool asks_for_limits(const spec::Config& config);

// A cgroup the runtime could not create: in rootless mode, a permission error for a container
// without its own cgroupsPath and without limits is no reason to fail (runc): success then.
// Otherwise the error, naming the field that needs the cgroup when that is the reason.
Result<void> runs_without_cgroup(bool rootless, const spec::Config& config, Error error);

// runc (RootlessEUID): a runtime running with an euid other than 0 gives the container's
// processes no supplementary groups, so a non-empty process.user.additionalGids is refused up
// front — also where newgidmap left setgroups(2) allowed in the user namespace.
Result<void> check_additional_gids(uid_t euid, const spec::User& user);

}  // namespace cruntime::container

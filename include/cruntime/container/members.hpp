// The processes of a container found without its cgroup (a rootless container that got none).
#pragma once

#include <sys/types.h>

#include <vector>

#include "cruntime/base/error.hpp"

namespace cruntime::container {

// Every live process in `init`'s pid namespace, `init` included, sorted. Only meaningful for a
// container with a private pid namespace: every process exec'd into it joins that namespace,
// and nothing else can. Processes whose namespace link cannot be read (another user's, or gone
// in between) are not members.
Result<std::vector<pid_t>> pid_namespace_members(pid_t init);

}  // namespace cruntime::container

// Releasing a created init (`start`, and `run` after create).
#pragma once

#include "cruntime/base/error.hpp"
#include "cruntime/base/unique_fd.hpp"
#include "cruntime/container/container.hpp"
#include "cruntime/container/notify_socket.hpp"

namespace cruntime::container {

// Release the init of a created container and wait until it has exec'd; poststart hooks. With a
// relay, its socket is bound once the container is known to be created, before the release.
// Returns a pidfd of the init (the relay waits on it).
Result<UniqueFd> start_container(Container& container, NotifyRelay* notify);

}  // namespace cruntime::container

// Releasing a created init (`start`, and `run` after create).
#pragma once

#include "cruntime/base/error.hpp"
#include "cruntime/container/container.hpp"

namespace cruntime::container {

// Release the init of a created container and wait until it has exec'd; poststart hooks.
Result<void> start_container(Container& container);

}  // namespace cruntime::container

// Signalling a container's init (`kill`, and `delete` before it tears down).
#pragma once

#include "cruntime/base/error.hpp"
#include "cruntime/container/container.hpp"

namespace cruntime::container {

// Signal a live init (and with `all` every process of its pid namespace); false when it is gone.
Result<bool> signal_init(const Container& container, int signo, bool all);

}  // namespace cruntime::container

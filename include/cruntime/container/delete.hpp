// Tearing a container down (`delete`, and `run` once its init has exited).
#pragma once

#include "cruntime/base/error.hpp"
#include "cruntime/container/container.hpp"
#include "cruntime/container/operations.hpp"

namespace cruntime::container {

// Kill what is left, remove the state dir, run poststop hooks (warnings only).
Result<void> destroy_container(const GlobalOptions& global, Container& container);

}  // namespace cruntime::container

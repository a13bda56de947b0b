// process.rlimits inside the init: set each limit on the calling process (setrlimit(2)).
// The RLIMIT_* names are the table in spec/process_names.hpp.
#pragma once

#include <vector>

#include "cruntime/base/error.hpp"
#include "cruntime/spec/process.hpp"

namespace cruntime::process {

// In order; the first failure names the rlimit and the values. Unknown names are errors.
Result<void> apply_rlimits(const std::vector<spec::Rlimit>& rlimits);

}  // namespace cruntime::process

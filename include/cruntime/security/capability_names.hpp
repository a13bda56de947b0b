// Capability names against the running kernel: the build's table (spec/process_names.hpp)
// limited to the capabilities this kernel has.
#pragma once

#include <optional>
#include <string_view>

namespace cruntime::security {

// "CAP_SYS_ADMIN" → 21; nullopt when unknown to this build or kernel.
std::optional<int> capability_number(std::string_view name);
// How many capabilities the running kernel has (cap_last_cap + 1).
int kernel_capability_count();

}  // namespace cruntime::security

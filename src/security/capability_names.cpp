// Capability names against the running kernel: the build's table (spec/process_names.hpp) cut to
// the capabilities this kernel has (libcap's probe).
#include "cruntime/security/capability_names.hpp"

#include <sys/capability.h>

#include <optional>
#include <string_view>

#include "cruntime/spec/process_names.hpp"

namespace cruntime::security {

int kernel_capability_count() {
  // libcap probes the running kernel with PR_CAPBSET_READ once at load time; unlike
  // /proc/sys/kernel/cap_last_cap this works after pivot_root without /proc.
  const cap_value_t bits = cap_max_bits();
  return bits > 0 ? static_cast<int>(bits) : static_cast<int>(spec::capability_table().size());
}

std::optional<int> capability_number(std::string_view name) {
  std::optional<int> index = spec::capability_index(name);
  if (!index || *index >= kernel_capability_count()) return std::nullopt;
  return index;
}

}  // namespace cruntime::security

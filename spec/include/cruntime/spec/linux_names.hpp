// The name tables of the OCI enums in config.json `linux` (config-linux.md): rootfsPropagation
// (whose names the mount `options` share, config.md), personality domains and memoryPolicy
// modes and flags. One table per enum, used both by validate() and by the core; values from the
// uapi headers.
#pragma once

#include <optional>
#include <span>
#include <string_view>

#include "cruntime/spec/name_table.hpp"

namespace cruntime::spec {

// "shared", "rslave", ... → MS_* [| MS_REC] (<linux/mount.h>).
std::span<const Named<unsigned long>> mount_propagation_table();
std::optional<unsigned long> mount_propagation(std::string_view name);

// linux.personality.domain: "LINUX" → PER_LINUX, "LINUX32" → PER_LINUX32 (<linux/personality.h>).
std::span<const Named<unsigned long>> personality_domain_table();
std::optional<unsigned long> personality_domain(std::string_view name);

// linux.memoryPolicy.mode: "MPOL_BIND" → MPOL_BIND, ... (set_mempolicy(2), <linux/mempolicy.h>).
std::span<const Named<int>> memory_policy_mode_table();
std::optional<int> memory_policy_mode(std::string_view name);
// linux.memoryPolicy.flags: "MPOL_F_STATIC_NODES" → MPOL_F_STATIC_NODES, ... (or'd into the mode).
std::span<const Named<int>> memory_policy_flag_table();
std::optional<int> memory_policy_flag(std::string_view name);

}  // namespace cruntime::spec

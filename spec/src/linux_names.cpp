// The name tables of the `linux` enums: mount propagation, personality domains and memory
// policy modes and flags.
#include "cruntime/spec/linux_names.hpp"

#include <linux/mempolicy.h>
#include <linux/mount.h>
#include <linux/personality.h>

#include <array>

namespace cruntime::spec {
namespace {

constexpr std::array<Named<unsigned long>, 8> kPropagations = {{
    {"private", MS_PRIVATE},
    {"rprivate", MS_PRIVATE | MS_REC},
    {"shared", MS_SHARED},
    {"rshared", MS_SHARED | MS_REC},
    {"slave", MS_SLAVE},
    {"rslave", MS_SLAVE | MS_REC},
    {"unbindable", MS_UNBINDABLE},
    {"runbindable", MS_UNBINDABLE | MS_REC},
}};

constexpr std::array<Named<unsigned long>, 2> kPersonalityDomains = {{
    {"LINUX", PER_LINUX},
    {"LINUX32", PER_LINUX32},
}};

// Newer than Debian 12's uapi headers (kernel 6.9): the value the kernel gives it.
constexpr int kMpolWeightedInterleave = 6;

constexpr std::array<Named<int>, 7> kMemoryPolicyModes = {{
    {"MPOL_DEFAULT", MPOL_DEFAULT},
    {"MPOL_PREFERRED", MPOL_PREFERRED},
    {"MPOL_BIND", MPOL_BIND},
    {"MPOL_INTERLEAVE", MPOL_INTERLEAVE},
    {"MPOL_LOCAL", MPOL_LOCAL},
    {"MPOL_PREFERRED_MANY", MPOL_PREFERRED_MANY},
    {"MPOL_WEIGHTED_INTERLEAVE", kMpolWeightedInterleave},
}};

constexpr std::array<Named<int>, 3> kMemoryPolicyFlags = {{
    {"MPOL_F_NUMA_BALANCING", MPOL_F_NUMA_BALANCING},
    {"MPOL_F_RELATIVE_NODES", MPOL_F_RELATIVE_NODES},
    {"MPOL_F_STATIC_NODES", MPOL_F_STATIC_NODES},
}};

}  // namespace

std::span<const Named<unsigned long>> mount_propagation_table() { return kPropagations; }
std::optional<unsigned long> mount_propagation(std::string_view name) {
  return value_of(mount_propagation_table(), name);
}

std::span<const Named<unsigned long>> personality_domain_table() { return kPersonalityDomains; }
std::optional<unsigned long> personality_domain(std::string_view name) {
  return value_of(personality_domain_table(), name);
}

std::span<const Named<int>> memory_policy_mode_table() { return kMemoryPolicyModes; }
std::optional<int> memory_policy_mode(std::string_view name) {
  return value_of(memory_policy_mode_table(), name);
}

std::span<const Named<int>> memory_policy_flag_table() { return kMemoryPolicyFlags; }
std::optional<int> memory_policy_flag(std::string_view name) {
  return value_of(memory_policy_flag_table(), name);
}

}  // namespace cruntime::spec

// The name tables of the `linux` enums: mount propagation and personality domains.
#include "cruntime/spec/linux_names.hpp"

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

}  // namespace

std::span<const Named<unsigned long>> mount_propagation_table() { return kPropagations; }
std::optional<unsigned long> mount_propagation(std::string_view name) {
  return value_of(mount_propagation_table(), name);
}

std::span<const Named<unsigned long>> personality_domain_table() { return kPersonalityDomains; }
std::optional<unsigned long> personality_domain(std::string_view name) {
  return value_of(personality_domain_table(), name);
}

}  // namespace cruntime::spec

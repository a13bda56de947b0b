// The `linux` enum tables (spec/linux_names.hpp): mount propagation and personality domains.
#include "cruntime/spec/linux_names.hpp"
#include "cruntime/spec/linux.hpp"

#include <sys/mount.h>
#include <sys/personality.h>

#include <catch2/catch.hpp>
#include <utility>
#include <vector>

namespace spec = cruntime::spec;

TEST_CASE("mount_propagation: the eight names, each round-trips", "[spec]") {
  const std::vector<std::pair<const char*, unsigned long>> cases = {
      {"private", MS_PRIVATE},       {"rprivate", MS_PRIVATE | MS_REC},
      {"shared", MS_SHARED},         {"rshared", MS_SHARED | MS_REC},
      {"slave", MS_SLAVE},           {"rslave", MS_SLAVE | MS_REC},
      {"unbindable", MS_UNBINDABLE}, {"runbindable", MS_UNBINDABLE | MS_REC},
  };
  REQUIRE(spec::mount_propagation_table().size() == cases.size());
  for (const auto& [name, flags] : cases) {
    INFO(name);
    CHECK(spec::mount_propagation(name) == flags);
    CHECK(spec::name_of(spec::mount_propagation_table(), flags) == name);
  }
  CHECK_FALSE(spec::mount_propagation("rslaves").has_value());
  CHECK_FALSE(spec::mount_propagation("").has_value());
  CHECK_FALSE(spec::mount_propagation("RSHARED").has_value());
}

TEST_CASE("personality_domain: LINUX and LINUX32 only", "[spec]") {
  REQUIRE(spec::personality_domain_table().size() == 2);
  CHECK(spec::personality_domain("LINUX") == static_cast<unsigned long>(PER_LINUX));
  CHECK(spec::personality_domain("LINUX32") == static_cast<unsigned long>(PER_LINUX32));
  CHECK(spec::name_of(spec::personality_domain_table(), static_cast<unsigned long>(PER_LINUX32)) ==
        "LINUX32");
  CHECK_FALSE(spec::personality_domain("linux"));
  CHECK_FALSE(spec::personality_domain("LINUX64"));
}

TEST_CASE("memory policy modes and flags: the kernel's values", "[spec]") {
  REQUIRE(spec::memory_policy_mode_table().size() == 7);
  CHECK(spec::memory_policy_mode("MPOL_DEFAULT") == 0);
  CHECK(spec::memory_policy_mode("MPOL_BIND") == 2);
  CHECK(spec::memory_policy_mode("MPOL_PREFERRED_MANY") == 5);
  CHECK(spec::memory_policy_mode("MPOL_WEIGHTED_INTERLEAVE") == 6);
  CHECK_FALSE(spec::memory_policy_mode("MPOL_MAX"));
  REQUIRE(spec::memory_policy_flag_table().size() == 3);
  CHECK(spec::memory_policy_flag("MPOL_F_STATIC_NODES") == (1 << 15));
  CHECK(spec::memory_policy_flag("MPOL_F_RELATIVE_NODES") == (1 << 14));
  CHECK(spec::memory_policy_flag("MPOL_F_NUMA_BALANCING") == (1 << 13));
  CHECK_FALSE(spec::memory_policy_flag("MPOL_F_NODE"));
}

TEST_CASE("namespace types: the one table lists all eight, and every name round-trips", "[spec]") {
  const auto& types = spec::namespace_types();
  CHECK(types.size() == 8);
  for (spec::NamespaceType type : types) {
    CHECK(spec::parse_namespace_type(spec::namespace_type_name(type)) == type);
  }
}

// The linux.seccomp enum tables (spec/seccomp_names.hpp): every name round-trips through its
// enum, every enumerator has exactly one name. The libseccomp values are
// tests/security/seccomp_tables_test.cpp's.
#include "cruntime/spec/seccomp_names.hpp"

#include <catch2/catch.hpp>
#include <set>
#include <string_view>

namespace spec = cruntime::spec;

namespace {

// Names and enumerators are unique, and the enumerators are 0..size-1 (so none is missing).
template <class T>
void check_round_trip(std::span<const spec::Named<T>> table) {
  std::set<std::string_view> names;
  std::set<int> values;
  for (const auto& [name, value] : table) {
    INFO(name);
    CHECK(spec::value_of(table, name) == value);
    CHECK(spec::name_of(table, value) == name);
    CHECK(names.insert(name).second);
    CHECK(values.insert(static_cast<int>(value)).second);
  }
  REQUIRE_FALSE(values.empty());
  CHECK(*values.begin() == 0);
  CHECK(*values.rbegin() == static_cast<int>(table.size()) - 1);
}

}  // namespace

TEST_CASE("seccomp actions: nine names, ERRNO and TRACE take errnoRet", "[spec]") {
  REQUIRE(spec::seccomp_action_table().size() == 9);
  check_round_trip(spec::seccomp_action_table());
  CHECK(spec::parse_seccomp_action("SCMP_ACT_KILL") == spec::SeccompAction::kKill);
  CHECK(spec::parse_seccomp_action("SCMP_ACT_NOTIFY") == spec::SeccompAction::kNotify);
  for (const char* bad : {"SCMP_ACT_FOO", "", "scmp_act_allow", "ALLOW"}) {
    CHECK_FALSE(spec::parse_seccomp_action(bad));
  }
  for (const auto& [name, action] : spec::seccomp_action_table()) {
    INFO(name);
    CHECK(spec::seccomp_action_takes_errno(action) ==
          (name == "SCMP_ACT_ERRNO" || name == "SCMP_ACT_TRACE"));
  }
}

TEST_CASE("seccomp architectures: the 23 of libseccomp 2.6", "[spec]") {
  REQUIRE(spec::seccomp_arch_table().size() == 23);
  check_round_trip(spec::seccomp_arch_table());
  CHECK(spec::parse_seccomp_arch("SCMP_ARCH_X86_64") == spec::SeccompArch::kX86_64);
  CHECK(spec::parse_seccomp_arch("SCMP_ARCH_SHEB") == spec::SeccompArch::kSheb);
  CHECK_FALSE(spec::parse_seccomp_arch("SCMP_ARCH_VAX"));
  CHECK_FALSE(spec::parse_seccomp_arch("x86_64"));  // libseccomp's short names are not spec names
}

TEST_CASE("seccomp operators and filter flags", "[spec]") {
  REQUIRE(spec::seccomp_operator_table().size() == 7);
  check_round_trip(spec::seccomp_operator_table());
  CHECK(spec::parse_seccomp_operator("SCMP_CMP_MASKED_EQ") == spec::SeccompOperator::kMaskedEq);
  CHECK_FALSE(spec::parse_seccomp_operator("SCMP_CMP_XOR"));
  REQUIRE(spec::seccomp_flag_table().size() == 4);
  check_round_trip(spec::seccomp_flag_table());
  CHECK(spec::parse_seccomp_flag("SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV") ==
        spec::SeccompFlag::kWaitKillableRecv);
  CHECK_FALSE(spec::parse_seccomp_flag("SECCOMP_FILTER_FLAG_NEW_LISTENER"));  // not a spec flag
}

// Tests of the pure linux.seccomp string → libseccomp mappings.
#include "cruntime/security/seccomp_tables.hpp"

#include <catch2/catch.hpp>
#include <cerrno>
#include <string>

namespace cruntime::security {

TEST_CASE("seccomp_action: every action name maps to its libseccomp value", "[security]") {
  CHECK(seccomp_action("SCMP_ACT_KILL", std::nullopt).value() == SCMP_ACT_KILL_THREAD);
  CHECK(seccomp_action("SCMP_ACT_KILL_THREAD", std::nullopt).value() == SCMP_ACT_KILL_THREAD);
  CHECK(seccomp_action("SCMP_ACT_KILL_PROCESS", std::nullopt).value() == SCMP_ACT_KILL_PROCESS);
  CHECK(seccomp_action("SCMP_ACT_TRAP", std::nullopt).value() == SCMP_ACT_TRAP);
  CHECK(seccomp_action("SCMP_ACT_ALLOW", std::nullopt).value() == SCMP_ACT_ALLOW);
  CHECK(seccomp_action("SCMP_ACT_LOG", std::nullopt).value() == SCMP_ACT_LOG);
  CHECK(seccomp_action("SCMP_ACT_NOTIFY", std::nullopt).value() == SCMP_ACT_NOTIFY);
  CHECK(known_seccomp_actions().size() == 9);
}

TEST_CASE("seccomp_action: ERRNO and TRACE carry errnoRet, EPERM by default", "[security]") {
  CHECK(seccomp_action("SCMP_ACT_ERRNO", std::nullopt).value() == SCMP_ACT_ERRNO(EPERM));
  CHECK(seccomp_action("SCMP_ACT_ERRNO", 99U).value() == SCMP_ACT_ERRNO(99));
  CHECK(seccomp_action("SCMP_ACT_ERRNO", 0U).value() == SCMP_ACT_ERRNO(0));
  CHECK(seccomp_action("SCMP_ACT_TRACE", std::nullopt).value() == SCMP_ACT_TRACE(EPERM));
  CHECK(seccomp_action("SCMP_ACT_TRACE", 38U).value() == SCMP_ACT_TRACE(38));
  CHECK(seccomp_action("SCMP_ACT_ERRNO", 65535U).value() == SCMP_ACT_ERRNO(65535));
  auto too_big = seccomp_action("SCMP_ACT_ERRNO", 65536U);
  REQUIRE_FALSE(too_big);
  CHECK(too_big.error().to_string() == "errnoRet 65536 is out of range (at most 65535)");
}

TEST_CASE("seccomp_action: errnoRet with another action and unknown names are errors",
          "[security]") {
  for (const char* name : {"SCMP_ACT_ALLOW", "SCMP_ACT_KILL", "SCMP_ACT_NOTIFY", "SCMP_ACT_LOG"}) {
    auto r = seccomp_action(name, 1U);
    REQUIRE_FALSE(r);
    CHECK(r.error().to_string() ==
          "errnoRet is only allowed with SCMP_ACT_ERRNO or SCMP_ACT_TRACE");
  }
  for (const char* name : {"SCMP_ACT_FOO", "", "scmp_act_allow", "ALLOW"}) {
    auto r = seccomp_action(name, std::nullopt);
    REQUIRE_FALSE(r);
    CHECK(r.error().to_string() == fmt::format("unknown action \"{}\"", name));
  }
}

TEST_CASE("seccomp_arch: names map to audit arch tokens", "[security]") {
  CHECK(seccomp_arch("SCMP_ARCH_X86").value() == SCMP_ARCH_X86);
  CHECK(seccomp_arch("SCMP_ARCH_X86_64").value() == SCMP_ARCH_X86_64);
  CHECK(seccomp_arch("SCMP_ARCH_X32").value() == SCMP_ARCH_X32);
  CHECK(seccomp_arch("SCMP_ARCH_ARM").value() == SCMP_ARCH_ARM);
  CHECK(seccomp_arch("SCMP_ARCH_AARCH64").value() == SCMP_ARCH_AARCH64);
  CHECK(seccomp_arch("SCMP_ARCH_MIPS").value() == SCMP_ARCH_MIPS);
  CHECK(seccomp_arch("SCMP_ARCH_MIPS64").value() == SCMP_ARCH_MIPS64);
  CHECK(seccomp_arch("SCMP_ARCH_MIPS64N32").value() == SCMP_ARCH_MIPS64N32);
  CHECK(seccomp_arch("SCMP_ARCH_MIPSEL").value() == SCMP_ARCH_MIPSEL);
  CHECK(seccomp_arch("SCMP_ARCH_MIPSEL64").value() == SCMP_ARCH_MIPSEL64);
  CHECK(seccomp_arch("SCMP_ARCH_MIPSEL64N32").value() == SCMP_ARCH_MIPSEL64N32);
  CHECK(seccomp_arch("SCMP_ARCH_PPC").value() == SCMP_ARCH_PPC);
  CHECK(seccomp_arch("SCMP_ARCH_PPC64").value() == SCMP_ARCH_PPC64);
  CHECK(seccomp_arch("SCMP_ARCH_PPC64LE").value() == SCMP_ARCH_PPC64LE);
  CHECK(seccomp_arch("SCMP_ARCH_S390").value() == SCMP_ARCH_S390);
  CHECK(seccomp_arch("SCMP_ARCH_S390X").value() == SCMP_ARCH_S390X);
  CHECK(seccomp_arch("SCMP_ARCH_PARISC").value() == SCMP_ARCH_PARISC);
  CHECK(seccomp_arch("SCMP_ARCH_PARISC64").value() == SCMP_ARCH_PARISC64);
  CHECK(seccomp_arch("SCMP_ARCH_RISCV64").value() == SCMP_ARCH_RISCV64);
  // Every supported name round-trips; the list only names what this libseccomp has.
  for (const std::string& name : known_seccomp_architectures()) CHECK(seccomp_arch(name));
  CHECK(known_seccomp_architectures().size() >= 19);
}

TEST_CASE("seccomp_arch: unknown names and names this libseccomp lacks are errors", "[security]") {
  auto unknown = seccomp_arch("SCMP_ARCH_VAX");
  REQUIRE_FALSE(unknown);
  CHECK(unknown.error().to_string() == "unknown architecture \"SCMP_ARCH_VAX\"");
  CHECK_FALSE(seccomp_arch("x86_64"));  // libseccomp's short names are not spec names
#ifndef SCMP_ARCH_LOONGARCH64
  auto lacking = seccomp_arch("SCMP_ARCH_LOONGARCH64");
  REQUIRE_FALSE(lacking);
  CHECK_THAT(
      lacking.error().to_string(),
      Catch::StartsWith("architecture SCMP_ARCH_LOONGARCH64 is not supported by libseccomp 2."));
#else
  CHECK(seccomp_arch("SCMP_ARCH_LOONGARCH64").value() == SCMP_ARCH_LOONGARCH64);
#endif
}

TEST_CASE("seccomp_operator: all seven comparisons", "[security]") {
  CHECK(seccomp_operator("SCMP_CMP_NE").value() == SCMP_CMP_NE);
  CHECK(seccomp_operator("SCMP_CMP_LT").value() == SCMP_CMP_LT);
  CHECK(seccomp_operator("SCMP_CMP_LE").value() == SCMP_CMP_LE);
  CHECK(seccomp_operator("SCMP_CMP_EQ").value() == SCMP_CMP_EQ);
  CHECK(seccomp_operator("SCMP_CMP_GE").value() == SCMP_CMP_GE);
  CHECK(seccomp_operator("SCMP_CMP_GT").value() == SCMP_CMP_GT);
  CHECK(seccomp_operator("SCMP_CMP_MASKED_EQ").value() == SCMP_CMP_MASKED_EQ);
  CHECK(known_seccomp_operators().size() == 7);
  auto bad = seccomp_operator("SCMP_CMP_XOR");
  REQUIRE_FALSE(bad);
  CHECK(bad.error().to_string() == "unknown operator \"SCMP_CMP_XOR\"");
}

TEST_CASE("seccomp_flag_attribute: flags map to filter attributes", "[security]") {
  CHECK(seccomp_flag_attribute("SECCOMP_FILTER_FLAG_TSYNC").value() == SCMP_FLTATR_CTL_TSYNC);
  CHECK(seccomp_flag_attribute("SECCOMP_FILTER_FLAG_LOG").value() == SCMP_FLTATR_CTL_LOG);
  CHECK(seccomp_flag_attribute("SECCOMP_FILTER_FLAG_SPEC_ALLOW").value() == SCMP_FLTATR_CTL_SSB);
  auto wait_killable = seccomp_flag_attribute("SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV");
  const bool has_waitkill = SCMP_VER_MAJOR > 2 || (SCMP_VER_MAJOR == 2 && SCMP_VER_MINOR >= 6);
  CHECK(wait_killable.has_value() == has_waitkill);
  if (!has_waitkill) {
    CHECK_THAT(
        wait_killable.error().to_string(),
        Catch::Contains("SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV is not supported by libseccomp"));
  }
  CHECK(known_seccomp_flags().size() == (has_waitkill ? 4U : 3U));
  auto bad = seccomp_flag_attribute("SECCOMP_FILTER_FLAG_NEW_LISTENER");  // not a spec flag
  REQUIRE_FALSE(bad);
  CHECK(bad.error().to_string() == "unknown flag \"SECCOMP_FILTER_FLAG_NEW_LISTENER\"");
}

}  // namespace cruntime::security

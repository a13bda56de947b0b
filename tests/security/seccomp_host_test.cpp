// Unit tests for the host seccomp facts: actions_avail parsing and the
// libseccomp version text.
#include "cruntime/security/seccomp_host.hpp"

#include <fmt/format.h>
#include <seccomp.h>

#include <catch2/catch.hpp>

namespace security = cruntime::security;
using Names = std::vector<std::string>;

TEST_CASE("parse_actions_avail: the kernel's line, one name each, in order", "[security]") {
  CHECK(
      security::parse_actions_avail(
          "kill_process kill_thread trap errno user_notif trace log allow\n") ==
      Names{"kill_process", "kill_thread", "trap", "errno", "user_notif", "trace", "log", "allow"});
  CHECK(security::parse_actions_avail("  kill  trap\terrno\n\n") == Names{"kill", "trap", "errno"});
  CHECK(security::parse_actions_avail("").empty());
  CHECK(security::parse_actions_avail("\n").empty());
}

TEST_CASE("libseccomp_version: the loaded library's version", "[security]") {
  const scmp_version* v = seccomp_version();
  REQUIRE(v != nullptr);
  CHECK(security::libseccomp_version() == fmt::format("{}.{}.{}", v->major, v->minor, v->micro));
  CHECK(security::libseccomp_api_level() == seccomp_api_get());
}

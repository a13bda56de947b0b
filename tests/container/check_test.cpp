// Unit tests for the pure parts of `cruntime check`: mode names, the seccomp
// and subordinate id checks built from facts.
#include <catch2/catch.hpp>

#include "cruntime/container/check_probes.hpp"

namespace container = cruntime::container;
using container::CheckStatus;
using container::HostCheck;
using Names = std::vector<std::string>;

namespace {

const HostCheck& named(const std::vector<HostCheck>& checks, std::string_view name) {
  for (const HostCheck& c : checks) {
    if (c.name == name) return c;
  }
  FAIL("no check named " << name);
  return checks.front();
}

}  // namespace

TEST_CASE("cgroup_mode_value: the names people use", "[container]") {
  using cruntime::cgroup::Mode;
  CHECK(container::cgroup_mode_value(Mode::kUnified) == "v2");
  CHECK(container::cgroup_mode_value(Mode::kHybrid) == "hybrid");
  CHECK(container::cgroup_mode_value(Mode::kLegacy) == "v1");
}

TEST_CASE("seccomp_checks: a full kernel and libseccomp API 6", "[container]") {
  const Names all{"kill_process", "kill_thread", "trap", "errno",
                  "user_notif",   "trace",       "log",  "allow"};
  const auto checks = container::seccomp_checks("2.5.4", 6, all);
  REQUIRE(checks.size() == 3);
  CHECK(named(checks, "seccomp.libseccomp").value == "2.5.4");
  CHECK(named(checks, "seccomp.libseccomp").values == Names{"api=6"});
  const HostCheck& actions = named(checks, "seccomp.actions");
  CHECK(actions.status == CheckStatus::kOk);
  CHECK(actions.values == all);
  CHECK(actions.value == "kill_process kill_thread trap errno user_notif trace log allow");
  const HostCheck& notify = named(checks, "seccomp.user_notif");
  CHECK(notify.status == CheckStatus::kOk);
  CHECK(notify.value == "yes");
  for (const HostCheck& c : checks) CHECK_FALSE(c.blocks);
}

TEST_CASE("seccomp_checks: what is missing is named, with its impact", "[container]") {
  SECTION("an old kernel without user_notif and log") {
    const auto checks = container::seccomp_checks(
        "2.5.4", 6, Names{"kill_process", "kill_thread", "trap", "errno", "trace", "allow"});
    const HostCheck& actions = named(checks, "seccomp.actions");
    CHECK(actions.status == CheckStatus::kWarning);
    CHECK_THAT(actions.reason, Catch::Contains("SCMP_ACT_NOTIFY (user_notif)") &&
                                   Catch::Contains("SCMP_ACT_LOG (log)"));
    const HostCheck& notify = named(checks, "seccomp.user_notif");
    CHECK(notify.status == CheckStatus::kMissing);
    CHECK(notify.value == "no");
    CHECK_THAT(notify.impact, Catch::Contains("SCMP_ACT_NOTIFY"));
  }
  SECTION("a libseccomp below API level 5") {
    const auto checks = container::seccomp_checks("2.4.1", 3, Names{"user_notif", "allow"});
    const HostCheck& notify = named(checks, "seccomp.user_notif");
    CHECK(notify.status == CheckStatus::kMissing);
    CHECK_THAT(notify.reason, Catch::Contains("API level 3"));
  }
  SECTION("no actions_avail at all") {
    const auto checks = container::seccomp_checks("2.5.4", 6, std::nullopt);
    CHECK(named(checks, "seccomp.actions").status == CheckStatus::kMissing);
    CHECK_THAT(named(checks, "seccomp.actions").impact, Catch::Contains("linux.seccomp"));
    CHECK(named(checks, "seccomp.user_notif").status == CheckStatus::kMissing);
  }
}

TEST_CASE("subid_check: ranges are listed; none is a warning only for rootless", "[container]") {
  container::CheckContext ctx;
  ctx.euid = 1000;
  ctx.user = "alice";
  SECTION("ranges found") {
    ctx.rootless = true;
    const HostCheck c =
        container::subid_check("userns.subuid", "/etc/subuid", Names{"100000:65536"}, ctx);
    CHECK(c.status == CheckStatus::kOk);
    CHECK(c.value == "1");
    CHECK(c.values == Names{"100000:65536"});
    CHECK_THAT(c.reason, Catch::Contains("alice (uid 1000)"));
  }
  SECTION("none, rootless") {
    ctx.rootless = true;
    const HostCheck c = container::subid_check("userns.subgid", "/etc/subgid", Names{}, ctx);
    CHECK(c.status == CheckStatus::kWarning);
    CHECK(c.value == "0");
    CHECK_FALSE(c.impact.empty());
    CHECK_FALSE(c.blocks);
  }
  SECTION("no file, root") {
    ctx.euid = 0;
    ctx.user = "root";
    const HostCheck c = container::subid_check("userns.subuid", "/etc/subuid", std::nullopt, ctx);
    CHECK(c.status == CheckStatus::kOk);
    CHECK_THAT(c.reason, Catch::Contains("missing or unreadable"));
  }
}

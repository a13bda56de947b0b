// Unit tests for NamespacePlan: the fast path, join order, unshares and the second fork.
#include <sched.h>

#include <catch2/catch.hpp>

#include "cruntime/process/namespaces.hpp"

using cruntime::process::plan_namespaces;
using cruntime::spec::Config;
using cruntime::spec::Namespace;

namespace {

Config with_namespaces(std::vector<Namespace> namespaces) {
  Config config;
  config.oci_version = "1.2.0";
  config.linux_config.emplace();
  config.linux_config->namespaces = std::move(namespaces);
  return config;
}

}  // namespace

TEST_CASE("plan_namespaces: nothing joined means one clone3 with every flag", "[process]") {
  auto plan = plan_namespaces(with_namespaces({{"pid", {}}, {"network", {}}, {"mount", {}}, {"user", {}}}));
  REQUIRE(plan);
  CHECK(plan->clone_flags == (CLONE_NEWPID | CLONE_NEWNET | CLONE_NEWNS | CLONE_NEWUSER));
  CHECK(plan->joins.empty());
  CHECK_FALSE(plan->second_fork);
  CHECK_FALSE(plan->unshare_user);
  CHECK(plan->has(CLONE_NEWPID));
  CHECK_FALSE(plan->has(CLONE_NEWUTS));
}

TEST_CASE("plan_namespaces: joins come user first, mount last, then unshares", "[process]") {
  auto plan = plan_namespaces(with_namespaces({{"mount", "/proc/1/ns/mnt"},
                                               {"network", "/run/netns/x"},
                                               {"user", "/proc/1/ns/user"},
                                               {"pid", {}},
                                               {"uts", {}}}));
  REQUIRE(plan);
  CHECK(plan->clone_flags == 0);
  REQUIRE(plan->joins.size() == 3);
  CHECK(plan->joins[0].clone_flag == CLONE_NEWUSER);
  CHECK(plan->joins[1].clone_flag == CLONE_NEWNET);
  CHECK(plan->joins[2].clone_flag == CLONE_NEWNS);
  CHECK(plan->unshare_flags == (CLONE_NEWPID | CLONE_NEWUTS));
  CHECK_FALSE(plan->unshare_user);
  CHECK(plan->second_fork);  // a pid namespace made by unshare only holds children
  CHECK(plan->joins_ns(CLONE_NEWNET));
  CHECK(plan->has(CLONE_NEWNET));
}

TEST_CASE("plan_namespaces: a new userns beside a joined one is unshared after the joins", "[process]") {
  auto plan = plan_namespaces(with_namespaces({{"network", "/run/netns/x"}, {"user", {}}, {"mount", {}}}));
  REQUIRE(plan);
  CHECK(plan->unshare_user);
  CHECK(plan->unshare_flags == CLONE_NEWNS);
  CHECK_FALSE(plan->second_fork);
}

TEST_CASE("plan_namespaces: time offsets force the unshare path and a second fork", "[process]") {
  Config config = with_namespaces({{"time", {}}, {"mount", {}}});
  config.linux_config->time_offsets = std::map<std::string, cruntime::spec::TimeOffset>{{"monotonic", {5, 0}}};
  auto plan = plan_namespaces(config);
  REQUIRE(plan);
  CHECK(plan->clone_flags == 0);
  CHECK(plan->unshare_flags == (CLONE_NEWTIME | CLONE_NEWNS));
  CHECK(plan->second_fork);
}

TEST_CASE("plan_namespaces: a joined pid namespace needs the second fork", "[process]") {
  auto plan = plan_namespaces(with_namespaces({{"pid", "/proc/1/ns/pid"}}));
  REQUIRE(plan);
  CHECK(plan->second_fork);
  CHECK(plan->unshare_flags == 0);
}

TEST_CASE("plan_namespaces: an unknown type is an error", "[process]") {
  auto plan = plan_namespaces(with_namespaces({{"bogus", {}}}));
  REQUIRE_FALSE(plan);
  CHECK(plan.error().to_string() == "unknown namespace type \"bogus\"");
}

TEST_CASE("plan_namespaces: no linux section means the runtime's namespaces", "[process]") {
  Config config;
  auto plan = plan_namespaces(config);
  REQUIRE(plan);
  CHECK(plan->clone_flags == 0);
  CHECK(plan->new_flags == 0);
}

TEST_CASE("plan_namespaces: time offsets travel in the plan, only with a new time namespace", "[process]") {
  Config config = with_namespaces({{"time", {}}});
  config.linux_config->time_offsets = std::map<std::string, cruntime::spec::TimeOffset>{{"monotonic", {5, 0}}};
  auto plan = plan_namespaces(config);
  REQUIRE(plan);
  CHECK(plan->time_offsets.size() == 1);
  CHECK(plan->time_offsets.at("monotonic").secs == 5);
  auto joined = with_namespaces({{"time", "/proc/1/ns/time"}});
  joined.linux_config->time_offsets = config.linux_config->time_offsets;
  auto joined_plan = plan_namespaces(joined);
  REQUIRE(joined_plan);
  CHECK(joined_plan->time_offsets.empty());
}

TEST_CASE("plan_namespaces: a new cgroup namespace waits for the attach when there is no cgroup fd", "[process]") {
  auto config = with_namespaces({{"cgroup", {}}, {"mount", {}}});
  auto attach = plan_namespaces(config, cruntime::process::CgroupEntry::kAttachAfterClone);
  REQUIRE(attach);
  CHECK((attach->clone_flags & CLONE_NEWCGROUP) == 0);
  CHECK((attach->clone_flags & CLONE_NEWNS) != 0);
  CHECK(attach->unshare_cgroup_after_attach);
  CHECK(attach->creates(CLONE_NEWCGROUP));
  auto into = plan_namespaces(config, cruntime::process::CgroupEntry::kCloneInto);
  REQUIRE(into);
  CHECK((into->clone_flags & CLONE_NEWCGROUP) != 0);
  CHECK_FALSE(into->unshare_cgroup_after_attach);
}

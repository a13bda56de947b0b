// When a v2 cgroup is handed to the container's user namespace, to whom, and which files.
#include <catch2/catch.hpp>

#include "cruntime/cgroup/delegate.hpp"

namespace cruntime::cgroup {
namespace {

spec::Config delegating_config() {
  spec::Config config;
  config.process.emplace();
  config.process->user.uid = 0;
  config.process->user.gid = 5;
  config.linux_config.emplace();
  config.linux_config->namespaces =
      std::vector<spec::Namespace>{{"user", std::nullopt}, {"cgroup", std::nullopt}, {"mount", std::nullopt}};
  config.linux_config->uid_mappings = std::vector<spec::IdMapping>{{0, 100000, 65536}};
  config.linux_config->gid_mappings = std::vector<spec::IdMapping>{{0, 200000, 65536}};
  spec::Mount cgroup_mount;
  cgroup_mount.destination = "/sys/fs/cgroup";
  cgroup_mount.type = "cgroup";
  cgroup_mount.options = std::vector<std::string>{"nosuid", "noexec", "nodev", "rw"};
  config.mounts = std::vector<spec::Mount>{cgroup_mount};
  return config;
}

TEST_CASE("delegate: userns + cgroupns + a rw cgroup mount hands the cgroup to the process user", "[cgroup]") {
  auto to = delegation_target(delegating_config());
  REQUIRE(to);
  CHECK(to->uid == 100000);
  CHECK(to->gid == 200005);
}

TEST_CASE("delegate: nothing without every condition", "[cgroup]") {
  spec::Config ro = delegating_config();
  (*ro.mounts)[0].options = std::vector<std::string>{"nosuid", "ro"};
  CHECK_FALSE(delegation_target(ro));
  spec::Config no_cgroupns = delegating_config();
  no_cgroupns.linux_config->namespaces->at(1).path = "/proc/1/ns/cgroup";  // joined, not new
  CHECK_FALSE(delegation_target(no_cgroupns));
  spec::Config no_userns = delegating_config();
  no_userns.linux_config->namespaces->erase(no_userns.linux_config->namespaces->begin());
  CHECK_FALSE(delegation_target(no_userns));
  spec::Config elsewhere = delegating_config();
  (*elsewhere.mounts)[0].destination = "/cg";
  CHECK_FALSE(delegation_target(elsewhere));
  spec::Config unmapped = delegating_config();
  unmapped.process->user.uid = 70000;
  CHECK_FALSE(delegation_target(unmapped));
}

TEST_CASE("delegate: the kernel's list of delegatable files, or the classic three", "[cgroup]") {
  CHECK(delegate_files(std::string("cgroup.procs\ncgroup.threads\nmemory.reclaim\n")) ==
        std::vector<std::string>{"cgroup.procs", "cgroup.threads", "memory.reclaim"});
  CHECK(delegate_files(std::string("../escape\n/abs\ncgroup.procs\n")) ==
        std::vector<std::string>{"cgroup.procs"});
  CHECK(delegate_files(std::nullopt) ==
        std::vector<std::string>{"cgroup.procs", "cgroup.subtree_control", "cgroup.threads"});
}

}  // namespace
}  // namespace cruntime::cgroup

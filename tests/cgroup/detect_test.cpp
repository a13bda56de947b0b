// The pure parsers of cgroup detection: /proc/cgroups, /proc/<pid>/cgroup and mountinfo.
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "cruntime/cgroup/detect.hpp"

namespace cruntime::cgroup {

TEST_CASE("parse_proc_cgroups lists the enabled subsystems", "[cgroup]") {
  const std::string text =
      "#subsys_name\thierarchy\tnum_cgroups\tenabled\n"
      "cpuset\t3\t1\t1\n"
      "cpu\t1\t1\t1\n"
      "memory\t4\t24\t1\n"
      "net_cls\t0\t1\t1\n"
      "rdma\t0\t1\t0\n";
  CHECK(parse_proc_cgroups(text) == std::vector<std::string>{"cpuset", "cpu", "memory", "net_cls"});
}

TEST_CASE("parse_proc_pid_cgroup keys hierarchies by their sorted controllers", "[cgroup]") {
  const auto own = parse_proc_pid_cgroup(
      "12:net_prio,net_cls:/\n9:name=systemd:/user.slice/s.scope\n4:memory:/process_api/d9\n"
      "1:cpu,cpuacct:/a:b\n0::/init.scope\n");
  CHECK(own.at("net_cls,net_prio") == "/");
  CHECK(own.at("name=systemd") == "/user.slice/s.scope");
  CHECK(own.at("memory") == "/process_api/d9");
  CHECK(own.at("cpu,cpuacct") == "/a:b");
  CHECK(own.at("") == "/init.scope");
  CHECK(own.size() == 5);
}

TEST_CASE("parse_cgroup_mounts finds v1 hierarchies and cgroup2 mounts", "[cgroup]") {
  const std::string mountinfo =
      "31 23 0:28 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755\n"
      "32 31 0:29 / /sys/fs/cgroup/cpu,cpuacct rw,relatime shared:9 - cgroup cgroup "
      "rw,cpu,cpuacct\n"
      "35 31 0:32 /sub /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory,clone_children\n"
      "40 31 0:37 / /sys/fs/cgroup/systemd rw,relatime - cgroup cgroup rw,xattr,name=systemd\n"
      "41 31 0:38 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw,nsdelegate\n"
      "50 23 0:32 / /mnt/again rw - cgroup cgroup rw,memory\n"
      "51 23 0:39 / /mnt/with\\040space rw - cgroup cgroup rw,pids\n";
  const auto mounts = parse_cgroup_mounts(mountinfo, {"cpu", "cpuacct", "memory", "pids"});
  REQUIRE(mounts.size() == 5);
  CHECK(mounts[0].hierarchy.controllers == std::vector<std::string>{"cpu", "cpuacct"});
  CHECK(mounts[0].hierarchy.mount_point == "/sys/fs/cgroup/cpu,cpuacct");
  CHECK(mounts[0].hierarchy.key() == "cpu,cpuacct");
  CHECK(mounts[1].hierarchy.mount_root == "/sub");  // the second memory mount is a duplicate
  CHECK(mounts[2].hierarchy.key() == "name=systemd");
  CHECK(mounts[3].v2);
  CHECK(mounts[3].hierarchy.controllers.empty());
  CHECK(mounts[3].hierarchy.mount_point == "/sys/fs/cgroup/unified");
  CHECK(mounts[4].hierarchy.mount_point == "/mnt/with space");
  CHECK(mounts[4].hierarchy.has("pids"));
  CHECK_FALSE(mounts[4].hierarchy.has("memory"));
}

TEST_CASE("mode_name spells the three modes", "[cgroup]") {
  CHECK(mode_name(Mode::kUnified) == "unified");
  CHECK(mode_name(Mode::kHybrid) == "hybrid");
  CHECK(mode_name(Mode::kLegacy) == "legacy");
}

}  // namespace cruntime::cgroup

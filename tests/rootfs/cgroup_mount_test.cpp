// cgroup_v1_binds: which directory of each hierarchy a v1/hybrid `cgroup` mount shows, and links.
#include "cruntime/rootfs/cgroup_mount.hpp"

#include <catch2/catch.hpp>
#include <string>
#include <vector>

namespace cruntime::rootfs {
namespace {

cgroup::Hierarchy hierarchy(std::vector<std::string> controllers, std::string mount_point) {
  return cgroup::Hierarchy{std::move(controllers), std::move(mount_point), "/", "/"};
}

const std::vector<cgroup::Hierarchy> kHybrid = {
    hierarchy({"cpu", "cpuacct"}, "/sys/fs/cgroup/cpu,cpuacct"),
    hierarchy({"memory"}, "/sys/fs/cgroup/memory/"),
    hierarchy({"name=systemd"}, "/sys/fs/cgroup/systemd"),
    hierarchy({}, "/sys/fs/cgroup/unified"),
};

}  // namespace

TEST_CASE("cgroup_v1_binds: one path for every hierarchy; co-mounted controllers get links",
          "[rootfs]") {
  auto binds = cgroup_v1_binds(kHybrid, "/cruntime/ct");
  REQUIRE(binds.size() == 4);
  CHECK(binds[0] ==
        CgroupBind{"cpu,cpuacct", "/sys/fs/cgroup/cpu,cpuacct/cruntime/ct", {"cpu", "cpuacct"}});
  CHECK(binds[1] == CgroupBind{"memory", "/sys/fs/cgroup/memory/cruntime/ct", {}});
  CHECK(binds[2] == CgroupBind{"systemd", "/sys/fs/cgroup/systemd/cruntime/ct", {}});
  CHECK(binds[3] == CgroupBind{"unified", "/sys/fs/cgroup/unified/cruntime/ct", {}});
}

TEST_CASE("cgroup_v1_binds: per-hierarchy \"<controllers>:<path>\" lines", "[rootfs]") {
  auto binds = cgroup_v1_binds(
      kHybrid, "cpu,cpuacct:/a/cruntime/ct\nmemory:/b/cruntime/ct\n:/c/cruntime/ct");
  REQUIRE(binds.size() == 3);  // name=systemd has no line: left out
  CHECK(binds[0].host_dir == "/sys/fs/cgroup/cpu,cpuacct/a/cruntime/ct");
  CHECK(binds[1].host_dir == "/sys/fs/cgroup/memory/b/cruntime/ct");
  CHECK(binds[2] == CgroupBind{"unified", "/sys/fs/cgroup/unified/c/cruntime/ct", {}});
}

TEST_CASE("cgroup_v1_binds: a hierarchy mounted under one controller's name links the other",
          "[rootfs]") {
  auto binds =
      cgroup_v1_binds({hierarchy({"net_cls", "net_prio"}, "/sys/fs/cgroup/net_cls")}, "/x");
  REQUIRE(binds.size() == 1);
  CHECK(binds[0] == CgroupBind{"net_cls", "/sys/fs/cgroup/net_cls/x", {"net_prio"}});
}

}  // namespace cruntime::rootfs

// mount_idmap and has_idmapped_mounts: which entries are id-mapped and with which mappings.
#include "cruntime/rootfs/idmap_mount.hpp"

#include <catch2/catch.hpp>
#include <string>
#include <vector>

namespace cruntime::rootfs {
namespace {

const std::vector<spec::IdMapping> kMountMaps = {{0, 100000, 65536}};
const std::vector<spec::IdMapping> kContainerUids = {{0, 200000, 1000}};
const std::vector<spec::IdMapping> kContainerGids = {{0, 300000, 1000}};

spec::Mount bind(std::vector<std::string> options) {
  spec::Mount mount;
  mount.destination = "/data";
  mount.type = "bind";
  mount.source = "/src";
  mount.options = std::move(options);
  return mount;
}

spec::Config with_userns(std::optional<std::string> path = std::nullopt) {
  spec::Config config;
  config.linux_config = spec::Linux{};
  config.linux_config->namespaces = std::vector<spec::Namespace>{{"mount", {}}, {"user", path}};
  if (!path) {
    config.linux_config->uid_mappings = kContainerUids;
    config.linux_config->gid_mappings = kContainerGids;
  }
  return config;
}

MountIdmap idmap_of(const spec::Mount& mount, const spec::Config& config) {
  auto result = mount_idmap(mount, config);
  REQUIRE(result);
  REQUIRE(result->has_value());
  return **result;
}

}  // namespace

TEST_CASE("mount_idmap: a plain bind is not id-mapped", "[rootfs]") {
  auto result = mount_idmap(bind({"rbind", "ro"}), with_userns());
  REQUIRE(result);
  CHECK_FALSE(result->has_value());
  spec::Config config;
  config.mounts = std::vector<spec::Mount>{bind({"rbind"})};
  CHECK_FALSE(has_idmapped_mounts(config));
  CHECK_FALSE(has_idmapped_mounts(spec::Config{}));
}

TEST_CASE("mount_idmap: the mount's own mappings; idmap non-recursive, ridmap recursive",
          "[rootfs]") {
  spec::Mount mount = bind({"bind", "idmap"});
  mount.uid_mappings = kMountMaps;
  mount.gid_mappings = kMountMaps;
  SECTION("idmap") {
    CHECK(idmap_of(mount, spec::Config{}) == MountIdmap{kMountMaps, kMountMaps, "", false, false});
  }
  SECTION("ridmap") {
    mount.options = std::vector<std::string>{"rbind", "ridmap"};
    CHECK(idmap_of(mount, spec::Config{}) == MountIdmap{kMountMaps, kMountMaps, "", true, true});
  }
  SECTION("rbind + idmap: the submounts come along, unmapped") {
    mount.options = std::vector<std::string>{"rbind", "idmap"};
    CHECK(idmap_of(mount, spec::Config{}) == MountIdmap{kMountMaps, kMountMaps, "", false, true});
  }
  SECTION("mappings without an option mean idmap") {
    mount.options = std::vector<std::string>{"bind"};
    CHECK(idmap_of(mount, spec::Config{}) == MountIdmap{kMountMaps, kMountMaps, "", false, false});
  }
  SECTION("the mount's mappings win over the container's") {
    CHECK(idmap_of(mount, with_userns()).uid == kMountMaps);
  }
  SECTION("has_idmapped_mounts sees it") {
    spec::Config config;
    config.mounts = std::vector<spec::Mount>{bind({"rbind"}), mount};
    CHECK(has_idmapped_mounts(config));
  }
}

TEST_CASE("mount_idmap: without mappings of its own, the container's user namespace", "[rootfs]") {
  SECTION("a new user namespace: its linux.uidMappings/gidMappings") {
    CHECK(idmap_of(bind({"rbind", "ridmap"}), with_userns()) ==
          MountIdmap{kContainerUids, kContainerGids, "", true, true});
  }
  SECTION("a joined user namespace: its path") {
    CHECK(idmap_of(bind({"bind", "idmap"}), with_userns("/proc/42/ns/user")) ==
          MountIdmap{{}, {}, "/proc/42/ns/user", false, false});
  }
}

TEST_CASE("mount_idmap: refusals name the cause", "[rootfs]") {
  SECTION("idmap without mappings or a user namespace") {
    auto result = mount_idmap(bind({"bind", "idmap"}), spec::Config{});
    REQUIRE_FALSE(result);
    CHECK_THAT(result.error().to_string(), Catch::Contains("needs a user namespace"));
  }
  SECTION("only uidMappings") {
    spec::Mount mount = bind({"bind"});
    mount.uid_mappings = kMountMaps;
    auto result = mount_idmap(mount, spec::Config{});
    REQUIRE_FALSE(result);
    CHECK_THAT(result.error().to_string(), Catch::Contains("both uidMappings and gidMappings"));
  }
  SECTION("empty mappings") {
    spec::Mount mount = bind({"bind"});
    mount.uid_mappings = std::vector<spec::IdMapping>{};
    mount.gid_mappings = kMountMaps;
    CHECK_FALSE(mount_idmap(mount, spec::Config{}));
  }
}

}  // namespace cruntime::rootfs

// Unit tests for rootless mode's decisions (container/rootless.hpp): which configs may run
// without a cgroup, --rootless parsing, and additionalGids for an unprivileged caller.
#include "cruntime/container/rootless.hpp"

#include <cerrno>
#include <string>

#include <catch2/catch.hpp>

#include "cruntime/base/fs.hpp"
#include "support/temp_dir.hpp"

using cruntime::Error;
using cruntime::container::asks_for_limits;
using cruntime::container::check_additional_gids;
using cruntime::container::resolve_rootless;
using cruntime::container::runs_without_cgroup;
namespace cgroup = cruntime::cgroup;
namespace spec = cruntime::spec;

namespace {

spec::Config with_resources(spec::LinuxResources resources) {
  spec::Config config;
  config.linux_config.emplace();
  config.linux_config->resources = std::move(resources);
  return config;
}

Error denied() { return Error::sys(EACCES, "mkdir /sys/fs/cgroup/cpu/cruntime"); }

spec::LinuxResources memory_limit() {
  spec::LinuxResources memory;
  memory.memory = spec::MemoryResources{};
  memory.memory->limit = 1 << 26;
  return memory;
}

const cgroup::Layout kV1{cgroup::Mode::kLegacy, "", "", {}};

// A v2 layout whose root offers `controllers` (its cgroup.controllers in a TempDir).
cgroup::Layout v2_offering(const cruntime::test::TempDir& root, const std::string& controllers) {
  REQUIRE(cruntime::fs::write_file_atomic(root.join("cgroup.controllers"), controllers + "\n"));
  return cgroup::Layout{cgroup::Mode::kUnified, root.path(), "/", {}};
}

}  // namespace

TEST_CASE("asks_for_limits: device rules alone are no limits; on v1 any other field is", "[container]") {
  CHECK_FALSE(*asks_for_limits(spec::Config{}, kV1));
  spec::LinuxResources devices;
  devices.devices = std::vector<spec::DeviceCgroupRule>{spec::DeviceCgroupRule{}};
  CHECK_FALSE(*asks_for_limits(with_resources(devices), kV1));
  CHECK(*asks_for_limits(with_resources(memory_limit()), kV1));
  spec::LinuxResources swappiness;
  swappiness.memory = spec::MemoryResources{};
  swappiness.memory->swappiness = 10;
  CHECK(*asks_for_limits(with_resources(swappiness), kV1));
}

TEST_CASE("asks_for_limits on v2: runc's rule, against the controllers the root offers", "[container]") {
  cruntime::test::TempDir root;
  const cgroup::Layout all = v2_offering(root, "cpuset cpu io memory pids");
  CHECK(*asks_for_limits(with_resources(memory_limit()), all));
  spec::LinuxResources swappiness;
  swappiness.memory = spec::MemoryResources{};
  swappiness.memory->swappiness = 10;  // no v2 file: nothing a cgroup would enforce
  CHECK_FALSE(*asks_for_limits(with_resources(swappiness), all));
  cruntime::test::TempDir other;
  CHECK_FALSE(*asks_for_limits(with_resources(memory_limit()), v2_offering(other, "pids")));
  // Unreadable cgroup.controllers: every value counts.
  cgroup::Layout unreadable = all;
  unreadable.unified_root = root.join("missing");
  CHECK(*asks_for_limits(with_resources(swappiness), unreadable));
}

TEST_CASE("runs_without_cgroup: only a rootless permission error without limits or cgroupsPath", "[container]") {
  CHECK(runs_without_cgroup(true, spec::Config{}, kV1, denied()));
  CHECK_FALSE(runs_without_cgroup(false, spec::Config{}, kV1, denied()));
  CHECK_FALSE(
      runs_without_cgroup(true, spec::Config{}, kV1, Error::sys(ENOSPC, "write cgroup.procs")));

  auto limited = runs_without_cgroup(true, with_resources(memory_limit()), kV1, denied());
  REQUIRE_FALSE(limited);
  CHECK_THAT(limited.error().to_string(), Catch::StartsWith("linux.resources: rootless"));

  spec::Config own_path;
  own_path.linux_config.emplace();
  own_path.linux_config->cgroups_path = "/mine";
  auto pathed = runs_without_cgroup(true, own_path, kV1, denied());
  REQUIRE_FALSE(pathed);
  CHECK_THAT(pathed.error().to_string(), Catch::StartsWith("linux.cgroupsPath: rootless"));
}

TEST_CASE("resolve_rootless: true and false force it; anything else is refused", "[container]") {
  CHECK(resolve_rootless("true").value_or(false));
  CHECK_FALSE(resolve_rootless("false").value_or(true));
  CHECK_FALSE(resolve_rootless("maybe"));
  // auto is exercised by integration/rootless.bats, as an ordinary user.
}

TEST_CASE("check_additional_gids: refused for an unprivileged caller, allowed for root", "[container]") {
  spec::User user;
  CHECK(check_additional_gids(1000, user));  // absent
  user.additional_gids = std::vector<uint32_t>{};
  CHECK(check_additional_gids(1000, user));  // empty
  user.additional_gids = std::vector<uint32_t>{10};
  CHECK(check_additional_gids(0, user));
  auto refused = check_additional_gids(1000, user);
  REQUIRE_FALSE(refused);
  CHECK(refused.error().to_string() ==
        "process.user.additionalGids: cannot set additional groups in a rootless container");
}

TEST_CASE("check_idmapped_mounts: refused for an unprivileged caller, allowed for root",
          "[container]") {
  spec::Config config;
  config.mounts = std::vector<spec::Mount>(2);
  (*config.mounts)[0].destination = "/plain";
  (*config.mounts)[0].options = std::vector<std::string>{"rbind", "ro"};
  (*config.mounts)[1].destination = "/mapped";
  CHECK(cruntime::container::check_idmapped_mounts(1000, config));
  for (const auto& option : {"idmap", "ridmap"}) {
    (*config.mounts)[1].options = std::vector<std::string>{"rbind", option};
    CHECK(cruntime::container::check_idmapped_mounts(0, config));
    auto refused = cruntime::container::check_idmapped_mounts(1000, config);
    REQUIRE_FALSE(refused);
    CHECK(refused.error().to_string().starts_with("mounts[1].options: id-mapped mounts need root"));
  }
  // Mount-level mappings make an id-mapped mount without the option too (runc).
  (*config.mounts)[1].options.reset();
  (*config.mounts)[1].uid_mappings = std::vector<spec::IdMapping>{{0, 1000, 1}};
  CHECK_FALSE(cruntime::container::check_idmapped_mounts(1000, config));
}

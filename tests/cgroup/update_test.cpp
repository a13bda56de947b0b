// `update`'s merge rules (runc's): unchanged fields kept, quota/period pairing, swap quirks,
// per-device upserts, and what is written.
#include <catch2/catch.hpp>

#include "cruntime/cgroup/update.hpp"

namespace cruntime::cgroup {
namespace {

spec::LinuxResources current_resources() {
  spec::LinuxResources r;
  r.memory = spec::MemoryResources{};
  r.memory->limit = 64 << 20;
  r.memory->swap = 128 << 20;
  r.cpu = spec::CpuResources{};
  r.cpu->quota = 20000;
  r.cpu->period = 100000;
  r.cpu->cpus = "0-1";
  r.pids = spec::PidsResources{40};
  r.devices = std::vector<spec::DeviceCgroupRule>{{false, std::nullopt, std::nullopt, std::nullopt, "rwm"}};
  r.block_io = spec::BlockIOResources{};
  r.block_io->throttle_read_bps_device = std::vector<spec::ThrottleDevice>{{8, 0, 100}, {8, 16, 200}};
  return r;
}

TEST_CASE("update: absent fields keep their current values", "[cgroup]") {
  spec::LinuxResources changes;
  changes.pids = spec::PidsResources{77};
  const auto merged = merge_update(current_resources(), changes);
  CHECK(merged.pids->limit == 77);
  CHECK(merged.memory == current_resources().memory);
  CHECK(merged.cpu == current_resources().cpu);
  CHECK(merged.devices == current_resources().devices);
}

TEST_CASE("update: a quota or period alone keeps the other", "[cgroup]") {
  spec::LinuxResources changes;
  changes.cpu = spec::CpuResources{};
  changes.cpu->quota = 50000;
  auto merged = merge_update(current_resources(), changes);
  CHECK(merged.cpu->quota == 50000);
  CHECK(merged.cpu->period == 100000);
  CHECK(merged.cpu->cpus == "0-1");
  changes.cpu = spec::CpuResources{};
  changes.cpu->period = 50000;
  merged = merge_update(current_resources(), changes);
  CHECK(merged.cpu->quota == 20000);
  CHECK(merged.cpu->period == 50000);
}

TEST_CASE("update: memory limit and swap quirks", "[cgroup]") {
  spec::LinuxResources changes;
  changes.memory = spec::MemoryResources{};
  changes.memory->limit = 96 << 20;
  auto merged = merge_update(current_resources(), changes);
  CHECK(merged.memory->limit == 96 << 20);
  CHECK_FALSE(merged.memory->swap);  // the old swap total no longer fits: left to the kernel
  changes.memory->limit = -1;
  merged = merge_update(current_resources(), changes);
  CHECK(merged.memory->swap == -1);
  changes.memory->limit = 96 << 20;
  changes.memory->swap = 256 << 20;
  merged = merge_update(current_resources(), changes);
  CHECK(merged.memory->swap == 256 << 20);
  spec::LinuxResources reservation_only;
  reservation_only.memory = spec::MemoryResources{};
  reservation_only.memory->reservation = 1 << 20;
  merged = merge_update(current_resources(), reservation_only);
  CHECK(merged.memory->swap == 128 << 20);
  CHECK(merged.memory->reservation == 1 << 20);
}

TEST_CASE("update: per-device throttles are upserted by major:minor, unified by key", "[cgroup]") {
  spec::LinuxResources changes;
  changes.block_io = spec::BlockIOResources{};
  changes.block_io->throttle_read_bps_device = std::vector<spec::ThrottleDevice>{{8, 16, 999}, {9, 0, 5}};
  changes.unified = std::map<std::string, std::string>{{"memory.high", "1G"}};
  const auto merged = merge_update(current_resources(), changes);
  CHECK(*merged.block_io->throttle_read_bps_device ==
        std::vector<spec::ThrottleDevice>{{8, 0, 100}, {8, 16, 999}, {9, 0, 5}});
  CHECK(merged.unified->at("memory.high") == "1G");
}

TEST_CASE("update: devices, hugepages, network and rdma are not rewritten", "[cgroup]") {
  spec::LinuxResources r = current_resources();
  r.hugepage_limits = std::vector<spec::HugepageLimit>{{"2MB", 0}};
  r.network = spec::NetworkResources{};
  const auto part = updatable_part(r);
  CHECK_FALSE(part.devices);
  CHECK_FALSE(part.hugepage_limits);
  CHECK_FALSE(part.network);
  CHECK_FALSE(part.rdma);
  CHECK(part.memory == r.memory);
  CHECK(part.cpu == r.cpu);
  CHECK(part.pids == r.pids);
  CHECK(part.block_io == r.block_io);
}

}  // namespace
}  // namespace cruntime::cgroup

// linux.resources → cgroup v2 file writes (the unified hierarchy; cli-contract §12.4). Pure.
#include "cruntime/cgroup/resources_v2.hpp"

#include <algorithm>
#include <array>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include <fmt/format.h>

#include "cruntime/base/strings.hpp"
#include "cruntime/cgroup/resource_builder.hpp"

namespace cruntime::cgroup {
namespace {

// cgroup-v2.rst: cpu.max's period defaults to 100ms.
constexpr uint64_t kDefaultCpuPeriod = 100000;

// v2 files with .max/.low suffixes take "max" for unlimited; v1 takes -1. 0 means "unset".
std::string v2_number(int64_t value) { return value == -1 ? "max" : std::to_string(value); }

Result<void> memory_v2(const spec::MemoryResources& memory, ResourceBuilder& b) {
  const std::string base = kResourcesField + ".memory";
  const int64_t limit = memory.limit.value_or(0);
  const int64_t swap_total = memory.swap.value_or(0);
  const int64_t swap = CR_TRY_CTX(memory_swap_to_v2(swap_total, limit), "{}.swap", base);
  // Swap first (runc's setMemory). "max" or "0" on a kernel without swap accounting is a no-op.
  if (swap != 0 || swap_total > 0) {
    b.add("memory", "memory.swap.max", v2_number(swap), base + ".swap",
          swap == -1 || swap == 0 ? IfMissing::kSkip : IfMissing::kFail);
  }
  if (limit != 0) b.add("memory", "memory.max", v2_number(limit), base + ".limit");
  if (memory.reservation.value_or(0) != 0) {
    b.add("memory", "memory.low", v2_number(*memory.reservation), base + ".reservation");
  }
  warn_kernel_memory(memory, b);
  if (memory.swappiness && *memory.swappiness != kSwappinessUnset) {
    b.warn(base + ".swappiness has no cgroup v2 equivalent and is ignored");
  }
  if (memory.disable_oom_killer.value_or(false)) {
    b.warn(base + ".disableOOMKiller has no cgroup v2 equivalent and is ignored");
  }
  return {};
}

void cpu_v2(const spec::CpuResources& cpu, ResourceBuilder& b) {
  const std::string base = kResourcesField + ".cpu";
  if (cpu.idle) b.add("cpu", "cpu.idle", std::to_string(*cpu.idle), base + ".idle");
  if (cpu.shares.value_or(0) != 0) {
    b.add("cpu", "cpu.weight", std::to_string(cpu_shares_to_weight(*cpu.shares)), base + ".shares");
  }
  const int64_t quota = cpu.quota.value_or(0);
  const uint64_t period = cpu.period.value_or(0);
  if (quota != 0 || period != 0) {
    const std::string field = quota != 0 ? base + ".quota" : base + ".period";
    b.add("cpu", "cpu.max",
          fmt::format("{} {}", quota > 0 ? std::to_string(quota) : "max",
                      period != 0 ? period : kDefaultCpuPeriod),
          field);
  }
  // After cpu.max: the kernel refuses a burst above the quota in force.
  if (cpu.burst) b.add("cpu", "cpu.max.burst", std::to_string(*cpu.burst), base + ".burst");
  if (cpu.realtime_period.value_or(0) != 0 || cpu.realtime_runtime.value_or(0) != 0) {
    b.warn(base + ".realtimePeriod/realtimeRuntime have no cgroup v2 equivalent and are ignored");
  }
}

void block_io_v2(const spec::BlockIOResources& io, ResourceBuilder& b) {
  const std::string base = kResourcesField + ".blockIO";
  // io.bfq.weight takes the v1 range as is; without BFQ, io.weight needs the converted value.
  if (io.weight.value_or(0) != 0) {
    FileWrite& w = b.add("io", "io.bfq.weight", std::to_string(*io.weight), base + ".weight",
                         IfMissing::kFallback);
    w.fallback_file = "io.weight";
    w.fallback_value = std::to_string(blkio_weight_to_io_weight(*io.weight));
  }
  if (io.leaf_weight.value_or(0) != 0) b.warn(base + ".leafWeight has no cgroup v2 equivalent");
  const auto& devices = io.weight_device ? *io.weight_device : std::vector<spec::WeightDevice>{};
  for (size_t i = 0; i < devices.size(); ++i) {
    const spec::WeightDevice& dev = devices[i];
    const std::string field = fmt::format("{}.weightDevice[{}]", base, i);
    // Per-device weights exist only with BFQ (5.4+); runc skips them silently without it.
    if (dev.weight.value_or(0) != 0) {
      b.add("io", "io.bfq.weight", fmt::format("{}:{} {}", dev.major, dev.minor, *dev.weight),
            field, IfMissing::kSkip);
    }
    if (dev.leaf_weight.value_or(0) != 0) b.warn(field + ".leafWeight has no cgroup v2 equivalent");
  }
  for (const Throttle& t : throttles(io)) {
    if (!t.list) continue;
    for (size_t i = 0; i < t.list->size(); ++i) {
      const spec::ThrottleDevice& dev = (*t.list)[i];
      b.add("io", "io.max", fmt::format("{}:{} {}={}", dev.major, dev.minor, t.v2_key, dev.rate),
            fmt::format("{}.{}[{}]", base, t.json, i));
    }
  }
}

void network_v2(const spec::NetworkResources& network, ResourceBuilder& b) {
  if (network.class_id || (network.priorities && !network.priorities->empty())) {
    b.warn(kResourcesField + ".network (classID, priorities) has no cgroup v2 equivalent and is ignored");
  }
}

// Written last, so they override the typed fields (runc). A value of several lines is written
// one line per write(2), as the kernel parses one command per write.
Result<void> unified(const std::map<std::string, std::string>& files, ResourceBuilder& b) {
  for (const auto& [key, value] : files) {
    const std::string field = quoted_member(kResourcesField + ".unified", key);
    std::string controller = CR_TRY_CTX(unified_key_controller(key), "{}", field);
    for (const std::string& line : strings::split(value, '\n')) {
      if (!line.empty()) b.add(controller, key, line, field);
    }
  }
  return {};
}

}  // namespace

Result<ResourcePlan> translate_v2(const spec::LinuxResources& r) {
  ResourceBuilder b;
  // runc's order: pids, memory, io, cpu, cpuset, hugetlb, rdma, unified.
  if (r.pids) add_pids(*r.pids, b);
  if (r.memory) CR_TRY(memory_v2(*r.memory, b));
  if (r.block_io) block_io_v2(*r.block_io, b);
  if (r.cpu) {
    cpu_v2(*r.cpu, b);
    add_cpuset(*r.cpu, b);
  }
  if (r.hugepage_limits) CR_TRY(add_hugepages(*r.hugepage_limits, "max", "rsvd.max", b));
  if (r.rdma) add_rdma(*r.rdma, b);
  if (r.network) network_v2(*r.network, b);
  if (r.unified) CR_TRY(unified(*r.unified, b));
  return std::move(b.plan);
}

Result<bool> v2_limits_need_cgroup(const spec::LinuxResources& resources,
                                   const std::vector<std::string>& offered) {
  // runc's isPidsSet, isMemorySet, isIoSet, isCpuSet, isCpusetSet, isHugeTlbSet (no rdma).
  constexpr std::array<std::string_view, 6> kLimitControllers{"pids", "memory", "io",
                                                              "cpu",  "cpuset", "hugetlb"};
  const std::string unified_field = kResourcesField + ".unified";
  const ResourcePlan plan = CR_TRY(translate_v2(resources));
  return std::any_of(plan.writes.begin(), plan.writes.end(), [&](const FileWrite& write) {
    if (write.field.starts_with(unified_field)) return true;
    const bool limit = std::find(kLimitControllers.begin(), kLimitControllers.end(),
                                 write.controller) != kLimitControllers.end();
    return limit && std::find(offered.begin(), offered.end(), write.controller) != offered.end();
  });
}

}  // namespace cruntime::cgroup

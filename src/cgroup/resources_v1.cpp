// linux.resources → cgroup v1 file writes (legacy and hybrid hosts; cli-contract §12.4). Pure.
#include "cruntime/cgroup/resources_v1.hpp"

#include <string>
#include <vector>

#include <fmt/format.h>

#include "cruntime/cgroup/resource_builder.hpp"

namespace cruntime::cgroup {
namespace {

constexpr uint64_t kMaxSwappiness = 100;

Result<void> memory_v1(const spec::MemoryResources& memory, ResourceBuilder& b) {
  const std::string base = kResourcesField + ".memory";
  CR_TRY(check_swap(memory));
  const int64_t limit = memory.limit.value_or(0);
  const int64_t swap = memory.swap.value_or(0);
  auto write_limit = [&] {
    if (limit != 0)
      b.add("memory", "memory.limit_in_bytes", std::to_string(limit), base + ".limit");
  };
  // memsw must stay >= limit_in_bytes after every write. A fresh cgroup has both unlimited, so
  // an unlimited memsw goes first and a finite one after the limit (runc's setMemoryAndSwap).
  // An unlimited limit without a swap value also lifts memsw, where swap accounting exists.
  if (swap == -1 || (limit == -1 && swap == 0)) {
    b.add("memory", "memory.memsw.limit_in_bytes", "-1", base + ".swap", IfMissing::kSkip);
    write_limit();
  } else {
    write_limit();
    if (swap != 0) {
      b.add("memory", "memory.memsw.limit_in_bytes", std::to_string(swap), base + ".swap");
    }
  }
  if (memory.reservation && *memory.reservation != 0) {
    b.add("memory", "memory.soft_limit_in_bytes", std::to_string(*memory.reservation),
          base + ".reservation");
  }
  warn_kernel_memory(memory, b);
  if (memory.disable_oom_killer.value_or(false)) {
    b.add("memory", "memory.oom_control", "1", base + ".disableOOMKiller");
  }
  if (memory.swappiness && *memory.swappiness != kSwappinessUnset) {
    if (*memory.swappiness > kMaxSwappiness) {
      return fail_msg("{}.swappiness: must be between 0 and 100, got {}", base, *memory.swappiness);
    }
    b.add("memory", "memory.swappiness", std::to_string(*memory.swappiness), base + ".swappiness");
  }
  return {};
}

void cpu_v1(const spec::CpuResources& cpu, ResourceBuilder& b) {
  const std::string base = kResourcesField + ".cpu";
  if (cpu.shares.value_or(0) != 0) {
    b.add("cpu", "cpu.shares", std::to_string(*cpu.shares), base + ".shares");
  }
  // The period first: the kernel checks a new quota against the current period.
  if (cpu.period.value_or(0) != 0) {
    b.add("cpu", "cpu.cfs_period_us", std::to_string(*cpu.period), base + ".period");
  }
  if (cpu.quota.value_or(0) != 0) {
    b.add("cpu", "cpu.cfs_quota_us", std::to_string(*cpu.quota), base + ".quota");
  }
  if (cpu.burst) b.add("cpu", "cpu.cfs_burst_us", std::to_string(*cpu.burst), base + ".burst");
  if (cpu.idle) b.add("cpu", "cpu.idle", std::to_string(*cpu.idle), base + ".idle");
  // The period before the runtime: a runtime above the current period is refused.
  if (cpu.realtime_period.value_or(0) != 0) {
    b.add("cpu", "cpu.rt_period_us", std::to_string(*cpu.realtime_period),
          base + ".realtimePeriod");
  }
  if (cpu.realtime_runtime.value_or(0) != 0) {
    b.add("cpu", "cpu.rt_runtime_us", std::to_string(*cpu.realtime_runtime),
          base + ".realtimeRuntime");
  }
}

void block_io_v1(const spec::BlockIOResources& io, ResourceBuilder& b) {
  const std::string base = kResourcesField + ".blockIO";
  // Kernels without CFQ (5.0+) only have the BFQ names (runc's detectWeightFilenames).
  if (io.weight.value_or(0) != 0) {
    FileWrite& w = b.add("blkio", "blkio.weight", std::to_string(*io.weight), base + ".weight",
                         IfMissing::kFallback);
    w.fallback_file = "blkio.bfq.weight";
    w.fallback_value = w.value;
  }
  if (io.leaf_weight.value_or(0) != 0) {
    b.add("blkio", "blkio.leaf_weight", std::to_string(*io.leaf_weight), base + ".leafWeight");
  }
  const auto& devices = io.weight_device ? *io.weight_device : std::vector<spec::WeightDevice>{};
  for (size_t i = 0; i < devices.size(); ++i) {
    const spec::WeightDevice& dev = devices[i];
    const std::string field = fmt::format("{}.weightDevice[{}]", base, i);
    if (dev.weight.value_or(0) != 0) {
      FileWrite& w = b.add("blkio", "blkio.weight_device",
                           fmt::format("{}:{} {}", dev.major, dev.minor, *dev.weight), field,
                           IfMissing::kFallback);
      w.fallback_file = "blkio.bfq.weight_device";
      w.fallback_value = w.value;
    }
    if (dev.leaf_weight.value_or(0) != 0) {
      b.add("blkio", "blkio.leaf_weight_device",
            fmt::format("{}:{} {}", dev.major, dev.minor, *dev.leaf_weight), field);
    }
  }
  for (const Throttle& t : throttles(io)) {
    if (!t.list) continue;
    for (size_t i = 0; i < t.list->size(); ++i) {
      const spec::ThrottleDevice& dev = (*t.list)[i];
      b.add("blkio", t.v1_file, fmt::format("{}:{} {}", dev.major, dev.minor, dev.rate),
            fmt::format("{}.{}[{}]", base, t.json, i));
    }
  }
}

Result<void> devices_v1(const std::vector<spec::DeviceCgroupRule>& rules, ResourceBuilder& b) {
  const std::string base = kResourcesField + ".devices";
  // Deny everything first, so the result does not depend on what the cgroup allowed before.
  b.add("devices", "devices.deny", "a", base);
  for (size_t i = 0; i < rules.size(); ++i) {
    const spec::DeviceCgroupRule& rule = rules[i];
    const std::string field = fmt::format("{}[{}]", base, i);
    if (rule.access && rule.access->empty()) return fail_msg("{}.access: must not be empty", field);
    b.add("devices", rule.allow ? "devices.allow" : "devices.deny", v1_device_rule(rule), field);
  }
  for (const spec::DeviceCgroupRule& rule : default_device_rules()) {
    b.add("devices", "devices.allow", v1_device_rule(rule), base + " (default rules)");
  }
  return {};
}

void network_v1(const spec::NetworkResources& network, ResourceBuilder& b) {
  const std::string base = kResourcesField + ".network";
  if (network.class_id) {
    b.add("net_cls", "net_cls.classid", std::to_string(*network.class_id), base + ".classID");
  }
  if (!network.priorities) return;
  for (size_t i = 0; i < network.priorities->size(); ++i) {
    const spec::InterfacePriority& p = (*network.priorities)[i];
    b.add("net_prio", "net_prio.ifpriomap", fmt::format("{} {}", p.name, p.priority),
          fmt::format("{}.priorities[{}]", base, i));
  }
}

}  // namespace

Result<ResourcePlan> translate_v1(const spec::LinuxResources& r) {
  ResourceBuilder b;
  if (r.unified && !r.unified->empty()) {
    return fail_msg("{}.unified: cgroup v2 files cannot be set on a cgroup v1 host", kResourcesField);
  }
  // Always: a config without device rules still gets deny-all plus the defaults (runc).
  CR_TRY(devices_v1(r.devices ? *r.devices : std::vector<spec::DeviceCgroupRule>{}, b));
  if (r.memory) CR_TRY(memory_v1(*r.memory, b));
  if (r.cpu) {
    cpu_v1(*r.cpu, b);
    add_cpuset(*r.cpu, b);
  }
  if (r.pids) add_pids(*r.pids, b);
  if (r.block_io) block_io_v1(*r.block_io, b);
  if (r.hugepage_limits) {
    CR_TRY(add_hugepages(*r.hugepage_limits, "limit_in_bytes", "rsvd.limit_in_bytes", b));
  }
  if (r.network) network_v1(*r.network, b);
  if (r.rdma) add_rdma(*r.rdma, b);
  return std::move(b.plan);
}

}  // namespace cruntime::cgroup

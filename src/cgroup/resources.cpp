// Pure translation of linux.resources into cgroup v1 and v2 file writes (cli-contract §12.4).
#include "cruntime/cgroup/resources.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "cruntime/base/strings.hpp"

namespace cruntime::cgroup {
namespace {

const std::string kBase = "linux.resources";
// cgroup-v2.rst: cpu.max's period defaults to 100ms.
constexpr uint64_t kDefaultCpuPeriod = 100000;
// Swappiness is a uint64 in the spec; docker sends -1 ("leave alone") as its two's complement.
constexpr uint64_t kSwappinessUnset = std::numeric_limits<uint64_t>::max();
constexpr uint64_t kMaxSwappiness = 100;

struct Builder {
  ResourcePlan plan;

  FileWrite& add(std::string controller, std::string file, std::string value, std::string field,
                 IfMissing if_missing = IfMissing::kFail) {
    FileWrite& w = plan.writes.emplace_back();
    w.controller = std::move(controller);
    w.file = std::move(file);
    w.value = std::move(value);
    w.field = std::move(field);
    w.if_missing = if_missing;
    return w;
  }
  void warn(std::string message) { plan.warnings.push_back(std::move(message)); }
};

std::string quoted_member(std::string_view base, std::string_view key) {
  return fmt::format("{}[\"{}\"]", base, key);
}

// v2 files with .max/.low suffixes take "max" for unlimited; v1 takes -1. 0 means "unset".
std::string v2_number(int64_t value) { return value == -1 ? "max" : std::to_string(value); }

std::string device_number(const std::optional<int64_t>& number) {
  return number && *number >= 0 ? std::to_string(*number) : "*";
}

// Checks shared by both versions: swap is the memory+swap total, so it needs a limit to add to.
Result<void> check_swap(const spec::MemoryResources& memory) {
  CR_TRY_CTX(memory_swap_to_v2(memory.swap.value_or(0), memory.limit.value_or(0)), "{}.memory.swap",
             kBase);
  return {};
}

void warn_kernel_memory(const spec::MemoryResources& memory, Builder& b) {
  if (memory.kernel) b.warn(kBase + ".memory.kernel is deprecated and ignored");
  if (memory.kernel_tcp) b.warn(kBase + ".memory.kernelTCP is deprecated and ignored");
}

Result<void> memory_v1(const spec::MemoryResources& memory, Builder& b) {
  const std::string base = kBase + ".memory";
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

void cpu_v1(const spec::CpuResources& cpu, Builder& b) {
  const std::string base = kBase + ".cpu";
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

void cpuset(const spec::CpuResources& cpu, Builder& b) {
  if (cpu.cpus && !cpu.cpus->empty()) {
    b.add("cpuset", "cpuset.cpus", *cpu.cpus, kBase + ".cpu.cpus");
  }
  if (cpu.mems && !cpu.mems->empty()) {
    b.add("cpuset", "cpuset.mems", *cpu.mems, kBase + ".cpu.mems");
  }
}

void pids(const spec::PidsResources& pids, Builder& b) {
  if (!pids.limit) return;
  // Negative is unlimited; 0 is a real limit (runtime-spec 1.3: "no new tasks").
  b.add("pids", "pids.max", *pids.limit < 0 ? "max" : std::to_string(*pids.limit),
        kBase + ".pids.limit");
}

// The four throttle lists with their v1 file and v2 io.max key.
struct Throttle {
  const std::optional<std::vector<spec::ThrottleDevice>>& list;
  const char* json;
  const char* v1_file;
  const char* v2_key;
};

std::vector<Throttle> throttles(const spec::BlockIOResources& io) {
  return {{io.throttle_read_bps_device, "throttleReadBpsDevice", "blkio.throttle.read_bps_device",
           "rbps"},
          {io.throttle_write_bps_device, "throttleWriteBpsDevice",
           "blkio.throttle.write_bps_device", "wbps"},
          {io.throttle_read_iops_device, "throttleReadIOPSDevice",
           "blkio.throttle.read_iops_device", "riops"},
          {io.throttle_write_iops_device, "throttleWriteIOPSDevice",
           "blkio.throttle.write_iops_device", "wiops"}};
}

void block_io_v1(const spec::BlockIOResources& io, Builder& b) {
  const std::string base = kBase + ".blockIO";
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

// hugetlb.<size>.<suffix> plus its reservation twin, which kernels before 5.7 lack.
Result<void> hugepages(const std::vector<spec::HugepageLimit>& limits, std::string_view suffix,
                       std::string_view rsvd_suffix, Builder& b) {
  for (size_t i = 0; i < limits.size(); ++i) {
    const spec::HugepageLimit& limit = limits[i];
    const std::string field = fmt::format("{}.hugepageLimits[{}]", kBase, i);
    if (!valid_hugepage_size(limit.page_size)) {
      return fail_msg("{}.pageSize: invalid page size \"{}\" (want a size like \"2MB\")", field,
                      limit.page_size);
    }
    const std::string value = std::to_string(limit.limit);
    b.add("hugetlb", fmt::format("hugetlb.{}.{}", limit.page_size, suffix), value, field);
    b.add("hugetlb", fmt::format("hugetlb.{}.{}", limit.page_size, rsvd_suffix), value, field,
          IfMissing::kSkip);
  }
  return {};
}

void rdma(const std::map<std::string, spec::RdmaLimit>& devices, Builder& b) {
  for (const auto& [device, limit] : devices) {
    if (!limit.hca_handles && !limit.hca_objects) continue;
    std::string value = device;
    if (limit.hca_handles) value += fmt::format(" hca_handle={}", *limit.hca_handles);
    if (limit.hca_objects) value += fmt::format(" hca_object={}", *limit.hca_objects);
    b.add("rdma", "rdma.max", value, quoted_member(kBase + ".rdma", device));
  }
}

Result<void> devices_v1(const std::vector<spec::DeviceCgroupRule>& rules, Builder& b) {
  const std::string base = kBase + ".devices";
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

void network_v1(const spec::NetworkResources& network, Builder& b) {
  const std::string base = kBase + ".network";
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

Result<void> memory_v2(const spec::MemoryResources& memory, Builder& b) {
  const std::string base = kBase + ".memory";
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

void cpu_v2(const spec::CpuResources& cpu, Builder& b) {
  const std::string base = kBase + ".cpu";
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

void block_io_v2(const spec::BlockIOResources& io, Builder& b) {
  const std::string base = kBase + ".blockIO";
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

void network_v2(const spec::NetworkResources& network, Builder& b) {
  if (network.class_id || (network.priorities && !network.priorities->empty())) {
    b.warn(kBase + ".network (classID, priorities) has no cgroup v2 equivalent and is ignored");
  }
}

// Written last, so they override the typed fields (runc). A value of several lines is written
// one line per write(2), as the kernel parses one command per write.
Result<void> unified(const std::map<std::string, std::string>& files, Builder& b) {
  for (const auto& [key, value] : files) {
    const std::string field = quoted_member(kBase + ".unified", key);
    std::string controller = CR_TRY_CTX(unified_key_controller(key), "{}", field);
    for (const std::string& line : strings::split(value, '\n')) {
      if (!line.empty()) b.add(controller, key, line, field);
    }
  }
  return {};
}

}  // namespace

Result<ResourcePlan> translate_v1(const spec::LinuxResources& r) {
  Builder b;
  if (r.unified && !r.unified->empty()) {
    return fail_msg("{}.unified: cgroup v2 files cannot be set on a cgroup v1 host", kBase);
  }
  // Always: a config without device rules still gets deny-all plus the defaults (runc).
  CR_TRY(devices_v1(r.devices ? *r.devices : std::vector<spec::DeviceCgroupRule>{}, b));
  if (r.memory) CR_TRY(memory_v1(*r.memory, b));
  if (r.cpu) {
    cpu_v1(*r.cpu, b);
    cpuset(*r.cpu, b);
  }
  if (r.pids) pids(*r.pids, b);
  if (r.block_io) block_io_v1(*r.block_io, b);
  if (r.hugepage_limits) {
    CR_TRY(hugepages(*r.hugepage_limits, "limit_in_bytes", "rsvd.limit_in_bytes", b));
  }
  if (r.network) network_v1(*r.network, b);
  if (r.rdma) rdma(*r.rdma, b);
  return std::move(b.plan);
}

Result<ResourcePlan> translate_v2(const spec::LinuxResources& r) {
  Builder b;
  // runc's order: pids, memory, io, cpu, cpuset, hugetlb, rdma, unified.
  if (r.pids) pids(*r.pids, b);
  if (r.memory) CR_TRY(memory_v2(*r.memory, b));
  if (r.block_io) block_io_v2(*r.block_io, b);
  if (r.cpu) {
    cpu_v2(*r.cpu, b);
    cpuset(*r.cpu, b);
  }
  if (r.hugepage_limits) CR_TRY(hugepages(*r.hugepage_limits, "max", "rsvd.max", b));
  if (r.rdma) rdma(*r.rdma, b);
  if (r.network) network_v2(*r.network, b);
  if (r.unified) CR_TRY(unified(*r.unified, b));
  return std::move(b.plan);
}

uint64_t cpu_shares_to_weight(uint64_t shares) {
  constexpr uint64_t kMinShares = 2;
  constexpr uint64_t kMaxShares = 262144;
  constexpr uint64_t kMaxWeight = 10000;
  if (shares == 0) return 0;
  if (shares <= kMinShares) return 1;
  if (shares >= kMaxShares) return kMaxWeight;
  // A quadratic in log2(shares) through (2, 1), (1024, 100) and (262144, 10000): the default
  // share maps to the default weight, which the old linear formula did not (runc PR 4785).
  const double l = std::log2(static_cast<double>(shares));
  const double exponent = (l * l + 125 * l) / 612.0 - 7.0 / 34.0;
  return static_cast<uint64_t>(std::ceil(std::pow(10.0, exponent)));
}

uint64_t blkio_weight_to_io_weight(uint64_t weight) {
  constexpr uint64_t kMinBlkioWeight = 10;
  constexpr uint64_t kMaxBlkioWeight = 1000;
  if (weight == 0) return 0;
  // Out-of-range weights are clamped (validate rejects them; never wrap around below 10).
  weight = std::clamp(weight, kMinBlkioWeight, kMaxBlkioWeight);
  return 1 + (weight - kMinBlkioWeight) * 9999 / (kMaxBlkioWeight - kMinBlkioWeight);
}

Result<int64_t> memory_swap_to_v2(int64_t swap, int64_t limit) {
  if (limit == -1 && swap == 0) return -1;  // "unlimited memory" lifts swap as well (v1 compat)
  if (swap == -1 || swap == 0) return swap;
  if (limit == -1) return swap;
  if (limit == 0) return fail_msg("a swap limit needs memory.limit as well (swap is memory+swap)");
  if (limit < 0) return fail_msg("invalid memory.limit {}", limit);
  if (swap < limit) {
    return fail_msg("memory+swap limit {} is below memory.limit {}", swap, limit);
  }
  return swap - limit;
}

bool valid_hugepage_size(std::string_view size) {
  if (size.size() < 3 || !size.ends_with('B')) return false;
  const char unit = size[size.size() - 2];
  if (unit != 'K' && unit != 'M' && unit != 'G' && unit != 'T') return false;
  const std::string_view digits = size.substr(0, size.size() - 2);
  if (digits.front() == '0') return false;
  return digits.find_first_not_of("0123456789") == std::string_view::npos;
}

Result<std::string> unified_key_controller(std::string_view key) {
  if (key.find('/') != std::string_view::npos || key.find('\0') != std::string_view::npos) {
    return fail_msg("\"{}\" must be a file name, not a path", key);
  }
  const size_t dot = key.find('.');
  if (key == "." || key == ".." || dot == std::string_view::npos || dot == 0 ||
      dot + 1 == key.size()) {
    return fail_msg("\"{}\" must be a cgroup file name like \"memory.max\"", key);
  }
  return std::string(key.substr(0, dot));
}

std::string v1_device_rule(const spec::DeviceCgroupRule& rule) {
  return fmt::format("{} {}:{} {}", rule.type.value_or("a"), device_number(rule.major),
                     device_number(rule.minor), rule.access.value_or("rwm"));
}

const std::vector<spec::DeviceCgroupRule>& default_device_rules() {
  auto allow = [](const char* type, std::optional<int64_t> major, std::optional<int64_t> minor,
                  const char* access) {
    return spec::DeviceCgroupRule{true, type, major, minor, access};
  };
  // mknod of any node (not access), then null, random, full, tty, zero, urandom, the pts
  // slaves, ptmx and /dev/net/tun (runc's AllowedDevices).
  static const std::vector<spec::DeviceCgroupRule> rules = {
      allow("c", std::nullopt, std::nullopt, "m"),
      allow("b", std::nullopt, std::nullopt, "m"),
      allow("c", 1, 3, "rwm"),
      allow("c", 1, 8, "rwm"),
      allow("c", 1, 7, "rwm"),
      allow("c", 5, 0, "rwm"),
      allow("c", 1, 5, "rwm"),
      allow("c", 1, 9, "rwm"),
      allow("c", 136, std::nullopt, "rwm"),
      allow("c", 5, 2, "rwm"),
      allow("c", 10, 200, "rwm")};
  return rules;
}

}  // namespace cruntime::cgroup

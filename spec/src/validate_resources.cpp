// Pure checks of linux.resources (config-linux.md "Control groups", cli-contract §12.4): device
// rules, memory, cpu, pids, blockIO, hugepage limits, rdma and unified keys.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <fmt/format.h>

#include "validate_detail.hpp"

namespace cruntime::spec::detail {
namespace {

const std::string kBase = "linux.resources";

// cgroup v1 cpu.shares bounds (MIN_SHARES, MAX_SHARES); runc maps this range onto cpu.weight.
constexpr uint64_t kMinShares = 2;
constexpr uint64_t kMaxShares = 262144;
// cgroup v2 cpu.max / v1 cfs_period_us bounds, in microseconds.
constexpr uint64_t kMinCpuPeriod = 1000;
constexpr uint64_t kMaxCpuPeriod = 1000000;
// blkio.weight / leaf_weight bounds; 0 means "not set" (runc).
constexpr uint16_t kMinBlkioWeight = 10;
constexpr uint16_t kMaxBlkioWeight = 1000;

void check_device_rules(const std::vector<DeviceCgroupRule>& rules, Problems& out) {
  for (size_t i = 0; i < rules.size(); ++i) {
    const DeviceCgroupRule& rule = rules[i];
    const std::string base = at(kBase + ".devices", i);
    if (rule.type && *rule.type != "a" && *rule.type != "c" && *rule.type != "b") {
      out.add(base + ".type", "unknown device type " + quote(*rule.type) + " (want a, c or b)");
    }
    for (auto [number, name] : {std::pair{rule.major, ".major"}, std::pair{rule.minor, ".minor"}}) {
      if (number && *number < -1) {
        out.add(base + name, fmt::format("must be -1 (any) or a device number, got {}", *number));
      }
    }
    if (!rule.access) continue;
    if (rule.access->empty()) {
      out.add(base + ".access", "must not be empty");
    } else if (rule.access->find_first_not_of("rwm") != std::string::npos) {
      out.add(base + ".access",
              "must only contain the letters r, w and m, got " + quote(*rule.access));
    }
  }
}

void check_limit(const std::optional<int64_t>& value, const std::string& where, Problems& out) {
  if (value && *value < -1) {
    out.add(where, fmt::format("must be -1 (unlimited) or a byte count, got {}", *value));
  }
}

// memory.swap is the memory+swap total (cgroup v1 memsw); cgroup v2 gets swap − limit, so the
// rules are runc's ConvertMemorySwapToCgroupV2Value.
void check_memory(const MemoryResources& memory, Problems& out) {
  const std::string base = kBase + ".memory";
  check_limit(memory.limit, base + ".limit", out);
  check_limit(memory.reservation, base + ".reservation", out);
  check_limit(memory.swap, base + ".swap", out);
  // The kernel always accounts memory hierarchically (v1's memory.use_hierarchy is fixed at 1;
  // v2 has no other mode): true is what happens anyway, false cannot be applied.
  if (memory.use_hierarchy == false) {
    out.add(base + ".useHierarchy",
            "false cannot be applied: the kernel always accounts memory hierarchically");
  }
  const int64_t limit = memory.limit.value_or(0);
  const int64_t swap = memory.swap.value_or(0);
  if (swap > 0 && limit == 0) {
    out.add(base + ".swap", "needs memory.limit as well (swap is the memory+swap total)");
  } else if (swap > 0 && limit > 0 && swap < limit) {
    out.add(base + ".swap", fmt::format("must be at least memory.limit ({}), got {} (swap is the "
                                        "memory+swap total)", limit, swap));
  }
  if (memory.swappiness && *memory.swappiness > 100) {
    out.add(base + ".swappiness",
            fmt::format("must be between 0 and 100, got {}", *memory.swappiness));
  }
}

void check_cpu(const CpuResources& cpu, Problems& out) {
  const std::string base = kBase + ".cpu";
  if (cpu.shares && *cpu.shares != 0 && (*cpu.shares < kMinShares || *cpu.shares > kMaxShares)) {
    out.add(base + ".shares", fmt::format("must be between {} and {}, got {}", kMinShares,
                                          kMaxShares, *cpu.shares));
  }
  // config-linux.md: burst MUST be no larger than any positive quota.
  if (cpu.burst && cpu.quota && *cpu.quota > 0 && *cpu.burst > static_cast<uint64_t>(*cpu.quota)) {
    out.add(base + ".burst",
            fmt::format("must not exceed cpu.quota ({}), got {}", *cpu.quota, *cpu.burst));
  }
  if (cpu.period && *cpu.period != 0 &&
      (*cpu.period < kMinCpuPeriod || *cpu.period > kMaxCpuPeriod)) {
    out.add(base + ".period", fmt::format("must be between {} and {} microseconds, got {}",
                                          kMinCpuPeriod, kMaxCpuPeriod, *cpu.period));
  }
  if (cpu.cpus && !is_valid_id_list(*cpu.cpus)) {
    out.add(base + ".cpus",
            "invalid CPU list " + quote(*cpu.cpus) + " (want a list like \"0-3,7\")");
  }
  if (cpu.mems && !is_valid_id_list(*cpu.mems)) {
    out.add(base + ".mems",
            "invalid memory node list " + quote(*cpu.mems) + " (want a list like \"0-3,7\")");
  }
  if (cpu.idle && *cpu.idle != 0 && *cpu.idle != 1) {
    out.add(base + ".idle", fmt::format("must be 0 or 1, got {}", *cpu.idle));
  }
}

void check_weight(const std::optional<uint16_t>& weight, const std::string& where, Problems& out) {
  if (weight && *weight != 0 && (*weight < kMinBlkioWeight || *weight > kMaxBlkioWeight)) {
    out.add(where, fmt::format("must be between {} and {}, got {}", kMinBlkioWeight,
                               kMaxBlkioWeight, *weight));
  }
}

void check_device_numbers(int64_t major, int64_t minor, const std::string& base, Problems& out) {
  if (major < 0) out.add(base + ".major", fmt::format("must not be negative, got {}", major));
  if (minor < 0) out.add(base + ".minor", fmt::format("must not be negative, got {}", minor));
}

void check_throttle(const std::optional<std::vector<ThrottleDevice>>& list,
                    const std::string& where, Problems& out) {
  if (!list) return;
  for (size_t i = 0; i < list->size(); ++i) {
    check_device_numbers((*list)[i].major, (*list)[i].minor, at(where, i), out);
  }
}

void check_block_io(const BlockIOResources& io, Problems& out) {
  const std::string base = kBase + ".blockIO";
  check_weight(io.weight, base + ".weight", out);
  check_weight(io.leaf_weight, base + ".leafWeight", out);
  if (io.weight_device) {
    for (size_t i = 0; i < io.weight_device->size(); ++i) {
      const WeightDevice& dev = (*io.weight_device)[i];
      const std::string entry = at(base + ".weightDevice", i);
      check_device_numbers(dev.major, dev.minor, entry, out);
      if (!dev.weight && !dev.leaf_weight) out.add(entry, "needs weight or leafWeight");
      check_weight(dev.weight, entry + ".weight", out);
      check_weight(dev.leaf_weight, entry + ".leafWeight", out);
    }
  }
  check_throttle(io.throttle_read_bps_device, base + ".throttleReadBpsDevice", out);
  check_throttle(io.throttle_write_bps_device, base + ".throttleWriteBpsDevice", out);
  check_throttle(io.throttle_read_iops_device, base + ".throttleReadIOPSDevice", out);
  check_throttle(io.throttle_write_iops_device, base + ".throttleWriteIOPSDevice", out);
}

// config-linux.md "Huge page limits": `<size><unit-prefix>B`, as in the hugetlb.<size>.* files.
bool valid_page_size(std::string_view size) {
  if (size.size() < 3 || size.back() != 'B') return false;
  const char unit = size[size.size() - 2];
  if (unit != 'K' && unit != 'M' && unit != 'G' && unit != 'T' && unit != 'P') return false;
  std::string_view digits = size.substr(0, size.size() - 2);
  if (digits.empty() || digits[0] == '0') return false;
  return digits.find_first_not_of("0123456789") == std::string_view::npos;
}

// A unified key names one file in the container's cgroup directory: "<controller>.<file>".
bool valid_unified_key(std::string_view key) {
  return !key.empty() && key.front() != '.' && key.back() != '.' &&
         key.find('.') != std::string_view::npos && key.find('/') == std::string_view::npos &&
         key.find('\0') == std::string_view::npos;
}

void check_hugepages(const std::vector<HugepageLimit>& limits, Problems& out) {
  for (size_t i = 0; i < limits.size(); ++i) {
    const std::string& size = limits[i].page_size;
    if (!valid_page_size(size)) {
      out.add(at(kBase + ".hugepageLimits", i) + ".pageSize",
              "invalid page size " + quote(size) + " (want a size like \"2MB\" or \"1GB\")");
    }
  }
}

void check_named_entries(const LinuxResources& r, Problems& out) {
  if (r.rdma) {
    for (const auto& [device, limit] : *r.rdma) {
      if (!limit.hca_handles && !limit.hca_objects) {
        out.add(member(kBase + ".rdma", device), "needs hcaHandles or hcaObjects");
      }
    }
  }
  if (r.unified) {
    for (const auto& [key, value] : *r.unified) {
      if (!valid_unified_key(key)) {
        out.add(member(kBase + ".unified", key),
                "must be a cgroup file name like \"memory.max\", got " + quote(key));
      }
    }
  }
}

}  // namespace

void check_resources(const LinuxResources& r, Problems& out) {
  if (r.devices) check_device_rules(*r.devices, out);
  if (r.memory) check_memory(*r.memory, out);
  if (r.cpu) check_cpu(*r.cpu, out);
  if (r.block_io) check_block_io(*r.block_io, out);
  if (r.hugepage_limits) check_hugepages(*r.hugepage_limits, out);
  if (r.pids && r.pids->limit && *r.pids->limit < -1) {
    out.add(kBase + ".pids.limit",
            fmt::format("must be -1 (unlimited) or a number of tasks, got {}", *r.pids->limit));
  }
  check_named_entries(r, out);
}

}  // namespace cruntime::spec::detail

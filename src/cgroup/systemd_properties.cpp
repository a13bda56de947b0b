// linux.resources and annotations → systemd unit properties (runc's systemd v2 tables). Pure.
#include "cruntime/cgroup/systemd_properties.hpp"

#include <limits>
#include <optional>

#include <fmt/format.h>

#include "cruntime/base/strings.hpp"
#include "cruntime/cgroup/resource_builder.hpp"
#include "cruntime/cgroup/resources.hpp"

namespace cruntime::cgroup {
namespace {

constexpr uint64_t kInfinity =
    std::numeric_limits<uint64_t>::max();       // systemd's USEC/CGROUP_LIMIT_MAX
constexpr uint64_t kDefaultCpuPeriod = 100000;  // µs, the kernel's default
constexpr uint64_t kMaxCpusetBit = 8191;        // the kernel's NR_CPUS limit
// The systemd versions that first took a property (runc's checks).
constexpr int kCpuQuotaPeriodVersion = 242;
constexpr int kAllowedCpusVersion = 244;
constexpr int kCpuIdleVersion = 252;
constexpr int kOomPolicyVersion = 253;
constexpr std::string_view kAnnotationPrefix = "org.systemd.property.";

struct Builder {
  int version;
  ResourceProperties out;

  void add(std::string name, BusValue value) {
    out.properties.push_back({std::move(name), std::move(value)});
  }
  bool since(int first, std::string_view property) {
    if (version >= first) return true;
    out.skipped.push_back(fmt::format("{} (systemd {} < {})", property, version, first));
    return false;
  }
  // runc's addCPUQuota.
  void cpu_quota(int64_t& quota, uint64_t period) {
    if (period != 0 && since(kCpuQuotaPeriodVersion, "CPUQuotaPeriodUSec")) {
      add("CPUQuotaPeriodUSec", BusValue::u64(period));
    }
    if (quota != 0 || period != 0)
      add("CPUQuotaPerSecUSec", BusValue::u64(cpu_quota_per_sec(quota, period)));
  }
  Result<void> cpuset(const std::string& property, std::string_view list) {
    if (!since(kAllowedCpusVersion, property)) return {};
    add(property, BusValue::bytes(CR_TRY(cpuset_bits(list))));
    return {};
  }
};

// A memory or pids value of a unified key: "max" or a number.
Result<uint64_t> max_or_number(std::string_view value) {
  if (value == "max") return kInfinity;
  auto number = strings::parse_int<uint64_t>(value);
  if (!number) return fail_msg("\"{}\" is not a number or \"max\"", value);
  return *number;
}

// systemd refuses TasksMax=0; the file writer then sets the real pids.max of 0.
uint64_t tasks_max(int64_t limit) {
  if (limit < 0) return kInfinity;
  return limit == 0 ? 1 : static_cast<uint64_t>(limit);
}

Result<void> cpu_max(std::string_view value, Builder& b) {
  const std::vector<std::string> fields = [&] {
    std::vector<std::string> words;
    for (std::string& w : strings::split(value, ' ')) {
      if (!w.empty()) words.push_back(std::move(w));
    }
    return words;
  }();
  if (fields.empty() || fields.size() > 2)
    return fail_msg("\"{}\" is not \"quota [period]\"", value);
  int64_t quota = 0;  // "max": no limit (with the period given)
  if (fields[0] != "max") {
    auto parsed = strings::parse_int<int64_t>(fields[0]);
    if (!parsed) return fail_msg("quota \"{}\" is not a number", fields[0]);
    quota = *parsed;
  }
  uint64_t period = kDefaultCpuPeriod;
  if (fields.size() == 2) {
    auto parsed = strings::parse_int<uint64_t>(fields[1]);
    if (!parsed) return fail_msg("period \"{}\" is not a number", fields[1]);
    period = *parsed;
  }
  b.cpu_quota(quota, period);
  return {};
}

bool idle_via_weight(std::string_view value, Builder& b) {
  return strings::trim(value) == "1" && b.since(kCpuIdleVersion, "CPUWeight=0 (cpu.idle)");
}

// runc's unifiedResToSystemdProps; the keys it does not know are left to the file writer.
Result<void> unified_key(const std::map<std::string, std::string>& all, const std::string& key,
                         std::string_view value, Builder& b) {
  value = strings::trim(value);
  if (key == "cpu.idle") {
    if (idle_via_weight(value, b)) b.add("CPUWeight", BusValue::u64(0));
  } else if (key == "cpu.max") {
    CR_TRY(cpu_max(value, b));
  } else if (key == "cpu.weight") {
    auto idle = all.find("cpu.idle");
    if (idle != all.end() && strings::trim(idle->second) == "1" && b.version >= kCpuIdleVersion) {
      return {};  // CPUWeight=0 stands for cpu.idle already; the file writer sets both
    }
    auto weight = strings::parse_int<uint64_t>(value);
    if (!weight) return fail_msg("\"{}\" is not a number", value);
    b.add("CPUWeight", BusValue::u64(*weight));
  } else if (key == "cpuset.cpus" || key == "cpuset.mems") {
    CR_TRY(b.cpuset(key == "cpuset.cpus" ? "AllowedCPUs" : "AllowedMemoryNodes", value));
  } else if (key.starts_with("memory.")) {
    static const std::map<std::string, std::string> kMemory{{"memory.high", "MemoryHigh"},
                                                            {"memory.low", "MemoryLow"},
                                                            {"memory.min", "MemoryMin"},
                                                            {"memory.max", "MemoryMax"},
                                                            {"memory.swap.max", "MemorySwapMax"}};
    auto it = kMemory.find(key);
    if (it != kMemory.end()) b.add(it->second, BusValue::u64(CR_TRY(max_or_number(value))));
  } else if (key == "pids.max") {
    const uint64_t limit = CR_TRY(max_or_number(value));
    b.add("TasksMax", BusValue::u64(limit == 0 ? 1 : limit));
  }
  return {};
}

Result<void> memory_properties(const spec::MemoryResources& memory, Builder& b) {
  const int64_t limit = memory.limit.value_or(0);
  // -1 is "unlimited", which as a uint64 is systemd's infinity, as in runc.
  if (limit != 0) b.add("MemoryMax", BusValue::u64(static_cast<uint64_t>(limit)));
  if (memory.reservation.value_or(0) != 0) {
    b.add("MemoryLow", BusValue::u64(static_cast<uint64_t>(*memory.reservation)));
  }
  const int64_t swap = CR_TRY_CTX(memory_swap_to_v2(memory.swap.value_or(0), limit),
                                  "{}.memory.swap", kResourcesField);
  if (swap != 0) b.add("MemorySwapMax", BusValue::u64(static_cast<uint64_t>(swap)));
  return {};
}

Result<void> cpu_properties(spec::CpuResources& cpu, Builder& b) {
  const bool idle = cpu.idle.value_or(0) == 1 && b.since(kCpuIdleVersion, "CPUWeight=0 (cpu.idle)");
  if (idle) b.add("CPUWeight", BusValue::u64(0));  // systemd's spelling of cpu.idle=1
  if (cpu.shares.value_or(0) != 0 && !idle) {
    b.add("CPUWeight", BusValue::u64(cpu_shares_to_weight(*cpu.shares)));
  }
  int64_t quota = cpu.quota.value_or(0);
  b.cpu_quota(quota, cpu.period.value_or(0));
  if (cpu.quota) cpu.quota = quota;
  const std::string base = kResourcesField + ".cpu";
  if (cpu.cpus && !cpu.cpus->empty())
    CR_TRY_CTX(b.cpuset("AllowedCPUs", *cpu.cpus), "{}.cpus", base);
  if (cpu.mems && !cpu.mems->empty()) {
    CR_TRY_CTX(b.cpuset("AllowedMemoryNodes", *cpu.mems), "{}.mems", base);
  }
  return {};
}

// runc's checkPropertyName: ASCII letters only, three at least.
Result<void> check_property_name(std::string_view name) {
  if (name.size() < 3) return fail_msg("the property name \"{}\" is too short", name);
  for (char c : name) {
    if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'))) {
      return fail_msg("the property name \"{}\" has a character that is not a letter", name);
    }
  }
  return {};
}

// runc's convertSecToUSec: any number type, in seconds, to a uint64 of µs.
Result<BusValue> seconds_to_usec(const BusValue& value) {
  constexpr double kMicro = 1e6;
  if (value.is_array() || value.items.size() != 1) return fail_msg("not a number");
  return std::visit(
      [&](const auto& v) -> Result<BusValue> {
        using T = std::decay_t<decltype(v)>;
        if constexpr (std::is_same_v<T, std::string> || std::is_same_v<T, bool>) {
          return fail_msg("not a number");
        } else {
          if (v < 0) return fail_msg("a negative duration");
          if constexpr (std::is_same_v<T, double>) {
            return BusValue::u64(static_cast<uint64_t>(v * kMicro));
          } else {
            return BusValue::u64(static_cast<uint64_t>(v) * 1000000);
          }
        }
      },
      value.items[0]);
}

}  // namespace

std::vector<UnitProperty> unit_properties(const SystemdPlacement& placement, pid_t pid,
                                          std::string_view description) {
  std::vector<UnitProperty> out{{"Description", BusValue::string(std::string(description))}};
  if (placement.is_slice()) {
    out.push_back({"Wants", BusValue{"as", {placement.slice}}});
  } else {
    out.push_back({"Slice", BusValue::string(placement.slice)});
    out.push_back({"Delegate", BusValue::boolean(true)});
    out.push_back({"PIDs", BusValue::u32s({static_cast<uint32_t>(pid)})});
  }
  for (const char* accounting :
       {"MemoryAccounting", "CPUAccounting", "IOAccounting", "TasksAccounting"}) {
    out.push_back({accounting, BusValue::boolean(true)});
  }
  out.push_back({"DefaultDependencies", BusValue::boolean(false)});
  return out;
}

Result<ResourceProperties> resource_properties(const spec::LinuxResources& resources, int version) {
  Builder b{version, {}};
  b.out.files = resources;
  spec::LinuxResources& r = b.out.files;
  if (r.memory) CR_TRY(memory_properties(*r.memory, b));
  if (r.cpu) CR_TRY(cpu_properties(*r.cpu, b));
  if (r.pids && r.pids->limit) b.add("TasksMax", BusValue::u64(tasks_max(*r.pids->limit)));
  if (r.block_io && r.block_io->weight.value_or(0) != 0) {
    b.add("IOWeight", BusValue::u64(blkio_weight_to_io_weight(*r.block_io->weight)));
  }
  if (r.unified) {
    for (const auto& [key, value] : *r.unified) {
      const std::string field = quoted_member(kResourcesField + ".unified", key);
      CR_TRY_CTX(unified_key_controller(key), "{}", field);
      CR_TRY_CTX(unified_key(*r.unified, key, value, b), "{}", field);
    }
  }
  return std::move(b.out);
}

Result<std::vector<UnitProperty>> creation_properties(const spec::LinuxResources& resources,
                                                      int version) {
  if (!resources.unified) return std::vector<UnitProperty>{};
  auto it = resources.unified->find("memory.oom.group");
  if (it == resources.unified->end() || version < kOomPolicyVersion)
    return std::vector<UnitProperty>{};
  const std::string_view value = strings::trim(it->second);
  if (value != "0" && value != "1") {
    return fail_msg("{}: \"{}\" is not 0 or 1",
                    quoted_member(kResourcesField + ".unified", "memory.oom.group"), value);
  }
  return std::vector<UnitProperty>{
      {"OOMPolicy", BusValue::string(value == "1" ? "kill" : "continue")}};
}

Result<std::vector<UnitProperty>> annotation_properties(
    const std::map<std::string, std::string>& annotations) {
  std::vector<UnitProperty> out;
  for (const auto& [key, text] : annotations) {
    if (!key.starts_with(kAnnotationPrefix)) continue;
    const std::string field = quoted_member("annotations", key);
    // Annotations may hold NUL bytes (they are opaque JSON data); a unit property may not: sd-bus
    // takes C strings, which would cut the value short.
    if (key.find('\0') != std::string::npos || text.find('\0') != std::string::npos) {
      return fail_msg("{}: a systemd property must not contain a NUL byte", field);
    }
    std::string name = key.substr(kAnnotationPrefix.size());
    CR_TRY_CTX(check_property_name(name), "{}", field);
    BusValue value = CR_TRY_CTX(parse_gvariant(text), "{}: \"{}\"", field, text);
    // TimeoutStopSec → TimeoutStopUSec, seconds → µs (the Sec spellings of systemd.unit(5)).
    const std::string_view stem = std::string_view(name).substr(0, name.size() - 3);
    if (name.ends_with("Sec") && !stem.empty() && stem.back() >= 'a' && stem.back() <= 'z') {
      value = CR_TRY_CTX(seconds_to_usec(value), "{}: \"{}\"", field, text);
      name = std::string(stem) + "USec";
    }
    out.push_back({std::move(name), std::move(value)});
  }
  return out;
}

Result<std::vector<uint8_t>> cpuset_bits(std::string_view list) {
  std::vector<uint8_t> bytes;
  auto set = [&bytes](uint64_t bit) {
    if (bytes.size() <= bit / 8) bytes.resize(bit / 8 + 1, 0);
    bytes[bit / 8] |= static_cast<uint8_t>(1U << (bit % 8));
  };
  for (const std::string& part : strings::split(list, ',')) {
    const std::string_view range = strings::trim(part);
    if (range.empty()) continue;  // "0,,1" and a trailing comma, as runc
    const size_t dash = range.find('-');
    auto first = strings::parse_int<uint64_t>(range.substr(0, dash));
    auto last = dash == std::string_view::npos
                    ? first
                    : strings::parse_int<uint64_t>(range.substr(dash + 1));
    if (!first || !last)
      return fail_msg("\"{}\" in \"{}\" is not a number or a range", range, list);
    if (*first > *last) return fail_msg("invalid range \"{}\" in \"{}\"", range, list);
    if (*last > kMaxCpusetBit)
      return fail_msg("{} in \"{}\" is above {}", *last, list, kMaxCpusetBit);
    for (uint64_t bit = *first; bit <= *last; ++bit) set(bit);
  }
  if (bytes.empty()) return fail_msg("\"{}\" lists nothing", list);
  return bytes;
}

uint64_t cpu_quota_per_sec(int64_t& quota, uint64_t period) {
  if (quota <= 0) return kInfinity;
  if (period == 0) period = kDefaultCpuPeriod;
  constexpr uint64_t kPercentUsec = 10000;  // 1% of a CPU second
  uint64_t per_sec = static_cast<uint64_t>(quota) * 1000000 / period;
  if (per_sec % kPercentUsec != 0) {
    per_sec = (per_sec / kPercentUsec + 1) * kPercentUsec;
    quota = static_cast<int64_t>(per_sec * period / 1000000);
  }
  return per_sec;
}

}  // namespace cruntime::cgroup

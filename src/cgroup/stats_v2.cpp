// Stats of a cgroup v2 directory, field by field as runc reports them.
#include <string_view>

#include "cruntime/base/fs.hpp"
#include "cruntime/base/strings.hpp"
#include "cruntime/cgroup/cgroupfs.hpp"
#include "cruntime/cgroup/stats.hpp"

namespace cruntime::cgroup {
namespace {

constexpr uint64_t kNsPerUs = 1000;

// A file's text, or nullopt when this kernel or cgroup does not have it.
std::optional<std::string> read_optional(const std::string& dir, const std::string& file) {
  auto text = cgfs::read(dir, file);
  if (!text) return std::nullopt;
  return std::move(*text);
}

uint64_t number_or_zero(const std::string& dir, const std::string& file) {
  auto text = read_optional(dir, file);
  return text ? parse_v2_limit(*text).value_or(0) : 0;
}

std::optional<Psi> psi_of(const std::string& dir, const std::string& file) {
  auto text = read_optional(dir, file);
  if (!text) return std::nullopt;
  return parse_psi(*text);
}

void read_cpu(const std::string& dir, CpuStats& cpu) {
  auto text = read_optional(dir, "cpu.stat");
  if (!text) return;
  const auto stat = parse_flat_keyed(*text);
  auto get = [&stat](std::string_view key) { return counter(stat, key); };
  cpu.total = get("usage_usec") * kNsPerUs;
  cpu.user = get("user_usec") * kNsPerUs;
  cpu.kernel = get("system_usec") * kNsPerUs;
  cpu.periods = get("nr_periods");
  cpu.throttled_periods = get("nr_throttled");
  cpu.throttled_time = get("throttled_usec") * kNsPerUs;
  cpu.psi = psi_of(dir, "cpu.pressure");
}

void read_memory(const std::string& dir, MemoryStats& memory) {
  if (auto stat = read_optional(dir, "memory.stat")) {
    memory.raw = parse_flat_keyed(*stat);
    memory.cache = counter(memory.raw, "file");
  }
  if (auto events = read_optional(dir, "memory.events")) {
    const auto counts = parse_flat_keyed(*events);
    auto get = [&counts](std::string_view key) { return counter(counts, key); };
    memory.events = {get("low"), get("high"), get("max"), get("oom"), get("oom_kill")};
  }
  memory.usage.usage = number_or_zero(dir, "memory.current");
  memory.usage.limit = number_or_zero(dir, "memory.max");
  memory.usage.max = number_or_zero(dir, "memory.peak");  // 5.19+
  memory.usage.failcnt = memory.events.max;
  // v1 reported swap as memory+swap; runc keeps that meaning on v2 by adding memory back in.
  if (read_optional(dir, "memory.swap.current")) {
    memory.swap.usage = number_or_zero(dir, "memory.swap.current") + memory.usage.usage;
    const uint64_t swap_limit = number_or_zero(dir, "memory.swap.max");
    memory.swap.limit = swap_limit == kUnlimited || memory.usage.limit == kUnlimited
                            ? kUnlimited
                            : swap_limit + memory.usage.limit;
  }
  memory.psi = psi_of(dir, "memory.pressure");
}

void read_hugetlb(const std::string& dir, std::map<std::string, HugetlbStats>& out) {
  auto names = fs::list_dir(dir);
  if (!names) return;
  constexpr std::string_view kPrefix = "hugetlb.", kSuffix = ".current";
  for (const std::string& name : *names) {
    std::string_view view = name;
    if (!view.starts_with(kPrefix) || !view.ends_with(kSuffix)) continue;
    const std::string size(view.substr(kPrefix.size(), view.size() - kPrefix.size() - kSuffix.size()));
    if (size.find('.') != std::string::npos) continue;  // hugetlb.2MB.rsvd.current
    HugetlbStats entry;
    entry.usage = number_or_zero(dir, name);
    entry.max = number_or_zero(dir, "hugetlb." + size + ".max");
    if (auto events = read_optional(dir, "hugetlb." + size + ".events")) {
      entry.failcnt = counter(parse_flat_keyed(*events), "max");
    }
    out[size] = entry;
  }
}

}  // namespace

Result<Stats> read_stats_v2(const std::string& dir) {
  if (!cgfs::exists(dir)) return fail_msg("cgroup {} does not exist", dir);
  Stats stats;
  read_cpu(dir, stats.cpu);
  if (auto cpus = read_optional(dir, "cpuset.cpus.effective")) {
    stats.cpuset.cpus = parse_cpu_list(*cpus);
  }
  if (auto mems = read_optional(dir, "cpuset.mems.effective")) {
    stats.cpuset.mems = parse_cpu_list(*mems);
  }
  read_memory(dir, stats.memory);
  stats.pids.current = number_or_zero(dir, "pids.current");
  const uint64_t pids_max = number_or_zero(dir, "pids.max");
  stats.pids.limit = pids_max == kUnlimited ? 0 : pids_max;
  if (auto io = read_optional(dir, "io.stat")) parse_io_stat(*io, stats.blkio);
  stats.blkio.psi = psi_of(dir, "io.pressure");
  read_hugetlb(dir, stats.hugetlb);
  return stats;
}

}  // namespace cruntime::cgroup

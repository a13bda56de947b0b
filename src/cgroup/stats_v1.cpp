// Stats of a container's cgroup v1 directories (one per controller), as runc reports them.
#include <unistd.h>

#include "cruntime/base/fs.hpp"
#include "cruntime/base/strings.hpp"
#include "cruntime/cgroup/cgroupfs.hpp"
#include "cruntime/cgroup/stats.hpp"

namespace cruntime::cgroup {
namespace {

using DirOf = std::function<std::string(std::string_view)>;

std::optional<std::string> read_optional(const std::string& dir, const std::string& file) {
  if (dir.empty()) return std::nullopt;
  auto text = cgfs::read(dir, file);
  if (!text) return std::nullopt;
  return std::move(*text);
}

uint64_t number_or_zero(const std::string& dir, const std::string& file) {
  auto text = read_optional(dir, file);
  return text ? strings::parse_int<uint64_t>(strings::trim(*text)).value_or(0) : 0;
}

// Whitespace-separated numbers (cpuacct.usage_percpu*).
std::vector<uint64_t> numbers(const std::string& dir, const std::string& file) {
  std::vector<uint64_t> out;
  auto text = read_optional(dir, file);
  if (!text) return out;
  for (const std::string& word : strings::split(strings::trim(*text), ' ')) {
    if (auto value = strings::parse_int<uint64_t>(word)) out.push_back(*value);
  }
  return out;
}

void read_cpu(const DirOf& dir_of, CpuStats& cpu) {
  const std::string acct = dir_of("cpuacct");
  cpu.total = number_or_zero(acct, "cpuacct.usage");
  cpu.percpu = numbers(acct, "cpuacct.usage_percpu");
  cpu.percpu_kernel = numbers(acct, "cpuacct.usage_percpu_sys");
  cpu.percpu_user = numbers(acct, "cpuacct.usage_percpu_user");
  if (auto stat = read_optional(acct, "cpuacct.stat")) {
    // cpuacct.stat counts USER_HZ ticks.
    const auto ticks = parse_flat_keyed(*stat);
    const long hz = ::sysconf(_SC_CLK_TCK);
    const uint64_t ns_per_tick = hz > 0 ? 1000000000ULL / static_cast<uint64_t>(hz) : 10000000ULL;
    cpu.user = counter(ticks, "user") * ns_per_tick;
    cpu.kernel = counter(ticks, "system") * ns_per_tick;
  }
  if (auto stat = read_optional(dir_of("cpu"), "cpu.stat")) {
    const auto counts = parse_flat_keyed(*stat);
    cpu.periods = counter(counts, "nr_periods");
    cpu.throttled_periods = counter(counts, "nr_throttled");
    cpu.throttled_time = counter(counts, "throttled_time");
  }
}

MemoryEntry memory_entry(const std::string& dir, const std::string& prefix) {
  MemoryEntry entry;
  entry.usage = number_or_zero(dir, prefix + "usage_in_bytes");
  entry.max = number_or_zero(dir, prefix + "max_usage_in_bytes");
  entry.limit = number_or_zero(dir, prefix + "limit_in_bytes");
  entry.failcnt = number_or_zero(dir, prefix + "failcnt");
  return entry;
}

void read_memory(const std::string& dir, MemoryStats& memory) {
  if (dir.empty()) return;
  if (auto stat = read_optional(dir, "memory.stat")) {
    memory.raw = parse_flat_keyed(*stat);
    memory.cache = counter(memory.raw, "cache");
  }
  memory.usage = memory_entry(dir, "memory.");
  memory.swap = memory_entry(dir, "memory.memsw.");
  memory.kernel = memory_entry(dir, "memory.kmem.");
  memory.kernel_tcp = memory_entry(dir, "memory.kmem.tcp.");
  if (auto oom = read_optional(dir, "memory.oom_control")) {
    memory.events.oom_kill = counter(parse_flat_keyed(*oom), "oom_kill");
  }
}

void read_cpuset(const std::string& dir, CpusetStats& cpuset) {
  if (dir.empty()) return;
  if (auto cpus = read_optional(dir, "cpuset.cpus")) cpuset.cpus = parse_cpu_list(*cpus);
  if (auto mems = read_optional(dir, "cpuset.mems")) cpuset.mems = parse_cpu_list(*mems);
  cpuset.cpu_exclusive = number_or_zero(dir, "cpuset.cpu_exclusive");
  cpuset.mem_hardwall = number_or_zero(dir, "cpuset.mem_hardwall");
  cpuset.mem_exclusive = number_or_zero(dir, "cpuset.mem_exclusive");
  cpuset.memory_migrate = number_or_zero(dir, "cpuset.memory_migrate");
  cpuset.memory_spread_page = number_or_zero(dir, "cpuset.memory_spread_page");
  cpuset.memory_spread_slab = number_or_zero(dir, "cpuset.memory_spread_slab");
  cpuset.memory_pressure = number_or_zero(dir, "cpuset.memory_pressure");
  cpuset.sched_load_balance = number_or_zero(dir, "cpuset.sched_load_balance");
  if (auto level = read_optional(dir, "cpuset.sched_relax_domain_level")) {
    cpuset.sched_relax_domain_level =
        strings::parse_int<int64_t>(strings::trim(*level)).value_or(0);
  }
}

// runc prefers the CFQ files, then BFQ's, then the throttle ones, which every kernel keeps.
void read_blkio(const std::string& dir, BlkioStats& blkio) {
  if (dir.empty()) return;
  auto entries = [&dir](const std::string& file) {
    auto text = read_optional(dir, file);
    return text ? parse_blkio_v1(*text) : std::vector<BlkioEntry>{};
  };
  blkio.service_bytes = entries("blkio.io_service_bytes_recursive");
  blkio.serviced = entries("blkio.io_serviced_recursive");
  if (blkio.service_bytes.empty() && blkio.serviced.empty()) {
    blkio.service_bytes = entries("blkio.bfq.io_service_bytes_recursive");
    blkio.serviced = entries("blkio.bfq.io_serviced_recursive");
  }
  if (blkio.service_bytes.empty() && blkio.serviced.empty()) {
    blkio.service_bytes = entries("blkio.throttle.io_service_bytes_recursive");
    blkio.serviced = entries("blkio.throttle.io_serviced_recursive");
    return;
  }
  blkio.queued = entries("blkio.io_queued_recursive");
  blkio.service_time = entries("blkio.io_service_time_recursive");
  blkio.wait_time = entries("blkio.io_wait_time_recursive");
  blkio.merged = entries("blkio.io_merged_recursive");
  blkio.time = entries("blkio.time_recursive");
  blkio.sectors = entries("blkio.sectors_recursive");
}

void read_hugetlb(const std::string& dir, std::map<std::string, HugetlbStats>& out) {
  if (dir.empty()) return;
  auto names = fs::list_dir(dir);
  if (!names) return;
  constexpr std::string_view kPrefix = "hugetlb.", kSuffix = ".usage_in_bytes";
  for (const std::string& name : *names) {
    std::string_view view = name;
    if (!view.starts_with(kPrefix) || !view.ends_with(kSuffix)) continue;
    const std::string size(view.substr(kPrefix.size(), view.size() - kPrefix.size() - kSuffix.size()));
    if (size.find('.') != std::string::npos) continue;  // hugetlb.2MB.rsvd.usage_in_bytes
    const std::string prefix = "hugetlb." + size + ".";
    HugetlbStats entry;
    entry.usage = number_or_zero(dir, prefix + "usage_in_bytes");
    entry.max = number_or_zero(dir, prefix + "max_usage_in_bytes");
    entry.failcnt = number_or_zero(dir, prefix + "failcnt");
    out[size] = entry;
  }
}

}  // namespace

Result<Stats> read_stats_v1(const DirOf& dir_of) {
  Stats stats;
  read_cpu(dir_of, stats.cpu);
  read_cpuset(dir_of("cpuset"), stats.cpuset);
  read_memory(dir_of("memory"), stats.memory);
  const std::string pids = dir_of("pids");
  stats.pids.current = number_or_zero(pids, "pids.current");
  stats.pids.limit = number_or_zero(pids, "pids.max");  // "max" parses as 0 = unlimited
  read_blkio(dir_of("blkio"), stats.blkio);
  read_hugetlb(dir_of("hugetlb"), stats.hugetlb);
  return stats;
}

}  // namespace cruntime::cgroup

// Usage counters of a container's cgroup for `events` (the fields of runc's types.Stats).
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cruntime/base/error.hpp"

namespace cruntime::cgroup {

// Pressure stall information of one *.pressure file (v2 only).
struct PsiData {
  double avg10 = 0, avg60 = 0, avg300 = 0;
  uint64_t total = 0;
};
struct Psi {
  PsiData some, full;
};

struct CpuStats {
  // All in nanoseconds.
  uint64_t total = 0, kernel = 0, user = 0;
  std::vector<uint64_t> percpu, percpu_kernel, percpu_user;  // v1 cpuacct only
  uint64_t periods = 0, throttled_periods = 0, throttled_time = 0;
  std::optional<Psi> psi;
};

struct CpusetStats {
  std::vector<uint16_t> cpus, mems;
  // v1 flags; v2 has none of them (runc reports zeros).
  uint64_t cpu_exclusive = 0, mem_hardwall = 0, mem_exclusive = 0, memory_migrate = 0,
           memory_spread_page = 0, memory_spread_slab = 0, memory_pressure = 0,
           sched_load_balance = 0;
  int64_t sched_relax_domain_level = 0;
};

struct MemoryEntry {
  uint64_t limit = 0, usage = 0, max = 0, failcnt = 0;
};
struct MemoryEvents {  // v2 memory.events
  uint64_t low = 0, high = 0, max = 0, oom = 0, oom_kill = 0;
};
struct MemoryStats {
  uint64_t cache = 0;
  MemoryEntry usage, swap, kernel, kernel_tcp;
  std::map<std::string, uint64_t> raw;  // memory.stat
  std::optional<Psi> psi;
  MemoryEvents events;
};

struct PidsStats {
  uint64_t current = 0, limit = 0;  // limit 0 = unlimited
};

struct BlkioEntry {
  uint64_t major = 0, minor = 0;
  std::string op;  // "Read", "Write", ...
  uint64_t value = 0;
  bool operator==(const BlkioEntry&) const = default;
};
struct BlkioStats {
  std::vector<BlkioEntry> service_bytes, serviced, queued, service_time, wait_time, merged, time,
      sectors;
  std::optional<Psi> psi;
};

struct HugetlbStats {
  uint64_t usage = 0, max = 0, failcnt = 0;
};

struct Stats {
  CpuStats cpu;
  CpusetStats cpuset;
  MemoryStats memory;
  PidsStats pids;
  BlkioStats blkio;
  std::map<std::string, HugetlbStats> hugetlb;  // page size ("2MB") → counters
};

// What a missing unlimited value reads as: "max" on v2, a huge number on v1.
inline constexpr uint64_t kUnlimited = UINT64_MAX;

// v2: every controller file there is in `dir` (a missing file leaves its fields zero).
Result<Stats> read_stats_v2(const std::string& dir);
// v1: `dir_of(controller)` is the container's directory in that controller's hierarchy, "" when
// the controller is not mounted.
Result<Stats> read_stats_v1(const std::function<std::string(std::string_view)>& dir_of);

// --- Pure parsers (tests). ---

// "key value" lines (cpu.stat, memory.stat, memory.events); malformed lines are skipped.
std::map<std::string, uint64_t> parse_flat_keyed(std::string_view text);
// One counter of parse_flat_keyed's result; 0 when the kernel does not report it.
uint64_t counter(const std::map<std::string, uint64_t>& counts, std::string_view key);
// A *.pressure file: "some avg10=0.00 avg60=0.00 avg300=0.00 total=0" (+ "full ...").
Psi parse_psi(std::string_view text);
// v2 io.stat: "8:0 rbytes=1 wbytes=2 rios=3 wios=4 dbytes=0 dios=0" → service bytes (Read,
// Write) and serviced (Read, Write), like runc.
void parse_io_stat(std::string_view text, BlkioStats& out);
// v1 blkio.*_recursive: "8:0 Read 4096" lines; the device-less "Total N" summary is skipped
// (runc reports only per-device entries).
std::vector<BlkioEntry> parse_blkio_v1(std::string_view text);
// "0-3,8" → {0,1,2,3,8}; garbage → empty.
std::vector<uint16_t> parse_cpu_list(std::string_view text);
// A v2 limit: "max" → kUnlimited, a number → itself, else nullopt.
std::optional<uint64_t> parse_v2_limit(std::string_view text);

}  // namespace cruntime::cgroup

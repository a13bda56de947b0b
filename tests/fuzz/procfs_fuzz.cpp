// libFuzzer target: the text files the runtime parses that the kernel or the container's image
// wrote: /proc/<pid>/stat, /proc/cgroups, /proc/<pid>/cgroup, mountinfo, cgroup.procs, the
// container's /etc/passwd, and the cgroup v1/v2 stat files behind `events` (read from a private
// directory through the same readers, then printed as the stats event). The first byte picks the
// file (modulo their number), the rest is its text.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "cruntime/cgroup/cgroupfs.hpp"
#include "cruntime/cgroup/detect.hpp"
#include "cruntime/cgroup/stats.hpp"
#include "cruntime/container/events_json.hpp"
#include "cruntime/process/environment.hpp"
#include "cruntime/sys/proc.hpp"
#include "fuzz_support.hpp"
#include "temp_dir.hpp"

namespace cruntime::fuzz {
namespace {

void proc_stat(std::string_view text) {
  auto stat = sys::parse_proc_stat(text);
  (void)stat;
}

void proc_cgroups(std::string_view text) {
  const std::vector<std::string> subsystems = cgroup::parse_proc_cgroups(text);
  (void)cgroup::parse_cgroup_mounts(text, subsystems);
  (void)cgroup::parse_proc_pid_cgroup(text);
}

void mountinfo(std::string_view text) {
  static const std::vector<std::string> kSubsystems = {
      "cpuset",  "cpu",        "cpuacct",  "blkio",   "memory", "devices", "freezer",
      "net_cls", "perf_event", "net_prio", "hugetlb", "pids",   "rdma",    "misc"};
  (void)cgroup::parse_cgroup_mounts(text, kSubsystems);
}

void pids_and_passwd(std::string_view text) {
  (void)cgroup::cgfs::parse_pids(text);
  (void)process::passwd_home(text, 0);
  (void)process::passwd_home(text, 1000);
}

// The pure parsers of the stat files, on any text.
void stat_parsers(std::string_view text) {
  const auto counts = cgroup::parse_flat_keyed(text);
  (void)cgroup::counter(counts, "usage_usec");
  (void)cgroup::parse_psi(text);
  cgroup::BlkioStats blkio;
  cgroup::parse_io_stat(text, blkio);
  (void)cgroup::parse_blkio_v1(text);
  (void)cgroup::parse_cpu_list(text);
  (void)cgroup::parse_v2_limit(text);
}

constexpr const char* kV2Files[] = {"cpu.stat",
                                    "cpu.pressure",
                                    "cpuset.cpus.effective",
                                    "cpuset.mems.effective",
                                    "memory.stat",
                                    "memory.events",
                                    "memory.current",
                                    "memory.max",
                                    "memory.peak",
                                    "memory.swap.current",
                                    "memory.swap.max",
                                    "memory.pressure",
                                    "pids.current",
                                    "pids.max",
                                    "io.stat",
                                    "io.pressure",
                                    "hugetlb.2MB.current",
                                    "hugetlb.2MB.max",
                                    "hugetlb.2MB.events"};

constexpr const char* kV1Files[] = {"cpuacct.usage",
                                    "cpuacct.usage_percpu",
                                    "cpuacct.usage_percpu_sys",
                                    "cpuacct.stat",
                                    "cpu.stat",
                                    "cpuset.cpus",
                                    "cpuset.mems",
                                    "cpuset.sched_relax_domain_level",
                                    "memory.stat",
                                    "memory.usage_in_bytes",
                                    "memory.limit_in_bytes",
                                    "memory.oom_control",
                                    "pids.current",
                                    "pids.max",
                                    "blkio.io_service_bytes_recursive",
                                    "blkio.io_serviced_recursive",
                                    "blkio.throttle.io_service_bytes_recursive",
                                    "blkio.time_recursive",
                                    "hugetlb.2MB.usage_in_bytes",
                                    "hugetlb.2MB.failcnt"};

// One stat file of a container's cgroup, read by read_stats_v1/v2 as `events` reads it.
template <size_t N>
void cgroup_file(std::string_view text, const char* const (&files)[N], bool v2) {
  if (text.empty()) return;
  const std::string file = files[static_cast<unsigned char>(text[0]) % N];
  text.remove_prefix(1);
  stat_parsers(text);
  const FuzzDir& dir = fuzz_dir();
  dir.put(file, text);
  auto stats = v2 ? cgroup::read_stats_v2(dir.path())
                  : cgroup::read_stats_v1([&dir](std::string_view) { return dir.path(); });
  dir.remove(file);
  if (!stats) return consume_error(stats.error());
  (void)container::stats_event_json("fuzz", *stats);
}

void v2_file(std::string_view text) { cgroup_file(text, kV2Files, true); }
void v1_file(std::string_view text) { cgroup_file(text, kV1Files, false); }

using Parser = void (*)(std::string_view);
constexpr Parser kParsers[] = {proc_stat,    proc_cgroups, mountinfo, pids_and_passwd,
                               stat_parsers, v2_file,      v1_file};

}  // namespace
}  // namespace cruntime::fuzz

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace cruntime::fuzz;
  if (size == 0) return 0;
  constexpr size_t kCount = sizeof kParsers / sizeof kParsers[0];
  kParsers[data[0] % kCount](as_text(data + 1, size - 1));
  return 0;
}

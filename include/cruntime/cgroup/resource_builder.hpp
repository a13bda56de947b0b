// What the v1 and v2 translations of linux.resources share: the write list they build
// (ResourceBuilder) and the sections whose files are the same on both (cpuset, pids, hugetlb,
// rdma, the blkio/io throttle lists). Pure: no syscalls.
#pragma once

#include <cstdint>
#include <limits>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cruntime/base/error.hpp"
#include "cruntime/cgroup/resources.hpp"
#include "cruntime/spec/resources.hpp"

namespace cruntime::cgroup {

// The prefix of every field a FileWrite names.
inline const std::string kResourcesField = "linux.resources";
// Swappiness is a uint64 in the spec; docker sends -1 ("leave alone") as its two's complement.
inline constexpr uint64_t kSwappinessUnset = std::numeric_limits<uint64_t>::max();

struct ResourceBuilder {
  ResourcePlan plan;

  FileWrite& add(std::string controller, std::string file, std::string value, std::string field,
                 IfMissing if_missing = IfMissing::kFail);
  void warn(std::string message) { plan.warnings.push_back(std::move(message)); }
};

// `base["key"]`, the field name of a map member.
std::string quoted_member(std::string_view base, std::string_view key);

// Swap is the memory+swap total, so it needs a limit to add to (checked for both versions).
Result<void> check_swap(const spec::MemoryResources& memory);
// memory.kernel and memory.kernelTCP: deprecated, warned about, never written.
void warn_kernel_memory(const spec::MemoryResources& memory, ResourceBuilder& b);

// cpu.cpus/mems → cpuset.cpus/mems.
void add_cpuset(const spec::CpuResources& cpu, ResourceBuilder& b);
// pids.limit → pids.max.
void add_pids(const spec::PidsResources& pids, ResourceBuilder& b);
// hugepageLimits → hugetlb.<size>.<suffix> plus its reservation twin (kernels before 5.7 lack it).
Result<void> add_hugepages(const std::vector<spec::HugepageLimit>& limits, std::string_view suffix,
                           std::string_view rsvd_suffix, ResourceBuilder& b);
// rdma → rdma.max.
void add_rdma(const std::map<std::string, spec::RdmaLimit>& devices, ResourceBuilder& b);

// The four blockIO throttle lists with their v1 file and v2 io.max key.
struct Throttle {
  const std::optional<std::vector<spec::ThrottleDevice>>& list;
  const char* json;
  const char* v1_file;
  const char* v2_key;
};
std::vector<Throttle> throttles(const spec::BlockIOResources& io);

}  // namespace cruntime::cgroup

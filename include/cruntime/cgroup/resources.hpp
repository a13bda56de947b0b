// The cgroup file writes that apply linux.resources (FileWrite, ResourcePlan) and the value
// conversions between v1 and v2 (pure: no syscalls). The translations: resources_v1.hpp, resources_v2.hpp.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "cruntime/base/error.hpp"
#include "cruntime/spec/resources.hpp"

namespace cruntime::cgroup {

// What a manager does when the file of a FileWrite does not exist (ENOENT): a knob the kernel
// may lack (memsw without swap accounting, hugetlb rsvd before 5.7) is skipped, a knob with an
// older or newer name (blkio.weight vs blkio.bfq.weight) is written under the fallback name.
enum class IfMissing { kFail, kSkip, kFallback };

// One write of one value to one file of the container's cgroup, in the order they must happen.
struct FileWrite {
  // v1: the controller whose hierarchy holds the file ("memory", "net_cls", "devices").
  // v2: the controller that must be enabled for the file to exist ("cgroup" for core files).
  std::string controller;
  std::string file;   // "memory.max", "devices.allow"
  std::string value;  // written as is, one write(2)
  std::string field;  // the config field, for errors: "linux.resources.memory.limit"
  IfMissing if_missing = IfMissing::kFail;
  std::string fallback_file;  // kFallback only
  std::string fallback_value;

  bool operator==(const FileWrite&) const = default;
};

// The writes plus what the config asks for that this cgroup version cannot do (runc ignores
// these silently; we log them as warnings).
struct ResourcePlan {
  std::vector<FileWrite> writes;
  std::vector<std::string> warnings;
};

// --- The conversions, exposed for tests and for `update` later. ---

// cpu.shares [2, 262144] → cpu.weight [1, 10000] (runc's log-quadratic fit: 2→1, 1024→100,
// 262144→10000); 0 stays 0 (unset).
uint64_t cpu_shares_to_weight(uint64_t shares);
// blkio.weight [10, 1000] → io.weight [1, 10000], linear (runc); 0 stays 0.
uint64_t blkio_weight_to_io_weight(uint64_t weight);
// memory.swap (memory+swap total, v1 semantics) → memory.swap.max (swap alone): swap − limit.
// 0 = leave alone, -1 = "max". Errors for swap without a memory limit and swap < limit.
Result<int64_t> memory_swap_to_v2(int64_t swap, int64_t limit);
// "2MB", "64KB", "1GB": the <size> of the hugetlb.<size>.* files.
bool valid_hugepage_size(std::string_view size);
// A unified key names one file of the container's cgroup: "<controller>.<name>", no '/', not
// "." or "..". Returns the controller part.
Result<std::string> unified_key_controller(std::string_view key);
// "c 1:3 rwm", "a *:* rwm": one cgroup v1 device rule (unset type = a, unset numbers = *).
std::string v1_device_rule(const spec::DeviceCgroupRule& rule);
// runc's default allow list, appended after the config's rules (cli-contract §12.3).
const std::vector<spec::DeviceCgroupRule>& default_device_rules();

}  // namespace cruntime::cgroup

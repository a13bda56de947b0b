// Scheduling fields of the container process, applied inside the init: process.scheduler
// (sched_setattr), process.ioPriority (ioprio_set), linux.personality (personality) and
// process.execCPUAffinity (sched_setaffinity). The enum names are spec/process_names.hpp's and
// spec/linux_names.hpp's tables.
#pragma once

#include <string_view>
#include <vector>

#include "cruntime/base/error.hpp"
#include "cruntime/spec/config.hpp"

namespace cruntime::process {

Result<void> apply_scheduler(const spec::Scheduler& scheduler);
Result<void> apply_io_priority(const spec::IOPriority& priority);
Result<void> apply_personality(const spec::Personality& personality);
// The `final` set, else `initial`, for the init.
Result<void> apply_cpu_affinity(const spec::ExecCPUAffinity& affinity);

// A list as in cpuset(7) "0-3,7" (cpus, memory nodes): sorted, without duplicates. Strict:
// decimal numbers up to `max`, ranges low-high with low <= high, no spaces or empty items.
// `what` names the numbers in errors ("cpu", "node").
Result<std::vector<unsigned>> parse_number_list(std::string_view list, std::string_view what,
                                                unsigned max);
// parse_number_list for cpus, up to 65535.
Result<std::vector<unsigned>> parse_cpu_list(std::string_view list);

}  // namespace cruntime::process

// process.oomScoreAdj: /proc/<pid>/oom_score_adj, written through a handle verified to be procfs.
#pragma once

#include <sys/types.h>

#include "cruntime/base/error.hpp"

namespace cruntime::process {

// process.oomScoreAdj of `pid` (0: the caller), the one writer: range-checked, procfs verified.
Result<void> set_oom_score_adj(pid_t pid, int score);

}  // namespace cruntime::process

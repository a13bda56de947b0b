// Freezing and thawing a cgroup: v2 cgroup.freeze, v1 freezer.state (pause/resume, paused status).
#pragma once

#include <string>

#include "cruntime/base/error.hpp"

namespace cruntime::cgroup::cgfs {

// v2: write cgroup.freeze, then wait until cgroup.events reports the new "frozen" value (the
// kernel freezes tasks asynchronously; pause must not return while some still run).
Result<void> freeze_v2(const std::string& dir, bool frozen);
// cgroup.freeze reads "1".
Result<bool> frozen_v2(const std::string& dir);

// v1: write FROZEN or THAWED to freezer.state and wait until it reads back the same; a FREEZING
// that lasts is retried by writing again (runc does the same: the v1 freezer can get stuck
// while a task is in an uninterruptible sleep).
Result<void> freeze_v1(const std::string& dir, bool frozen);
// freezer.state reads FROZEN (FREEZING counts as not frozen yet).
Result<bool> frozen_v1(const std::string& dir);

}  // namespace cruntime::cgroup::cgfs

// The JSON lines `events` prints (runc's types.Event and types.Stats).
#pragma once

#include <string>
#include <string_view>

#include "cruntime/cgroup/stats.hpp"

namespace cruntime::container {

// {"type":"stats","id":"<id>","data":{"cpu":...,"memory":...,...}} on one line.
std::string stats_event_json(std::string_view id, const cgroup::Stats& stats);
// {"type":"oom","id":"<id>"}
std::string oom_event_json(std::string_view id);

}  // namespace cruntime::container

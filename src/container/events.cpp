// `events`: cgroup stats once (--stats) or every interval, plus OOM kills as they happen.
#include <algorithm>
#include <chrono>
#include <thread>

#include "cruntime/cgroup/manager.hpp"
#include "cruntime/container/events_json.hpp"
#include "cruntime/container/container.hpp"
#include "cruntime/container/operations.hpp"
#include "cruntime/sys/proc.hpp"

namespace cruntime::container {
namespace {

// How often the OOM counter is read between stats records: an OOM event shows within this.
constexpr std::chrono::milliseconds kOomPollStep{100};

}  // namespace

Result<void> events(const GlobalOptions& global, std::string_view id, const EventsOptions& options,
                    const std::function<Result<void>(const std::string&)>& emit) {
  if (options.interval.count() <= 0) return fail_msg("--interval: must be greater than 0");
  Container container = CR_TRY(Container::load(global, id));
  const spec::StoredState& stored = container.stored();
  const spec::Status status = CR_TRY(container.status());
  if (status == spec::Status::kStopped || status == spec::Status::kCreating) {
    return fail_msg("container with id {} is not running", id);
  }
  if (stored.cgroup_path.empty()) return fail_msg("container \"{}\" has no cgroup", id);
  auto cgroup = CR_TRY_CTX(cgroup::open_manager(stored), "cgroup");
  if (options.stats_only) {
    const cgroup::Stats stats = CR_TRY_CTX(cgroup->stats(), "stats");
    return emit(stats_event_json(id, stats));
  }

  using Clock = std::chrono::steady_clock;
  uint64_t oom_kills = cgroup->oom_kills().value_or(0);
  Clock::time_point next_stats = Clock::now();
  // The stream ends when the container does: its init gone, or its cgroup removed.
  while (sys::is_alive(stored.init_pid, stored.init_start_time)) {
    if (Clock::now() >= next_stats) {
      auto stats = cgroup->stats();
      if (!stats) break;
      CR_TRY(emit(stats_event_json(id, *stats)));
      next_stats += options.interval;
    }
    if (auto kills = cgroup->oom_kills(); kills && *kills > oom_kills) {
      oom_kills = *kills;
      CR_TRY(emit(oom_event_json(id)));
    }
    const auto until_stats = std::chrono::duration_cast<std::chrono::milliseconds>(next_stats - Clock::now());
    std::this_thread::sleep_for(std::clamp(until_stats, std::chrono::milliseconds(1), kOomPollStep));
  }
  // An OOM kill that ended the container is still worth reporting.
  if (auto kills = cgroup->oom_kills(); kills && *kills > oom_kills) CR_TRY(emit(oom_event_json(id)));
  return {};
}

}  // namespace cruntime::container

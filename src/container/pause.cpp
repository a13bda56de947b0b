// `pause` / `resume`: freeze and thaw every process of a container through its cgroup.
#include "cruntime/cgroup/manager.hpp"
#include "cruntime/container/container.hpp"
#include "cruntime/container/members.hpp"
#include "cruntime/container/operations.hpp"

namespace cruntime::container {
namespace {

Result<std::unique_ptr<cgroup::Manager>> cgroup_of(const Container& container) {
  if (container.stored().cgroup_path.empty()) {
    return fail_msg("container \"{}\" has no cgroup to freeze", container.id());
  }
  return CR_TRY_CTX(cgroup::open_manager(container.stored()), "cgroup");
}

}  // namespace

Result<void> pause(const GlobalOptions& global, std::string_view id) {
  Container container = CR_TRY(Container::load(global, id, LockMode::kExclusive));
  const spec::Status status = CR_TRY(container.status());
  // runc pauses created containers too: their init waits on the fifo and freezes like any task.
  if (status != spec::Status::kRunning && status != spec::Status::kCreated) {
    return fail_msg("container not running");
  }
  auto cgroup = CR_TRY(cgroup_of(container));
  if (auto frozen = cgroup->freeze(true); !frozen) {
    // Never leave a half-frozen cgroup behind a failed pause.
    (void)cgroup->freeze(false);
    return fail(std::move(frozen).error().with_context("pause"));
  }
  return {};
}

Result<void> resume(const GlobalOptions& global, std::string_view id) {
  Container container = CR_TRY(Container::load(global, id, LockMode::kExclusive));
  const spec::Status status = CR_TRY(container.status());
  if (status != spec::Status::kPaused) return fail_msg("container not paused");
  auto cgroup = CR_TRY(cgroup_of(container));
  CR_TRY_CTX(cgroup->freeze(false), "resume");
  return {};
}

Result<std::vector<pid_t>> container_pids(const GlobalOptions& global, std::string_view id) {
  Container container = CR_TRY(Container::load(global, id));
  const spec::Status status = CR_TRY(container.status());
  const spec::StoredState& stored = container.stored();
  // A container still being created has no process of its own yet (its init is the runtime's).
  if (status == spec::Status::kStopped || status == spec::Status::kCreating) {
    return std::vector<pid_t>{};
  }
  // Without a cgroup (rootless, no cgroup access) the pid namespace is what bounds the
  // container; one that shares the host's has only its init to show.
  if (stored.cgroup_path.empty()) {
    if (stored.own_pid_namespace) return pid_namespace_members(stored.init_pid);
    return std::vector<pid_t>{stored.init_pid};
  }
  auto cgroup = CR_TRY_CTX(cgroup::open_manager(container.stored()), "cgroup");
  return CR_TRY_CTX(cgroup->pids(), "cgroup");
}

}  // namespace cruntime::container

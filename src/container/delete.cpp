// `delete`: tear a container down (killing it first when runc would), then poststop hooks.
#include "cruntime/container/delete.hpp"

#include <signal.h>

#include <cerrno>

#include "cruntime/base/log.hpp"
#include "cruntime/cgroup/manager.hpp"
#include "cruntime/cgroup/resctrl.hpp"
#include "cruntime/container/kill.hpp"
#include "cruntime/container/lifecycle.hpp"
#include "cruntime/container/operations.hpp"
#include "cruntime/process/hooks.hpp"
#include "cruntime/spec/io.hpp"
#include "cruntime/sys/proc.hpp"
#include "cruntime/sys/syscalls.hpp"

namespace cruntime::container {

Result<void> destroy_container(const GlobalOptions& global, Container& container) {
  const spec::StoredState& stored = container.stored();
  auto config = load_snapshot(container);
  if (stored.init_pid > 0 && sys::is_alive(stored.init_pid, stored.init_start_time)) {
    CR_TRY(signal_init(container, SIGKILL, true));
    if (!CR_TRY(wait_for_exit(stored.init_pid, stored.init_start_time, 10000))) {
      return fail_msg("container init {} did not die within 10 s of SIGKILL", stored.init_pid);
    }
  }
  if (!stored.cgroup_path.empty()) {
    // destroy() also kills what is left in the cgroup (processes outside the init's pid ns).
    auto cgroup = CR_TRY_CTX(cgroup::open_manager(stored), "cgroup");
    CR_TRY_CTX(cgroup->destroy(), "cgroup");
  }
  // The MON group always, the group only when the container had its own (no closID).
  if (!stored.resctrl_group.empty()) {
    CR_TRY_CTX(cgroup::remove_resctrl(cgroup::stored_resctrl(stored)), "linux.intelRdt");
  }
  StateRoot root = CR_TRY(StateRoot::open(global.root));
  CR_TRY(root.remove_container(stored.id));
  // Last, once the container is gone. Poststop failures are only warnings (cli-contract §13.2).
  if (!config) {
    log::warn("delete {}: poststop hooks skipped: {}", stored.id, config.error().to_string());
    return {};
  }
  const std::string state =
      spec::dump_state_for_hook(hook_state(stored, spec::Status::kStopped, 0));
  return process::run_hooks(config->hooks, process::HookKind::kPoststop, state, stored.bundle);
}

Result<void> remove(const GlobalOptions& global, std::string_view id, bool force) {
  CR_TRY(validate_id(id));
  auto container = Container::load(global, id, LockMode::kExclusive);
  if (!container) {
    if (!force) return fail(std::move(container).error());
    // --force: a missing container is success; a dir without a readable state.json goes away.
    // A state root that exists but cannot be opened (another user's) is not "missing".
    auto root = StateRoot::open(global.root);
    if (!root && root.error().code() != ENOENT) return fail(std::move(root).error());
    if (root) CR_TRY(root->remove_container(id));
    return {};
  }
  spec::Status status = CR_TRY(container->status());
  bool killable = status == spec::Status::kCreated;  // runc deletes never-started containers
  if (status != spec::Status::kStopped && !killable && !force) {
    return fail_msg("cannot delete container {} that is not stopped: {}", id, spec::status_name(status));
  }
  return destroy_container(global, *container);
}

}  // namespace cruntime::container

// Container loading and live status derivation (cli-contract §5): the disk never says "running".
#include "cruntime/container/container.hpp"

#include <cerrno>
#include <utility>

#include "cruntime/base/log.hpp"
#include "cruntime/cgroup/manager.hpp"
#include "cruntime/spec/version.hpp"
#include "cruntime/sys/proc.hpp"

namespace cruntime::container {

Result<spec::Status> derive_status(const spec::StoredState& stored, const ContainerDir& dir) {
  // Step 2 first: the start time check tells our init from an unrelated process that got its
  // pid, and a dead init is stopped whatever its cgroup says (runc orders them the same way).
  if (!sys::is_alive(stored.init_pid, stored.init_start_time)) return spec::Status::kStopped;

  // Step 1: a frozen cgroup is paused. An unreadable freezer is not worth failing `state` for.
  if (!stored.cgroup_path.empty()) {
    auto cgroup = cgroup::open_manager(stored);
    if (cgroup) {
      auto frozen = (*cgroup)->frozen();
      if (frozen && *frozen) return spec::Status::kPaused;
      if (!frozen) log::debug("cgroup: {}", frozen.error().to_string());
    }
  }

  // Step 3: `start` unlinks the fifo once the init was released to exec the payload.
  bool waiting = CR_TRY_CTX(dir.has_entry(kExecFifoName), "container \"{}\"", dir.id());
  return waiting ? spec::Status::kCreated : spec::Status::kRunning;
}

Result<StateRoot> Container::open_root(const GlobalOptions& global, std::string_view id) {
  CR_TRY(validate_id(id));
  auto root = StateRoot::open(global.root);
  if (!root && root.error().code() == ENOENT) {
    return fail_msg("container \"{}\" does not exist", id);
  }
  return root;
}

Result<Container> Container::load(const GlobalOptions& global, std::string_view id, LockMode lock) {
  StateRoot root = CR_TRY(open_root(global, id));
  return load(root, id, lock);
}

Result<Container> Container::load(const StateRoot& root, std::string_view id, LockMode lock) {
  ContainerDir dir = CR_TRY(root.open_container(id));
  if (lock == LockMode::kExclusive) CR_TRY(dir.lock());
  spec::StoredState stored = CR_TRY(dir.read_state());
  bool creator_alive = false;
  if (stored.creating) {
    creator_alive = sys::is_alive(stored.creator_pid, stored.creator_start_time);
    // The creator writes the final record before it exits: read again once it is gone, so a
    // create that finished between the read and the check is not taken for a dead one.
    if (!creator_alive) stored = CR_TRY(dir.read_state());
    if (stored.creating) {
      log::debug("container {}: still being created, or its create was killed", id);
    }
  }
  return Container(std::move(dir), std::move(stored), creator_alive);
}

Result<spec::Status> Container::status() const {
  // Decided once at load: a creator that finishes later left a record this object never saw.
  if (stored_.creating) return creator_alive_ ? spec::Status::kCreating : spec::Status::kStopped;
  return derive_status(stored_, dir_);
}

Result<spec::State> Container::oci_state() const {
  spec::Status live = CR_TRY(status());
  return oci_state(live);
}

spec::State Container::oci_state(spec::Status status) const {
  spec::State state;
  state.oci_version = std::string(spec::kOciVersion);
  state.id = stored_.id;
  state.status = status;
  state.pid = status == spec::Status::kStopped ? 0 : stored_.init_pid;
  state.bundle = stored_.bundle;
  state.rootfs = stored_.rootfs;
  state.created = stored_.created;
  state.annotations = stored_.annotations;
  return state;
}

}  // namespace cruntime::container

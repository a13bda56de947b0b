// `update`: new resource limits for a live container, rolled back on failure, then persisted.
#include "cruntime/base/fs.hpp"
#include "cruntime/base/log.hpp"
#include "cruntime/cgroup/manager.hpp"
#include "cruntime/cgroup/update.hpp"
#include "cruntime/container/container.hpp"
#include "cruntime/container/lifecycle.hpp"
#include "cruntime/container/operations.hpp"
#include "cruntime/spec/io.hpp"
#include "cruntime/spec/validate.hpp"

namespace cruntime::container {

Result<void> update(const GlobalOptions& global, std::string_view id,
                    const spec::LinuxResources& changes) {
  Container container = CR_TRY(Container::load(global, id, LockMode::kExclusive));
  if (CR_TRY(container.status()) == spec::Status::kStopped) {
    return fail_msg("container not running");
  }
  if (container.stored().cgroup_path.empty()) {
    return fail_msg("container \"{}\" has no cgroup to update", id);
  }
  spec::Config config = CR_TRY(load_snapshot(container));
  if (!config.linux_config) config.linux_config.emplace();
  const spec::LinuxResources current = config.linux_config->resources.value_or(spec::LinuxResources{});
  const spec::LinuxResources merged = cgroup::merge_update(current, changes);
  // The rules create applied, to the values that would be in force (swap against the limit in
  // force, burst against the quota): nothing is written when they fail.
  CR_TRY(spec::check_resources(merged, "update"));

  auto cgroup = CR_TRY_CTX(cgroup::open_manager(container.stored()), "cgroup");
  if (auto applied = cgroup->update(cgroup::updatable_part(merged)); !applied) {
    // Some files may already hold new values: write the old ones back (runc does the same).
    if (auto restored = cgroup->update(cgroup::updatable_part(current)); !restored) {
      log::warn("update: restoring the previous limits failed: {}",
                restored.error().to_string());
    }
    return fail(std::move(applied).error().with_context("update"));
  }
  // Later updates merge with these values, and `events`/`state` readers see them.
  config.linux_config->resources = merged;
  CR_TRY_CTX(fs::write_file_atomic_at(container.dir().fd(), std::string(kConfigSnapshotName),
                                      spec::dump_config(config, -1), 0600),
             "save the updated config snapshot");
  return {};
}

}  // namespace cruntime::container

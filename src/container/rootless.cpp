// Rootless mode: the --rootless decision and when a missing cgroup is not an error.
#include "cruntime/container/rootless.hpp"

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <string>
#include <utility>
#include <vector>

#include "cruntime/base/fs.hpp"
#include "cruntime/base/log.hpp"
#include "cruntime/base/strings.hpp"
#include "cruntime/cgroup/resources_v2.hpp"
#include "cruntime/container/operations.hpp"
#include "cruntime/sys/proc.hpp"

namespace cruntime::container {
namespace {

bool is_permission_error(const Error& error) {
  return error.code() == EACCES || error.code() == EPERM || error.code() == EROFS;
}

}  // namespace

bool in_initial_user_namespace() { return sys::in_initial_user_namespace(); }

Result<bool> resolve_rootless(std::string_view mode) {
  if (mode == "true") return true;
  if (mode == "false") return false;
  if (mode != "auto") return fail_msg("invalid --rootless value \"{}\"", mode);
  return ::geteuid() != 0 || !sys::in_initial_user_namespace();
}

Result<bool> asks_for_limits(const spec::Config& config, const cgroup::Layout& layout) {
  if (!config.linux_config || !config.linux_config->resources) return false;
  spec::LinuxResources limits = *config.linux_config->resources;
  limits.devices.reset();
  if (limits == spec::LinuxResources{}) return false;
  // v1: runc's rootless manager fails on any subsystem that has a value to write.
  if (layout.mode != cgroup::Mode::kUnified) return true;
  auto offered = fs::read_file(layout.unified_root + "/cgroup.controllers");
  if (!offered) {
    log::debug("rootless: {}", offered.error().to_string());
    return true;
  }
  std::vector<std::string> controllers;
  for (std::string& word : strings::split(strings::trim(*offered), ' ')) {
    if (!word.empty()) controllers.push_back(std::move(word));
  }
  return cgroup::v2_limits_need_cgroup(limits, controllers);
}

Result<void> runs_without_cgroup(bool rootless, const spec::Config& config,
                                 const cgroup::Layout& layout, Error error) {
  if (!rootless || !is_permission_error(error)) return fail(std::move(error));
  const bool own_path = config.linux_config && config.linux_config->cgroups_path &&
                        !config.linux_config->cgroups_path->empty();
  if (own_path) {
    return fail(std::move(error).with_context(
        "linux.cgroupsPath: rootless, and the cgroup cannot be created"));
  }
  if (CR_TRY(asks_for_limits(config, layout))) {
    return fail(std::move(error).with_context(
        "linux.resources: rootless, and no cgroup can be created to set these limits in"));
  }
  log::debug("rootless: running without a cgroup: {}", error.to_string());
  return {};
}

Result<void> check_additional_gids(uid_t euid, const spec::User& user) {
  if (euid == 0 || !user.additional_gids || user.additional_gids->empty()) return {};
  return fail_msg("process.user.additionalGids: cannot set additional groups in a rootless container");
}

Result<void> check_idmapped_mounts(uid_t euid, const spec::Config& config) {
  if (euid == 0 || !config.mounts) return {};
  for (size_t i = 0; i < config.mounts->size(); ++i) {
    const spec::Mount& mount = (*config.mounts)[i];
    const bool idmap = mount.uid_mappings || mount.gid_mappings ||
                       (mount.options && std::any_of(mount.options->begin(), mount.options->end(),
                                                     [](const std::string& option) {
                                                       return option == "idmap" ||
                                                              option == "ridmap";
                                                     }));
    if (idmap) {
      return fail_msg(
          "mounts[{}].options: id-mapped mounts need root: mount_setattr(MOUNT_ATTR_IDMAP) needs "
          "CAP_SYS_ADMIN over the source's filesystem, which an unprivileged caller never has",
          i);
    }
  }
  return {};
}

std::vector<std::pair<std::string, std::string>> rootless_feature_annotations() {
  return {
      {"io.github.cruntime.rootless",
       "--rootless auto (default): on for euid != 0, or for root in a user namespace it does not "
       "own; --rootless true|false force it"},
      {"io.github.cruntime.rootless.idMappings",
       "the caller's own uid/gid written by the runtime (setgroups deny); any other range through "
       "newuidmap/newgidmap (package uidmap, /etc/subuid, /etc/subgid)"},
      {"io.github.cruntime.rootless.cgroups",
       "created inside a delegated cgroup v2 subtree, limits applied; without cgroup access the "
       "container runs without a cgroup unless linux.resources asks for limits or "
       "linux.cgroupsPath is set (refused); device rules the caller cannot apply are skipped"},
      {"io.github.cruntime.rootless.fallbacks",
       "device nodes bound from the host instead of mknod; sysfs without a network namespace "
       "bound read-only from /sys; mount flags locked by the source mount kept; bind sources "
       "the user namespace cannot reach opened by the runtime"},
      {"io.github.cruntime.rootless.refused",
       "id-mapped mounts; process.user.additionalGids; uid=/gid= mount options the user "
       "namespace does not map"},
  };
}

}  // namespace cruntime::container

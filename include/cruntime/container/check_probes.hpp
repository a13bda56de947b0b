// The probes of `cruntime check`, one group per host area; each returns its
// HostChecks in a fixed order. The pure ones (no file or syscall) are marked so
// and unit-tested.
#pragma once

#include <sys/types.h>

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "cruntime/cgroup/detect.hpp"
#include "cruntime/container/operations.hpp"

namespace cruntime::container {

// Who asks, and how the runtime would run for them.
struct CheckContext {
  uid_t euid = 0;
  bool rootless = false;        // judged for `spec --rootless`
  bool systemd_cgroup = false;  // --systemd-cgroup: the systemd driver, not cgroupfs
  std::string root;             // --root
  std::string user;             // the caller's user name; "" when it has none
  std::string path_env;         // $PATH, where criu and newuidmap are looked for
};

// A check named `name`, status ok, nothing else filled in.
inline HostCheck make_check(std::string name) {
  HostCheck c;
  c.name = std::move(name);
  return c;
}

// runtime.root: whether --root exists or can be created, and is writable.
HostCheck check_state_root(const CheckContext& ctx);

// cgroup.mode, cgroup.controllers, cgroup.subtree_control (cgroup v2 only),
// cgroup.delegation. `mode` gets the detected mode (nullopt when detection
// failed).
std::vector<HostCheck> check_cgroups(const CheckContext& ctx, std::optional<cgroup::Mode>& mode);

// namespaces, userns, userns.subuid, userns.subgid, userns.helpers.
std::vector<HostCheck> check_namespaces(const CheckContext& ctx);

// seccomp.libseccomp, seccomp.actions, seccomp.user_notif; lsm.apparmor,
// lsm.selinux.
std::vector<HostCheck> check_security(const CheckContext& ctx);

// systemd, criu, resctrl.
std::vector<HostCheck> check_services(const CheckContext& ctx, std::optional<cgroup::Mode> mode);

// kernel.release, kernel.pidfd_open, kernel.clone3, kernel.open_tree,
// kernel.mount_setattr, kernel.idmapped_mounts.
std::vector<HostCheck> check_kernel(const CheckContext& ctx);

// --- Pure parts (tests). ---

// "v2", "hybrid", "v1" (what people call them; cgroup::mode_name has the
// kernel's words).
std::string_view cgroup_mode_value(cgroup::Mode mode);
// The seccomp checks from the facts: libseccomp's version and API level, the
// kernel's actions_avail (nullopt: the file is missing).
std::vector<HostCheck> seccomp_checks(std::string_view version, unsigned api_level,
                                      const std::optional<std::vector<std::string>>& actions);
// The userns.subuid / userns.subgid check of `ranges` ("start:count") read from
// `file` (nullopt: unreadable or absent).
HostCheck subid_check(std::string_view name, std::string_view file,
                      const std::optional<std::vector<std::string>>& ranges,
                      const CheckContext& ctx);

}  // namespace cruntime::container

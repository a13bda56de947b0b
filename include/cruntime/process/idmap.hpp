// Writing a new user namespace's uid_map and gid_map from the parent (runtime) side: ourselves,
// or through newuidmap/newgidmap when the kernel would not take the map from us.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "cruntime/base/error.hpp"
#include "cruntime/spec/linux.hpp"

namespace cruntime::process {

// Who writes one map (user_namespaces(7), "Defining user and group ID mappings").
enum class MapWriter {
  kSelf,            // the runtime writes /proc/<pid>/{uid,gid}_map
  kHelper,          // newuidmap/newgidmap, which grant the ranges of /etc/subuid, /etc/subgid
  kSelfThenHelper,  // root: the runtime; the helper only if the kernel says EPERM (runc)
};

// True when `mappings` is the single line an unprivileged writer may write itself: one range
// of size 1 whose host id is `own_id` (its euid for uid_map, its egid for gid_map).
bool maps_only_own_id(const std::vector<spec::IdMapping>& mappings, uint32_t own_id);

// The writer of a map for a runtime running with `euid`. Unprivileged: only the own id is ours
// to write, the rest goes through the setuid helper. Root writes any map, except where it lacks
// CAP_SETUID/CAP_SETGID (e.g. root in a user namespace that dropped them): there runc falls back
// to the helper, and so do we.
MapWriter choose_map_writer(const std::vector<spec::IdMapping>& mappings, uint32_t own_id,
                            uid_t euid);

// uid_map/gid_map of `pid` from linux.uidMappings/gidMappings, each by its writer; setgroups is
// "deny" before a gid_map we write unprivileged (newgidmap decides it itself).
Result<void> write_id_maps(pid_t pid, const spec::Linux& linux_config);
// The text of an id map file ("containerID hostID size" lines).
std::string format_id_map(const std::vector<spec::IdMapping>& mappings);
// Write /proc/<pid>/<file> ("uid_map", "gid_map") in one write(2), as the kernel requires.
Result<void> write_id_map(pid_t pid, std::string_view file,
                          const std::vector<spec::IdMapping>& mappings);

}  // namespace cruntime::process

// The starter configs `cruntime spec` writes: runc's default and its --rootless variant.
#pragma once

#include <cstdint>

#include "cruntime/spec/config.hpp"

namespace cruntime::spec {

// Same content as runc's `runc spec`: sh with a terminal, pid/network/ipc/uts/mount/cgroup
// namespaces, proc/dev/devpts/shm/mqueue/sysfs/cgroup mounts, masked and read-only paths,
// AUDIT_WRITE/KILL/NET_BIND_SERVICE, RLIMIT_NOFILE 1024, a deny-all device rule.
Config default_config();
// The rootless variant: a user namespace mapping uid/gid to 0, no network namespace or resources,
// /sys as a read-only rbind, no uid=/gid= mount options.
Config rootless_config(uint32_t uid, uint32_t gid);

}  // namespace cruntime::spec

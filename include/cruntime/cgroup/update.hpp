// `update`: how new resource values combine with a container's current ones (pure).
#pragma once

#include "cruntime/spec/resources.hpp"

namespace cruntime::cgroup {

// The container's resources after an update, with runc's rules: only the fields `update`
// changes are taken from `changes` (memory limit/reservation/swap, cpu shares/quota/period/
// burst/realtime/cpus/mems/idle, pids, blockIO weights and per-device entries upserted by
// major:minor, unified keys upserted); anything absent there keeps its current value. Quirks
// kept from runc: a quota or period given alone keeps the other's current value; a new memory
// limit without a swap value drops the old swap (it no longer fits), and a limit of -1 without
// one makes swap unlimited too.
spec::LinuxResources merge_update(const spec::LinuxResources& current,
                                  const spec::LinuxResources& changes);

// What `update` writes to the cgroup: the updatable part of `resources` (devices, hugepages,
// network and rdma are left as create set them, like runc).
spec::LinuxResources updatable_part(const spec::LinuxResources& resources);

}  // namespace cruntime::cgroup

// linux.resources → the cgroup v2 file writes that apply it (pure: no syscalls).
#pragma once

#include <string>
#include <vector>

#include "cruntime/base/error.hpp"
#include "cruntime/cgroup/resources.hpp"
#include "cruntime/spec/resources.hpp"

namespace cruntime::cgroup {

// cgroup v2. Device rules are not files on v2 (eBPF, cgroup/devices_bpf.cpp), so they are left
// to the caller.
Result<ResourcePlan> translate_v2(const spec::LinuxResources& resources);

// runc's rule (fs2 needAnyControllers) for a rootless container that could not get a cgroup:
// whether `resources` sets a pids, memory, io, cpu, cpuset or hugetlb value whose controller
// the hierarchy offers (`offered`: its root's cgroup.controllers), so that running without a
// cgroup would drop a limit that means something here. A unified key counts too (runc fails on
// it later, writing into a cgroup that does not exist). Values v2 has no file for (swappiness,
// realtime, net_cls) do not; device rules are the caller's to leave out. A value translate_v2
// refuses is its error.
Result<bool> v2_limits_need_cgroup(const spec::LinuxResources& resources,
                                   const std::vector<std::string>& offered);

}  // namespace cruntime::cgroup

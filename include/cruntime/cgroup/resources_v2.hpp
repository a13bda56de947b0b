// linux.resources → the cgroup v2 file writes that apply it (pure: no syscalls).
#pragma once

#include "cruntime/base/error.hpp"
#include "cruntime/cgroup/resources.hpp"
#include "cruntime/spec/resources.hpp"

namespace cruntime::cgroup {

// cgroup v2. Device rules are not files on v2 (eBPF, cgroup/devices_bpf.cpp), so they are left
// to the caller.
Result<ResourcePlan> translate_v2(const spec::LinuxResources& resources);

}  // namespace cruntime::cgroup

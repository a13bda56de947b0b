// linux.resources → the cgroup v1 file writes that apply it (pure: no syscalls).
#pragma once

#include "cruntime/base/error.hpp"
#include "cruntime/cgroup/resources.hpp"
#include "cruntime/spec/resources.hpp"

namespace cruntime::cgroup {

// cgroup v1 (legacy and hybrid hosts). `unified` is an error. Device rules become
// devices.deny "a", the config's rules in order, then the default allow list (also when the
// config has no rules: a container never inherits the host's device access).
Result<ResourcePlan> translate_v1(const spec::LinuxResources& resources);

}  // namespace cruntime::cgroup

// linux.netDevices (runtime-spec 1.3, config-linux.md "Network Devices"): host interfaces moved
// into the container's network namespace by the runtime, during create.
#pragma once

#include <sys/types.h>

#include "cruntime/base/error.hpp"
#include "cruntime/spec/config.hpp"

namespace cruntime::process {

// Moves each device named by a key of linux.netDevices from the runtime's network namespace into
// the init's, renamed to its `name` (a "%d" in it lets the kernel pick a free number; no name:
// the host's), with its permanent global addresses re-added and the link up. Refused: a
// container that shares the runtime's network namespace, a device the host does not have, a
// name the container's namespace already has. Never moved back: when the namespace goes, the
// kernel destroys virtual devices and returns physical ones to the host (spec "Namespace
// Lifecycle"). Errors name the field: `linux.netDevices.eth0: ...`.
Result<void> move_net_devices(const spec::Config& config, pid_t init_pid);

}  // namespace cruntime::process

// Writing a new user namespace's uid_map and gid_map from the parent (runtime) side.
#pragma once

#include <sys/types.h>

#include <string>
#include <string_view>
#include <vector>

#include "cruntime/base/error.hpp"
#include "cruntime/spec/linux.hpp"

namespace cruntime::process {

// uid_map/gid_map of `pid` from linux.uidMappings/gidMappings.
Result<void> write_id_maps(pid_t pid, const spec::Linux& linux_config);
// The text of an id map file ("containerID hostID size" lines).
std::string format_id_map(const std::vector<spec::IdMapping>& mappings);
// Write /proc/<pid>/<file> ("uid_map", "gid_map") in one write(2), as the kernel requires.
Result<void> write_id_map(pid_t pid, std::string_view file,
                          const std::vector<spec::IdMapping>& mappings);

}  // namespace cruntime::process

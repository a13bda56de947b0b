// linux.sysctl inside the init: each key written under /proc/sys, in the container's namespaces.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "cruntime/base/error.hpp"

namespace cruntime::process {

// Writes /proc/sys/<key with dots as slashes> = value, in the container's namespaces.
// Each file is opened below one /proc/sys handle without following symlinks and must be on procfs.
Result<void> apply_sysctl(const std::map<std::string, std::string>& sysctl);
// The file-name components under /proc/sys: "net.ipv4.ip_forward" → {net, ipv4, ip_forward};
// with '/' separators a '.' belongs to the name ("net/ipv4/conf/eth0.100/forwarding"), and in a
// dotted key '/' stands for '.'. Empty, "." and ".." components are rejected.
Result<std::vector<std::string>> sysctl_components(std::string_view key);

}  // namespace cruntime::process

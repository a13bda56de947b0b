// The container's /dev: default and linux.devices nodes, the /dev symlinks and /dev/ptmx.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <string>
#include <vector>

#include "cruntime/base/error.hpp"
#include "cruntime/spec/config.hpp"

namespace cruntime::rootfs {

struct DeviceNode {
  std::string path;  // clean, absolute inside the rootfs
  mode_t type = 0;   // S_IFCHR, S_IFBLK or S_IFIFO
  uint32_t major = 0;
  uint32_t minor = 0;
  mode_t mode = 0666;  // permission bits
  uid_t uid = 0;
  gid_t gid = 0;
  bool operator==(const DeviceNode&) const = default;
};

// The nodes to create, in order: the defaults (null, zero, full, random, urandom, tty) unless
// linux.devices has one with the same path, then linux.devices. /dev/ptmx is never a node (it is
// a link to pts/ptmx). Fails on an unknown type or a major/minor out of range.
Result<std::vector<DeviceNode>> device_nodes(const spec::Config& config);

// True when a config mount binds something onto /dev: then the runtime leaves /dev alone.
bool dev_is_bind_mount(const spec::Config& config);

// Create the nodes (mknodat in their in-root parent; in a user namespace, or when mknod is not
// permitted, an empty file with the host's node bound onto it), then /dev/ptmx → pts/ptmx and the
// fd, stdin, stdout, stderr (and core when /proc/kcore exists) symlinks.
Result<void> setup_dev(int root_fd, const spec::Config& config, bool user_ns);

}  // namespace cruntime::rootfs

// Handing a v2 cgroup to a container's user namespace (cli-contract §12.4 "Ownership").
#pragma once

#include <sys/types.h>

#include <optional>
#include <string>
#include <string>
#include <vector>

#include "cruntime/base/error.hpp"
#include "cruntime/spec/config.hpp"

namespace cruntime::cgroup {

class Manager;

// Who gets the cgroup: the host ids of process.user's uid and gid.
struct DelegateTo {
  uid_t uid = 0;
  gid_t gid = 0;
};

// Pure. Whether `config` asks for its cgroup to be delegated, and to whom: a new user namespace
// with mappings, a new cgroup namespace, and a read-write mount of type "cgroup" at
// /sys/fs/cgroup (what systemd in a container needs); the process user mapped to the host.
// nullopt otherwise (a read-only cgroup mount keeps the cgroup root's).
std::optional<DelegateTo> delegation_target(const spec::Config& config);

// The files /sys/kernel/cgroup/delegate lists (one per line); the kernel's own list before 5.x
// had no such file: cgroup.procs, cgroup.subtree_control, cgroup.threads.
std::vector<std::string> delegate_files(const std::optional<std::string>& delegate_text);

// v2 only, and only when delegation_target() says so: chown the container's cgroup directory
// and its delegatable files. A file this kernel lacks is skipped. The cgroupfs drivers; the
// systemd driver delegates its unit's directory once systemd made it (delegate_dir).
Result<void> delegate_cgroup(const spec::Config& config, const Manager& cgroup);
// The chown of delegate_cgroup for the v2 cgroup directory `dir`.
Result<void> delegate_dir(const std::string& dir, const DelegateTo& to);

}  // namespace cruntime::cgroup

// Which cgroup setup the host has (unified, hybrid, legacy) and where its hierarchies are mounted.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "cruntime/base/error.hpp"

namespace cruntime::cgroup {

// kUnified: cgroup2 at /sys/fs/cgroup. kHybrid: v1 controllers under a tmpfs /sys/fs/cgroup plus
// a controller-less cgroup2 at /sys/fs/cgroup/unified (systemd's hybrid; this dev machine).
// kLegacy: v1 only.
enum class Mode { kUnified, kHybrid, kLegacy };

std::string_view mode_name(Mode mode);

inline constexpr const char* kCgroupRoot = "/sys/fs/cgroup";

// One mounted hierarchy the container's cgroup is created in: a v1 hierarchy, or (hybrid) the
// cgroup2 mount, whose controller list is empty.
struct Hierarchy {
  std::vector<std::string> controllers;  // sorted: {"cpu", "cpuacct"}, {"name=systemd"}, {}
  std::string mount_point;               // "/sys/fs/cgroup/cpu,cpuacct"
  std::string mount_root;                // mountinfo field 4: "/" unless bind-mounted or namespaced
  std::string own_cgroup;                // our cgroup in it (/proc/self/cgroup), for relative paths

  // The controllers as /proc/self/cgroup spells them: "cpu,cpuacct", "name=systemd", "".
  std::string key() const;
  bool has(std::string_view controller) const;
  bool operator==(const Hierarchy&) const = default;
};

struct Layout {
  Mode mode = Mode::kUnified;
  // kUnified: the v2 root and our cgroup in it ("0::" of /proc/self/cgroup); unused otherwise.
  std::string unified_root;
  std::string own_unified_cgroup;
  // kHybrid/kLegacy: every mounted v1 hierarchy, then (kHybrid) the cgroup2 mount.
  std::vector<Hierarchy> hierarchies;
};

// statfs(root): CGROUP2_SUPER_MAGIC → unified; TMPFS_MAGIC → hybrid when root/unified is
// cgroup2, else legacy; anything else is an error.
Result<Mode> detect_mode(const std::string& root = kCgroupRoot);
// The mode plus the hierarchies from /proc/self/mountinfo, /proc/cgroups and /proc/self/cgroup.
// Called once per command, by make_manager/open_manager.
Result<Layout> detect_layout();

// --- Pure parsers (tests). ---

// Enabled subsystem names of /proc/cgroups ("cpu", "memory", ...).
std::vector<std::string> parse_proc_cgroups(std::string_view text);
// /proc/<pid>/cgroup: hierarchy key ("cpu,cpuacct", "name=systemd", "" for v2) → path.
std::map<std::string, std::string> parse_proc_pid_cgroup(std::string_view text);
// The cgroup mounts of a mountinfo text. A v1 mount's controllers are its super options that
// name a known subsystem or "name=..."; the first mount of each hierarchy wins. cgroup2 mounts
// come back with no controllers. own_cgroup is left empty.
struct CgroupMount {
  Hierarchy hierarchy;
  bool v2 = false;
};
std::vector<CgroupMount> parse_cgroup_mounts(std::string_view mountinfo,
                                             const std::vector<std::string>& subsystems);

}  // namespace cruntime::cgroup

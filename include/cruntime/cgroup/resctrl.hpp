// linux.intelRdt through the resctrl filesystem (runtime-spec config-linux.md
// "IntelRdt"): the container's CTRL_MON group (closID, or the container id),
// its schemata, the init's task, and the MON group of enableMonitoring. The
// resctrl root is a parameter, so the writes can be tested on a plain directory
// tree.
#pragma once

#include <sys/types.h>

#include <string>
#include <string_view>
#include <vector>

#include "cruntime/base/error.hpp"
#include "cruntime/cgroup/cgroupfs.hpp"
#include "cruntime/spec/linux.hpp"
#include "cruntime/spec/state.hpp"

namespace cruntime::cgroup {

inline constexpr const char* kResctrlRoot = "/sys/fs/resctrl";

// What a container got in resctrl, kept in state.json
// (spec::StoredState::resctrl_*).
struct ResctrlGroup {
  std::string root;           // the resctrl mount (its info/last_cmd_status explains failures)
  std::string group_dir;      // the CTRL_MON group the init was added to (absolute)
  std::string mon_dir;        // its MON group mon_groups/<id>; "" without enableMonitoring
  bool remove_group = false;  // made by us for a config without closID: delete removes it
  bool remove_mon = false;    // made by us: delete removes it
  bool made_group = false;    // made by this create (a closID group too): a rollback removes it
};

// statfs: `root` is a mounted resctrl filesystem; else the one error of a host
// without it.
Result<void> check_resctrl_mounted(const std::string& root = kResctrlRoot);

// Before the init exists: make the group (or join a pre-existing closID group,
// whose schemata must then match what the config asks, never rewritten), write
// the schemata of a group we made (l3CacheSchema, memBwSchema, then schemata[],
// in one write), make the MON group. On failure, whatever it made is removed
// again. `hooks` stand in for the kernel on a fake tree (tests).
Result<ResctrlGroup> prepare_resctrl(const std::string& root, const spec::IntelRdt& rdt,
                                     std::string_view id, const cgfs::DirHooks& hooks = {});

// The pid into the group's tasks, then into its MON group's (the init, or an
// exec'd process).
Result<void> attach_resctrl(const ResctrlGroup& group, pid_t pid);

// `delete`: remove the MON group and the group, each only if we made it and the
// spec lets us (a closID group stays). `rollback` (a failed create): a closID
// group this create made goes too.
Result<void> remove_resctrl(const ResctrlGroup& group, bool rollback = false,
                            const cgfs::DirHooks& hooks = {});

// The group as state.json keeps it (spec::StoredState::resctrl_*), and back.
void store_resctrl(const ResctrlGroup& group, spec::StoredState& stored);
ResctrlGroup stored_resctrl(const spec::StoredState& stored);

// --- Pure (tests). ---

// The lines to write, in the spec's order: l3CacheSchema, memBwSchema, then
// schemata[].
std::vector<std::string> resctrl_schemata_lines(const spec::IntelRdt& rdt);

// Whether an existing group's schemata file text holds every line of `wanted`:
// for each wanted
// "<RES>:<domain>=<value>;..." a line of the same resource whose value is the
// same for every domain named (cache bitmasks compared as hex numbers, MB and
// SMBA as decimals; domains the config does not name are not compared). A
// resource it cannot compare is an error that says so.
Result<void> check_schemata_match(std::string_view existing,
                                  const std::vector<std::string>& wanted);

}  // namespace cruntime::cgroup

// Raw cgroupfs operations shared by the v1 and v2 managers: knob writes, cgroup.procs, mkdir/rmdir.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "cruntime/base/error.hpp"
#include "cruntime/cgroup/resources.hpp"

namespace cruntime::cgroup::cgfs {

// Test seams for a fake cgroupfs in a TempDir. The kernel fills a new cgroup directory with its
// interface files and drops them on rmdir; a plain directory needs help with both. Production
// code leaves both empty.
struct DirHooks {
  std::function<void(const std::string& dir)> after_mkdir;
  std::function<void(const std::string& dir)> before_rmdir;
};

// How long destroy keeps retrying a cgroup that is still busy (its last processes exiting).
inline constexpr std::chrono::milliseconds kRemoveTimeout{2000};

std::string join(std::string_view dir, std::string_view file);
bool exists(const std::string& path);

// One write(2) of `value` to <dir>/<file>, opened O_WRONLY|O_TRUNC and without O_CREAT, so a
// knob the kernel lacks fails with ENOENT. The error names the path.
Result<void> write(const std::string& dir, const std::string& file, std::string_view value);
Result<std::string> read(const std::string& dir, const std::string& file);
// One FileWrite in `dir`, with its IfMissing rule; the error is framed by the config field.
Result<void> apply_write(const std::string& dir, const FileWrite& write);

// mkdir `dir` and its missing ancestors below `top` (top itself must exist). Returns the
// directories it made, outermost first: destroy removes only those.
Result<std::vector<std::string>> make_dirs(const std::string& top, const std::string& dir,
                                           const DirHooks& hooks);

// Write pid to <dir>/cgroup.procs. EINVAL is retried a few times: a task still being forked
// (TASK_NEW) cannot be moved yet (runc's WriteCgroupProc).
Result<void> attach(const std::string& dir, pid_t pid);

// The pids of a cgroup.procs text; malformed lines are skipped.
std::vector<pid_t> parse_pids(std::string_view text);
// The pids of `dir` and of every cgroup below it, sorted; sub-cgroups vanishing meanwhile are
// skipped.
Result<std::vector<pid_t>> all_pids(const std::string& dir);
// kill(2) every pid; one that has exited meanwhile (ESRCH) is not an error.
Result<void> signal_all(const std::vector<pid_t>& pids, int signo);

// SIGKILL via cgroup.kill where the kernel has it (v2, 5.14+), which also catches processes
// forked meanwhile; otherwise kill(2) every pid of the cgroup and its sub-cgroups, repeating
// SIGKILL while new pids show up.
Result<void> kill_cgroup(const std::string& dir, int signo);

// rmdir the cgroups below `dir` deepest first, then `dir`. A missing directory is success.
// EBUSY (processes still exiting) is retried until `deadline`, calling on_busy between tries
// (destroy kills leftovers there).
Result<void> remove_tree(const std::string& dir, std::chrono::steady_clock::time_point deadline,
                         const std::function<void()>& on_busy, const DirHooks& hooks);

// Undo make_dirs (its list, outermost first): the innermost directory with remove_tree; the
// ancestors only while empty, since other containers may have made cgroups there meanwhile.
Result<void> remove_dirs(const std::vector<std::string>& created,
                         std::chrono::steady_clock::time_point deadline,
                         const std::function<void()>& on_busy, const DirHooks& hooks);

}  // namespace cruntime::cgroup::cgfs

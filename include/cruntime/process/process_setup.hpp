// Per-field setup of the container process inside the init: rlimits, sysctl, oom score,
// scheduling, personality, environment and args[0] lookup. Each function handles one field.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cruntime/base/error.hpp"
#include "cruntime/spec/config.hpp"

namespace cruntime::process {

// "RLIMIT_NOFILE" → RLIMIT_NOFILE; nullopt when unknown.
std::optional<int> rlimit_resource(std::string_view name);
Result<void> apply_rlimits(const std::vector<spec::Rlimit>& rlimits);
// The same for another process (prlimit): the parent can raise hard limits that a process inside
// a new user namespace cannot (cli-contract §12.1).
Result<void> apply_rlimits(pid_t pid, const std::vector<spec::Rlimit>& rlimits);

// Writes /proc/sys/<key with dots as slashes> = value, in the container's namespaces.
// Each file is opened below one /proc/sys handle without following symlinks and must be on procfs.
Result<void> apply_sysctl(const std::map<std::string, std::string>& sysctl);
// The file-name components under /proc/sys: "net.ipv4.ip_forward" → {net, ipv4, ip_forward};
// with '/' separators a '.' belongs to the name ("net/ipv4/conf/eth0.100/forwarding"), and in a
// dotted key '/' stands for '.'. Empty, "." and ".." components are rejected.
Result<std::vector<std::string>> sysctl_components(std::string_view key);

// process.oomScoreAdj of `pid` (0: the caller), the one writer: range-checked, procfs verified.
Result<void> set_oom_score_adj(pid_t pid, int score);

// process.scheduler (sched_setattr), process.ioPriority (ioprio_set), linux.personality,
// process.execCPUAffinity (the `final` set, else `initial`, for the init).
Result<void> apply_scheduler(const spec::Scheduler& scheduler);
Result<void> apply_io_priority(const spec::IOPriority& priority);
Result<void> apply_personality(const spec::Personality& personality);
Result<void> apply_cpu_affinity(const spec::ExecCPUAffinity& affinity);

// Name tables behind the functions above (nullopt when unknown).
std::optional<int> sched_policy(std::string_view name);       // "SCHED_FIFO" → 1
std::optional<uint64_t> sched_flag(std::string_view name);    // "SCHED_FLAG_RECLAIM" → 0x02
std::optional<int> io_priority_class(std::string_view name);  // "IOPRIO_CLASS_BE" → 2
// A cpu list as in cpuset(7) "0-3,7": sorted, without duplicates. Strict: decimal numbers,
// ranges low-high with low <= high, no spaces or empty items.
Result<std::vector<unsigned>> parse_cpu_list(std::string_view list);

// The exact process.env plus `extra` (LISTEN_FDS...), later duplicates winning, and HOME from the
// container's /etc/passwd for `uid` (default "/") when absent. Call after pivot_root.
// Duplicates keep the last value at the last position (runc's prepareEnv); an empty HOME counts
// as absent and HOME is then appended. Entries without '=' are dropped (validation rejects them).
std::vector<std::string> build_environment(const spec::Process& process,
                                           const std::vector<std::string>& extra);
// The same with another passwd file (tests).
std::vector<std::string> build_environment(const spec::Process& process,
                                           const std::vector<std::string>& extra,
                                           const std::string& passwd_path);
// The home directory of `uid` in passwd(5) text; nullopt without an entry (or an empty home).
std::optional<std::string> passwd_home(std::string_view passwd, uint32_t uid);

// args[0] as Go's exec.LookPath in runc's init finds it, using PATH from `env` (not the
// runtime's): a name with '/' is taken as is (relative to the cwd), else the first PATH entry
// holding a regular file with an execute bit; no PATH in `env` → not found. Call after
// pivot_root and chdir. Errors keep podman's phrases: `exec: "x": executable file not found in
// $PATH`, `exec: "/x": no such file or directory`, `exec: "/x": permission denied`.
Result<std::string> resolve_executable(const std::string& arg0,
                                       const std::vector<std::string>& env);

}  // namespace cruntime::process

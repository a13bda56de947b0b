// /proc readers: a process' state and start time (pid-reuse detection), our own thread count and
// user namespace; a checked handle on a procfs mount.
#pragma once

#include <sys/types.h>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "cruntime/base/error.hpp"
#include "cruntime/base/unique_fd.hpp"

namespace cruntime::sys {

// The fields of /proc/<pid>/stat that cruntime uses (proc(5)).
struct ProcStat {
  char state = '?';         // field 3: R, S, D, Z (zombie), X (dead), T, t, I, ...
  pid_t ppid = 0;           // field 4
  uint64_t start_time = 0;  // field 22: clock ticks after boot; with the pid it names one process

  bool operator==(const ProcStat&) const = default;
};

// Parse the text of /proc/<pid>/stat. The comm field (2) may contain spaces and ')', so the
// fields after it are counted from the LAST ')'. nullopt when the text is malformed.
std::optional<ProcStat> parse_proc_stat(std::string_view text);

// Read and parse /proc/<pid>/stat. A process that is gone fails with ENOENT (or ESRCH).
Result<ProcStat> read_proc_stat(pid_t pid);

// The start time of a live (or zombie) process; nullopt when it cannot be read.
std::optional<uint64_t> process_start_time(pid_t pid);

// True when `pid` exists, is neither a zombie nor dead, and started at `start_time`: a pid the
// kernel has handed to another process since is not alive for us (security.md promise 8).
bool is_alive(pid_t pid, uint64_t start_time);

// The calling process is in the initial user namespace, whose uid_map maps the whole 32-bit range
// onto itself ("0 0 4294967295"). Without /proc to tell, the initial one is assumed (as
// moby/sys/userns does).
bool in_initial_user_namespace();

// Threads of the calling process (entries of /proc/self/task). cruntime must be single-threaded
// when it clones the container init (architecture.md "Single-threaded until clone").
Result<size_t> thread_count();
// An error unless thread_count() is 1: after fork in a multithreaded process only
// async-signal-safe calls are allowed, and our children allocate, format and parse.
Result<void> assert_single_threaded();

// An O_PATH handle on the directory at `path`, refused unless it is the root of a procfs: the
// kernel interfaces below it (attr/, oom_score_adj, fd/) must not be something a container put
// there (security.md "writes to /proc").
Result<UniqueFd> open_procfs(const std::string& path = "/proc");

}  // namespace cruntime::sys

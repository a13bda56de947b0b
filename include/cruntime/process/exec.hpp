// A new process in a running container (`cruntime exec`): the parent side (spawn_exec) and the
// child side (run_exec). The child joins the init's namespaces through its pidfd (one setns
// for all of them), forks once more when a pid or time namespace was joined (those only apply
// to children), and takes the container's security context before execve.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <functional>
#include <string>

#include "cruntime/base/error.hpp"
#include "cruntime/process/sync.hpp"
#include "cruntime/security/seccomp.hpp"
#include "cruntime/spec/config.hpp"

namespace cruntime::process {

struct ExecContext {
  const spec::Config* config = nullptr;    // the container's config snapshot (seccomp, personality)
  const spec::Process* process = nullptr;  // validated, with the command-line overrides applied
  const security::SeccompProgram* seccomp = nullptr;  // linux.seccomp built by the runtime
  std::string id;                          // the session keyring is "_ses.<id>", as the init's
  int init_pidfd = -1;      // the container's init; its namespaces are joined
  uint64_t join_flags = 0;  // CLONE_NEW* of the init's namespaces that are not already ours
  int root_fd = -1;         // without a mount namespace of its own: the init's root (O_PATH)
  int cgroup_fd = -1;       // v2: clone3(CLONE_INTO_CGROUP) into it; -1: attach_cgroup instead
  int fallback_cgroup_fd = -1;  // v2: where to go when cgroup_fd takes no processes (EBUSY)
  int console_socket = -1;  // connected console socket when process.terminal, else -1
  int preserve_fds = 0;     // fds 3 .. 3+preserve_fds-1 survive execve
  pid_t runtime_pid = 0;    // the process calling spawn_exec, for the PDEATHSIG race check
};

struct ExecCallbacks {
  // v1 (cgroup_fd < 0): put the child into the container's cgroups before it runs anything.
  std::function<Result<void>(pid_t child)> attach_cgroup;
  // linux.intelRdt: put the child into the container's resctrl group (any cgroup version).
  std::function<Result<void>(pid_t child)> attach_resctrl;
  // A seccomp notify fd for linux.seccomp.listenerPath.
  std::function<Result<void>(pid_t pid, int notify_fd)> send_seccomp_fd;
};

// Clone the child, walk it through the exchange in sync.hpp and return the host pid of the
// process once it has called execve (it is our child; the caller waits for it or leaves it to
// its subreaper). On failure every child is killed and reaped.
Result<pid_t> spawn_exec(const ExecContext& context, const ExecCallbacks& callbacks);

// The child side; never returns: ends in execve or _exit.
[[noreturn]] void run_exec(const ExecContext& context, SyncSocket& sync) noexcept;

}  // namespace cruntime::process

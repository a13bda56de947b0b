// Spawning the container init: the parent side (spawn_init) and the child side (run_init).
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "cruntime/base/error.hpp"
#include "cruntime/base/unique_fd.hpp"
#include "cruntime/cgroup/manager.hpp"
#include "cruntime/process/namespaces.hpp"
#include "cruntime/process/sync.hpp"
#include "cruntime/rootfs/rootfs.hpp"
#include "cruntime/security/seccomp.hpp"
#include "cruntime/spec/config.hpp"
#include "cruntime/spec/state.hpp"
#include "cruntime/sys/syscalls.hpp"

namespace cruntime::process {

// Everything the init needs, prepared by the parent before clone (the child must not need to
// reach anything on the host that the parent could not check first).
struct InitContext {
  const spec::Config* config = nullptr;  // validated
  // linux.seccomp, built by the runtime (from its cache or libseccomp), or nullptr for none: the
  // init only loads it, so it never compiles a filter after the clone.
  const security::SeccompProgram* seccomp = nullptr;
  NamespacePlan plan;                    // made with the cgroup's CgroupEntry
  rootfs::RootfsOptions rootfs;
  std::string id;
  std::string bundle;
  int exec_fifo = -1;       // O_PATH fd of <state>/exec.fifo, reopened for writing by the init
  int console_socket = -1;  // connected --console-socket, or -1
  int state_dir_fd = -1;    // the locked state dir: the init closes it at once (flock is shared)
  cgroup::Manager* cgroup = nullptr;  // the container's cgroup (created and limited already)
  int preserve_fds = 0;     // fds 3 .. 3+preserve_fds-1 survive execve (LISTEN_FDS + --preserve-fds)
  std::vector<std::string> extra_env;  // LISTEN_FDS=, LISTEN_PID=1
  bool no_new_keyring = false;
  pid_t runtime_pid = 0;    // the process calling spawn_init, for the PDEATHSIG race check
};

// The OCI state of the container being created, as its hooks and its seccomp agent see it; the
// same on both sides of clone (only `pid` differs: host pid in the parent, getpid() in the init).
inline spec::State init_state(const InitContext& context, spec::Status status, int pid) {
  static const std::map<std::string, std::string> kNone;
  const auto& annotations = context.config->annotations;
  return spec::hook_state(context.id, status, pid, context.bundle,
                          annotations ? *annotations : kNone);
}

// Whether the init stops at kHooksRequest (sync.hpp): only when the runtime has work there —
// linux.netDevices to move in, prestart or createRuntime hooks to run. Both sides decide from the
// same config; without the stop the init saves a round trip (a wakeup each way).
bool init_needs_hooks_step(const spec::Config& config);

struct InitHandle {
  pid_t pid = 0;
  uint64_t start_time = 0;
  SyncSocket sync;  // the parent's end, for confirm_recorded
};

// Clone the init (one clone3 with the plan's namespaces), run the parent side of the protocol in
// sync.hpp — including the prestart and createRuntime hooks and the hand-over of a seccomp notify
// fd to linux.seccomp.listenerPath — and return once the init is ready (kReady). It then waits
// for confirm_recorded, or exits when handle.sync closes first. On failure the init (and any
// intermediate child) is killed and reaped.
Result<InitHandle> spawn_init(const InitContext& context);
// kRecorded: the init's pid is in state.json, so the init may wait for `start` on the exec fifo
// and outlive this process. Returns once the init has closed its end of handle.sync (its last
// fd of the host), and closes ours.
Result<void> confirm_recorded(InitHandle& handle);

// Parent-side steps shared with spawn_exec:
// kInitPid — a child forked (CLONE_PARENT) into pending namespaces and its parent exits: reap the
// intermediate and make the guard follow the new child (a pid is only used once it is ours).
Result<void> adopt_forked_child(sys::ChildGuard& guard, const Msg& msg);
// kSeccompFd — hand the notify fd to `send` (listenerPath), then answer kSeccompDone.
Result<void> forward_seccomp_fd(SyncSocket& sync, const Msg& msg, pid_t pid,
                                const std::function<Result<void>(pid_t, int)>& send);

// The child side; never returns: ends in execve or _exit.
[[noreturn]] void run_init(const InitContext& context, SyncSocket& sync) noexcept;

}  // namespace cruntime::process

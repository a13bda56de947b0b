// The last steps every container process takes before execve, shared by the init (child.cpp)
// and the processes `exec` starts (exec_child.cpp): keyring, limits, cwd, environment, args[0],
// fds, LSM labels, credentials, seccomp, execve.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "cruntime/base/error.hpp"
#include "cruntime/process/sync.hpp"
#include "cruntime/security/seccomp.hpp"
#include "cruntime/spec/config.hpp"

namespace cruntime::process {

// What a process carries from setup to execve.
struct Payload {
  std::string path;  // args[0] resolved with the container's PATH
  std::vector<std::string> argv;
  std::vector<std::string> env;
};

// A new session keyring "_ses.<id>" (runc's name), so the container does not share the caller's;
// a kernel without keyrings (ENOSYS) is not an error.
Result<void> join_session_keyring(std::string_view id);

// The process asks for an AppArmor profile or an SELinux label (so needs a procfs handle for
// the writes below; check_lsm_labels made sure the host has the LSM).
bool wants_lsm_labels(const spec::Process& process);

// process.selinuxLabel also labels the keyrings the process creates: call before
// join_session_keyring (runc's SetKeyLabel). `proc_fd` is a procfs root (sys::open_procfs).
Result<void> label_new_keyrings(int proc_fd, const spec::Process& process);

// process.apparmorProfile and process.selinuxLabel for the next execve (attr/exec writes; the
// process keeps its own confinement until then). Call after everything the runtime runs in
// the process's name before the payload and before apply_credentials: see the call sites.
Result<void> set_exec_labels(int proc_fd, const spec::Process& process);

// rlimits, scheduler, ioPriority, execCPUAffinity of `process`; linux.personality of `config`.
Result<void> apply_process_limits(const spec::Config& config, const spec::Process& process);

// chdir into process.cwd and make sure the result is inside the container: a leaked host
// directory fd as cwd was CVE-2024-21626. Call after the root is the container's.
Result<void> enter_cwd(const spec::Process& process);

// cwd entered, then env (with `extra_env` and HOME) and args[0] resolved, so a bad path fails
// before the caller is told the process is ready (runc and youki do the same).
Result<Payload> prepare_payload(const spec::Process& process,
                                const std::vector<std::string>& extra_env);

// Only stdio and fds 3 .. 3+preserve_fds-1 survive execve; everything else becomes CLOEXEC.
Result<void> seal_fds(int preserve_fds);

// When a process's linux.seccomp filter goes on. Loading needs CAP_SYS_ADMIN unless
// no_new_privs is set, so without it the filter goes on before the capabilities are dropped;
// with it, last, right before execve — unless a notify action needs the listener fd to reach the
// runtime before the process is reported ready.
enum class SeccompTiming { kNone, kWithCredentials, kLast };
struct SeccompPlan {
  const security::SeccompProgram* program = nullptr;  // built by the runtime, or nullptr
  SeccompTiming timing = SeccompTiming::kNone;
};
// Decided once per process, before any credential changes. `program` is linux.seccomp built by
// the runtime before the clone (build_seccomp_cached), nullptr for none.
SeccompPlan plan_seccomp(const security::SeccompProgram* program, const spec::Process& process);

// The bounding set, user and groups, capabilities and no_new_privs, in the order the kernel
// needs (and the filter first when its timing is kWithCredentials). A notify fd goes to the
// runtime over `sync` (kSeccompFd, answered by kSeccompDone).
Result<void> apply_credentials(const spec::Process& process, const SeccompPlan& seccomp,
                               SyncSocket& sync);

// The filter apply_credentials left for last (timing kLast).
Result<void> load_late_seccomp(const SeccompPlan& seccomp);

// execve. Returns only on failure, with the error naming args[0] as podman expects
// (`exec: "x": ...`).
Result<void> exec_payload(const Payload& payload);

}  // namespace cruntime::process

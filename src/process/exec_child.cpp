// The child side of `exec`: join the container, become its process, execve. Runs on a copy of
// the parent's stack: never return into the parent's frames, never throw.
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <sys/prctl.h>
#include <unistd.h>

#include <cerrno>

#include "cruntime/process/child_namespaces.hpp"
#include "cruntime/process/exec.hpp"
#include "cruntime/process/oom_score.hpp"
#include "cruntime/process/payload.hpp"
#include "cruntime/process/terminal.hpp"
#include "cruntime/sys/proc.hpp"
#include "cruntime/sys/syscalls.hpp"

namespace cruntime::process {
namespace {

Result<void> guard_against_parent_death(const ExecContext& context) {
  if (::prctl(PR_SET_PDEATHSIG, SIGKILL) != 0) return fail(Error::sys(errno, "prctl PDEATHSIG"));
  if (::getppid() != context.runtime_pid) return fail_msg("the runtime exited during exec");
  return {};
}

// Until execve this process runs the cruntime binary inside the container: non-dumpable, its
// /proc/<pid>/exe, fds and memory are closed to the container's processes (ptrace access
// checks against the host user namespace the binary was started in), so the host binary cannot
// be reached and rewritten through it (CVE-2019-5736). execve makes the payload dumpable again.
Result<void> become_undumpable() {
  if (::prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) != 0) return fail(Error::sys(errno, "prctl PR_SET_DUMPABLE"));
  return {};
}

// One setns(2) through the init's pidfd enters every namespace at once (kernel 5.8+), the user
// namespace first as the kernel orders it.
Result<void> join_namespaces(const ExecContext& context) {
  if (context.join_flags != 0 &&
      ::setns(context.init_pidfd, static_cast<int>(context.join_flags)) != 0) {
    return fail(Error::sys(errno, "join the container's namespaces (setns through the init's pidfd)"));
  }
  // The container shares our mount namespace: its root is a chroot of the init's.
  if (context.root_fd >= 0) {
    if (::fchdir(context.root_fd) != 0) return fail(Error::sys(errno, "fchdir to the container's root"));
    if (::chroot(".") != 0) return fail(Error::sys(errno, "chroot to the container's root"));
  }
  return {};
}

Result<void> fork_into_joined_namespaces(const ExecContext& context, SyncSocket& sync) {
  if ((context.join_flags & (CLONE_NEWPID | CLONE_NEWTIME)) == 0) return {};
  return fork_into_pending_namespaces(sync, "into the container");
}

// runc's exec'd processes get a session keyring of their own like the init's, so they never
// share the caller's.
Result<Payload> prepare(const ExecContext& context, SyncSocket& sync) {
  const spec::Process& process = *context.process;
  CR_TRY(guard_against_parent_death(context));
  CR_TRY(sync.expect(MsgType::kParentReady));
  CR_TRY(become_undumpable());
  // For the LSM label writes: the runtime's procfs, opened before joining, so whatever the
  // container did to its /proc (or having none) cannot redirect or stop them. Our task stays
  // visible in it, the container's pid namespace being a descendant of the runtime's (were it
  // not, thread-self would not resolve and the write fail: never an unlabelled process).
  UniqueFd proc;
  if (wants_lsm_labels(process)) proc = CR_TRY_CTX(sys::open_procfs(), "process LSM labels");
  // Before joining a user namespace, where lowering it would need CAP_SYS_RESOURCE of the host.
  if (process.oom_score_adj) CR_TRY_CTX(set_oom_score_adj(0, *process.oom_score_adj), "process.oomScoreAdj");
  CR_TRY(join_namespaces(context));
  CR_TRY(fork_into_joined_namespaces(context, sync));
  if (::setsid() < 0) return fail(Error::sys(errno, "setsid"));
  CR_TRY(label_new_keyrings(proc.get(), process));  // before the keyring is created (runc)
  CR_TRY(join_session_keyring(context.id));
  if (process.terminal.value_or(false)) {
    CR_TRY_CTX(setup_terminal(context.console_socket, process, ConsoleBinding::kLeaveDevConsole),
               "process.terminal");
  }
  close_inherited(context.console_socket);
  CR_TRY(apply_process_limits(*context.config, process));
  Payload payload = CR_TRY(prepare_payload(process, {}));
  CR_TRY(seal_fds(context.preserve_fds));
  const SeccompPlan seccomp = plan_seccomp(context.seccomp, process);
  // As in the init (child.cpp): the exec labels go on before any seccomp filter and the
  // credential changes, after everything else the runtime does in this process.
  CR_TRY(set_exec_labels(proc.get(), process));
  CR_TRY(apply_credentials(process, seccomp, sync));
  CR_TRY(load_late_seccomp(seccomp));
  return payload;
}

}  // namespace

[[noreturn]] void run_exec(const ExecContext& context, SyncSocket& sync) noexcept {
  // A foreground exec blocks the signals it forwards; the process starts with a clean mask.
  // Unchecked: sigprocmask fails only for an invalid `how` or set pointer, neither possible.
  sigset_t none;
  sigemptyset(&none);
  ::sigprocmask(SIG_SETMASK, &none, nullptr);
  auto payload = prepare(context, sync);
  // The death signal survives execve: an `exec -d` process must outlive the runtime.
  if (payload && ::prctl(PR_SET_PDEATHSIG, 0) != 0) {
    payload = fail(Error::sys(errno, "prctl PR_SET_PDEATHSIG 0"));
  }
  if (payload) {
    auto exec = exec_payload(*payload);
    sync.send_error(std::move(exec).error().with_context("exec failed"));
    _exit(255);
  }
  sync.send_error(std::move(payload).error().with_context("exec failed"));
  _exit(255);
}

}  // namespace cruntime::process

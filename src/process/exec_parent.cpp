// spawn_exec: clone the child that becomes an exec'd process and answer it until it execs.
#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>

#include "cruntime/process/exec.hpp"
#include "cruntime/process/init.hpp"
#include "cruntime/sys/proc.hpp"
#include "cruntime/sys/syscalls.hpp"

namespace cruntime::process {
namespace {

// Until EOF: every copy of the child's end is gone, i.e. the process has exec'd (CLOEXEC) and
// the intermediate has exited.
Result<void> serve(SyncSocket& sync, sys::ChildGuard& guard, const ExecCallbacks& callbacks) {
  for (;;) {
    std::optional<Msg> msg = CR_TRY(sync.recv_or_eof());
    if (!msg) return {};
    switch (msg->type) {
      case MsgType::kInitPid:
        CR_TRY(adopt_forked_child(guard, *msg));
        break;
      case MsgType::kSeccompFd:
        CR_TRY(forward_seccomp_fd(sync, *msg, guard.get(), callbacks.send_seccomp_fd));
        break;
      default:
        return fail_msg("sync: unexpected {} from the exec child", msg_type_name(msg->type));
    }
  }
}

}  // namespace

Result<pid_t> spawn_exec(const ExecContext& context, const ExecCallbacks& callbacks) {
  auto [parent_end, child_end] = CR_TRY(SyncSocket::make_pair());
  CR_TRY(sys::assert_single_threaded());
  std::fflush(nullptr);  // the child must not flush the parent's buffered output again

  // v2: the child is born in the container's cgroup, so everything it forks is too.
  auto cloned = sys::clone3(0, context.cgroup_fd);
  if (!cloned && cloned.error().code() == EBUSY && context.fallback_cgroup_fd >= 0) {
    cloned = sys::clone3(0, context.fallback_cgroup_fd);
  }
  if (!cloned) return fail(std::move(cloned).error().with_context("start the exec process"));
  sys::CloneResult clone = std::move(*cloned);
  if (clone.pid == 0) {
    parent_end.close();
    run_exec(context, child_end);  // [[noreturn]]
  }
  sys::ChildGuard guard(clone.pid);
  child_end.close();

  if (context.cgroup_fd < 0 && callbacks.attach_cgroup) {
    CR_TRY_CTX(callbacks.attach_cgroup(clone.pid), "cgroup");
  }
  if (callbacks.attach_resctrl) CR_TRY_CTX(callbacks.attach_resctrl(clone.pid), "linux.intelRdt");
  CR_TRY(parent_end.send(MsgType::kParentReady));
  CR_TRY(serve(parent_end, guard, callbacks));
  return guard.release();
}

}  // namespace cruntime::process

// spawn_init: clone the container init and answer its requests until it is ready (parent side).
#include <fcntl.h>
#include <sched.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <optional>

#include "cruntime/base/fs.hpp"
#include "cruntime/base/log.hpp"
#include "cruntime/base/strings.hpp"
#include "cruntime/process/hooks.hpp"
#include "cruntime/process/idmap.hpp"
#include "cruntime/process/init.hpp"
#include "cruntime/process/mount_sources.hpp"
#include "cruntime/process/net_devices.hpp"
#include "cruntime/process/oom_score.hpp"
#include "cruntime/security/seccomp_listener.hpp"
#include "cruntime/spec/io.hpp"
#include "cruntime/sys/proc.hpp"
#include "cruntime/sys/syscalls.hpp"

namespace cruntime::process {
namespace {

Result<void> write_maps_for(pid_t pid, const InitContext& context) {
  const auto& linux_config = context.config->linux_config;
  if (!linux_config) return {};
  return write_id_maps(pid, *linux_config);
}

// Written from here, before the init runs anything, so a user namespace cannot get in the way.
// Lowering below the current value needs CAP_SYS_RESOURCE (proc(5)).
Result<void> write_oom_score_adj(pid_t pid, const spec::Config& config) {
  if (!config.process || !config.process->oom_score_adj) return {};
  CR_TRY_CTX(set_oom_score_adj(pid, *config.process->oom_score_adj), "process.oomScoreAdj");
  return {};
}

// kHooksRequest: the init's mounts are done, it has not pivoted yet. runtime-tools and crun show
// "created" here; runc "creating" (cli-contract §13.5). cwd: the bundle (runc).
Result<void> run_create_hooks(const InitContext& context, pid_t init_pid) {
  const std::string state =
      spec::dump_state_for_hook(init_state(context, spec::Status::kCreated, init_pid));
  const auto& hooks = context.config->hooks;
  CR_TRY(run_hooks(hooks, HookKind::kPrestart, state, context.bundle));
  CR_TRY(run_hooks(hooks, HookKind::kCreateRuntime, state, context.bundle));
  return {};
}

// kSeccompFd: the agent sees the container still "creating".
Result<void> send_seccomp_fd(const InitContext& context, pid_t init_pid, int notify_fd) {
  const spec::Seccomp& seccomp = *context.config->linux_config->seccomp;
  return security::send_seccomp_listener(
      seccomp, init_state(context, spec::Status::kCreating, init_pid), init_pid, notify_fd);
}

// Until kReady; false when the init closed its end first (it died without a word).
Result<bool> serve(SyncSocket& sync, sys::ChildGuard& guard, const InitContext& context) {
  for (;;) {
    std::optional<Msg> received = CR_TRY(sync.recv_or_eof());
    if (!received) return false;
    Msg& msg = *received;
    switch (msg.type) {
      case MsgType::kIdMapRequest:
        CR_TRY(write_maps_for(guard.get(), context));
        CR_TRY(sync.send(MsgType::kIdMapDone));
        break;
      case MsgType::kInitPid:
        CR_TRY(adopt_forked_child(guard, msg));
        break;
      case MsgType::kMountSourcesRequest:
        CR_TRY(send_mount_sources(context, guard.get(), sync));
        break;
      case MsgType::kSeccompFd:
        CR_TRY(forward_seccomp_fd(sync, msg, guard.get(), [&context](pid_t pid, int fd) {
          return send_seccomp_fd(context, pid, fd);
        }));
        break;
      case MsgType::kHooksRequest:
        // The devices first: prestart hooks (CNI plugins among them) see the container's network.
        CR_TRY(move_net_devices(*context.config, guard.get()));
        CR_TRY(run_create_hooks(context, guard.get()));
        CR_TRY(sync.send(MsgType::kHooksDone));
        break;
      case MsgType::kReady:
        return true;
      default:
        return fail_msg("sync: unexpected {} from the init", msg_type_name(msg.type));
    }
  }
}

// The init died (or failed) during setup: kill and reap it; without a word of its own, say how
// it ended.
Error describe_death(std::optional<Error> error, sys::ChildGuard& guard) {
  pid_t pid = guard.release();
  ::kill(pid, SIGKILL);  // ESRCH (already dead) is the only failure; wait_pid reaps it either way
  auto status = sys::wait_pid(pid);
  if (error) return std::move(*error);
  if (!status) return Error::msg("container init exited during setup");
  return Error::msg(fmt::format("container init exited with status {} during setup",
                                sys::exit_code_of(*status)));
}

}  // namespace

bool init_needs_hooks_step(const spec::Config& config) {
  const bool devices = config.linux_config && config.linux_config->net_devices &&
                       !config.linux_config->net_devices->empty();
  if (devices) return true;
  if (!config.hooks) return false;
  return !hooks_of(*config.hooks, HookKind::kPrestart).empty() ||
         !hooks_of(*config.hooks, HookKind::kCreateRuntime).empty();
}

Result<void> adopt_forked_child(sys::ChildGuard& guard, const Msg& msg) {
  auto pid = strings::parse_int<pid_t>(msg.payload);
  if (!pid || *pid <= 0) return fail_msg("sync: bad child pid \"{}\"", msg.payload);
  pid_t intermediate = guard.release();
  guard.reset(*pid);
  int status = CR_TRY_CTX(sys::wait_pid(intermediate), "reap the intermediate child");
  if (sys::exit_code_of(status) != 0) return fail_msg("the intermediate child failed");
  return {};
}

Result<void> forward_seccomp_fd(SyncSocket& sync, const Msg& msg, pid_t pid,
                                const std::function<Result<void>(pid_t, int)>& send) {
  if (msg.fds.size() != 1) return fail_msg("sync: seccomp message without its fd");
  CR_TRY(send(pid, msg.fds[0].get()));
  CR_TRY(sync.send(MsgType::kSeccompDone));
  return {};
}

Result<InitHandle> spawn_init(const InitContext& context) {
  // Named ends rather than a structured binding: clang before 16 cannot capture one in the
  // lambda below (P1091), and the sanitizer/fuzz builds use Debian 12's clang 14.
  std::pair<SyncSocket, SyncSocket> ends = CR_TRY(SyncSocket::make_pair());
  SyncSocket& parent_end = ends.first;
  SyncSocket& child_end = ends.second;
  CR_TRY(sys::assert_single_threaded());
  std::fflush(nullptr);  // the child must not flush the parent's buffered output again

  // The init is in its cgroup before it runs any code: CLONE_INTO_CGROUP where the manager has a
  // directory fd (v2), else attach right after clone, before kParentReady (the plan's entry).
  const NamespacePlan& plan = context.plan;
  const bool clone_into = plan.cgroup_entry == CgroupEntry::kCloneInto;
  const bool attach = plan.cgroup_entry == CgroupEntry::kAttachAfterClone;
  const int cgroup_fd = clone_into ? context.cgroup->dir_fd() : -1;
  sys::CloneResult clone =
      CR_TRY_CTX(sys::clone3(plan.clone_flags, cgroup_fd), "create the container init");
  if (clone.pid == 0) {
    parent_end.close();
    run_init(context, child_end);  // [[noreturn]]
  }
  sys::ChildGuard guard(clone.pid);
  child_end.close();

  // The socket is a parameter: clang before 16 cannot capture a structured binding.
  auto served = [&](SyncSocket& sync) -> Result<bool> {
    if (context.plan.clone_flags & CLONE_NEWUSER) CR_TRY(write_maps_for(clone.pid, context));
    CR_TRY(write_oom_score_adj(clone.pid, *context.config));
    if (attach) CR_TRY_CTX(context.cgroup->attach(clone.pid), "cgroup");
    CR_TRY(sync.send(MsgType::kParentReady));
    return serve(sync, guard, context);
  }(parent_end);
  if (!served) return fail(describe_death(std::move(served).error(), guard));
  if (!*served) return fail(describe_death(std::nullopt, guard));

  InitHandle handle;
  handle.pid = guard.get();
  auto start_time = sys::process_start_time(handle.pid);
  if (!start_time) return fail_msg("container init {} vanished after setup", handle.pid);
  handle.start_time = *start_time;
  handle.sync = std::move(parent_end);
  guard.release();
  return handle;
}

Result<void> confirm_recorded(InitHandle& handle) {
  auto sent = handle.sync.send(MsgType::kRecorded);
  if (!sent) return fail(std::move(sent).error().with_context("container init"));
  // Its end closes last (child.cpp): after this EOF the init holds nothing of the host, so a
  // caller that inspects it once create has returned sees what it keeps while it waits.
  auto last = handle.sync.recv_or_eof();
  handle.sync.close();
  if (!last) return fail(std::move(last).error().with_context("container init"));
  if (*last) return fail_msg("sync: unexpected {} from the init", msg_type_name((*last)->type));
  return {};
}

}  // namespace cruntime::process

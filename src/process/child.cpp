// The container init after clone: sequencing only, one named step each (architecture.md "Child side").
// Runs on a copy of the parent's stack: never return into the parent's frames, never throw.
#include <fcntl.h>
#include <linux/keyctl.h>
#include <linux/magic.h>
#include <sched.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <csignal>

#include "cruntime/base/fs.hpp"
#include "cruntime/base/log.hpp"
#include "cruntime/process/child_namespaces.hpp"
#include "cruntime/process/hooks.hpp"
#include "cruntime/process/init.hpp"
#include "cruntime/process/process_setup.hpp"
#include "cruntime/process/terminal.hpp"
#include "cruntime/security/security.hpp"
#include "cruntime/spec/io.hpp"
#include "cruntime/spec/version.hpp"
#include "cruntime/sys/syscalls.hpp"

namespace cruntime::process {
namespace {

// What the init carries from setup to execve.
struct Payload {
  UniqueFd proc;  // the runtime's /proc, kept across pivot_root to reopen the exec fifo
  std::string path;
  std::vector<std::string> argv;
  std::vector<std::string> env;
};

Result<UniqueFd> open_procfs() {
  UniqueFd proc = CR_TRY(fs::open("/proc", O_PATH | O_DIRECTORY));
  struct statfs st{};
  if (::fstatfs(proc.get(), &st) != 0) return fail(Error::sys(errno, "statfs /proc"));
  if (st.f_type != PROC_SUPER_MAGIC) return fail_msg("/proc is not a procfs");
  return proc;
}

Result<void> guard_against_parent_death(const InitContext& context) {
  if (::prctl(PR_SET_PDEATHSIG, SIGKILL) != 0) return fail(Error::sys(errno, "prctl PDEATHSIG"));
  // The parent may have died between clone and prctl. In a new pid namespace getppid() is 0
  // (the parent is outside it); there the EOF on the sync socket tells the same story.
  pid_t parent = ::getppid();
  if (parent != 0 && parent != context.runtime_pid) return fail_msg("the runtime exited during create");
  return {};
}

Result<void> join_session_keyring(const InitContext& context) {
  if (context.no_new_keyring) return {};
  std::string name = "_ses." + context.id;
  if (::syscall(SYS_keyctl, KEYCTL_JOIN_SESSION_KEYRING, name.c_str()) < 0 && errno != ENOSYS) {
    return fail(Error::sys(errno, "join a new session keyring"));
  }
  return {};
}

std::string container_hook_state(const InitContext& context, spec::Status status) {
  spec::State state;
  state.oci_version = std::string(spec::kOciVersion);
  state.id = context.id;
  state.status = status;
  state.pid = ::getpid();  // as seen inside the container (spec: hooks in the container's pid ns)
  state.bundle = context.bundle;
  if (context.config->annotations) state.annotations = *context.config->annotations;
  return spec::dump_state_for_hook(state);
}

Result<void> run_create_container_hooks(const InitContext& context) {
  const auto& hooks = context.config->hooks;
  if (!hooks || !hooks->create_container) return {};
  std::string state = container_hook_state(context, spec::Status::kCreated);
  return run_hooks(*hooks->create_container, "createContainer", state, ".");
}

// After pivot_root, as the container user; a hook without env gets the container's env.
Result<void> run_start_container_hooks(const InitContext& context, const std::vector<std::string>& env) {
  const auto& hooks = context.config->hooks;
  if (!hooks || !hooks->start_container) return {};
  std::string state = container_hook_state(context, spec::Status::kCreated);
  return run_hooks(*hooks->start_container, "startContainer", state, "/", env);
}

Result<void> set_names(const spec::Config& config) {
  if (config.hostname && ::sethostname(config.hostname->data(), config.hostname->size()) != 0) {
    return fail(Error::sys(errno, "hostname: sethostname"));
  }
  if (config.domainname &&
      ::setdomainname(config.domainname->data(), config.domainname->size()) != 0) {
    return fail(Error::sys(errno, "domainname: setdomainname"));
  }
  return {};
}

Result<void> apply_process_limits(const spec::Config& config, const spec::Process& process) {
  if (process.rlimits) CR_TRY_CTX(apply_rlimits(*process.rlimits), "process.rlimits");
  if (process.scheduler) CR_TRY_CTX(apply_scheduler(*process.scheduler), "process.scheduler");
  if (process.io_priority) CR_TRY_CTX(apply_io_priority(*process.io_priority), "process.ioPriority");
  if (process.exec_cpu_affinity) {
    CR_TRY_CTX(apply_cpu_affinity(*process.exec_cpu_affinity), "process.execCPUAffinity");
  }
  if (config.linux_config && config.linux_config->personality) {
    CR_TRY_CTX(apply_personality(*config.linux_config->personality), "linux.personality");
  }
  return {};
}

// Without a mount namespace every mount would land in the host's: like runc, mount nothing and
// only change root. (validate() already refuses masked/read-only paths in this case.)
Result<void> chroot_without_mount_namespace(const spec::Config& config, const std::string& rootfs) {
  if (config.mounts && !config.mounts->empty()) {
    log::warn("no mount namespace in linux.namespaces: the {} entries of mounts are not mounted",
              config.mounts->size());
  }
  if (::chdir(rootfs.c_str()) != 0) return fail(Error::sys(errno, fmt::format("chdir {}", rootfs)));
  if (::chroot(".") != 0) return fail(Error::sys(errno, fmt::format("chroot {}", rootfs)));
  if (::chdir("/") != 0) return fail(Error::sys(errno, "chdir /"));
  return {};
}

// chdir into process.cwd and make sure the result is inside the container: a leaked host directory fd as cwd was CVE-2024-21626.
Result<void> create_missing_cwd(const spec::Process& process) {
  struct stat st{};
  if (::stat(process.cwd.c_str(), &st) == 0 || errno != ENOENT) return {};
  CR_TRY_CTX(fs::mkdir_p(process.cwd, 0755), "process.cwd");
  return {};
}

Result<void> enter_cwd(const spec::Process& process) {
  if (::chdir(process.cwd.c_str()) != 0) {
    return fail(Error::sys(errno, fmt::format("process.cwd: chdir {}", process.cwd)));
  }
  char buf[PATH_MAX];
  if (::getcwd(buf, sizeof buf) == nullptr || buf[0] != '/') {
    return fail_msg("process.cwd: {} is outside the container", process.cwd);
  }
  return {};
}

// Only stdio and the preserved fds survive execve; everything else of ours is CLOEXEC.
Result<void> seal_fds(const InitContext& context) {
  for (int fd = 3; fd < 3 + context.preserve_fds; ++fd) {
    if (::fcntl(fd, F_SETFD, 0) != 0) return fail(Error::sys(errno, fmt::format("preserve fd {}", fd)));
  }
  return sys::close_range_cloexec(static_cast<unsigned>(3 + context.preserve_fds));
}

Result<void> apply_credentials(const spec::Process& process, bool seccomp_early,
                               const spec::Seccomp* seccomp, SyncSocket& sync) {
  if (seccomp_early) {
    // Without no_new_privs, loading a filter needs CAP_SYS_ADMIN: do it before dropping caps.
    auto notify = CR_TRY_CTX(security::load_seccomp(*seccomp), "linux.seccomp");
    if (notify) {
      int fd = notify->get();
      CR_TRY(sync.send(MsgType::kSeccompFd, {}, std::span<const int>(&fd, 1)));
      CR_TRY(sync.expect(MsgType::kSeccompDone));
    }
  }
  spec::Capabilities none;
  const spec::Capabilities& caps = process.capabilities ? *process.capabilities : none;
  if (process.capabilities) CR_TRY_CTX(security::drop_bounding_set(caps), "process.capabilities");
  CR_TRY_CTX(security::switch_user(process.user), "process.user");
  if (process.capabilities) CR_TRY_CTX(security::apply_capabilities(caps), "process.capabilities");
  if (process.no_new_privileges.value_or(false)) CR_TRY(security::set_no_new_privs());
  return {};
}

// Steps 1-7: everything up to "ready". Returns the payload to exec after `start`.
Result<Payload> prepare(InitContext& context, SyncSocket& sync) {
  const spec::Config& config = *context.config;
  CR_TRY(guard_against_parent_death(context));
  CR_TRY(sync.expect(MsgType::kParentReady));
  CR_TRY(become_userns_root_if_new(context));
  // The parent has put us in the container's cgroup by now: make it our cgroup namespace's root.
  if (context.unshare_cgroup_ns && ::unshare(CLONE_NEWCGROUP) != 0) {
    return fail(Error::sys(errno, "unshare cgroup namespace"));
  }
  CR_TRY(join_and_unshare(context, sync));
  CR_TRY(second_fork_if_needed(context, sync));
  if (::setsid() < 0) return fail(Error::sys(errno, "setsid"));
  CR_TRY(join_session_keyring(context));
  if (config.linux_config && config.linux_config->sysctl) {
    CR_TRY_CTX(apply_sysctl(*config.linux_config->sysctl), "linux.sysctl");
  }
  bool own_mounts = context.plan.has(CLONE_NEWNS);
  if (own_mounts) CR_TRY_CTX(rootfs::prepare_rootfs(config, context.rootfs), "rootfs");
  CR_TRY(sync.send(MsgType::kHooksRequest));
  CR_TRY(sync.expect(MsgType::kHooksDone));
  CR_TRY(run_create_container_hooks(context));  // container namespaces, before pivot (spec)
  Payload payload;
  // The container may have no /proc at all (or one it controls): keep a handle on ours.
  payload.proc = CR_TRY_CTX(open_procfs(), "keep a /proc handle");
  if (own_mounts) {
    CR_TRY_CTX(rootfs::switch_root(context.rootfs), "rootfs");
  } else {
    CR_TRY(chroot_without_mount_namespace(config, context.rootfs.rootfs));
  }

  if (config.process && config.process->terminal.value_or(false)) {
    CR_TRY_CTX(setup_terminal(context.console_socket, *config.process), "process.terminal");
  }
  // The master went out in one message; the receiver waits for EOF (cli-contract §8.1).
  if (context.console_socket >= 0) ::close(context.console_socket);
  // A missing cwd is created (runc) before a read-only root makes that impossible.
  if (config.process) CR_TRY(create_missing_cwd(*config.process));
  if (own_mounts) CR_TRY_CTX(rootfs::finalize_rootfs(config, context.rootfs), "rootfs");
  CR_TRY(set_names(config));
  if (!config.process) return payload;  // create succeeds; start reports the missing process

  const spec::Process& process = *config.process;
  CR_TRY(apply_process_limits(config, process));
  CR_TRY(enter_cwd(process));
  payload.env = build_environment(process, context.extra_env);
  payload.argv = process.args.value_or(std::vector<std::string>{});
  if (payload.argv.empty()) return fail_msg("process.args: must not be empty");
  // Resolve now so a bad path fails `create` rather than `start` (runc and youki do the same).
  payload.path = CR_TRY(resolve_executable(payload.argv[0], payload.env));
  CR_TRY(seal_fds(context));

  const spec::Seccomp* seccomp = config.linux_config && config.linux_config->seccomp
                                     ? &*config.linux_config->seccomp
                                     : nullptr;
  bool nnp = process.no_new_privileges.value_or(false);
  // With no_new_privs the filter goes on last, right before execve, unless it has a notify
  // action: then the fd must reach the parent before `create` returns.
  bool seccomp_early = seccomp != nullptr && (!nnp || security::seccomp_uses_notify(*seccomp));
  CR_TRY(apply_credentials(process, seccomp_early, seccomp, sync));
  return payload;
}

// Block until `start` opens the fifo, then tell it we were released.
Result<UniqueFd> wait_for_start(const InitContext& context, const Payload& payload) {
  std::string path = fmt::format("self/fd/{}", context.exec_fifo);
  UniqueFd fifo = CR_TRY_CTX(fs::open_at(payload.proc.get(), path, O_WRONLY), "reopen the exec fifo");
  CR_TRY_CTX(fs::write_all(fifo.get(), "0"), "write the exec fifo");
  return fifo;
}

Result<void> exec_payload(const InitContext& context, const Payload& payload) {
  const spec::Config& config = *context.config;
  if (!config.process) return fail_msg("process: not set in config.json, nothing to start");
  const spec::Process& process = *config.process;
  const spec::Seccomp* seccomp = config.linux_config && config.linux_config->seccomp
                                     ? &*config.linux_config->seccomp
                                     : nullptr;
  if (seccomp != nullptr && process.no_new_privileges.value_or(false) &&
      !security::seccomp_uses_notify(*seccomp)) {
    CR_TRY_CTX(security::load_seccomp(*seccomp), "linux.seccomp");
  }
  CR_TRY(run_start_container_hooks(context, payload.env));
  std::vector<char*> argv;
  for (const auto& a : payload.argv) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  std::vector<char*> envp;
  for (const auto& e : payload.env) envp.push_back(const_cast<char*>(e.c_str()));
  envp.push_back(nullptr);
  ::execve(payload.path.c_str(), argv.data(), envp.data());
  return fail(Error::sys(errno, fmt::format("exec: \"{}\"", payload.argv[0])));
}

}  // namespace

[[noreturn]] void run_init(InitContext& context, SyncSocket& sync) noexcept {
  // The flock on the state dir belongs to the open file description we share with the parent:
  // keeping it would make `start` wait on a lock held by the init itself.
  if (context.state_dir_fd >= 0) ::close(context.state_dir_fd);
  // `run` blocks signals it forwards; the container starts with a clean mask.
  sigset_t none;
  sigemptyset(&none);
  ::sigprocmask(SIG_SETMASK, &none, nullptr);
  auto payload = prepare(context, sync);
  if (!payload) {
    sync.send_error(std::move(payload).error().with_context("container init"));
    _exit(1);
  }
  // `create` exits as soon as it reads kReady, and the init must outlive it: clear the death
  // signal first, or a fast parent exit kills us in between.
  ::prctl(PR_SET_PDEATHSIG, 0);
  if (auto ready = sync.send(MsgType::kReady); !ready) _exit(1);
  sync.close();

  auto fifo = wait_for_start(context, *payload);
  if (!fifo) _exit(1);
  auto exec = exec_payload(context, *payload);
  // Only failures get here. `start` reads the rest of the fifo: anything after "0" is an error.
  std::string message = exec.error().to_string();
  (void)fs::write_all(fifo->get(), message);
  _exit(127);
}

}  // namespace cruntime::process

// The container init after clone: sequencing only, one named step each (architecture.md "Child side").
// Runs on a copy of the parent's stack: never return into the parent's frames, never throw.
#include <fcntl.h>
#include <sched.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>

#include "cruntime/base/fs.hpp"
#include "cruntime/base/log.hpp"
#include "cruntime/base/sanitizer.hpp"
#include "cruntime/process/child_namespaces.hpp"
#include "cruntime/process/hooks.hpp"
#include "cruntime/process/init.hpp"
#include "cruntime/process/mount_sources.hpp"
#include "cruntime/process/payload.hpp"
#include "cruntime/process/sysctl.hpp"
#include "cruntime/process/terminal.hpp"
#include "cruntime/spec/io.hpp"
#include "cruntime/sys/proc.hpp"
#include "cruntime/sys/syscalls.hpp"

namespace cruntime::process {
namespace {

// What the init carries from setup to execve.
struct InitPayload {
  UniqueFd proc;  // the runtime's /proc, kept across pivot_root to reopen the exec fifo
  Payload exec;
  SeccompPlan seccomp;  // decided once: part goes on with the credentials, part before execve
};

Result<void> guard_against_parent_death(const InitContext& context) {
  if (::prctl(PR_SET_PDEATHSIG, SIGKILL) != 0) return fail(Error::sys(errno, "prctl PDEATHSIG"));
  // The parent may have died between clone and prctl. In a new pid namespace getppid() is 0
  // (the parent is outside it); there the EOF on the sync socket tells the same story.
  pid_t parent = ::getppid();
  if (parent != 0 && parent != context.runtime_pid) return fail_msg("the runtime exited during create");
  return {};
}

// The pid as seen inside the container (runtime.md: these hooks run in its namespaces).
std::string container_state_json(const InitContext& context) {
  return spec::dump_state_for_hook(init_state(context, spec::Status::kCreated, ::getpid()));
}

// In the container namespaces, after the mounts, before pivot_root (runtime.md).
Result<void> run_create_container_hooks(const InitContext& context) {
  return run_hooks(context.config->hooks, HookKind::kCreateContainer, container_state_json(context),
                   ".");
}

// After pivot_root, as the container user; a hook without env gets the container's env.
Result<void> run_start_container_hooks(const InitContext& context, const std::vector<std::string>& env) {
  return run_hooks(context.config->hooks, HookKind::kStartContainer, container_state_json(context),
                   "/", &env);
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

// runc creates a missing process.cwd (0755).
Result<void> create_missing_cwd(const spec::Process& process) {
  struct stat st{};
  if (::stat(process.cwd.c_str(), &st) == 0 || errno != ENOENT) return {};
  CR_TRY_CTX(fs::mkdir_p(process.cwd, 0755), "process.cwd");
  return {};
}

// A new session keyring (runc's "_ses.<id>"), labelled with process.selinuxLabel: keycreate is
// written first, through the procfs we still share with the host (the rootfs is not up yet).
Result<void> new_session_keyring(const InitContext& context) {
  const spec::Config& config = *context.config;
  if (config.process && config.process->selinux_label.value_or("") != "") {
    UniqueFd proc = CR_TRY_CTX(sys::open_procfs(), "process.selinuxLabel");
    CR_TRY(label_new_keyrings(proc.get(), *config.process));
  }
  return join_session_keyring(context.id);
}

// Steps 1-7: everything up to "ready". Returns the payload to exec after `start`.
Result<InitPayload> prepare(const InitContext& context, SyncSocket& sync) {
  const spec::Config& config = *context.config;
  CR_TRY(guard_against_parent_death(context));
  CR_TRY(sync.expect(MsgType::kParentReady));
  CR_TRY(become_userns_root_if_new(context));
  // The parent has put us in the container's cgroup by now: make it our cgroup namespace's root.
  if (context.plan.unshare_cgroup_after_attach && ::unshare(CLONE_NEWCGROUP) != 0) {
    return fail(Error::sys(errno, "unshare cgroup namespace"));
  }
  CR_TRY(join_and_unshare(context, sync));
  CR_TRY(second_fork_if_needed(context, sync));
  // Bind sources the user namespace may not reach, opened by the runtime (mount_sources.cpp);
  // asked for now, while the runtime may still open our /proc/<pid>/root (not dumpable below).
  std::vector<UniqueFd> bind_sources = CR_TRY(receive_mount_sources(context, sync));
  // security.md promise 4: from here the init runs the runtime's binary inside the container;
  // an `exec` into the created container must not reach it through /proc/1/exe (CVE-2019-5736).
  // Not earlier: the parent writes our id maps and oom_score_adj through /proc first.
  if (::prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) != 0) return fail(Error::sys(errno, "prctl PR_SET_DUMPABLE"));
  if (::setsid() < 0) return fail(Error::sys(errno, "setsid"));
  if (!context.no_new_keyring) CR_TRY(new_session_keyring(context));
  if (config.linux_config && config.linux_config->sysctl) {
    CR_TRY_CTX(apply_sysctl(*config.linux_config->sysctl), "linux.sysctl");
  }
  bool own_mounts = context.plan.has(CLONE_NEWNS);
  if (own_mounts) {
    rootfs::RootfsOptions options = context.rootfs;
    options.bind_source_fds = borrowed_fds(bind_sources);
    CR_TRY_CTX(rootfs::prepare_rootfs(config, options), "rootfs");
  }
  bind_sources.clear();  // mounted: no handle on the host outlives this step
  if (init_needs_hooks_step(config)) {
    CR_TRY(sync.send(MsgType::kHooksRequest));
    CR_TRY(sync.expect(MsgType::kHooksDone));
  }
  CR_TRY(run_create_container_hooks(context));  // container namespaces, before pivot (spec)
  InitPayload payload;
  // The container may have no /proc at all (or one it controls): keep a handle on ours.
  UniqueFd runtime_proc = CR_TRY_CTX(sys::open_procfs(), "keep a /proc handle");
  if (own_mounts) {
    CR_TRY_CTX(rootfs::switch_root(context.rootfs), "rootfs");
  } else {
    CR_TRY(chroot_without_mount_namespace(config, context.rootfs.rootfs));
  }

  if (config.process && config.process->terminal.value_or(false)) {
    CR_TRY_CTX(setup_terminal(context.console_socket, *config.process, ConsoleBinding::kBindDevConsole),
               "process.terminal");
  }
  // The master went out in one message; the receiver waits for EOF (cli-contract §8.1).
  close_inherited(context.console_socket);
  // A missing cwd is created (runc) before a read-only root makes that impossible.
  if (config.process) CR_TRY(create_missing_cwd(*config.process));
  if (own_mounts) CR_TRY_CTX(rootfs::finalize_rootfs(config, context.rootfs), "rootfs");
  // While it waits, the init must hold nothing of the host (security.md promise 3): the
  // container's own procfs serves as well to reopen the fifo, whose identity wait_for_start
  // checks. Only a container without a /proc keeps the runtime's.
  auto own = sys::open_procfs();
  payload.proc = own ? std::move(*own) : std::move(runtime_proc);
  CR_TRY(set_names(config));
  if (!config.process) return payload;  // create succeeds; start reports the missing process

  const spec::Process& process = *config.process;
  CR_TRY(apply_process_limits(config, process));
  payload.exec = CR_TRY(prepare_payload(process, context.extra_env));
  CR_TRY(seal_fds(context.preserve_fds));
  payload.seccomp = plan_seccomp(context.seccomp, process);
  // The AppArmor profile and SELinux label take effect at execve; written now, after the
  // createContainer hooks (runc: the startContainer hooks run under them) and before
  // apply_credentials, which may load a seccomp filter first thing (one that denies open or
  // write would make the writes fail). Neither is undone by the user and capability changes
  // nor by the wait for `start`. Through the runtime's procfs, which no option of the
  // container's /proc mount (ro, hidepid, subset=pid) shapes; it closes on return, before
  // the wait (promise 3).
  const UniqueFd& label_proc = runtime_proc ? runtime_proc : payload.proc;
  CR_TRY(set_exec_labels(label_proc.get(), process));
  CR_TRY(apply_credentials(process, payload.seccomp, sync));
  return payload;
}

// Block until `start` opens the fifo, then tell it we were released.
Result<UniqueFd> wait_for_start(const InitContext& context, const InitPayload& payload) {
  std::string path = fmt::format("self/fd/{}", context.exec_fifo);
  UniqueFd fifo = CR_TRY_CTX(fs::open_at(payload.proc.get(), path, O_WRONLY), "reopen the exec fifo");
  struct stat opened {};
  struct stat expected {};
  if (::fstat(fifo.get(), &opened) != 0 || ::fstat(context.exec_fifo, &expected) != 0 ||
      opened.st_dev != expected.st_dev || opened.st_ino != expected.st_ino) {
    return fail_msg("reopen the exec fifo: /proc/{} is not the fifo", path);
  }
  CR_TRY_CTX(fs::write_all(fifo.get(), "0"), "write the exec fifo");
  return fifo;
}

// Before waiting: nothing but stdio, the preserved fds, the fifo and the /proc handle stays
// open — not the --log file, the state root or any other fd the runtime had at clone. The sync
// socket too, for the last exchange (run_init closes it).
Result<void> close_host_fds(const InitContext& context, const InitPayload& payload, int sync_fd) {
  log::close_file();
  sanitizer::release_report_file();  // a host file too: later reports go to the init's stderr
  return sys::close_fds_except({context.exec_fifo, payload.proc.get(), sync_fd},
                               static_cast<unsigned>(3 + context.preserve_fds));
}

Result<void> start_payload(const InitContext& context, const InitPayload& payload) {
  const spec::Config& config = *context.config;
  if (!config.process) return fail_msg("process: not set in config.json, nothing to start");
  CR_TRY(load_late_seccomp(payload.seccomp));
  CR_TRY(run_start_container_hooks(context, payload.exec.env));
  return exec_payload(payload.exec);
}

}  // namespace

[[noreturn]] void run_init(const InitContext& context, SyncSocket& sync) noexcept {
  // The flock on the state dir belongs to the open file description we share with the parent:
  // keeping it would make `start` wait on a lock held by the init itself.
  close_inherited(context.state_dir_fd);
  // `run` blocks signals it forwards; the container starts with a clean mask. Unchecked:
  // sigprocmask fails only for an invalid `how` or set pointer (EINVAL/EFAULT), neither possible.
  sigset_t none;
  sigemptyset(&none);
  ::sigprocmask(SIG_SETMASK, &none, nullptr);
  auto payload = prepare(context, sync);
  if (!payload) {
    sync.send_error(std::move(payload).error().with_context("container init"));
    _exit(1);
  }
  // `create` exits as soon as it has recorded us (kRecorded), and the init must outlive it: clear
  // the death signal first, or a fast parent exit kills us in between.
  if (::prctl(PR_SET_PDEATHSIG, 0) != 0) {
    sync.send_error(Error::sys(errno, "prctl PR_SET_PDEATHSIG 0").with_context("container init"));
    _exit(1);
  }
  // Closed before kReady, so that once `create` returns the init holds nothing of the host but
  // the sync socket, and `create` returns only once that is closed too (confirm_recorded).
  if (!close_host_fds(context, *payload, sync.fd())) _exit(1);
  if (auto ready = sync.send(MsgType::kReady); !ready) _exit(1);
  // EOF instead: the runtime died before it recorded our pid, and no `start`, `kill` or `delete`
  // could find us (a cgroup-less container least of all). Exit rather than wait forever.
  if (auto recorded = sync.expect(MsgType::kRecorded); !recorded) _exit(1);
  sync.close();

  auto fifo = wait_for_start(context, *payload);
  if (!fifo) _exit(1);
  auto exec = start_payload(context, *payload);
  // Only failures get here. `start` reads the rest of the fifo: anything after "0" is an error.
  std::string message = exec.error().to_string();
  (void)fs::write_all(fifo->get(), message);
  _exit(127);
}

}  // namespace cruntime::process

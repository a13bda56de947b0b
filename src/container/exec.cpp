// `exec`: start another process in a created or running container (cli-contract §7.4).
#include <fcntl.h>
#include <sched.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <optional>

#include "cruntime/base/fs.hpp"
#include "cruntime/cgroup/resctrl.hpp"
#include "cruntime/container/exec_cgroup.hpp"
#include "cruntime/container/seccomp_program.hpp"
#include "cruntime/container/exec_process.hpp"
#include "cruntime/container/foreground.hpp"
#include "cruntime/container/lifecycle.hpp"
#include "cruntime/container/prepare_bundle.hpp"
#include "cruntime/container/rootless.hpp"
#include "cruntime/process/console_relay.hpp"
#include "cruntime/process/exec.hpp"
#include "cruntime/process/namespaces.hpp"
#include "cruntime/security/lsm.hpp"
#include "cruntime/security/seccomp_listener.hpp"
#include "cruntime/spec/io.hpp"
#include "cruntime/spec/validate.hpp"
#include "cruntime/sys/fd_passing.hpp"
#include "cruntime/sys/proc.hpp"
#include "cruntime/sys/syscalls.hpp"

namespace cruntime::container {
namespace {

Result<void> check_status(const Container& container, const ExecOptions& options) {
  spec::Status status = CR_TRY(container.status());
  if (status == spec::Status::kStopped) return fail_msg("cannot exec in a stopped container");
  if (status == spec::Status::kCreating) {
    return fail_msg("cannot exec in a container that is still being created");
  }
  if (status == spec::Status::kPaused && !options.ignore_paused) {
    return fail_msg("cannot exec in a paused container (use --ignore-paused to wait for resume)");
  }
  return {};
}

// -p FILE as it is, else the bundle's config.json process (runc re-reads it) with the flags.
Result<spec::Process> exec_process(const Container& container, const ExecOptions& options) {
  if (!options.process_file.empty()) {
    std::string text = CR_TRY_CTX(fs::read_file(options.process_file, spec::kMaxConfigBytes),
                                  "--process {}", options.process_file);
    spec::Process process = CR_TRY(spec::parse_process(text, options.process_file));
    CR_TRY(spec::check_process(process, options.process_file));
    return process;
  }
  std::string path = container.stored().bundle + "/config.json";
  spec::Config config = CR_TRY(spec::load_config(path));
  if (!config.process) return fail_msg("{}: process: missing, there is no template for exec", path);
  spec::Process process = CR_TRY(apply_exec_overrides(*config.process, options));
  CR_TRY(spec::check_process(process, "exec"));
  return process;
}

Result<void> check_terminal(const spec::Process& process, const ExecOptions& options) {
  bool tty = process.terminal.value_or(false);
  if (!options.console_socket.empty() && !(tty && options.detach)) {
    return fail_msg("--console-socket: only used with a terminal (-t) and --detach");
  }
  if (tty && options.detach && options.console_socket.empty()) {
    return fail_msg("-t with --detach needs --console-socket to hand the terminal to");
  }
  return {};
}

// The init's namespaces that are not ours: what the exec'd process joins.
Result<uint64_t> namespaces_to_join(pid_t init) {
  uint64_t flags = 0;
  for (spec::NamespaceType type : spec::namespace_types()) {
    std::string_view file = process::namespace_proc_file(type);
    struct stat theirs {};
    struct stat ours {};
    if (::stat(fmt::format("/proc/{}/ns/{}", init, file).c_str(), &theirs) != 0) {
      if (errno == ENOENT) continue;  // a namespace type this kernel does not have
      return fail(Error::sys(errno, fmt::format("stat /proc/{}/ns/{}", init, file)));
    }
    if (::stat(fmt::format("/proc/self/ns/{}", file).c_str(), &ours) != 0) {
      return fail(Error::sys(errno, fmt::format("stat /proc/self/ns/{}", file)));
    }
    if (theirs.st_ino != ours.st_ino || theirs.st_dev != ours.st_dev) {
      flags |= static_cast<uint64_t>(process::namespace_clone_flag(type));
    }
  }
  return flags;
}

// A pidfd of the init, taken before its start time is checked again, so it cannot name a
// process that reused the pid (security.md promise 8).
Result<UniqueFd> open_init(const Container& container) {
  const spec::StoredState& stored = container.stored();
  auto pidfd = sys::pidfd_open(stored.init_pid);
  if (!pidfd || !sys::is_alive(stored.init_pid, stored.init_start_time)) {
    return fail_msg("cannot exec in a stopped container");
  }
  return std::move(*pidfd);
}

// Everything the exec'd process needs, opened and checked by the runtime before the clone.
struct Prepared {
  spec::Config config;  // the snapshot taken at create: seccomp, personality
  std::optional<security::SeccompProgram> seccomp;  // its linux.seccomp, built
  spec::Process process;
  UniqueFd init_pidfd;
  UniqueFd root;  // the init's root when the container shares our mount namespace
  uint64_t join_flags = 0;
  ExecCgroup cgroup;
  UniqueFd console;
};

Result<Prepared> prepare(const StateRoot& root, const Container& container,
                         const ExecOptions& options) {
  CR_TRY(check_status(container, options));
  Prepared prepared;
  prepared.config = CR_TRY(load_snapshot(container));
  prepared.process = CR_TRY(exec_process(container, options));
  prepared.seccomp = CR_TRY(build_container_seccomp(prepared.config, root));
  CR_TRY(check_additional_gids(::geteuid(), prepared.process.user));
  CR_TRY(check_lsm_labels(prepared.process, security::host_lsm_support()));
  CR_TRY(check_terminal(prepared.process, options));
  CR_TRY(check_preserved_fds(options.preserve_fds));
  prepared.init_pidfd = CR_TRY(open_init(container));
  pid_t init = container.stored().init_pid;
  prepared.join_flags = CR_TRY(namespaces_to_join(init));
  if ((prepared.join_flags & CLONE_NEWNS) == 0) {
    prepared.root = CR_TRY(fs::open(fmt::format("/proc/{}/root", init), O_PATH | O_DIRECTORY));
  }
  prepared.cgroup = CR_TRY(ExecCgroup::open(container.stored(), options.cgroups, init));
  if (!options.console_socket.empty()) {
    prepared.console = CR_TRY_CTX(sys::connect_unix(options.console_socket), "--console-socket");
  }
  return prepared;
}

process::ExecCallbacks make_callbacks(const Container& container, const Prepared& prepared) {
  process::ExecCallbacks callbacks;
  callbacks.attach_cgroup = [&prepared](pid_t pid) { return prepared.cgroup.attach(pid); };
  // runc too: an exec'd process shares the container's resctrl group (linux.intelRdt).
  if (!container.stored().resctrl_group.empty()) {
    callbacks.attach_resctrl = [&container](pid_t pid) {
      return cgroup::attach_resctrl(cgroup::stored_resctrl(container.stored()), pid);
    };
  }
  callbacks.send_seccomp_fd = [&container, &prepared](pid_t pid, int fd) -> Result<void> {
    spec::State state = hook_state(container.stored(), spec::Status::kRunning, pid);
    return security::send_seccomp_listener(*prepared.config.linux_config->seccomp, state, pid, fd);
  };
  return callbacks;
}

}  // namespace

Result<int> exec(const GlobalOptions& global, std::string_view id, const ExecOptions& options) {
  // The root once: the container's directory and the seccomp program cache are both in it.
  StateRoot root = CR_TRY(Container::open_root(global, id));
  Container container = CR_TRY(Container::load(root, id));
  Prepared prepared = CR_TRY(prepare(root, container, options));
  bool foreground = !options.detach;
  if (foreground && !options.no_subreaper && ::prctl(PR_SET_CHILD_SUBREAPER, 1) != 0) {
    return fail(Error::sys(errno, "prctl PR_SET_CHILD_SUBREAPER"));
  }
  // Blocked before the clone so no signal is lost; the process unblocks them for itself.
  std::optional<BlockedSignals> signals;
  if (foreground) signals.emplace(CR_TRY(BlockedSignals::block()));
  // Declared after `signals`: the terminal is restored before the signal mask is.
  std::optional<process::ConsoleRelay> relay;
  if (foreground && prepared.process.terminal.value_or(false)) {
    relay.emplace(CR_TRY(process::ConsoleRelay::open()));
  }

  process::ExecContext context;
  context.config = &prepared.config;
  context.process = &prepared.process;
  context.seccomp = prepared.seccomp ? &*prepared.seccomp : nullptr;
  context.id = std::string(id);
  context.init_pidfd = prepared.init_pidfd.get();
  context.join_flags = prepared.join_flags;
  context.root_fd = prepared.root.get();
  context.cgroup_fd = prepared.cgroup.dir_fd();
  context.fallback_cgroup_fd = prepared.cgroup.fallback_fd();
  context.console_socket = relay ? relay->init_socket() : prepared.console.get();
  context.preserve_fds = options.preserve_fds;
  context.runtime_pid = ::getpid();
  sys::ChildGuard process(CR_TRY(process::spawn_exec(context, make_callbacks(container, prepared))));

  if (relay) CR_TRY(relay->attach());
  CR_TRY(send_pidfd(options.pidfd_socket, process.get(), "setns"));
  CR_TRY(write_pid_file(options.pid_file, process.get()));
  if (!foreground) {
    process.release();  // the caller (or its subreaper) reaps it
    return 0;
  }
  pid_t pid = process.release();
  if (relay) {
    return process::relay_until_exit(*relay, signals->fd(),
                                     [pid](int signo) { return handle_signal(signo, pid); });
  }
  return wait_forwarding(*signals, pid);
}

}  // namespace cruntime::container

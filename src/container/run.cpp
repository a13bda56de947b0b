// `run`: create + start; in the foreground forward signals, reap, delete, and return the status.
#include <signal.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <optional>

#include "cruntime/base/log.hpp"
#include "cruntime/container/lifecycle.hpp"
#include "cruntime/process/console_relay.hpp"
#include "cruntime/sys/syscalls.hpp"

namespace cruntime::container {
namespace {

// Signals the foreground run forwards (everything but those it cannot catch or that mean a bug
// in cruntime itself), plus SIGCHLD for reaping.
sigset_t forwarded_signals() {
  sigset_t set;
  sigfillset(&set);
  for (int signo : {SIGKILL, SIGSTOP, SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT, SIGTRAP, SIGSYS}) {
    sigdelset(&set, signo);
  }
  return set;
}

class BlockedSignals {
 public:
  static Result<BlockedSignals> block() {
    BlockedSignals b;
    sigset_t set = forwarded_signals();
    if (::sigprocmask(SIG_BLOCK, &set, &b.old_) != 0) return fail(Error::sys(errno, "sigprocmask"));
    b.active_ = true;
    int fd = ::signalfd(-1, &set, SFD_CLOEXEC);
    if (fd < 0) return fail(Error::sys(errno, "signalfd"));
    b.fd_.reset(fd);
    return b;
  }
  BlockedSignals() = default;
  BlockedSignals(BlockedSignals&& other) noexcept
      : fd_(std::move(other.fd_)), old_(other.old_), active_(std::exchange(other.active_, false)) {}
  BlockedSignals& operator=(BlockedSignals&&) = delete;
  ~BlockedSignals() {
    if (active_) ::sigprocmask(SIG_SETMASK, &old_, nullptr);
  }
  int fd() const { return fd_.get(); }

 private:
  UniqueFd fd_;
  sigset_t old_{};
  bool active_ = false;
};

// Reap children until the init is among them; other children (orphans adopted as subreaper)
// are reaped and ignored.
Result<std::optional<int>> reap(pid_t init) {
  for (;;) {
    int status = 0;
    pid_t pid = ::waitpid(-1, &status, WNOHANG | __WALL);
    if (pid == 0 || (pid < 0 && errno == ECHILD)) return std::optional<int>();
    if (pid < 0 && errno == EINTR) continue;
    if (pid < 0) return fail(Error::sys(errno, "waitpid"));
    if (pid == init) return std::optional<int>(sys::exit_code_of(status));
  }
}

// One signal in the foreground wait: SIGCHLD reaps (the exit code once the init is reaped),
// anything else goes to the init.
Result<std::optional<int>> handle_signal(int signo, pid_t init) {
  if (signo == SIGCHLD) return reap(init);
  // The init is our child and not yet reaped, so its pid cannot have been reused.
  if (::kill(init, signo) != 0 && errno != ESRCH) log::warn("forward signal {}: errno {}", signo, errno);
  return std::optional<int>();
}

Result<int> wait_forwarding(const BlockedSignals& signals, pid_t init) {
  for (;;) {
    signalfd_siginfo info{};
    ssize_t n = ::read(signals.fd(), &info, sizeof info);
    if (n < 0 && errno == EINTR) continue;
    if (n != static_cast<ssize_t>(sizeof info)) return fail(Error::sys(errno, "read signalfd"));
    auto code = CR_TRY(handle_signal(static_cast<int>(info.ssi_signo), init));
    if (code) return *code;
  }
}

Result<void> start_or_destroy(const GlobalOptions& global, std::string_view id) {
  Container container = CR_TRY(Container::load(global, id, LockMode::kExclusive));
  auto started = start_container(container);
  if (started) return {};
  // Any run that fails is destroyed (cli-contract §7.3).
  if (auto destroyed = destroy_container(global, container); !destroyed) {
    log::warn("cleanup: {}", destroyed.error().to_string());
  }
  return fail(std::move(started).error());
}

}  // namespace

Result<int> run(const GlobalOptions& global, std::string_view id, const RunOptions& options) {
  PreparedBundle prepared = CR_TRY(prepare_bundle(id, options.create));
  if (!options.detach && !options.no_subreaper && ::prctl(PR_SET_CHILD_SUBREAPER, 1) != 0) {
    return fail(Error::sys(errno, "prctl PR_SET_CHILD_SUBREAPER"));
  }
  // Blocked before the clone so no signal is lost; the init unblocks them for itself.
  std::optional<BlockedSignals> signals;
  if (!options.detach) signals.emplace(CR_TRY(BlockedSignals::block()));
  // Foreground with a terminal: we are the console socket's receiver and relay the pty.
  // Declared after `signals`: the terminal is restored before the signal mask is.
  std::optional<process::ConsoleRelay> relay;
  CreateOptions create = options.create;
  if (!options.detach && create.console_socket.empty() && wants_terminal(*prepared.config)) {
    relay.emplace(CR_TRY(process::ConsoleRelay::open()));
    create.console_socket_fd = relay->init_socket();
  }

  CreatedContainer created = CR_TRY(create_container(global, id, create, std::move(prepared)));
  if (relay) {
    if (auto attached = relay->attach(); !attached) {
      auto container = Container::load(global, id, LockMode::kExclusive);
      if (container) (void)destroy_container(global, *container);
      return fail(std::move(attached).error());
    }
  }
  CR_TRY(start_or_destroy(global, id));
  if (options.detach) return 0;

  pid_t init = created.init_pid;
  int code = relay ? CR_TRY(process::relay_until_exit(*relay, signals->fd(),
                                                      [init](int signo) { return handle_signal(signo, init); }))
                   : CR_TRY(wait_forwarding(*signals, init));
  relay.reset();
  if (!options.keep) {
    Container container = CR_TRY(Container::load(global, id, LockMode::kExclusive));
    CR_TRY(destroy_container(global, container));
  }
  return code;
}

}  // namespace cruntime::container

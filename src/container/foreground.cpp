// The foreground wait shared by `run` and `exec`: forward signals, reap, the exit code.
#include "cruntime/container/foreground.hpp"

#include <sys/signalfd.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>

#include "cruntime/base/log.hpp"
#include "cruntime/sys/syscalls.hpp"

namespace cruntime::container {
namespace {

sigset_t forwarded_signals() {
  sigset_t set;
  sigfillset(&set);
  for (int signo : {SIGKILL, SIGSTOP, SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT, SIGTRAP, SIGSYS}) {
    sigdelset(&set, signo);
  }
  return set;
}

Result<std::optional<int>> reap(pid_t main) {
  for (;;) {
    int status = 0;
    pid_t pid = ::waitpid(-1, &status, WNOHANG | __WALL);
    if (pid == 0 || (pid < 0 && errno == ECHILD)) return std::optional<int>();
    if (pid < 0 && errno == EINTR) continue;
    if (pid < 0) return fail(Error::sys(errno, "waitpid"));
    if (pid == main) return std::optional<int>(sys::exit_code_of(status));
  }
}

}  // namespace

Result<BlockedSignals> BlockedSignals::block() {
  BlockedSignals b;
  sigset_t set = forwarded_signals();
  if (::sigprocmask(SIG_BLOCK, &set, &b.old_) != 0) return fail(Error::sys(errno, "sigprocmask"));
  b.active_ = true;
  int fd = ::signalfd(-1, &set, SFD_CLOEXEC);
  if (fd < 0) return fail(Error::sys(errno, "signalfd"));
  b.fd_.reset(fd);
  return b;
}

BlockedSignals::~BlockedSignals() {
  if (active_) ::sigprocmask(SIG_SETMASK, &old_, nullptr);
}

Result<std::optional<int>> handle_signal(int signo, pid_t main) {
  if (signo == SIGCHLD) return reap(main);
  // `main` is our child and not yet reaped, so its pid cannot have been reused.
  if (::kill(main, signo) != 0 && errno != ESRCH) log::warn("forward signal {}: errno {}", signo, errno);
  return std::optional<int>();
}

Result<int> wait_forwarding(const BlockedSignals& signals, pid_t main) {
  // A child that exited before the signals were read left its SIGCHLD pending: it is seen below.
  for (;;) {
    signalfd_siginfo info{};
    ssize_t n = ::read(signals.fd(), &info, sizeof info);
    if (n < 0 && errno == EINTR) continue;
    if (n != static_cast<ssize_t>(sizeof info)) return fail(Error::sys(errno, "read signalfd"));
    auto code = CR_TRY(handle_signal(static_cast<int>(info.ssi_signo), main));
    if (code) return *code;
  }
}

}  // namespace cruntime::container

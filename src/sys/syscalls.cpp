// Thin Result wrappers over raw system calls; errno is captured here, callers add meaning.
#include "cruntime/sys/syscalls.hpp"

#include <fcntl.h>
#include <linux/openat2.h>
#include <linux/sched.h>
#include <signal.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <csignal>

#include "cruntime/base/sanitizer.hpp"

namespace cruntime::sys {

Result<CloneResult> clone3(uint64_t flags, int cgroup_fd) {
  int pidfd = -1;
  clone_args args{};
  args.flags = flags | CLONE_PIDFD;
  args.pidfd = reinterpret_cast<uint64_t>(&pidfd);
  // clone3 refuses an exit signal with CLONE_PARENT: the kernel uses the caller's own then.
  args.exit_signal = (flags & CLONE_PARENT) != 0 ? 0 : SIGCHLD;
  if (cgroup_fd >= 0) {
    args.flags |= CLONE_INTO_CGROUP;
    args.cgroup = static_cast<uint64_t>(cgroup_fd);
  }
  // Every child we create runs our code, often in other namespaces: see base/sanitizer.hpp.
  sanitizer::share_report_file();
  long rc = ::syscall(SYS_clone3, &args, sizeof args);
  if (rc < 0) return fail(Error::sys(errno, "clone3"));
  if (rc == 0) sanitizer::adopt_report_file();
  CloneResult result;
  result.pid = static_cast<pid_t>(rc);
  if (rc > 0) result.pidfd.reset(pidfd);
  return result;
}

Result<UniqueFd> pidfd_open(pid_t pid) {
  long fd = ::syscall(SYS_pidfd_open, pid, 0);
  if (fd < 0) return fail(Error::sys(errno, fmt::format("pidfd_open {}", pid)));
  return UniqueFd(static_cast<int>(fd));
}

Result<void> pidfd_send_signal(int pidfd, int signo) {
  if (::syscall(SYS_pidfd_send_signal, pidfd, signo, nullptr, 0) != 0) {
    return fail(Error::sys(errno, "pidfd_send_signal"));
  }
  return {};
}

Result<void> close_fds_except(std::vector<int> keep, unsigned first) {
  std::sort(keep.begin(), keep.end());
  unsigned from = first;
  for (int fd : keep) {
    if (fd < 0 || static_cast<unsigned>(fd) < from) continue;
    if (static_cast<unsigned>(fd) > from && ::syscall(SYS_close_range, from, fd - 1, 0) != 0) {
      return fail(Error::sys(errno, "close_range"));
    }
    from = static_cast<unsigned>(fd) + 1;
  }
  if (::syscall(SYS_close_range, from, ~0U, 0) != 0) return fail(Error::sys(errno, "close_range"));
  return {};
}

Result<void> close_range_cloexec(unsigned first) {
  constexpr unsigned kCloexec = 1U << 2;  // CLOSE_RANGE_CLOEXEC
  if (::syscall(SYS_close_range, first, ~0U, kCloexec) != 0) {
    return fail(Error::sys(errno, "close_range"));
  }
  return {};
}

Result<void> pivot_root(const char* new_root, const char* put_old) {
  if (::syscall(SYS_pivot_root, new_root, put_old) != 0) return fail(Error::sys(errno, "pivot_root"));
  return {};
}

Result<UniqueFd> openat2(int dir_fd, const std::string& path, int flags, uint64_t resolve) {
  constexpr int kMaxAgain = 32;
  open_how how{};
  how.flags = static_cast<uint64_t>(flags | O_CLOEXEC);
  how.resolve = resolve;
  for (int attempt = 0;; ++attempt) {
    long fd = ::syscall(SYS_openat2, dir_fd, path.c_str(), &how, sizeof how);
    if (fd >= 0) return UniqueFd(static_cast<int>(fd));
    if ((errno == EAGAIN && attempt < kMaxAgain) || errno == EINTR) continue;
    return fail(Error::sys(errno, fmt::format("open {}", path)));
  }
}

Result<int> wait_pid(pid_t pid) {
  int status = 0;
  for (;;) {
    pid_t r = ::waitpid(pid, &status, __WALL);
    if (r == pid) return status;
    if (r < 0 && errno == EINTR) continue;
    return fail(Error::sys(errno, fmt::format("waitpid {}", pid)));
  }
}

int exit_code_of(int status) {
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return 255;
}

void ChildGuard::kill_and_reap() noexcept {
  if (pid_ <= 0) return;
  // Unchecked: the only failure for our own child is ESRCH (it is already dead, a zombie or
  // not), and waitpid below reaps it either way.
  ::kill(pid_, SIGKILL);
  int status;
  while (::waitpid(pid_, &status, __WALL) < 0 && errno == EINTR) {
  }
  pid_ = 0;
}

}  // namespace cruntime::sys

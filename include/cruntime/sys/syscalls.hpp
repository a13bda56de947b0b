// Result wrappers for the raw system calls glibc 2.36 does not wrap (clone3, pidfd_*, close_range...).
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <string>
#include <vector>

#include "cruntime/base/error.hpp"
#include "cruntime/base/unique_fd.hpp"

namespace cruntime::sys {

struct CloneResult {
  pid_t pid = 0;   // 0 in the child
  UniqueFd pidfd;  // parent only (CLONE_PIDFD)
};

// clone3 without a stack: behaves like fork (the child runs on a copy of the stack).
// `flags` may hold CLONE_NEW* and CLONE_PARENT; CLONE_PIDFD is added.
Result<CloneResult> clone3(uint64_t flags, int cgroup_fd = -1);

Result<UniqueFd> pidfd_open(pid_t pid);
Result<void> pidfd_send_signal(int pidfd, int signo);
Result<void> close_range_cloexec(unsigned first);
// Close every fd >= `first` except those in `keep`.
Result<void> close_fds_except(std::vector<int> keep, unsigned first);
Result<void> pivot_root(const char* new_root, const char* put_old);
// openat2(2) with O_CLOEXEC added and `resolve` (RESOLVE_*) as given; EAGAIN and EINTR, which a
// racing rename or mount may cause, are retried a bounded number of times. Errors name `path`.
Result<UniqueFd> openat2(int dir_fd, const std::string& path, int flags, uint64_t resolve);

// waitpid retrying EINTR; returns the raw status.
Result<int> wait_pid(pid_t pid);
// Exit code of a wait status: the code, or 128 + signal.
int exit_code_of(int status);

// SIGKILL + reap unless release()d: a child of ours never outlives a failed create.
class ChildGuard {
 public:
  ChildGuard() = default;
  explicit ChildGuard(pid_t pid) : pid_(pid) {}
  ChildGuard(const ChildGuard&) = delete;
  ChildGuard& operator=(const ChildGuard&) = delete;
  ~ChildGuard() { kill_and_reap(); }
  void reset(pid_t pid) {
    kill_and_reap();
    pid_ = pid;
  }
  pid_t get() const { return pid_; }
  pid_t release() {
    pid_t p = pid_;
    pid_ = 0;
    return p;
  }

 private:
  void kill_and_reap() noexcept;
  pid_t pid_ = 0;
};

}  // namespace cruntime::sys

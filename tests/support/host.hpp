// What this host offers, for tests that exercise the kernel: CI runs on machines unlike the
// development one, so a test checks for the feature and skips (WARN + return) only the part
// that needs it.
#pragma once

#include <sched.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>

namespace cruntime::test {

// A new user namespace can be made (user.max_user_namespaces may be 0, or a policy may deny it).
// Tried in a child, so this process keeps its namespaces.
inline bool can_make_user_namespace() {
  const pid_t pid = ::fork();
  if (pid < 0) return false;
  if (pid == 0) ::_exit(::unshare(CLONE_NEWUSER) == 0 ? 0 : 1);
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

}  // namespace cruntime::test

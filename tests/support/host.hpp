// What this host offers, for tests that exercise the kernel: CI runs on machines unlike the
// development one, so a test checks for the feature and skips (WARN + return) only the part
// that needs it. Root is the exception: in CI a [root] test without root FAILS (see below).
#pragma once

#include <sched.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cerrno>
#include <cstdlib>
#include <string>
#include <string_view>

namespace cruntime::test {

// The first statement of a [root] test: `if (test::skip_unless_root()) return;`. Catch2 v2 has
// no SKIP, and a WARN + return counts as a pass: fine for a developer without root, but in CI
// (env CI set) it would hide a whole privileged suite that never ran, so there it FAILs.
inline bool skip_unless_root(std::string_view why = "needs root") {
  if (::geteuid() == 0) return false;
  if (std::getenv("CI") != nullptr) {
    FAIL("not run: " << why << " (CI is set, and a skipped [root] test is not a pass)");
  }
  WARN("skipped: " << std::string(why));
  return true;
}

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

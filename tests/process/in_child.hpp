// Test helper: run a check in a forked child, for settings that cannot be undone in the test
// process (rlimits, scheduling, namespaces, mounts). The child reports one line and _exits.
#pragma once

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <string>

namespace cruntime::test {

// `body() -> std::string` runs in the child; it returns "" on success or what went wrong.
// Returns the child's report, or a description of how it ended abnormally.
template <class Body>
std::string in_child(Body&& body) {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) return "pipe2 failed";
  std::fflush(nullptr);
  const pid_t pid = ::fork();
  if (pid < 0) return "fork failed";
  if (pid == 0) {
    ::close(fds[0]);
    std::string report;
    try {
      report = body();
    } catch (...) {
      report = "exception in child";
    }
    if (!report.empty() && ::write(fds[1], report.data(), report.size()) < 0) ::_exit(2);
    ::_exit(report.empty() ? 0 : 1);
  }
  ::close(fds[1]);
  std::string report;
  char buf[1024];
  for (;;) {
    const ssize_t n = ::read(fds[0], buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    report.append(buf, static_cast<size_t>(n));
  }
  ::close(fds[0]);
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (!WIFEXITED(status))
    return report + " (child killed by signal " + std::to_string(WTERMSIG(status)) + ")";
  if (WEXITSTATUS(status) != 0 && report.empty())
    return "child exited " + std::to_string(WEXITSTATUS(status));
  return report;
}

}  // namespace cruntime::test

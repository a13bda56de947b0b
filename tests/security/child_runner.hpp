// Test helper: run a body in a forked child (credentials and seccomp filters are per process and
// cannot be undone) and collect what it reported and how it ended.
#pragma once

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <string>

namespace cruntime::test {

struct ChildOutcome {
  std::string output;  // what the body appended to its string
  int status = 0;      // waitpid status
  bool exited_with(int code) const { return WIFEXITED(status) && WEXITSTATUS(status) == code; }
  bool killed_by(int sig) const { return WIFSIGNALED(status) && WTERMSIG(status) == sig; }
};

// `body(std::string& out) -> int` runs in the child; its return value is the exit code. The
// child reports with one write(2) and leaves with _exit, so no Catch2 or stdio state runs twice.
template <class Body>
ChildOutcome run_in_child(Body&& body) {
  int pipe_fds[2];
  if (::pipe2(pipe_fds, O_CLOEXEC) != 0) return {"pipe2 failed", -1};
  std::fflush(nullptr);
  const pid_t pid = ::fork();
  if (pid < 0) return {"fork failed", -1};
  if (pid == 0) {
    ::close(pipe_fds[0]);
    std::string out;
    int code = 100;
    try {
      code = body(out);
    } catch (...) {
      out += "exception";
    }
    if (!out.empty() && ::write(pipe_fds[1], out.data(), out.size()) < 0) code = 101;
    ::_exit(code);
  }
  ::close(pipe_fds[1]);
  ChildOutcome outcome;
  char buf[4096];
  for (;;) {
    const ssize_t n = ::read(pipe_fds[0], buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    outcome.output.append(buf, static_cast<size_t>(n));
  }
  ::close(pipe_fds[0]);
  while (::waitpid(pid, &outcome.status, 0) < 0 && errno == EINTR) {
  }
  return outcome;
}

}  // namespace cruntime::test

// Test helper: run a body in a forked child, for state that cannot be undone in the test process
// (credentials, seccomp filters, rlimits, scheduling, namespaces, mounts), and collect what it
// reported and how it ended. The one fork-and-report helper of the unit tests.
#pragma once

#include <fcntl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <string>

namespace cruntime::test {

struct ChildOutcome {
  std::string output;  // what the body appended to its string
  int status = 0;      // waitpid status; -1 when no child was started (output says why)
  bool started() const { return status != -1; }
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
      out += "exception in child";
    }
    if (!out.empty() && ::write(pipe_fds[1], out.data(), out.size()) < 0) code = 101;
    // exit_group(2) itself, not _exit: the sanitizer build calls __asan_handle_no_return before
    // any [[noreturn]] call, and its sigaltstack(2) fails under the deny-by-default seccomp
    // filters the bodies load (an ASan CHECK failure and exit 1, not the body's code).
    ::syscall(SYS_exit_group, code);
    ::_exit(code);  // not reached
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

// The short form for a check: `body() -> std::string` returns "" on success or what went wrong.
// Returns the child's report, or a description of how it ended abnormally ("" = passed).
template <class Body>
std::string in_child(Body&& body) {
  const ChildOutcome outcome = run_in_child([&body](std::string& out) {
    out = body();
    return out.empty() ? 0 : 1;
  });
  if (!outcome.started()) return outcome.output;
  if (!WIFEXITED(outcome.status))
    return outcome.output + " (child killed by signal " + std::to_string(WTERMSIG(outcome.status)) +
           ")";
  if (WEXITSTATUS(outcome.status) != 0 && outcome.output.empty())
    return "child exited " + std::to_string(WEXITSTATUS(outcome.status));
  return outcome.output;
}

}  // namespace cruntime::test

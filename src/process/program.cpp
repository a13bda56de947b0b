// Running a host program with posix_spawn, its output captured through a pipe.
#include "cruntime/process/program.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>

#include <cstdio>

#include "cruntime/base/fs.hpp"
#include "cruntime/base/strings.hpp"
#include "cruntime/sys/signals.hpp"
#include "cruntime/sys/syscalls.hpp"

extern char** environ;

namespace cruntime::process {
namespace {

// The programs print a line or two; a runaway one fails the read and is killed
// (ChildGuard).
constexpr size_t kMaxOutput = 64 * 1024;

// posix_spawn's attributes and file actions, destroyed on every path out.
class SpawnSetup {
 public:
  SpawnSetup() {
    ::posix_spawnattr_init(&attr_);
    ::posix_spawn_file_actions_init(&actions_);
  }
  ~SpawnSetup() {
    ::posix_spawn_file_actions_destroy(&actions_);
    ::posix_spawnattr_destroy(&attr_);
  }
  SpawnSetup(const SpawnSetup&) = delete;
  SpawnSetup& operator=(const SpawnSetup&) = delete;

  // stdin from /dev/null, stdout and stderr into `out` (above stdio: see
  // fs::above_stdio), an empty signal mask (`run` blocks the signals it
  // forwards, and the mask survives execve) and SIGPIPE at its default (an
  // ignored signal stays ignored across execve), as for hooks.
  Result<void> prepare(int out) {
    sigset_t none;
    sigemptyset(&none);
    sigset_t pipe;
    sigemptyset(&pipe);
    sigaddset(&pipe, SIGPIPE);
    int rc = ::posix_spawnattr_setsigmask(&attr_, &none);
    if (rc == 0) rc = ::posix_spawnattr_setsigdefault(&attr_, &pipe);
    if (rc == 0) {
      rc = ::posix_spawnattr_setflags(&attr_, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
    }
    if (rc == 0) rc = ::posix_spawn_file_actions_addopen(&actions_, 0, "/dev/null", O_RDONLY, 0);
    if (rc == 0) rc = ::posix_spawn_file_actions_adddup2(&actions_, out, 1);
    if (rc == 0) rc = ::posix_spawn_file_actions_adddup2(&actions_, out, 2);
    if (rc != 0) return fail(Error::sys(rc, "posix_spawn setup"));
    return {};
  }
  const posix_spawnattr_t* attr() const { return &attr_; }
  const posix_spawn_file_actions_t* actions() const { return &actions_; }

 private:
  posix_spawnattr_t attr_{};
  posix_spawn_file_actions_t actions_{};
};

}  // namespace

Result<ProgramRun> run_program(const std::string& path, const std::vector<std::string>& argv) {
  std::vector<std::string> args = argv;
  std::vector<char*> raw;
  for (std::string& arg : args) raw.push_back(arg.data());
  raw.push_back(nullptr);

  fs::Pipe out = CR_TRY(fs::make_pipe());
  SpawnSetup setup;
  CR_TRY(setup.prepare(out.write.get()));
  std::fflush(nullptr);  // nothing buffered of ours may reach the program's output
  pid_t child = 0;
  int rc = ::posix_spawn(&child, path.c_str(), setup.actions(), setup.attr(), raw.data(), environ);
  if (rc != 0) return fail(Error::sys(rc, fmt::format("run {}", path)));
  sys::ChildGuard guard(child);  // killed and reaped if we leave early
  out.write.reset();             // EOF once the program (the only writer left) exits
  ProgramRun run;
  run.output = CR_TRY_CTX(fs::read_fd(out.read.get(), kMaxOutput), "read the output of {}", path);
  run.status = CR_TRY_CTX(sys::wait_pid(guard.release()), "wait for {}", path);
  return run;
}

std::string describe_wait_status(int status) {
  if (WIFEXITED(status)) return fmt::format("exited with status {}", WEXITSTATUS(status));
  if (WIFSIGNALED(status)) {
    std::string_view name = sys::signal_name(WTERMSIG(status));
    if (name.empty()) return fmt::format("killed by signal {}", WTERMSIG(status));
    return fmt::format("killed by signal {}", name);
  }
  return fmt::format("ended with wait status {:#x}", status);
}

std::string one_line(std::string_view output) {
  std::vector<std::string> lines;
  for (const std::string& line : strings::split(strings::trim(output), '\n')) {
    std::string_view text = strings::trim(line);
    if (!text.empty()) lines.emplace_back(text);
  }
  return strings::join(lines, "; ");
}

}  // namespace cruntime::process

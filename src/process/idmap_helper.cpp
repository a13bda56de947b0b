// newuidmap/newgidmap: look the helper up in PATH, run it with its output captured, wait for it.
#include "cruntime/process/idmap_helper.hpp"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>

#include "cruntime/base/fs.hpp"
#include "cruntime/base/strings.hpp"
#include "cruntime/sys/signals.hpp"
#include "cruntime/sys/syscalls.hpp"

extern char** environ;

namespace cruntime::process {
namespace {

// The helpers print a line or two; a runaway one fails the read and is killed (ChildGuard).
constexpr size_t kMaxOutput = 64 * 1024;

bool is_executable_file(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode) && ::access(path.c_str(), X_OK) == 0;
}

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

  // stdin from /dev/null, stdout and stderr into `out` (above stdio: see fs::above_stdio), an
  // empty signal mask (`run` blocks the signals it forwards, and the mask survives execve) and
  // SIGPIPE at its default (an ignored signal stays ignored across execve), as for hooks.
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

std::string describe_status(int status) {
  if (WIFEXITED(status)) return fmt::format("exited with status {}", WEXITSTATUS(status));
  if (WIFSIGNALED(status)) {
    std::string_view name = sys::signal_name(WTERMSIG(status));
    if (name.empty()) return fmt::format("killed by signal {}", WTERMSIG(status));
    return fmt::format("killed by signal {}", name);
  }
  return fmt::format("ended with wait status {:#x}", status);
}

// Its message on one line: cruntime's errors are one line each.
std::string one_line(std::string_view output) {
  std::vector<std::string> lines;
  for (const std::string& line : strings::split(strings::trim(output), '\n')) {
    std::string_view text = strings::trim(line);
    if (!text.empty()) lines.emplace_back(text);
  }
  return strings::join(lines, "; ");
}

}  // namespace

std::optional<std::string> find_in_path(std::string_view name, std::string_view path_env) {
  for (const std::string& dir : strings::split(path_env, ':')) {
    if (dir.empty() || dir.front() != '/') continue;
    std::string candidate =
        dir.back() == '/' ? dir + std::string(name) : dir + "/" + std::string(name);
    if (is_executable_file(candidate)) return candidate;
  }
  return std::nullopt;
}

std::vector<std::string> map_helper_args(pid_t pid, const std::vector<spec::IdMapping>& mappings) {
  std::vector<std::string> args{std::to_string(pid)};
  for (const spec::IdMapping& m : mappings) {
    args.push_back(std::to_string(m.container_id));
    args.push_back(std::to_string(m.host_id));
    args.push_back(std::to_string(m.size));
  }
  return args;
}

Result<void> run_map_helper(const MapHelper& helper, pid_t pid,
                            const std::vector<spec::IdMapping>& mappings,
                            std::string_view path_env) {
  std::optional<std::string> path = find_in_path(helper.name, path_env);
  if (!path) {
    return fail_msg(
        "{} not found in PATH: install the uidmap package (without it an "
        "unprivileged user can map only its own id, with a single mapping of size 1)",
        helper.name);
  }
  std::vector<std::string> args = map_helper_args(pid, mappings);
  args.insert(args.begin(), std::string(helper.name));
  std::vector<char*> argv;
  for (std::string& arg : args) argv.push_back(arg.data());
  argv.push_back(nullptr);

  fs::Pipe out = CR_TRY(fs::make_pipe());
  SpawnSetup setup;
  CR_TRY(setup.prepare(out.write.get()));
  std::fflush(nullptr);  // nothing buffered of ours may reach the helper's output
  pid_t child = 0;
  int rc =
      ::posix_spawn(&child, path->c_str(), setup.actions(), setup.attr(), argv.data(), environ);
  if (rc != 0) return fail(Error::sys(rc, fmt::format("run {}", *path)));
  sys::ChildGuard guard(child);  // killed and reaped if we leave early
  out.write.reset();             // EOF once the helper (the only writer left) exits
  std::string output =
      CR_TRY_CTX(fs::read_fd(out.read.get(), kMaxOutput), "read the output of {}", *path);
  int status = CR_TRY_CTX(sys::wait_pid(guard.release()), "wait for {}", *path);
  if (WIFEXITED(status) && WEXITSTATUS(status) == 0) return {};
  std::string message = one_line(output);
  return fail_msg("{} {} (ranges from {}){}{}", helper.name, describe_status(status), helper.grants,
                  message.empty() ? "" : ": ", message);
}

}  // namespace cruntime::process

// Running OCI hooks one at a time: fork, state JSON on stdin, output captured, exec, timeout.
#include "cruntime/process/hooks.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <optional>

#include "cruntime/base/fs.hpp"
#include "cruntime/base/log.hpp"
#include "cruntime/base/sanitizer.hpp"
#include "cruntime/base/strings.hpp"
#include "cruntime/base/unique_fd.hpp"
#include "cruntime/sys/signals.hpp"
#include "cruntime/sys/syscalls.hpp"

namespace cruntime::process {
namespace {

using Clock = std::chrono::steady_clock;

// Bound on the captured output kept for the error message; the rest is read and dropped so a
// chatty hook never blocks on a full pipe.
constexpr size_t kMaxCapture = 4096;
// Without pidfds (kernels before 5.3) the exit is noticed by polling waitpid this often.
constexpr int kFallbackPollMs = 10;

// What the child reports through the exec-status pipe when it could not exec (0 bytes = exec'd).
enum class Step : int { kDup = 0, kChdir = 1, kExec = 2 };
struct ExecFailure {
  Step step = Step::kDup;
  int err = 0;
};

Result<void> set_nonblocking(int fd) {
  int flags = ::fcntl(fd, F_GETFL);
  if (flags < 0 || ::fcntl(fd, F_SETFL, flags | O_NONBLOCK) != 0) {
    return fail(Error::sys(errno, "fcntl O_NONBLOCK"));
  }
  return {};
}

// argv/envp built before fork, so the child only has to dup2, chdir and exec.
struct ExecPlan {
  std::vector<std::string> args;
  std::vector<char*> argv;
  std::vector<char*> envp;
  char** env = environ;
  std::string path;
  std::string cwd;
};

ExecPlan make_plan(const spec::Hook& hook, const std::string& cwd,
                   const std::vector<std::string>* default_env) {
  ExecPlan plan;
  plan.path = hook.path;
  plan.cwd = cwd;
  plan.args = hook.args && !hook.args->empty() ? *hook.args : std::vector<std::string>{hook.path};
  for (auto& a : plan.args) plan.argv.push_back(a.data());
  plan.argv.push_back(nullptr);
  const std::vector<std::string>* env = nullptr;
  if (hook.env && !hook.env->empty()) {
    env = &*hook.env;
  } else if (default_env != nullptr) {
    env = default_env;
  }
  if (env != nullptr) {
    for (const auto& e : *env) plan.envp.push_back(const_cast<char*>(e.c_str()));
    plan.envp.push_back(nullptr);
    plan.env = plan.envp.data();
  }
  return plan;
}

// The forked child: only async-signal-safe calls, and it never returns.
[[noreturn]] void exec_child(const ExecPlan& plan, int stdin_fd, int out_fd,
                             int report_fd) noexcept {
  sanitizer::adopt_report_file();
  // `run` blocks the signals it forwards and the mask survives execve: give the hook a clean one.
  sigset_t none;
  sigemptyset(&none);
  ::sigprocmask(SIG_SETMASK, &none, nullptr);
  ::signal(SIGPIPE, SIG_DFL);
  ExecFailure failure;
  if (::dup2(stdin_fd, 0) < 0 || ::dup2(out_fd, 1) < 0 || ::dup2(out_fd, 2) < 0) {
    failure = {Step::kDup, errno};
  } else if (::chdir(plan.cwd.c_str()) != 0) {
    failure = {Step::kChdir, errno};
  } else {
    ::execve(plan.path.c_str(), plan.argv.data(), plan.env);
    failure = {Step::kExec, errno};
  }
  [[maybe_unused]] ssize_t n = ::write(report_fd, &failure, sizeof failure);
  ::_exit(127);
}

// How a hook ended, with the start of what it printed.
struct HookRun {
  int status = 0;
  bool timed_out = false;
  std::string output;
  bool truncated = false;
};

// Read what is available; false once the pipe reached EOF (or failed).
bool capture(int fd, HookRun& run) {
  std::array<char, 4096> buf{};
  for (;;) {
    ssize_t n = ::read(fd, buf.data(), buf.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return errno == EAGAIN;
    if (n == 0) return false;
    size_t room = kMaxCapture - std::min(kMaxCapture, run.output.size());
    run.output.append(buf.data(), std::min(room, static_cast<size_t>(n)));
    if (static_cast<size_t>(n) > room) run.truncated = true;
  }
}

// Write the next chunk of the state; true once everything is written.
bool feed(int fd, std::string_view input, size_t& written) {
  while (written < input.size()) {
    ssize_t n = ::write(fd, input.data() + written, input.size() - written);
    if (n < 0 && errno == EINTR) continue;
    // EAGAIN: wait for POLLOUT. Other errors cannot be EPIPE (we hold a read end): give up.
    if (n < 0) return errno != EAGAIN;
    written += static_cast<size_t>(n);
  }
  return true;
}

// Did the hook exit? Only used without a pidfd.
Result<bool> reaped_nonblocking(pid_t pid, HookRun& run) {
  for (;;) {
    pid_t r = ::waitpid(pid, &run.status, WNOHANG);
    if (r < 0 && errno == EINTR) continue;
    if (r < 0) return fail(Error::sys(errno, "waitpid"));
    return r == pid;
  }
}

Result<void> kill_and_reap(pid_t pid, int pidfd, HookRun& run) {
  if (pidfd >= 0) {
    // Unchecked: the hook is our unreaped child, so the pidfd still refers to it; wait_pid below
    // reaps it either way.
    (void)sys::pidfd_send_signal(pidfd, SIGKILL);
  } else {
    ::kill(pid, SIGKILL);  // our unreaped child: ESRCH is impossible, EPERM too
  }
  run.status = CR_TRY(sys::wait_pid(pid));
  run.timed_out = true;
  return {};
}

int poll_timeout_ms(std::optional<Clock::time_point> deadline, bool have_pidfd) {
  int ms = have_pidfd ? -1 : kFallbackPollMs;
  if (!deadline) return ms;
  auto left = std::chrono::ceil<std::chrono::milliseconds>(*deadline - Clock::now()).count();
  int capped = static_cast<int>(std::clamp<int64_t>(left, 0, 60'000));
  return ms < 0 ? capped : std::min(ms, capped);
}

// Feed stdin, collect output and wait for the exit (or the deadline), all in one poll loop so
// neither a hook that does not read stdin nor one that writes a lot can block us.
Result<HookRun> supervise(pid_t pid, UniqueFd stdin_w, int out_r, std::string_view input,
                          std::optional<int64_t> timeout) {
  HookRun run;
  auto pidfd = sys::pidfd_open(pid);
  int pfd = pidfd ? pidfd->get() : -1;
  std::optional<Clock::time_point> deadline;
  if (timeout) deadline = Clock::now() + std::chrono::seconds(*timeout);
  size_t written = 0;
  bool out_open = true;
  if (feed(stdin_w.get(), input, written)) stdin_w.reset();
  for (;;) {
    if (pfd < 0 && CR_TRY(reaped_nonblocking(pid, run))) break;
    if (deadline && Clock::now() >= *deadline) {
      CR_TRY(kill_and_reap(pid, pfd, run));
      break;
    }
    std::array<pollfd, 3> fds{
        {{pfd, POLLIN, 0}, {out_open ? out_r : -1, POLLIN, 0}, {stdin_w.get(), POLLOUT, 0}}};
    int n = ::poll(fds.data(), fds.size(), poll_timeout_ms(deadline, pfd >= 0));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return fail(Error::sys(errno, "poll"));
    if (fds[0].revents != 0) {
      run.status = CR_TRY(sys::wait_pid(pid));
      break;
    }
    if (fds[1].revents != 0) out_open = capture(out_r, run);
    if (fds[2].revents != 0 && feed(stdin_w.get(), input, written)) stdin_w.reset();
  }
  // The hook is gone; a background child of it may still hold the pipe, so take only what is
  // already buffered.
  if (out_open) capture(out_r, run);
  return run;
}

std::string describe(const HookRun& run, int64_t timeout) {
  std::string what;
  if (run.timed_out) {
    what = fmt::format("timed out after {} s", timeout);
  } else if (WIFEXITED(run.status)) {
    what = fmt::format("exited with status {}", WEXITSTATUS(run.status));
  } else if (WIFSIGNALED(run.status)) {
    std::string_view name = sys::signal_name(WTERMSIG(run.status));
    what = name.empty() ? fmt::format("killed by signal {}", WTERMSIG(run.status))
                        : fmt::format("killed by signal {}", name);
  } else {
    what = fmt::format("ended with wait status {:#x}", run.status);
  }
  std::string_view output = strings::trim(run.output);
  if (!output.empty()) what += fmt::format(": {}{}", output, run.truncated ? " [...]" : "");
  return what;
}

Error exec_error(const ExecFailure& failure, const ExecPlan& plan) {
  switch (failure.step) {
    case Step::kChdir:
      return Error::sys(failure.err, fmt::format("chdir {}", plan.cwd));
    case Step::kExec:
      return Error::sys(failure.err, fmt::format("exec {}", plan.path));
    case Step::kDup:
      break;
  }
  return Error::sys(failure.err, "dup2 stdio");
}

// Fork and exec one hook; returns once it has ended.
Result<HookRun> spawn_and_wait(const spec::Hook& hook, std::string_view state_json,
                               const std::string& cwd,
                               const std::vector<std::string>* default_env) {
  ExecPlan plan = make_plan(hook, cwd, default_env);
  fs::Pipe in = CR_TRY(fs::make_pipe());
  fs::Pipe out = CR_TRY(fs::make_pipe());
  fs::Pipe report = CR_TRY(fs::make_pipe());
  CR_TRY(set_nonblocking(in.write.get()));
  CR_TRY(set_nonblocking(out.read.get()));
  std::fflush(nullptr);
  sanitizer::share_report_file();
  pid_t pid = ::fork();
  if (pid < 0) return fail(Error::sys(errno, "fork"));
  if (pid == 0) exec_child(plan, in.read.get(), out.write.get(), report.write.get());

  // Keep in.read open until the hook has ended: a hook that closes stdin early then cannot
  // make our write fail with EPIPE (and raise SIGPIPE in the runtime).
  out.write.reset();
  report.write.reset();
  ExecFailure failure;
  ssize_t n;
  do {
    n = ::read(report.read.get(), &failure, sizeof failure);
  } while (n < 0 && errno == EINTR);
  if (n == static_cast<ssize_t>(sizeof failure)) {
    (void)sys::wait_pid(pid);
    return fail(exec_error(failure, plan));
  }
  return supervise(pid, std::move(in.write), out.read.get(), state_json, hook.timeout);
}

Result<void> run_one(const spec::Hook& hook, size_t index, HookKind kind,
                     std::string_view state_json, const std::string& cwd,
                     const std::vector<std::string>* default_env) {
  std::string name = fmt::format("{} hook #{} ({})", hook_kind_name(kind), index, hook.path);
  log::debug("running {}", name);
  HookRun run = CR_TRY_CTX(spawn_and_wait(hook, state_json, cwd, default_env), "{}", name);
  if (!run.timed_out && WIFEXITED(run.status) && WEXITSTATUS(run.status) == 0) return {};
  return fail(Error::msg(fmt::format("{}: {}", name, describe(run, hook.timeout.value_or(0)))));
}

// The one table of hook kinds: the OCI config key and the list in spec::Hooks, in enum order.
struct KindEntry {
  HookKind kind;
  std::string_view name;
  std::optional<std::vector<spec::Hook>> spec::Hooks::*list;
};
constexpr std::array<KindEntry, 6> kKinds{{
    {HookKind::kPrestart, "prestart", &spec::Hooks::prestart},
    {HookKind::kCreateRuntime, "createRuntime", &spec::Hooks::create_runtime},
    {HookKind::kCreateContainer, "createContainer", &spec::Hooks::create_container},
    {HookKind::kStartContainer, "startContainer", &spec::Hooks::start_container},
    {HookKind::kPoststart, "poststart", &spec::Hooks::poststart},
    {HookKind::kPoststop, "poststop", &spec::Hooks::poststop},
}};

constexpr bool table_in_enum_order() {
  for (size_t i = 0; i < kKinds.size(); ++i) {
    if (static_cast<size_t>(kKinds[i].kind) != i) return false;
  }
  return true;
}
static_assert(table_in_enum_order(), "kKinds must list every HookKind in enum order");

const KindEntry& entry(HookKind kind) { return kKinds[static_cast<size_t>(kind)]; }

// runtime.md: a failing poststop hook is only a warning and the remaining hooks still run.
bool failures_are_warnings(HookKind kind) { return kind == HookKind::kPoststop; }

}  // namespace

std::string_view hook_kind_name(HookKind kind) { return entry(kind).name; }

std::span<const spec::Hook> hooks_of(const spec::Hooks& hooks, HookKind kind) {
  const std::optional<std::vector<spec::Hook>>& list = hooks.*entry(kind).list;
  if (!list) return {};
  return *list;
}

Result<void> run_hooks(const std::optional<spec::Hooks>& hooks, HookKind kind,
                       std::string_view state_json, const std::string& cwd,
                       const std::vector<std::string>* default_env) {
  if (!hooks) return {};
  std::span<const spec::Hook> list = hooks_of(*hooks, kind);
  for (size_t i = 0; i < list.size(); ++i) {
    auto done = run_one(list[i], i, kind, state_json, cwd, default_env);
    if (done) continue;
    if (!failures_are_warnings(kind)) return done;
    log::warn("{}", done.error().to_string());
  }
  return {};
}

}  // namespace cruntime::process

// `start`: release a created init through the exec fifo, wait until it has exec'd, run poststart.
#include "cruntime/container/start.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <optional>

#include "cruntime/base/fs.hpp"
#include "cruntime/container/lifecycle.hpp"
#include "cruntime/container/operations.hpp"
#include "cruntime/process/hooks.hpp"
#include "cruntime/spec/io.hpp"
#include "cruntime/sys/syscalls.hpp"

namespace cruntime::container {
namespace {

Result<void> require_created(spec::Status status) {
  switch (status) {
    case spec::Status::kCreated: return {};
    case spec::Status::kRunning: return fail_msg("cannot start an already running container");
    case spec::Status::kPaused: return fail_msg("cannot start a container in the paused state");
    case spec::Status::kStopped: return fail_msg("cannot start a container that has stopped");
    case spec::Status::kCreating: break;
  }
  return fail_msg("cannot start a container that is not created");
}

// Wait until the fifo is readable (or hung up) or the init died. -1 timeout: forever.
Result<short> poll_fifo(int fifo, int pidfd) {
  pollfd fds[2] = {{fifo, POLLIN, 0}, {pidfd, POLLIN, 0}};
  for (;;) {
    int n = ::poll(fds, 2, -1);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return fail(Error::sys(errno, "poll the exec fifo"));
    if (fds[0].revents != 0) return fds[0].revents;
    return static_cast<short>(0);  // only the pidfd fired: the init is gone
  }
}

// The init writes "0" once released, then anything more is an error text; EOF (its fd closes on
// execve) means the payload is running. So `start` fails if the exec or a startContainer hook did.
Result<void> release_init(int fifo, int pidfd) {
  std::string received;
  for (;;) {
    short revents = CR_TRY(poll_fifo(fifo, pidfd));
    if (revents == 0 && received.empty()) return fail_msg("container init exited before start");
    char buf[4096];
    ssize_t n = ::read(fifo, buf, sizeof buf);
    if (n < 0 && (errno == EINTR || errno == EAGAIN)) {
      if (revents == 0) return fail_msg("container init exited before start");
      continue;
    }
    if (n < 0) return fail(Error::sys(errno, "read the exec fifo"));
    if (n == 0) break;
    received.append(buf, static_cast<size_t>(n));
    if (received.size() > 64 * 1024) break;
  }
  if (received.empty()) return fail_msg("container init exited before start");
  if (received.size() > 1) return fail(Error::msg(received.substr(1)));
  return {};
}

// The status "created" is the fifo's existence, so it goes before the init is released: a failed
// unlink leaves a container that is still created, never a running one that looks created. Opening
// the fifo for reading is what releases the init, hence the O_PATH handle, reopened after the unlink.
Result<UniqueFd> open_fifo_unlinked(int state_dir) {
  const std::string name(kExecFifoName);
  UniqueFd handle = CR_TRY_CTX(fs::open_at(state_dir, name, O_PATH), "open the exec fifo");
  if (::unlinkat(state_dir, name.c_str(), 0) != 0) {
    return fail(Error::sys(errno, fmt::format("remove {} from the state directory", name)));
  }
  return CR_TRY_CTX(fs::open(fmt::format("/proc/self/fd/{}", handle.get()), O_RDONLY | O_NONBLOCK),
                    "open the exec fifo");
}

}  // namespace

Result<UniqueFd> start_container(Container& container, NotifyRelay* notify) {
  CR_TRY(require_created(CR_TRY(container.status())));
  const spec::StoredState& stored = container.stored();
  UniqueFd pidfd = CR_TRY(sys::pidfd_open(stored.init_pid));
  // Recheck against pid reuse now that the pidfd pins the process. Before the fifo is opened:
  // from that moment the init may exec and a short payload may already have exited.
  if (CR_TRY(container.status()) != spec::Status::kCreated) {
    return fail_msg("cannot start a container that has stopped");
  }
  if (notify != nullptr) CR_TRY(notify->bind(container.dir().fd(), container.dir().path()));
  UniqueFd fifo = CR_TRY(open_fifo_unlinked(container.dir().fd()));
  CR_TRY(release_init(fifo.get(), pidfd.get()));

  spec::Config config = CR_TRY(load_snapshot(container));
  const std::string state =
      spec::dump_state_for_hook(hook_state(stored, spec::Status::kRunning, stored.init_pid));
  auto hooks = process::run_hooks(config.hooks, process::HookKind::kPoststart, state, stored.bundle);
  if (!hooks) {
    // spec and runc: a failed poststart hook stops the container (cli-contract §13.3).
    (void)sys::pidfd_send_signal(pidfd.get(), SIGKILL);
    return fail(std::move(hooks).error());
  }
  return pidfd;
}

Result<void> start(const GlobalOptions& global, std::string_view id, const StartOptions& options) {
  std::optional<NotifyRelay> notify;
  UniqueFd pidfd;
  pid_t init = 0;
  {
    Container container = CR_TRY(Container::load(global, id, LockMode::kExclusive));
    if (!options.notify_socket.empty()) {
      notify.emplace(CR_TRY(NotifyRelay::connect(options.notify_socket)));
    }
    pidfd = CR_TRY(start_container(container, notify ? &*notify : nullptr));
    init = container.stored().init_pid;
  }  // the lock goes here: `delete --force` must not wait for a container that is never ready
  if (!notify) return {};
  return notify->relay_ready(pidfd.get(), init);
}

}  // namespace cruntime::container

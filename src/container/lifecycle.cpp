// Helpers shared by the lifecycle operations: the hooks' state, the config snapshot, waiting for
// the init, and the pid file / pidfd hand-over of create and exec.
#include "cruntime/container/lifecycle.hpp"

#include <fcntl.h>
#include <poll.h>

#include <cerrno>
#include <chrono>
#include <span>

#include "cruntime/base/fs.hpp"
#include "cruntime/spec/io.hpp"
#include "cruntime/sys/fd_passing.hpp"
#include "cruntime/sys/proc.hpp"
#include "cruntime/sys/syscalls.hpp"

namespace cruntime::container {

spec::State hook_state(const spec::StoredState& stored, spec::Status status, pid_t pid) {
  return spec::hook_state(stored.id, status, pid, stored.bundle, stored.annotations);
}

Result<spec::Config> load_snapshot(const Container& container) {
  auto fd = fs::open_at(container.dir().fd(), std::string(kConfigSnapshotName), O_RDONLY | O_NOFOLLOW);
  if (!fd) return fail(std::move(fd).error().with_context("container config snapshot"));
  std::string text = CR_TRY_CTX(fs::read_fd(fd->get(), spec::kMaxConfigBytes), "container config snapshot");
  return spec::parse_config(text);
}

Result<bool> wait_for_exit(pid_t pid, uint64_t start_time, int timeout_ms) {
  auto pidfd = sys::pidfd_open(pid);
  if (!pidfd || !sys::is_alive(pid, start_time)) return true;
  pollfd p{pidfd->get(), POLLIN, 0};
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  for (;;) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return false;
    int n = ::poll(&p, 1, static_cast<int>(left.count()));
    if (n > 0) return true;
    if (n < 0 && errno != EINTR) return fail(Error::sys(errno, "poll pidfd"));
  }
}

Result<void> write_pid_file(const std::string& path, pid_t pid) {
  if (path.empty()) return {};
  CR_TRY_CTX(fs::write_file_atomic(path, std::to_string(pid), 0666 & ~0022), "--pid-file");
  return {};
}

Result<void> send_pidfd(const std::string& socket_path, pid_t pid, std::string_view name) {
  if (socket_path.empty()) return {};
  UniqueFd sock = CR_TRY_CTX(sys::connect_unix(socket_path), "--pidfd-socket");
  UniqueFd pidfd = CR_TRY_CTX(sys::pidfd_open(pid), "--pidfd-socket");
  int fd = pidfd.get();
  CR_TRY_CTX(sys::send_with_fds(sock.get(), name, std::span<const int>(&fd, 1)), "--pidfd-socket");
  return {};
}

}  // namespace cruntime::container

// sd_notify pass-through: the config edit, the notify directory, and the READY relay (the protocol
// is drawn at the top of notify_socket.hpp).
#include "cruntime/container/notify_socket.hpp"

#include <fcntl.h>
#include <poll.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <span>
#include <vector>

#include "cruntime/base/fs.hpp"
#include "cruntime/base/log.hpp"
#include "cruntime/sys/dgram_socket.hpp"
#include "cruntime/sys/fd_passing.hpp"

namespace cruntime::container {
namespace {

constexpr mode_t kNotifyDirMode = 0755;
constexpr mode_t kNotifySocketMode = 0777;
// runc reads 4096 bytes per datagram; a READY line is a few bytes.
constexpr size_t kMaxDatagram = 4096;
// sd_notify_barrier(3)'s usual timeout, and runc's.
constexpr std::chrono::seconds kBarrierTimeout{30};

// Wait until the container sends a datagram with a READY= line (that line), or the process behind
// `pidfd` has exited (nullopt). Queued datagrams are read before an exit counts, so a READY sent
// just before exiting is still relayed.
Result<std::optional<std::string>> wait_for_ready(int sock, int pidfd,
                                                  process::ConsoleRelay* console) {
  std::vector<pollfd> fds;
  for (;;) {
    fds = {pollfd{sock, POLLIN, 0}, pollfd{pidfd, POLLIN, 0}};
    if (console != nullptr) console->poll_fds(fds);
    if (::poll(fds.data(), fds.size(), -1) < 0) {
      if (errno == EINTR) continue;
      return fail(Error::sys(errno, "poll the notify socket"));
    }
    if (console != nullptr) CR_TRY(console->on_ready(std::span<const pollfd>(fds).subspan(2)));
    std::optional<std::string> datagram =
        CR_TRY_CTX(sys::receive_datagram(sock, kMaxDatagram), "receive from the container");
    if (datagram) {
      if (auto line = ready_line(*datagram)) return std::optional<std::string>(*line);
      continue;
    }
    if (fds[1].revents != 0) return std::optional<std::string>();
  }
}

// sd_notify_barrier(3): the caller has handled everything before BARRIER=1 once it closes the
// pipe's write end it received with it. A caller that ignores barriers keeps it until it exits,
// so a timeout only warns (runc does the same).
Result<void> notify_barrier(int host, std::string_view host_name) {
  fs::Pipe pipe = CR_TRY(fs::make_pipe());
  const int write_end = pipe.write.get();
  CR_TRY_CTX(sys::send_with_fds(host, "BARRIER=1", std::span(&write_end, 1)),
             "send BARRIER=1 to {}", host_name);
  pipe.write.reset();
  const auto deadline = std::chrono::steady_clock::now() + kBarrierTimeout;
  pollfd p{pipe.read.get(), POLLIN, 0};
  for (;;) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    const int n = ::poll(&p, 1, static_cast<int>(std::max<int64_t>(left.count(), 0)));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return fail(Error::sys(errno, "poll the barrier pipe"));
    if (n == 0) {
      log::warn("NOTIFY_SOCKET: {} did not answer BARRIER=1 within {} s (ignored)", host_name,
                kBarrierTimeout.count());
      return {};
    }
    char byte = 0;
    const ssize_t got = ::read(pipe.read.get(), &byte, 1);
    if (got < 0 && errno == EINTR) continue;
    if (got < 0) return fail(Error::sys(errno, "read the barrier pipe"));
    if (got == 0) return {};
    return fail_msg("BARRIER=1: {} wrote to the barrier pipe instead of closing it", host_name);
  }
}

}  // namespace

void add_notify_socket(spec::Config& config, std::string_view container_dir) {
  spec::Mount mount;
  mount.destination = std::string(kNotifyDirInContainer);
  mount.type = "bind";
  mount.source = fmt::format("{}/{}", container_dir, kNotifyDirName);
  mount.options = std::vector<std::string>{"bind", "nosuid", "noexec", "nodev", "ro"};
  if (!config.mounts) config.mounts.emplace();
  config.mounts->push_back(std::move(mount));
  if (!config.process) return;  // refused by validation before this point
  if (!config.process->env) config.process->env.emplace();
  config.process->env->push_back(
      fmt::format("NOTIFY_SOCKET={}/{}", kNotifyDirInContainer, kNotifySocketName));
}

Result<void> make_notify_dir(int container_dir_fd, std::string_view container_dir) {
  const std::string name(kNotifyDirName);
  if (::mkdirat(container_dir_fd, name.c_str(), kNotifyDirMode) != 0 ||
      ::fchmodat(container_dir_fd, name.c_str(), kNotifyDirMode, 0) != 0) {  // past the umask
    return fail(Error::sys(errno, fmt::format("mkdir {}/{}", container_dir, name))
                    .with_context("NOTIFY_SOCKET"));
  }
  return {};
}

std::optional<std::string_view> ready_line(std::string_view datagram) {
  // runc looks only at a datagram that starts with READY=; sd_notify(3) allows the fields in any
  // order ("STATUS=…\nREADY=1"), so every line is looked at.
  for (;;) {
    const size_t end = datagram.find('\n');
    const std::string_view line = datagram.substr(0, end);
    if (line.starts_with("READY=")) return line;
    if (end == std::string_view::npos) return std::nullopt;
    datagram.remove_prefix(end + 1);
  }
}

Result<NotifyRelay> NotifyRelay::connect(std::string_view host) {
  const sys::UnixAddress address = CR_TRY_CTX(sys::unix_address(host), "NOTIFY_SOCKET");
  UniqueFd sock = CR_TRY_CTX(sys::connect_dgram(address, host), "NOTIFY_SOCKET");
  // Never one of fds 0-2 (a runtime started with stdio closed): those are the container's stdio.
  sock = CR_TRY_CTX(fs::above_stdio(std::move(sock)), "NOTIFY_SOCKET");
  return NotifyRelay(std::move(sock), std::string(host));
}

Result<void> NotifyRelay::bind(int container_dir_fd, std::string_view container_dir) {
  const std::string shown =
      fmt::format("{}/{}/{}", container_dir, kNotifyDirName, kNotifySocketName);
  auto dir =
      fs::open_at(container_dir_fd, std::string(kNotifyDirName), O_PATH | O_DIRECTORY | O_NOFOLLOW);
  if (!dir && dir.error().code() == ENOENT) {
    return fail_msg("NOTIFY_SOCKET: bind {}: the container was created without NOTIFY_SOCKET",
                    shown);
  }
  if (!dir) return fail(std::move(dir).error().with_context("NOTIFY_SOCKET"));
  const std::string name(kNotifySocketName);
  // Left by a `start` that failed before releasing the init; we hold the container's lock.
  if (::unlinkat(dir->get(), name.c_str(), 0) != 0 && errno != ENOENT) {
    return fail(
        Error::sys(errno, fmt::format("remove the old {}", shown)).with_context("NOTIFY_SOCKET"));
  }
  UniqueFd sock = CR_TRY_CTX(sys::bind_dgram_at(dir->get(), name, shown), "NOTIFY_SOCKET");
  // bind(2) applied the umask.
  if (::fchmodat(dir->get(), name.c_str(), kNotifySocketMode, 0) != 0) {
    return fail(Error::sys(errno, fmt::format("chmod {}", shown)).with_context("NOTIFY_SOCKET"));
  }
  socket_ = std::move(sock);
  return {};
}

Result<void> NotifyRelay::relay_ready(int pidfd, pid_t main_pid,
                                      process::ConsoleRelay* console) const {
  const std::optional<std::string> ready =
      CR_TRY_CTX(wait_for_ready(socket_.get(), pidfd, console), "NOTIFY_SOCKET");
  if (!ready) {
    log::debug("NOTIFY_SOCKET: the container exited without sending READY=");
    return {};
  }
  // Three datagrams, as runc sends them: systemd takes READY first, then the new main pid.
  for (const std::string& field : {*ready + "\n", fmt::format("MAINPID={}\n", main_pid)}) {
    CR_TRY_CTX(sys::send_with_fds(host_.get(), field, {}), "NOTIFY_SOCKET: send {} to {}",
               field.substr(0, field.size() - 1), host_name_);
  }
  CR_TRY_CTX(notify_barrier(host_.get(), host_name_), "NOTIFY_SOCKET");
  return {};
}

}  // namespace cruntime::container

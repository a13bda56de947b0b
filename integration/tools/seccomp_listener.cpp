// Test seccomp agent (cli-contract §8.8): accept one connection on the listenerPath, save the
// container-process-state JSON it carries, then answer every notification on the received fd.
//
// usage: seccomp-listener --state FILE [--errno N] [--timeout SECONDS] SOCKET
//   --state FILE   the received JSON, verbatim; FILE.fds gets "cmsgs=C fds=N eof=E" (E: the
//                  sender closed within a second). Atomic writes.
//   --errno N      answer each notification with -N (default EPERM); 0 lets the call continue.
//   --timeout S    give up after S seconds (default 30).
//   --delay-ms M   hold each notified syscall for M ms before answering (the caller stays
//                  blocked in it: a test's deterministic window on that process).
// stdout: one line per notification, "syscall=<nr> pid=<pid>".
// Exit: 0 when the notify fd hung up (no process uses the filter any more), 2 bad message,
// 3 timeout, 1 other errors.
#include <linux/seccomp.h>
#include <poll.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <string>

#include <fmt/core.h>

#include "unix_socket.hpp"

namespace {

using cruntime::tools::Fd;
using Clock = std::chrono::steady_clock;

struct Options {
  std::string socket;
  std::string state;
  int err = EPERM;
  int timeout_s = 30;
  int delay_ms = 0;
};

bool parse(int argc, char** argv, Options& o) {
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if ((a == "--state" || a == "--errno" || a == "--timeout" || a == "--delay-ms") && i + 1 < argc) {
      std::string v = argv[++i];
      if (a == "--state") o.state = v;
      if (a == "--errno") o.err = std::atoi(v.c_str());
      if (a == "--timeout") o.timeout_s = std::atoi(v.c_str());
      if (a == "--delay-ms") o.delay_ms = std::atoi(v.c_str());
    } else if (o.socket.empty() && !a.starts_with("--")) {
      o.socket = a;
    } else {
      return false;
    }
  }
  return !o.socket.empty() && !o.state.empty() && o.timeout_s > 0 && o.err >= 0;
}

// Receive one notification and answer it. False when the fd is unusable.
bool answer_one(int notify_fd, int err, int delay_ms) {
  seccomp_notif req{};  // the kernel insists on a zeroed buffer
  if (::ioctl(notify_fd, SECCOMP_IOCTL_NOTIF_RECV, &req) != 0) {
    // ENOENT: the target died or was interrupted before we read it; not our failure.
    return errno == ENOENT || errno == EINTR;
  }
  fmt::print("syscall={} pid={}\n", req.data.nr, req.pid);
  std::fflush(stdout);
  if (delay_ms > 0) ::usleep(static_cast<useconds_t>(delay_ms) * 1000);
  seccomp_notif_resp resp{};
  resp.id = req.id;
  if (err == 0) {
    resp.flags = SECCOMP_USER_NOTIF_FLAG_CONTINUE;
  } else {
    resp.error = -err;
  }
  if (::ioctl(notify_fd, SECCOMP_IOCTL_NOTIF_SEND, &resp) != 0 && errno != ENOENT) return false;
  return true;
}

int serve(int notify_fd, int err, int delay_ms, Clock::time_point deadline) {
  for (;;) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    if (left.count() <= 0) {
      fmt::print(stderr, "seccomp-listener: timeout\n");
      return 3;
    }
    pollfd p{notify_fd, POLLIN, 0};
    int n = ::poll(&p, 1, static_cast<int>(left.count()));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return 1;
    if (n == 0) continue;
    if ((p.revents & POLLIN) != 0) {
      if (!answer_one(notify_fd, err, delay_ms)) {
        fmt::print(stderr, "seccomp-listener: notify ioctl: {}\n", std::strerror(errno));
        return 1;
      }
      continue;
    }
    if ((p.revents & (POLLHUP | POLLERR)) != 0) return 0;
  }
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  if (!parse(argc, argv, o)) {
    fmt::print(stderr, "usage: seccomp-listener --state FILE [--errno N] [--timeout S] [--delay-ms M] SOCKET\n");
    return 1;
  }
  Clock::time_point deadline = Clock::now() + std::chrono::seconds(o.timeout_s);
  Fd listener = cruntime::tools::listen_unix(o.socket);
  if (listener.get() < 0) {
    fmt::print(stderr, "seccomp-listener: listen on {}: {}\n", o.socket, std::strerror(errno));
    return 1;
  }
  Fd conn = cruntime::tools::accept_one(listener.get(), o.timeout_s * 1000);
  if (conn.get() < 0) {
    fmt::print(stderr, "seccomp-listener: no connection on {}\n", o.socket);
    return 3;
  }
  cruntime::tools::Message message;
  bool eof = false;
  if (!cruntime::tools::receive_all(conn.get(), message, 1000, eof)) {
    fmt::print(stderr, "seccomp-listener: recvmsg: {}\n", std::strerror(errno));
    return 1;
  }
  std::string counts =
      fmt::format("cmsgs={} fds={} eof={}\n", message.cmsgs, message.fds.size(), eof ? 1 : 0);
  if (!cruntime::tools::write_file_atomic(o.state + ".fds", counts) ||
      !cruntime::tools::write_file_atomic(o.state, message.data)) {
    fmt::print(stderr, "seccomp-listener: write {}: {}\n", o.state, std::strerror(errno));
    return 1;
  }
  if (message.fds.size() != 1) {
    fmt::print(stderr, "seccomp-listener: expected exactly one fd, got {}", counts);
    return 2;
  }
  return serve(message.fds[0].get(), o.err, o.delay_ms, deadline);
}

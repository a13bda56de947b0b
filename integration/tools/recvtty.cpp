// Test console-socket receiver (cli-contract §8.1): accept one connection, check it carried
// exactly one fd, describe that fd in an info file, then relay the pty master to stdout.
//
// usage: recvtty [--info FILE] [--write TEXT] [--timeout SECONDS] SOCKET
//   --info FILE    key=value lines: cmsgs, fds, truncated, eof (1 if the sender closed the
//                  connection within 5 s of its message), name, pty_master (1 if the fd
//                  is /dev/ptmx-like and answers TIOCGPTN), ptn, rows, cols. Written atomically.
//   --write TEXT   written to the master after receipt (e.g. input for a shell).
//   --timeout S    give up (exit 3) if no connection or no EOF within S seconds (default 30).
// Exit: 0 when the pty hung up (every slave fd closed), 2 bad message, 3 timeout, 1 other errors.
#include <fcntl.h>
#include <poll.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <termios.h>
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
  std::string info;
  std::string write;
  int timeout_s = 30;
  bool has_write = false;
};

bool parse(int argc, char** argv, Options& o) {
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if ((a == "--info" || a == "--write" || a == "--timeout") && i + 1 < argc) {
      std::string v = argv[++i];
      if (a == "--info") o.info = v;
      if (a == "--write") {
        o.write = v;
        o.has_write = true;
      }
      if (a == "--timeout") o.timeout_s = std::atoi(v.c_str());
    } else if (o.socket.empty() && !a.starts_with("--")) {
      o.socket = a;
    } else {
      return false;
    }
  }
  return !o.socket.empty() && o.timeout_s > 0;
}

std::string describe(const cruntime::tools::Message& m, bool eof) {
  std::string out = fmt::format("cmsgs={}\nfds={}\ntruncated={}\neof={}\nname={}\n", m.cmsgs,
                                m.fds.size(), m.truncated ? 1 : 0, eof ? 1 : 0, m.data);
  if (m.fds.size() != 1) return out;
  int fd = m.fds[0].get();
  struct stat st{};
  unsigned int ptn = 0;
  bool is_ptmx = ::fstat(fd, &st) == 0 && S_ISCHR(st.st_mode) && major(st.st_rdev) == 5 &&
                 minor(st.st_rdev) == 2;
  bool master = is_ptmx && ::ioctl(fd, TIOCGPTN, &ptn) == 0;
  out += fmt::format("pty_master={}\n", master ? 1 : 0);
  if (master) out += fmt::format("ptn={}\n", ptn);
  winsize ws{};
  if (::ioctl(fd, TIOCGWINSZ, &ws) == 0) out += fmt::format("rows={}\ncols={}\n", ws.ws_row, ws.ws_col);
  return out;
}

// Copy master -> stdout until the slave side is gone (EIO) or the deadline passes.
int relay(int master, Clock::time_point deadline) {
  for (;;) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    if (left.count() <= 0) {
      fmt::print(stderr, "recvtty: timeout waiting for the pty to hang up\n");
      return 3;
    }
    pollfd p{master, POLLIN, 0};
    int n = ::poll(&p, 1, static_cast<int>(left.count()));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) continue;
    char buf[4096];
    ssize_t got = ::read(master, buf, sizeof buf);
    if (got < 0 && (errno == EINTR || errno == EAGAIN)) continue;
    if (got < 0 && errno == EIO) return 0;  // the last slave fd closed
    if (got <= 0) return got == 0 ? 0 : 1;
    if (!cruntime::tools::write_all(STDOUT_FILENO, buf, static_cast<size_t>(got))) return 1;
  }
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  if (!parse(argc, argv, o)) {
    fmt::print(stderr, "usage: recvtty [--info FILE] [--write TEXT] [--timeout SECONDS] SOCKET\n");
    return 1;
  }
  Clock::time_point deadline = Clock::now() + std::chrono::seconds(o.timeout_s);
  Fd listener = cruntime::tools::listen_unix(o.socket);
  if (listener.get() < 0) {
    fmt::print(stderr, "recvtty: listen on {}: {}\n", o.socket, std::strerror(errno));
    return 1;
  }
  Fd conn = cruntime::tools::accept_one(listener.get(), o.timeout_s * 1000);
  if (conn.get() < 0) {
    fmt::print(stderr, "recvtty: no connection on {}\n", o.socket);
    return 3;
  }
  cruntime::tools::Message message;
  bool eof = false;
  if (!cruntime::tools::receive_all(conn.get(), message, 5000, eof)) {
    fmt::print(stderr, "recvtty: recvmsg: {}\n", std::strerror(errno));
    return 1;
  }
  std::string info = describe(message, eof);
  if (!o.info.empty() && !cruntime::tools::write_file_atomic(o.info, info)) {
    fmt::print(stderr, "recvtty: write {}: {}\n", o.info, std::strerror(errno));
    return 1;
  }
  if (message.cmsgs != 1 || message.fds.size() != 1 || message.data.empty()) {
    fmt::print(stderr, "recvtty: expected one SCM_RIGHTS fd with a name, got:\n{}", info);
    return 2;
  }
  int master = message.fds[0].get();
  if (o.has_write && !cruntime::tools::write_all(master, o.write.data(), o.write.size())) {
    fmt::print(stderr, "recvtty: write to the master: {}\n", std::strerror(errno));
    return 1;
  }
  return relay(master, deadline);
}

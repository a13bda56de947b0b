// The host side of sd_notify(3) for the tests (what systemd is to a Type=notify service): binds a
// unix datagram socket and records every datagram it receives as one JSON line in OUT:
//   {"data":"READY=1\n","fds":0,"pid":1234}
// pid is the sender's (SCM_CREDENTIALS, as systemd checks it). Received fds are closed at once,
// which is how systemd answers BARRIER=1 (the sender waits for the pipe to close).
//
// usage: notify-listener [--write-barrier] [--timeout SECONDS] SOCKET OUT
//   SOCKET           a path (an old file there is removed) or "@name" (abstract namespace)
//   --write-barrier  write a byte into each received fd before closing it (a broken peer)
//   --timeout S      exit 3 after S seconds without a datagram (default 60)
// Prints "listening" on stdout once bound. Exit: 3 timeout, 1 errors, 2 usage.
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include <fmt/core.h>

#include "unix_socket.hpp"

namespace {

using cruntime::tools::Fd;

struct Options {
  std::string socket;
  std::string out;
  bool write_barrier = false;
  int timeout_s = 60;
};

bool parse(int argc, char** argv, Options& o) {
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--write-barrier") {
      o.write_barrier = true;
    } else if (a == "--timeout" && i + 1 < argc) {
      o.timeout_s = std::atoi(argv[++i]);
    } else if (a.starts_with("--")) {
      return false;
    } else if (o.socket.empty()) {
      o.socket = a;
    } else if (o.out.empty()) {
      o.out = a;
    } else {
      return false;
    }
  }
  return !o.socket.empty() && !o.out.empty() && o.timeout_s > 0;
}

std::string json_string(const std::string& text) {
  std::string out = "\"";
  for (unsigned char c : text) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c == '\n') {
      out += "\\n";
    } else if (c < 0x20 || c >= 0x7f) {
      out += fmt::format("\\u{:04x}", c);
    } else {
      out += static_cast<char>(c);
    }
  }
  return out + "\"";
}

// One datagram: its bytes, fds and the sender's pid (0 when no credentials came with it).
struct Datagram {
  std::string data;
  std::vector<Fd> fds;
  pid_t pid = 0;
};

bool receive(int sock, Datagram& d) {
  char data[65536];
  alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int) * 16) + CMSG_SPACE(sizeof(ucred))];
  iovec iov{data, sizeof data};
  msghdr msg{};
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  msg.msg_control = control;
  msg.msg_controllen = sizeof control;
  ssize_t n;
  do {
    n = ::recvmsg(sock, &msg, MSG_CMSG_CLOEXEC);
  } while (n < 0 && errno == EINTR);
  if (n < 0) return false;
  for (cmsghdr* c = CMSG_FIRSTHDR(&msg); c != nullptr; c = CMSG_NXTHDR(&msg, c)) {
    if (c->cmsg_level != SOL_SOCKET) continue;
    if (c->cmsg_type == SCM_RIGHTS) {
      const size_t count = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
      for (size_t i = 0; i < count; ++i) {
        int fd = -1;
        std::memcpy(&fd, CMSG_DATA(c) + i * sizeof(int), sizeof fd);
        d.fds.emplace_back(fd);
      }
    } else if (c->cmsg_type == SCM_CREDENTIALS) {
      ucred cred{};
      std::memcpy(&cred, CMSG_DATA(c), sizeof cred);
      d.pid = cred.pid;
    }
  }
  d.data.assign(data, static_cast<size_t>(n));
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  if (!parse(argc, argv, o)) {
    fmt::print(stderr, "usage: notify-listener [--write-barrier] [--timeout SECONDS] SOCKET OUT\n");
    return 2;
  }
  sockaddr_un addr{};
  const socklen_t length = cruntime::tools::unix_address(o.socket, addr);
  if (length == 0) {
    fmt::print(stderr, "notify-listener: unusable socket address {}\n", o.socket);
    return 2;
  }
  Fd sock(::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0));
  const int on = 1;
  if (o.socket[0] != '@') ::unlink(o.socket.c_str());
  if (sock.get() < 0 || ::setsockopt(sock.get(), SOL_SOCKET, SO_PASSCRED, &on, sizeof on) != 0 ||
      ::bind(sock.get(), reinterpret_cast<const sockaddr*>(&addr), length) != 0) {
    fmt::print(stderr, "notify-listener: bind {}: {}\n", o.socket, std::strerror(errno));
    return 1;
  }
  fmt::print("listening\n");
  std::fflush(stdout);
  for (;;) {
    pollfd p{sock.get(), POLLIN, 0};
    const int n = ::poll(&p, 1, o.timeout_s * 1000);
    if (n < 0 && errno == EINTR) continue;
    if (n == 0) {
      fmt::print(stderr, "notify-listener: no datagram within {} s\n", o.timeout_s);
      return 3;
    }
    Datagram d;
    if (n < 0 || !receive(sock.get(), d)) {
      fmt::print(stderr, "notify-listener: receive: {}\n", std::strerror(errno));
      return 1;
    }
    const std::string line = fmt::format("{{\"data\":{},\"fds\":{},\"pid\":{}}}\n",
                                         json_string(d.data), d.fds.size(), d.pid);
    // O_APPEND-like: one write per record, so a reader never sees half a line.
    FILE* out = std::fopen(o.out.c_str(), "ae");
    if (out == nullptr || std::fwrite(line.data(), 1, line.size(), out) != line.size() ||
        std::fclose(out) != 0) {
      fmt::print(stderr, "notify-listener: write {}: {}\n", o.out, std::strerror(errno));
      return 1;
    }
    for (Fd& fd : d.fds) {
      if (o.write_barrier) (void)cruntime::tools::write_all(fd.get(), "x", 1);
      fd.reset();
    }
  }
}

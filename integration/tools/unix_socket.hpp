// Unix-socket plumbing shared by the integration test tools: listen, accept, receive fds.
#pragma once

#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstddef>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

namespace cruntime::tools {

// An owned fd (the tools are tiny; this keeps them leak-free without the project's base lib).
class Fd {
 public:
  Fd() = default;
  explicit Fd(int fd) : fd_(fd) {}
  Fd(Fd&& other) noexcept : fd_(other.release()) {}
  Fd& operator=(Fd&& other) noexcept {
    reset(other.release());
    return *this;
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  ~Fd() { reset(); }
  int get() const { return fd_; }
  int release() {
    int fd = fd_;
    fd_ = -1;
    return fd;
  }
  void reset(int fd = -1) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = fd;
  }

 private:
  int fd_ = -1;
};

// `name` as a socket address, in sd_notify(3)'s syntax: "@x" is "x" in the abstract namespace,
// anything else a path. 0 when it does not fit.
inline socklen_t unix_address(const std::string& name, sockaddr_un& addr) {
  addr = sockaddr_un{};
  addr.sun_family = AF_UNIX;
  const bool abstract = !name.empty() && name[0] == '@';
  if (name.empty() || name.size() + (abstract ? 0 : 1) > sizeof addr.sun_path) return 0;
  std::memcpy(addr.sun_path, name.data(), name.size());
  if (abstract) addr.sun_path[0] = '\0';
  return static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + name.size() + (abstract ? 0 : 1));
}

// A listening SOCK_STREAM socket bound at `path` (an old file there is removed first).
inline Fd listen_unix(const std::string& path) {
  sockaddr_un addr{};
  if (path.size() >= sizeof addr.sun_path) return Fd();
  addr.sun_family = AF_UNIX;
  std::memcpy(addr.sun_path, path.c_str(), path.size() + 1);
  Fd sock(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (sock.get() < 0) return Fd();
  ::unlink(path.c_str());
  if (::bind(sock.get(), reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) return Fd();
  if (::listen(sock.get(), 4) != 0) return Fd();
  return sock;
}

// Accept one connection within timeout_ms; an invalid Fd on timeout or error.
inline Fd accept_one(int listener, int timeout_ms) {
  pollfd p{listener, POLLIN, 0};
  int n = 0;
  do {
    n = ::poll(&p, 1, timeout_ms);
  } while (n < 0 && errno == EINTR);
  if (n <= 0) return Fd();
  return Fd(::accept4(listener, nullptr, nullptr, SOCK_CLOEXEC));
}

// Everything one peer sent until it closed: the bytes, every fd, and how many SCM_RIGHTS
// control messages carried them (receivers like conmon reject anything but 1 cmsg with 1 fd).
struct Message {
  std::string data;
  std::vector<Fd> fds;
  int cmsgs = 0;
  bool truncated = false;  // MSG_CTRUNC: more fds than the buffer could take
};

// One recvmsg into `out`. Returns the byte count (0 = EOF), or -1 on error.
inline ssize_t receive_one(int sock, Message& out) {
  for (;;) {
    char data[4096];
    alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int) * 16)];
    iovec iov{data, sizeof data};
    msghdr msg{};
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    msg.msg_control = control;
    msg.msg_controllen = sizeof control;
    ssize_t n = ::recvmsg(sock, &msg, MSG_CMSG_CLOEXEC);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return -1;
    if ((msg.msg_flags & MSG_CTRUNC) != 0) out.truncated = true;
    for (cmsghdr* c = CMSG_FIRSTHDR(&msg); c != nullptr; c = CMSG_NXTHDR(&msg, c)) {
      if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS) continue;
      ++out.cmsgs;
      size_t count = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
      for (size_t i = 0; i < count; ++i) {
        int fd = -1;
        std::memcpy(&fd, CMSG_DATA(c) + i * sizeof(int), sizeof fd);
        out.fds.emplace_back(fd);
      }
    }
    out.data.append(data, static_cast<size_t>(n));
    return n;
  }
}

// The first message, then whatever else arrives until the peer closes or `grace_ms` passes
// without news (a sender may keep the socket open; receivers like go-runc read once).
// Sets `eof` when the peer closed within the grace period.
inline bool receive_all(int sock, Message& out, int grace_ms, bool& eof) {
  eof = false;
  ssize_t n = receive_one(sock, out);
  if (n < 0) return false;
  while (n > 0) {
    pollfd p{sock, POLLIN, 0};
    int ready = ::poll(&p, 1, grace_ms);
    if (ready < 0 && errno == EINTR) continue;
    if (ready <= 0) return ready == 0;
    n = receive_one(sock, out);
    if (n < 0) return false;
    if (out.data.size() > 1024 * 1024) return false;
  }
  eof = true;
  return true;
}

// Write a whole file through a temporary name, so a poller never sees it half written.
inline bool write_file_atomic(const std::string& path, const std::string& text) {
  std::string tmp = path + ".tmp";
  FILE* f = std::fopen(tmp.c_str(), "we");
  if (f == nullptr) return false;
  bool ok = std::fwrite(text.data(), 1, text.size(), f) == text.size();
  ok = (std::fclose(f) == 0) && ok;
  return ok && std::rename(tmp.c_str(), path.c_str()) == 0;
}

inline bool write_all(int fd, const char* data, size_t size) {
  while (size > 0) {
    ssize_t n = ::write(fd, data, size);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    data += n;
    size -= static_cast<size_t>(n);
  }
  return true;
}

}  // namespace cruntime::tools

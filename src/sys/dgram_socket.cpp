// Unix datagram sockets with errno captured into Error: address syntax, connect, bind, receive.
#include "cruntime/sys/dgram_socket.hpp"

#include <cerrno>
#include <cstddef>
#include <cstring>

namespace cruntime::sys {

Result<UnixAddress> unix_address(std::string_view name) {
  UnixAddress out;
  out.addr.sun_family = AF_UNIX;
  if (name.empty()) return fail_msg("empty socket address");
  if (name.find('\0') != std::string_view::npos)
    return fail_msg("socket address contains a NUL byte");
  // A path needs its terminating NUL in sun_path; an abstract name trades the '@' for a NUL.
  const bool abstract = name.front() == '@';
  const size_t room = sizeof out.addr.sun_path - (abstract ? 0 : 1);
  if (name.size() > room) {
    return fail_msg("socket address {} is longer than {} bytes", name, room);
  }
  std::memcpy(out.addr.sun_path, name.data(), name.size());
  if (abstract) out.addr.sun_path[0] = '\0';
  out.length =
      static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + name.size() + (abstract ? 0 : 1));
  return out;
}

Result<UniqueFd> connect_dgram(const UnixAddress& address, std::string_view shown) {
  UniqueFd sock(::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0));
  if (!sock) return fail(Error::sys(errno, "socket"));
  int rc;
  do {
    rc = ::connect(sock.get(), reinterpret_cast<const sockaddr*>(&address.addr), address.length);
  } while (rc < 0 && errno == EINTR);
  if (rc < 0) return fail(Error::sys(errno, fmt::format("connect {}", shown)));
  return sock;
}

Result<UniqueFd> bind_dgram_at(int dir_fd, std::string_view name, std::string_view shown) {
  if (name.empty() || name.front() == '@' || name.find('/') != std::string_view::npos) {
    return fail_msg("bind {}: not a plain file name", shown);
  }
  const UnixAddress address =
      CR_TRY_CTX(unix_address(fmt::format("/proc/self/fd/{}/{}", dir_fd, name)), "bind {}", shown);
  UniqueFd sock(::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0));
  if (!sock) return fail(Error::sys(errno, "socket"));
  if (::bind(sock.get(), reinterpret_cast<const sockaddr*>(&address.addr), address.length) != 0) {
    return fail(Error::sys(errno, fmt::format("bind {}", shown)));
  }
  return sock;
}

Result<std::optional<std::string>> receive_datagram(int sock, size_t max_size) {
  std::string data(max_size, '\0');
  for (;;) {
    ssize_t n = ::recv(sock, data.data(), data.size(), MSG_DONTWAIT);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return std::optional<std::string>();
    if (n < 0) return fail(Error::sys(errno, "recv"));
    data.resize(static_cast<size_t>(n));
    return std::optional<std::string>(std::move(data));
  }
}

}  // namespace cruntime::sys

// Unix datagram sockets: addresses (a path or systemd's "@abstract"), connect, bind, receive.
#pragma once

#include <sys/socket.h>
#include <sys/un.h>

#include <optional>
#include <string>
#include <string_view>

#include "cruntime/base/error.hpp"
#include "cruntime/base/unique_fd.hpp"

namespace cruntime::sys {

struct UnixAddress {
  sockaddr_un addr{};
  socklen_t length = 0;  // what bind/connect take: abstract names are not NUL-terminated
};

// sd_notify(3)'s syntax for $NOTIFY_SOCKET: a leading '@' names a socket in the abstract
// namespace (the '@' becomes the NUL byte), anything else is a file system path. Empty, too long
// for sun_path, or a NUL inside is an error.
Result<UnixAddress> unix_address(std::string_view name);

// A SOCK_DGRAM socket connected to `address` (`shown` names it in errors).
Result<UniqueFd> connect_dgram(const UnixAddress& address, std::string_view shown);

// A SOCK_DGRAM socket bound at `name` in the directory `dir_fd` (`shown` names it in errors).
// Through the directory's fd, so the socket's full path may be longer than sun_path.
Result<UniqueFd> bind_dgram_at(int dir_fd, std::string_view name, std::string_view shown);

// One datagram of at most `max_size` bytes (a longer one is cut), without blocking: nullopt when
// none is queued. Control messages (fds a peer tries to pass) are dropped by the kernel.
Result<std::optional<std::string>> receive_datagram(int sock, size_t max_size);

}  // namespace cruntime::sys

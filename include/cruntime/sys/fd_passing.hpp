// Sending and receiving file descriptors over unix sockets (SCM_RIGHTS).
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "cruntime/base/error.hpp"
#include "cruntime/base/unique_fd.hpp"

namespace cruntime::sys {

struct Received {
  std::string data;             // empty with EOF set when the peer closed
  std::vector<UniqueFd> fds;
  bool eof = false;
};

// One sendmsg: `data` (must be non-empty for stream sockets) plus `fds` in one SCM_RIGHTS cmsg.
Result<void> send_with_fds(int sock, std::string_view data, std::span<const int> fds);
// One recvmsg of at most max_data bytes and max_fds fds; received fds are CLOEXEC (MSG_CMSG_CLOEXEC).
Result<Received> recv_with_fds(int sock, size_t max_data, size_t max_fds);

// Connect a SOCK_STREAM unix socket to a filesystem path (no abstract addresses).
Result<UniqueFd> connect_unix(const std::string& path);

}  // namespace cruntime::sys

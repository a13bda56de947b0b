// A minimal sd_notify(3) client for the busybox test rootfs (which has no systemd-notify): each
// argument is sent as one datagram to $NOTIFY_SOCKET, in order. Static, like the other in-rootfs
// tools.
//
// usage: sd-notify MESSAGE...     e.g. sd-notify STATUS=starting "$(printf 'READY=1\nSTATUS=up')"
// Exit: 0 when every datagram was sent, 2 usage or NOTIFY_SOCKET unset/unusable, 1 send failed.
#include <sys/socket.h>
#include <sys/un.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "unix_socket.hpp"

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fputs("usage: sd-notify MESSAGE...\n", stderr);
    return 2;
  }
  const char* env = std::getenv("NOTIFY_SOCKET");
  sockaddr_un addr{};
  const socklen_t length = env == nullptr ? 0 : cruntime::tools::unix_address(env, addr);
  if (length == 0) {
    std::fprintf(stderr, "sd-notify: NOTIFY_SOCKET unset or unusable: %s\n", env ? env : "(unset)");
    return 2;
  }
  cruntime::tools::Fd sock(::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0));
  if (sock.get() < 0) {
    std::fprintf(stderr, "sd-notify: socket: %s\n", std::strerror(errno));
    return 1;
  }
  for (int i = 1; i < argc; ++i) {
    const std::string message = argv[i];
    if (::sendto(sock.get(), message.data(), message.size(), MSG_NOSIGNAL,
                 reinterpret_cast<const sockaddr*>(&addr), length) < 0) {
      std::fprintf(stderr, "sd-notify: send to %s: %s\n", env, std::strerror(errno));
      return 1;
    }
  }
  return 0;
}

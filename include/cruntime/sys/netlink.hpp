// rtnetlink (NETLINK_ROUTE): a socket, requests built attribute by attribute, acks and dumps.
// Only what linux.netDevices needs (process/net_devices.cpp): links and addresses.
#pragma once

#include <linux/netlink.h>

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "cruntime/base/error.hpp"
#include "cruntime/base/unique_fd.hpp"

namespace cruntime::sys {

// One request: nlmsghdr + a fixed family header (ifinfomsg, ifaddrmsg) + rtattrs, each padded
// to 4 bytes as netlink(7) wants. Attributes are appended flat (no nesting is needed here).
class NetlinkRequest {
 public:
  NetlinkRequest(uint16_t type, uint16_t flags, const void* family_header, size_t header_size);
  void add(uint16_t attr_type, const void* data, size_t size);
  void add_u32(uint16_t attr_type, uint32_t value) { add(attr_type, &value, sizeof value); }
  void add_string(uint16_t attr_type, std::string_view text);  // NUL-terminated
  void add_flags(uint16_t flags);
  // The finished message with its sequence number.
  std::string_view bytes(uint32_t seq);

 private:
  std::string buffer_;
};

// A message of a dump or a reply: its type and everything after the nlmsghdr.
struct NetlinkMessage {
  uint16_t type = 0;
  std::string body;
};

// The rtattrs after a family header of `header_size` bytes in `body`: type → payload, views
// into `body` (which must outlive them).
std::vector<std::pair<uint16_t, std::string_view>> netlink_attributes(std::string_view body,
                                                                      size_t header_size);

class NetlinkSocket {
 public:
  // A NETLINK_ROUTE socket in the caller's network namespace (a socket stays in the namespace it
  // was made in, whatever its owner joins later).
  static Result<NetlinkSocket> open();
  // Sends the request with NLM_F_ACK and waits for its ack: the kernel's errno as an error.
  Result<void> call(NetlinkRequest& request);
  // Sends a NLM_F_DUMP request and returns every message until NLMSG_DONE.
  Result<std::vector<NetlinkMessage>> dump(NetlinkRequest& request);

 private:
  explicit NetlinkSocket(UniqueFd fd) : fd_(std::move(fd)) {}
  Result<void> send(NetlinkRequest& request, uint32_t seq);
  // Reads replies to `seq` until `done` says so (true = finished).
  Result<void> receive(uint32_t seq, const std::function<Result<bool>(const nlmsghdr&)>& done);

  UniqueFd fd_;
  uint32_t seq_ = 0;
};

}  // namespace cruntime::sys

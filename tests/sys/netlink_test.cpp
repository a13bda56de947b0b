// Unit tests for the rtnetlink layer: requests encode as netlink(7) says, attributes parse back
// (and a malformed one ends the walk), and the kernel answers a dump and refuses a bad request.
#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include <net/if.h>

#include <catch2/catch.hpp>
#include <cerrno>
#include <cstring>
#include <string>

#include "cruntime/sys/netlink.hpp"

namespace sys = cruntime::sys;

TEST_CASE("NetlinkRequest: header, padded family header and attributes", "[sys]") {
  ifinfomsg family{};
  family.ifi_index = 7;
  sys::NetlinkRequest request(RTM_NEWLINK, NLM_F_CREATE, &family, sizeof family);
  request.add_string(IFLA_IFNAME, "eth9");  // 4 + 5 bytes, padded to 12
  request.add_u32(IFLA_NET_NS_FD, 42);
  const std::string bytes(request.bytes(5));
  REQUIRE(bytes.size() == NLMSG_HDRLEN + NLMSG_ALIGN(sizeof family) + 12 + 8);
  nlmsghdr header{};
  std::memcpy(&header, bytes.data(), sizeof header);
  CHECK(header.nlmsg_len == bytes.size());
  CHECK(header.nlmsg_type == RTM_NEWLINK);
  CHECK(header.nlmsg_flags == (NLM_F_REQUEST | NLM_F_CREATE));
  CHECK(header.nlmsg_seq == 5);

  // The views point into the body: it must outlive them (a temporary substr did not: ASan).
  const std::string body = bytes.substr(NLMSG_HDRLEN);
  const auto attributes = sys::netlink_attributes(body, sizeof family);
  REQUIRE(attributes.size() == 2);
  CHECK(attributes[0].first == IFLA_IFNAME);
  CHECK(attributes[0].second == std::string("eth9\0", 5));
  CHECK(attributes[1].first == IFLA_NET_NS_FD);
  uint32_t fd = 0;
  std::memcpy(&fd, attributes[1].second.data(), sizeof fd);
  CHECK(fd == 42);

  // A length past the end stops the walk instead of reading beyond the message.
  std::string cut = bytes.substr(NLMSG_HDRLEN, bytes.size() - NLMSG_HDRLEN - 2);
  CHECK(sys::netlink_attributes(cut, sizeof family).size() == 1);
}

TEST_CASE("NetlinkSocket: a link dump shows lo; a request for a missing link fails", "[sys]") {
  auto socket = sys::NetlinkSocket::open();
  REQUIRE(socket);
  ifinfomsg family{};
  sys::NetlinkRequest dump(RTM_GETLINK, 0, &family, sizeof family);
  auto links = socket->dump(dump);
  REQUIRE(links);
  bool found_lo = false;
  for (const auto& message : *links) {
    for (auto [type, data] : sys::netlink_attributes(message.body, sizeof(ifinfomsg))) {
      if (type == IFLA_IFNAME && data == std::string("lo\0", 3)) found_lo = true;
    }
  }
  CHECK(found_lo);

  // No such index: the kernel's ENODEV comes back as the error (unprivileged callers get EPERM
  // first on some kernels, which is as good a refusal).
  ifinfomsg missing{};
  missing.ifi_index = 0x7ffffff0;
  missing.ifi_flags = IFF_UP;
  missing.ifi_change = IFF_UP;
  sys::NetlinkRequest up(RTM_NEWLINK, 0, &missing, sizeof missing);
  auto result = socket->call(up);
  REQUIRE_FALSE(result);
  CHECK((result.error().code() == ENODEV || result.error().code() == EPERM));
}

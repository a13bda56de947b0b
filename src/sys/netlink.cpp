// rtnetlink requests, acks and dumps (netlink(7), rtnetlink(7)).
#include "cruntime/sys/netlink.hpp"

#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include <fmt/format.h>

namespace cruntime::sys {
namespace {

constexpr size_t kReceiveBuffer = 32768;  // a dump part is at most a page or two

size_t aligned(size_t size) { return NLMSG_ALIGN(size); }

}  // namespace

NetlinkRequest::NetlinkRequest(uint16_t type, uint16_t flags, const void* family_header,
                               size_t header_size) {
  nlmsghdr header{};
  header.nlmsg_type = type;
  header.nlmsg_flags = static_cast<uint16_t>(NLM_F_REQUEST | flags);
  buffer_.assign(reinterpret_cast<const char*>(&header), sizeof header);
  buffer_.append(static_cast<const char*>(family_header), header_size);
  buffer_.resize(aligned(buffer_.size()), '\0');
}

void NetlinkRequest::add(uint16_t attr_type, const void* data, size_t size) {
  nlattr attr{};
  attr.nla_type = attr_type;
  attr.nla_len = static_cast<uint16_t>(NLA_HDRLEN + size);
  buffer_.append(reinterpret_cast<const char*>(&attr), sizeof attr);
  buffer_.append(static_cast<const char*>(data), size);
  buffer_.resize(aligned(buffer_.size()), '\0');
}

void NetlinkRequest::add_string(uint16_t attr_type, std::string_view text) {
  std::string terminated(text);
  add(attr_type, terminated.c_str(), terminated.size() + 1);
}

void NetlinkRequest::add_flags(uint16_t flags) {
  reinterpret_cast<nlmsghdr*>(buffer_.data())->nlmsg_flags |= flags;
}

std::string_view NetlinkRequest::bytes(uint32_t seq) {
  auto* header = reinterpret_cast<nlmsghdr*>(buffer_.data());
  header->nlmsg_len = static_cast<uint32_t>(buffer_.size());
  header->nlmsg_seq = seq;
  return buffer_;
}

std::vector<std::pair<uint16_t, std::string_view>> netlink_attributes(std::string_view body,
                                                                      size_t header_size) {
  std::vector<std::pair<uint16_t, std::string_view>> attributes;
  size_t offset = aligned(header_size);
  while (offset + NLA_HDRLEN <= body.size()) {
    nlattr attr{};
    std::memcpy(&attr, body.data() + offset, sizeof attr);
    if (attr.nla_len < NLA_HDRLEN || offset + attr.nla_len > body.size()) break;  // malformed
    attributes.emplace_back(static_cast<uint16_t>(attr.nla_type & NLA_TYPE_MASK),
                            body.substr(offset + NLA_HDRLEN, attr.nla_len - NLA_HDRLEN));
    offset += aligned(attr.nla_len);
  }
  return attributes;
}

Result<NetlinkSocket> NetlinkSocket::open() {
  int fd = ::socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
  if (fd < 0) return fail(Error::sys(errno, "netlink socket"));
  return NetlinkSocket(UniqueFd(fd));
}

Result<void> NetlinkSocket::send(NetlinkRequest& request, uint32_t seq) {
  const std::string_view bytes = request.bytes(seq);
  sockaddr_nl kernel{};
  kernel.nl_family = AF_NETLINK;
  ssize_t sent = ::sendto(fd_.get(), bytes.data(), bytes.size(), 0,
                          reinterpret_cast<const sockaddr*>(&kernel), sizeof kernel);
  if (sent < 0) return fail(Error::sys(errno, "netlink send"));
  if (static_cast<size_t>(sent) != bytes.size()) return fail_msg("netlink send: short write");
  return {};
}

Result<void> NetlinkSocket::receive(uint32_t seq,
                                    const std::function<Result<bool>(const nlmsghdr&)>& done) {
  std::vector<char> buffer(kReceiveBuffer);
  for (;;) {
    ssize_t got = ::recv(fd_.get(), buffer.data(), buffer.size(), 0);
    if (got < 0 && errno == EINTR) continue;
    if (got < 0) return fail(Error::sys(errno, "netlink receive"));
    size_t left = static_cast<size_t>(got);
    for (auto* header = reinterpret_cast<const nlmsghdr*>(buffer.data()); NLMSG_OK(header, left);
         header = NLMSG_NEXT(header, left)) {
      if (header->nlmsg_seq != seq) continue;  // a late reply to an earlier request
      if (header->nlmsg_type == NLMSG_ERROR) {
        if (header->nlmsg_len < NLMSG_LENGTH(sizeof(nlmsgerr))) {
          return fail_msg("netlink: truncated error message");
        }
        const auto* error = static_cast<const nlmsgerr*>(NLMSG_DATA(header));
        if (error->error != 0) return fail(Error::sys(-error->error, "netlink"));
        return {};  // the ack
      }
      if (CR_TRY(done(*header))) return {};
    }
  }
}

Result<void> NetlinkSocket::call(NetlinkRequest& request) {
  const uint32_t seq = ++seq_;
  request.add_flags(NLM_F_ACK);
  CR_TRY(send(request, seq));
  // Only an NLMSG_ERROR (errno 0 = ack) ends a call; anything else is skipped.
  return receive(seq, [](const nlmsghdr&) -> Result<bool> { return false; });
}

Result<std::vector<NetlinkMessage>> NetlinkSocket::dump(NetlinkRequest& request) {
  const uint32_t seq = ++seq_;
  request.add_flags(NLM_F_DUMP);
  CR_TRY(send(request, seq));
  std::vector<NetlinkMessage> messages;
  CR_TRY(receive(seq, [&messages](const nlmsghdr& header) -> Result<bool> {
    if (header.nlmsg_type == NLMSG_DONE) return true;
    const auto* data = static_cast<const char*>(NLMSG_DATA(&header));
    messages.push_back({header.nlmsg_type, std::string(data, header.nlmsg_len - NLMSG_HDRLEN)});
    return false;
  }));
  return messages;
}

}  // namespace cruntime::sys

// SyncSocket: typed, length-checked messages between the runtime and the container init.
#include "cruntime/process/sync.hpp"

#include <sys/socket.h>

#include <cerrno>
#include <cstring>

#include "cruntime/sys/fd_passing.hpp"

namespace cruntime::process {
namespace {

struct Header {
  uint32_t type;
  uint32_t length;
};

constexpr size_t kMaxFds = 4;

}  // namespace

std::string_view msg_type_name(MsgType type) {
  switch (type) {
    case MsgType::kParentReady: return "parent-ready";
    case MsgType::kIdMapRequest: return "idmap-request";
    case MsgType::kIdMapDone: return "idmap-done";
    case MsgType::kInitPid: return "init-pid";
    case MsgType::kSeccompFd: return "seccomp-fd";
    case MsgType::kSeccompDone: return "seccomp-done";
    case MsgType::kHooksRequest: return "hooks-request";
    case MsgType::kHooksDone: return "hooks-done";
    case MsgType::kReady: return "ready";
    case MsgType::kError: return "error";
    case MsgType::kMountSourcesRequest: return "mount-sources-request";
    case MsgType::kMountSource: return "mount-source";
    case MsgType::kMountSourcesDone: return "mount-sources-done";
    case MsgType::kRecorded: return "recorded";
  }
  return "unknown";
}

Result<std::pair<SyncSocket, SyncSocket>> SyncSocket::make_pair() {
  int fds[2];
  if (::socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, fds) != 0) {
    return fail(Error::sys(errno, "socketpair"));
  }
  return std::pair<SyncSocket, SyncSocket>(SyncSocket(UniqueFd(fds[0])), SyncSocket(UniqueFd(fds[1])));
}

Result<void> SyncSocket::send(MsgType type, std::string_view payload, std::span<const int> fds) {
  if (payload.size() > kMaxPayload) return fail_msg("sync: {} payload too large", msg_type_name(type));
  Header header{static_cast<uint32_t>(type), static_cast<uint32_t>(payload.size())};
  std::string buf(sizeof header, '\0');
  std::memcpy(buf.data(), &header, sizeof header);
  // Appended, not memcpy'd: an empty payload ({}) has a null data(), which memcpy must not get.
  buf += payload;
  CR_TRY_CTX(sys::send_with_fds(fd_.get(), buf, fds), "sync: send {}", msg_type_name(type));
  return {};
}

Result<Msg> SyncSocket::recv() {
  std::optional<Msg> msg = CR_TRY(recv_or_eof());
  if (!msg) return fail_msg("the other side exited");
  return std::move(*msg);
}

Result<std::optional<Msg>> SyncSocket::recv_or_eof() {
  sys::Received got = CR_TRY_CTX(sys::recv_with_fds(fd_.get(), sizeof(Header) + kMaxPayload + 1, kMaxFds),
                                 "sync: receive");
  if (got.eof) return std::optional<Msg>();
  Header header{};
  if (got.data.size() < sizeof header) return fail_msg("sync: short message ({} bytes)", got.data.size());
  std::memcpy(&header, got.data.data(), sizeof header);
  if (header.length != got.data.size() - sizeof header) {
    return fail_msg("sync: message length {} does not match {} bytes received", header.length,
                    got.data.size() - sizeof header);
  }
  Msg msg;
  msg.type = static_cast<MsgType>(header.type);
  msg.payload = got.data.substr(sizeof header);
  msg.fds = std::move(got.fds);
  if (msg.type == MsgType::kError) return fail(Error::from_wire(msg.payload));
  return std::optional<Msg>(std::move(msg));
}

Result<Msg> SyncSocket::expect(MsgType type) {
  Msg msg = CR_TRY_CTX(recv(), "waiting for {}", msg_type_name(type));
  if (msg.type != type) {
    return fail_msg("sync: expected {}, got {}", msg_type_name(type), msg_type_name(msg.type));
  }
  return msg;
}

void SyncSocket::send_error(const Error& error) noexcept {
  std::string wire = error.to_wire();
  if (wire.size() > kMaxPayload) wire.resize(kMaxPayload);
  (void)send(MsgType::kError, wire);
}

}  // namespace cruntime::process

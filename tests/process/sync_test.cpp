// Unit tests for the parent/child SyncSocket: typed messages, fds, errors and EOF.
#include <fcntl.h>
#include <unistd.h>

#include <catch2/catch.hpp>

#include "cruntime/process/sync.hpp"

using cruntime::Error;
using cruntime::process::MsgType;
using cruntime::process::SyncSocket;

TEST_CASE("SyncSocket: messages keep their type, payload and fds", "[process]") {
  auto pair = SyncSocket::make_pair();
  REQUIRE(pair);
  auto& [parent, child] = *pair;
  REQUIRE(child.send(MsgType::kInitPid, "1234"));
  auto msg = parent.expect(MsgType::kInitPid);
  REQUIRE(msg);
  CHECK(msg->payload == "1234");

  int pipe_fds[2];
  REQUIRE(::pipe2(pipe_fds, O_CLOEXEC) == 0);
  REQUIRE(child.send(MsgType::kSeccompFd, {}, std::span<const int>(&pipe_fds[0], 1)));
  auto with_fd = parent.recv();
  REQUIRE(with_fd);
  REQUIRE(with_fd->fds.size() == 1);
  CHECK(::fcntl(with_fd->fds[0].get(), F_GETFD) == FD_CLOEXEC);
  ::close(pipe_fds[0]);
  ::close(pipe_fds[1]);
}

// A default string_view has a null data(); passing it to memcpy, even for 0 bytes, is undefined
// (UBSan's nonnull check in the sanitizer build).
TEST_CASE("SyncSocket: a message without payload arrives empty", "[process]") {
  auto pair = SyncSocket::make_pair();
  REQUIRE(pair);
  auto& [parent, child] = *pair;
  REQUIRE(child.send(MsgType::kReady, std::string_view()));
  auto msg = parent.expect(MsgType::kReady);
  REQUIRE(msg);
  CHECK(msg->payload.empty());
  CHECK(msg->fds.empty());
}

TEST_CASE("SyncSocket: a kError message becomes the peer's Error", "[process]") {
  auto pair = SyncSocket::make_pair();
  REQUIRE(pair);
  auto& [parent, child] = *pair;
  child.send_error(Error::sys(EPERM, "mount proc").with_context("container init"));
  auto msg = parent.expect(MsgType::kReady);
  REQUIRE_FALSE(msg);
  CHECK(msg.error().to_string() ==
        "waiting for ready: container init: mount proc: Operation not permitted (EPERM)");
}

TEST_CASE("SyncSocket: an unexpected type and EOF are errors", "[process]") {
  auto pair = SyncSocket::make_pair();
  REQUIRE(pair);
  auto& [parent, child] = *pair;
  REQUIRE(child.send(MsgType::kHooksRequest));
  auto wrong = parent.expect(MsgType::kReady);
  REQUIRE_FALSE(wrong);
  CHECK(wrong.error().to_string() == "sync: expected ready, got hooks-request");
  child.close();
  auto eof = parent.recv();
  REQUIRE_FALSE(eof);
  CHECK(eof.error().to_string() == "the other side exited");
}

TEST_CASE("SyncSocket: recv_or_eof gives the messages, then a typed end of stream", "[process]") {
  auto pair = SyncSocket::make_pair();
  REQUIRE(pair);
  auto& [parent, child] = *pair;
  REQUIRE(child.send(MsgType::kReady, "x"));
  child.close();
  auto first = parent.recv_or_eof();
  REQUIRE(first);
  REQUIRE(first->has_value());
  CHECK((*first)->type == MsgType::kReady);
  CHECK((*first)->payload == "x");
  auto end = parent.recv_or_eof();
  REQUIRE(end);
  CHECK_FALSE(end->has_value());
}

TEST_CASE("SyncSocket: oversized payloads are refused before sending", "[process]") {
  auto pair = SyncSocket::make_pair();
  REQUIRE(pair);
  std::string big(SyncSocket::kMaxPayload + 1, 'x');
  auto sent = pair->second.send(MsgType::kReady, big);
  REQUIRE_FALSE(sent);
}

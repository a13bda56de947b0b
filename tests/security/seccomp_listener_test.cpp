// Tests of the seccomp agent message (cli-contract §8.8), json_quote, and a real hand-over of
// an fd to a listening unix socket.
#include "cruntime/security/seccomp_listener.hpp"

#include <fcntl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cstring>
#include <string>

#include "cruntime/base/strings.hpp"
#include "cruntime/spec/io.hpp"
#include "cruntime/sys/fd_passing.hpp"
#include "support/temp_dir.hpp"

namespace cruntime::security {
namespace {

UniqueFd listen_at(const std::string& path) {
  UniqueFd sock(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  std::memcpy(addr.sun_path, path.data(), path.size());
  if (::bind(sock.get(), reinterpret_cast<const sockaddr*>(&addr), sizeof addr) != 0) return {};
  if (::listen(sock.get(), 1) != 0) return {};
  return sock;
}

}  // namespace

TEST_CASE("json_quote: escapes quotes, backslashes and control characters", "[security]") {
  CHECK(strings::json_quote("") == "\"\"");
  CHECK(strings::json_quote("plain") == "\"plain\"");
  CHECK(strings::json_quote("a\"b\\c") == R"("a\"b\\c")");
  CHECK(strings::json_quote("line\nnext\ttab\r") == R"("line\nnext\ttab\r")");
  CHECK(strings::json_quote(std::string_view("\x01\x1f", 2)) == R"("\u0001\u001f")");
  CHECK(strings::json_quote("caf\xc3\xa9") == "\"caf\xc3\xa9\"");  // UTF-8 passes through
}

TEST_CASE("seccomp_listener_message: the container-process state, metadata only when set",
          "[security]") {
  spec::Seccomp seccomp;
  const spec::State state = spec::hook_state("c1", spec::Status::kCreating, 42, "/b", {});
  const std::string state_json =
      R"({"ociVersion":"1.3.0","id":"c1","status":"creating","pid":42,"bundle":"/b"})";
  CHECK(seccomp_listener_message(seccomp, state, 42) ==
        R"({"ociVersion":"1.3.0","fds":["seccompFd"],"pid":42,"state":)" + state_json + "}");
  seccomp.listener_metadata = "";
  CHECK_THAT(seccomp_listener_message(seccomp, state, 42), !Catch::Contains("metadata"));
  seccomp.listener_metadata = "say \"hi\"";
  CHECK(seccomp_listener_message(seccomp, state, 7) ==
        R"({"ociVersion":"1.3.0","fds":["seccompFd"],"pid":7,"metadata":"say \"hi\"","state":)" +
            state_json + "}");
}

TEST_CASE("send_seccomp_listener: one message with the fd reaches the agent", "[security]") {
  test::TempDir dir;
  const std::string path = dir.join("agent.sock");
  UniqueFd server = listen_at(path);
  REQUIRE(server);
  int pipe_fds[2];
  REQUIRE(::pipe2(pipe_fds, O_CLOEXEC) == 0);
  UniqueFd read_end(pipe_fds[0]);
  UniqueFd write_end(pipe_fds[1]);

  spec::Seccomp seccomp;
  seccomp.listener_path = path;
  seccomp.listener_metadata = "m";
  const spec::State state = spec::hook_state("c1", spec::Status::kCreating, 1234, "/b", {});
  auto sent = send_seccomp_listener(seccomp, state, 1234, write_end.get());
  REQUIRE(sent);

  UniqueFd conn(::accept4(server.get(), nullptr, nullptr, SOCK_CLOEXEC));
  REQUIRE(conn);
  auto received = sys::recv_with_fds(conn.get(), 4096, 4);
  REQUIRE(received);
  CHECK(received->data == seccomp_listener_message(seccomp, state, 1234));
  REQUIRE(received->fds.size() == 1);
  // The received fd is the same pipe: what goes in comes out of our read end.
  REQUIRE(::write(received->fds[0].get(), "x", 1) == 1);
  char c = 0;
  CHECK(::read(read_end.get(), &c, 1) == 1);
  CHECK(c == 'x');
  // The runtime closed its side after the one message.
  auto eof = sys::recv_with_fds(conn.get(), 16, 1);
  REQUIRE(eof);
  CHECK(eof->eof);
}

TEST_CASE("send_seccomp_listener: errors name the listener path", "[security]") {
  test::TempDir dir;
  spec::Seccomp seccomp;
  auto missing = send_seccomp_listener(seccomp, spec::State{}, 1, 0);
  REQUIRE_FALSE(missing);
  CHECK_THAT(missing.error().to_string(),
             Catch::StartsWith("linux.seccomp.listenerPath: required"));
  seccomp.listener_path = dir.join("nobody.sock");
  auto refused = send_seccomp_listener(seccomp, spec::State{}, 1, 0);
  REQUIRE_FALSE(refused);
  CHECK_THAT(refused.error().to_string(), Catch::StartsWith("linux.seccomp.listenerPath: "));
  CHECK(refused.error().code() == ENOENT);
}

}  // namespace cruntime::security

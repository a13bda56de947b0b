// Unit tests for unix datagram sockets: sd_notify(3)'s address syntax, bind through a directory fd.
#include <fcntl.h>
#include <sys/stat.h>

#include <cstddef>
#include <string>

#include <catch2/catch.hpp>

#include "cruntime/sys/dgram_socket.hpp"
#include "support/temp_dir.hpp"

using cruntime::sys::unix_address;

TEST_CASE("unix_address: a path keeps its NUL terminator in the length", "[sys]") {
  auto address = unix_address("/run/systemd/notify");
  REQUIRE(address);
  CHECK(address->addr.sun_family == AF_UNIX);
  CHECK(std::string(address->addr.sun_path) == "/run/systemd/notify");
  CHECK(address->length == offsetof(sockaddr_un, sun_path) + 19 + 1);
}

TEST_CASE("unix_address: @name is name in the abstract namespace, not NUL-terminated", "[sys]") {
  auto address = unix_address("@/org/example/notify");
  REQUIRE(address);
  CHECK(address->addr.sun_path[0] == '\0');
  CHECK(std::string(address->addr.sun_path + 1, 19) == "/org/example/notify");
  CHECK(address->length == offsetof(sockaddr_un, sun_path) + 20);
}

TEST_CASE("unix_address: the longest path and abstract name that fit sun_path", "[sys]") {
  const size_t size = sizeof(sockaddr_un{}.sun_path);
  CHECK(unix_address("/" + std::string(size - 2, 'p')));
  CHECK_FALSE(unix_address("/" + std::string(size - 1, 'p')));
  CHECK(unix_address("@" + std::string(size - 1, 'a')));
  CHECK_FALSE(unix_address("@" + std::string(size, 'a')));
}

TEST_CASE("unix_address: empty or with a NUL byte is refused", "[sys]") {
  auto empty = unix_address("");
  REQUIRE_FALSE(empty);
  CHECK(empty.error().to_string() == "empty socket address");
  CHECK_FALSE(unix_address(std::string("/a\0b", 4)));
  auto longer = unix_address("/" + std::string(200, 'x'));
  REQUIRE_FALSE(longer);
  CHECK(longer.error().to_string().find("is longer than 107 bytes") != std::string::npos);
}

TEST_CASE("bind_dgram_at: binds under a directory fd whatever the directory's path length",
          "[sys]") {
  cruntime::test::TempDir tmp;
  // Deeper than sun_path could name from /.
  std::string dir = tmp.path();
  for (int i = 0; i < 4; ++i) {
    dir += "/" + std::string(40, 'd');
    REQUIRE(::mkdir(dir.c_str(), 0755) == 0);
  }
  REQUIRE(dir.size() > sizeof(sockaddr_un{}.sun_path));
  const int dir_fd = ::open(dir.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC);
  REQUIRE(dir_fd >= 0);
  auto sock = cruntime::sys::bind_dgram_at(dir_fd, "s.sock", "the socket");
  ::close(dir_fd);
  REQUIRE(sock);
  struct stat st {};
  REQUIRE(::stat((dir + "/s.sock").c_str(), &st) == 0);
  CHECK(S_ISSOCK(st.st_mode));

  auto nested = cruntime::sys::bind_dgram_at(AT_FDCWD, "a/b", "a/b");
  REQUIRE_FALSE(nested);
  CHECK(nested.error().to_string() == "bind a/b: not a plain file name");
}

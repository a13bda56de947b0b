// Unit tests for the sd_notify pass-through: the config edit, the READY line, and one whole relay
// between a forked "container" and a host socket (no root needed).
#include "cruntime/container/notify_socket.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstring>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "cruntime/sys/syscalls.hpp"
#include "support/temp_dir.hpp"

using cruntime::container::add_notify_socket;
using cruntime::container::NotifyRelay;
using cruntime::container::ready_line;

namespace {

// A datagram socket bound at `path`: the host's NOTIFY_SOCKET.
int bind_host(const std::string& path) {
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  std::memcpy(addr.sun_path, path.c_str(), path.size() + 1);
  const int sock = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  REQUIRE(sock >= 0);
  REQUIRE(::bind(sock, reinterpret_cast<const sockaddr*>(&addr), sizeof addr) == 0);
  // A broken relay must fail the test, not hang it: the receiving child gives up and exits.
  const timeval timeout{5, 0};
  REQUIRE(::setsockopt(sock, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout) == 0);
  return sock;
}

bool send_to(const std::string& path, const std::string& text) {
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  std::memcpy(addr.sun_path, path.c_str(), path.size() + 1);
  const int sock = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  const bool ok = sock >= 0 && ::sendto(sock, text.data(), text.size(), 0,
                                        reinterpret_cast<const sockaddr*>(&addr), sizeof addr) >= 0;
  if (sock >= 0) ::close(sock);
  return ok;
}

// One datagram from `sock` as "<data>" or "<data> fds=N"; received fds are closed (which is
// what answers BARRIER=1). Async-signal-safe enough for a forked child: no allocation before recv.
std::string receive_closing_fds(int sock) {
  char data[512];
  alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int) * 4)];
  iovec iov{data, sizeof data};
  msghdr msg{};
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  msg.msg_control = control;
  msg.msg_controllen = sizeof control;
  const ssize_t n = ::recvmsg(sock, &msg, MSG_CMSG_CLOEXEC);
  if (n < 0) return "recvmsg failed";
  size_t fds = 0;
  for (cmsghdr* c = CMSG_FIRSTHDR(&msg); c != nullptr; c = CMSG_NXTHDR(&msg, c)) {
    if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS) continue;
    const size_t count = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
    for (size_t i = 0; i < count; ++i, ++fds) {
      int fd = -1;
      std::memcpy(&fd, CMSG_DATA(c) + i * sizeof(int), sizeof fd);
      ::close(fd);
    }
  }
  std::string out(data, static_cast<size_t>(n));
  if (fds > 0) out += " fds=" + std::to_string(fds);
  return out;
}

// A state directory with notify/ in it, a host socket, and a relay connected and bound.
struct Fixture {
  cruntime::test::TempDir tmp;
  std::string container_dir = tmp.join("ct");
  std::string host_path = tmp.join("host.sock");
  std::string socket_path = container_dir + "/notify/notify.sock";
  int host = -1;
  int dir_fd = -1;

  Fixture() {
    REQUIRE(::mkdir(container_dir.c_str(), 0711) == 0);
    dir_fd = ::open(container_dir.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC);
    REQUIRE(dir_fd >= 0);
    REQUIRE(cruntime::container::make_notify_dir(dir_fd, container_dir));
    host = bind_host(host_path);
  }
  ~Fixture() {
    ::close(host);
    ::close(dir_fd);
  }
};

}  // namespace

TEST_CASE("add_notify_socket: a ro bind of <dir>/notify at /run/notify after the config's mounts",
          "[container]") {
  cruntime::spec::Config config;
  cruntime::spec::Mount proc;
  proc.destination = "/proc";
  proc.type = "proc";
  config.mounts = std::vector<cruntime::spec::Mount>{proc};
  config.process.emplace();
  config.process->env = std::vector<std::string>{"PATH=/bin", "NOTIFY_SOCKET=/from/the/image"};
  add_notify_socket(config, "/run/cruntime/ct");

  REQUIRE(config.mounts->size() == 2);
  const cruntime::spec::Mount& mount = config.mounts->back();
  CHECK(mount.destination == "/run/notify");
  CHECK(mount.type == "bind");
  CHECK(mount.source == "/run/cruntime/ct/notify");
  CHECK(mount.options == std::vector<std::string>{"bind", "nosuid", "noexec", "nodev", "ro"});
  // Appended: the last occurrence of a variable is the one the container sees.
  CHECK(*config.process->env == std::vector<std::string>{"PATH=/bin",
                                                         "NOTIFY_SOCKET=/from/the/image",
                                                         "NOTIFY_SOCKET=/run/notify/notify.sock"});
}

TEST_CASE("add_notify_socket: a config without mounts or env gets both", "[container]") {
  cruntime::spec::Config config;
  config.process.emplace();
  add_notify_socket(config, "/r/x");
  REQUIRE(config.mounts);
  CHECK(config.mounts->size() == 1);
  CHECK(*config.process->env == std::vector<std::string>{"NOTIFY_SOCKET=/run/notify/notify.sock"});
}

TEST_CASE("ready_line: the first READY= line of a datagram, whatever its position", "[container]") {
  CHECK(ready_line("READY=1") == "READY=1");
  CHECK(ready_line("READY=1\n") == "READY=1");
  CHECK(ready_line("READY=1\nSTATUS=up") == "READY=1");
  CHECK(ready_line("STATUS=starting\nREADY=1\nMAINPID=7") == "READY=1");
  CHECK(ready_line("READY=0") == "READY=0");  // relayed as it is, as runc does
  CHECK_FALSE(ready_line("STATUS=READY=1"));
  CHECK_FALSE(ready_line(" READY=1"));
  CHECK_FALSE(ready_line("WATCHDOG=1"));
  CHECK_FALSE(ready_line(""));
  CHECK_FALSE(ready_line("\n\n"));
}

TEST_CASE("NotifyRelay::connect: a socket nobody listens on is one NOTIFY_SOCKET error",
          "[container]") {
  cruntime::test::TempDir tmp;
  const std::string missing = tmp.join("missing.sock");
  auto relay = NotifyRelay::connect(missing);
  REQUIRE_FALSE(relay);
  CHECK(relay.error().to_string() ==
        "NOTIFY_SOCKET: connect " + missing + ": No such file or directory (ENOENT)");
  auto abstract = NotifyRelay::connect("@cruntime-test-nobody-" + std::to_string(::getpid()));
  REQUIRE_FALSE(abstract);
  CHECK(abstract.error().code() == ECONNREFUSED);
}

TEST_CASE("NotifyRelay::bind: a container created without NOTIFY_SOCKET has no notify dir",
          "[container]") {
  cruntime::test::TempDir tmp;
  const int host = bind_host(tmp.join("host.sock"));
  REQUIRE(::mkdir(tmp.join("ct").c_str(), 0711) == 0);
  const int dir_fd = ::open(tmp.join("ct").c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC);
  auto relay = NotifyRelay::connect(tmp.join("host.sock"));
  REQUIRE(relay);
  auto bound = relay->bind(dir_fd, tmp.join("ct"));
  ::close(dir_fd);
  ::close(host);
  REQUIRE_FALSE(bound);
  CHECK(bound.error().to_string() == "NOTIFY_SOCKET: bind " + tmp.join("ct") +
                                         "/notify/notify.sock: the container was created without "
                                         "NOTIFY_SOCKET");
}

TEST_CASE("NotifyRelay: READY= is relayed as READY, MAINPID, BARRIER; other fields are not",
          "[container]") {
  Fixture f;
  auto relay = NotifyRelay::connect(f.host_path);
  REQUIRE(relay);
  REQUIRE(relay->bind(f.dir_fd, f.container_dir));
  struct stat st {};
  REQUIRE(::stat(f.socket_path.c_str(), &st) == 0);
  CHECK(S_ISSOCK(st.st_mode));
  CHECK((st.st_mode & 07777) == 0777);
  REQUIRE(::stat((f.container_dir + "/notify").c_str(), &st) == 0);
  CHECK((st.st_mode & 07777) == 0755);

  // The child is the container (sends) and then systemd (receives the relay, closes the barrier).
  int report[2];
  REQUIRE(::pipe2(report, O_CLOEXEC) == 0);
  const pid_t child = ::fork();
  REQUIRE(child >= 0);
  if (child == 0) {
    std::string out;
    if (!send_to(f.socket_path, "STATUS=starting") ||
        !send_to(f.socket_path, "STATUS=up\nREADY=1\nX=y")) {
      ::_exit(2);
    }
    for (int i = 0; i < 3; ++i) out += receive_closing_fds(f.host) + "|";
    const bool written =
        ::write(report[1], out.data(), out.size()) == static_cast<ssize_t>(out.size());
    ::_exit(written ? 0 : 3);
  }
  ::close(report[1]);
  auto pidfd = cruntime::sys::pidfd_open(child);
  REQUIRE(pidfd);
  auto relayed = relay->relay_ready(pidfd->get(), 4242);
  char buf[512];
  const ssize_t n = ::read(report[0], buf, sizeof buf);
  ::close(report[0]);
  int status = 0;
  ::waitpid(child, &status, 0);
  REQUIRE(relayed);
  CHECK(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 0);
  REQUIRE(n > 0);
  CHECK(std::string(buf, static_cast<size_t>(n)) == "READY=1\n|MAINPID=4242\n|BARRIER=1 fds=1|");
}

TEST_CASE("NotifyRelay: a container that exits before READY ends the wait, nothing is sent",
          "[container]") {
  Fixture f;
  auto relay = NotifyRelay::connect(f.host_path);
  REQUIRE(relay);
  REQUIRE(relay->bind(f.dir_fd, f.container_dir));
  const pid_t child = ::fork();
  REQUIRE(child >= 0);
  if (child == 0) ::_exit(send_to(f.socket_path, "STATUS=never ready") ? 0 : 2);
  auto pidfd = cruntime::sys::pidfd_open(child);
  REQUIRE(pidfd);
  auto relayed = relay->relay_ready(pidfd->get(), 4242);
  int status = 0;
  ::waitpid(child, &status, 0);
  REQUIRE(relayed);
  CHECK(WEXITSTATUS(status) == 0);
  char byte = 0;
  CHECK(::recv(f.host, &byte, 1, MSG_DONTWAIT) < 0);
  CHECK(errno == EAGAIN);
}

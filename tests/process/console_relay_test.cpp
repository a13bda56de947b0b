// Unit tests for the foreground console relay, with two real ptys: "host" stands for the user's
// terminal (the relay gets its slave as stdin/stdout) and "container" for the init's pty.
#include "cruntime/process/console_relay.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/signalfd.h>
#include <termios.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <string>

#include "cruntime/base/unique_fd.hpp"
#include "cruntime/sys/fd_passing.hpp"

using cruntime::UniqueFd;
using cruntime::process::ConsoleRelay;
using cruntime::process::relay_until_exit;

namespace {

struct TestPty {
  UniqueFd master;
  UniqueFd slave;
};

TestPty open_pty() {
  TestPty pty;
  pty.master.reset(::open("/dev/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC | O_NONBLOCK));
  REQUIRE(pty.master);
  int unlock = 0;
  REQUIRE(::ioctl(pty.master.get(), TIOCSPTLCK, &unlock) == 0);
  pty.slave.reset(::ioctl(pty.master.get(), TIOCGPTPEER, O_RDWR | O_NOCTTY | O_CLOEXEC));
  REQUIRE(pty.slave);
  return pty;
}

// Hand the container's master to the relay the way the init does, then attach.
ConsoleRelay attached_relay(const TestPty& host, const TestPty& container) {
  auto relay = ConsoleRelay::open(host.slave.get(), host.slave.get());
  REQUIRE(relay);
  const int master = container.master.get();
  REQUIRE(cruntime::sys::send_with_fds(relay->init_socket(), "/dev/pts/9",
                                       std::span<const int>(&master, 1)));
  auto attached = relay->attach();
  INFO((attached ? "" : attached.error().to_string()));
  REQUIRE(attached);
  return std::move(*relay);
}

// Run the relay's poll loop until `want` has been read from `fd` (non-blocking) or 10 s passed.
std::string pump_until(ConsoleRelay& relay, int fd, const std::string& want) {
  std::string got;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (got.find(want) == std::string::npos && std::chrono::steady_clock::now() < deadline) {
    std::vector<pollfd> fds;
    relay.poll_fds(fds);
    if (::poll(fds.data(), fds.size(), 20) > 0) REQUIRE(relay.on_ready(fds));
    char buf[256];
    pollfd probe{fd, POLLIN, 0};
    if (::poll(&probe, 1, 0) == 1 && (probe.revents & POLLIN) != 0) {
      ssize_t n = ::read(fd, buf, sizeof buf);
      if (n > 0) got.append(buf, static_cast<size_t>(n));
    }
  }
  return got;
}

termios mode_of(int fd) {
  termios t{};
  REQUIRE(::tcgetattr(fd, &t) == 0);
  return t;
}

}  // namespace

TEST_CASE("ConsoleRelay: raw host terminal, ONLCR cleared on the pty, restored afterwards",
          "[process]") {
  TestPty host = open_pty();
  TestPty container = open_pty();
  const termios before = mode_of(host.slave.get());
  REQUIRE((before.c_lflag & ICANON) != 0);
  {
    ConsoleRelay relay = attached_relay(host, container);
    const termios raw = mode_of(host.slave.get());
    CHECK((raw.c_lflag & (ICANON | ECHO)) == 0);
    CHECK((raw.c_oflag & OPOST) != 0);  // the host still turns "\n" into "\r\n"
    CHECK((mode_of(container.slave.get()).c_oflag & ONLCR) == 0);

    SECTION("container output reaches the host terminal") {
      REQUIRE(::write(container.slave.get(), "out\n", 4) == 4);
      CHECK(pump_until(relay, host.master.get(), "out\r\n") == "out\r\n");
    }
    SECTION("keys typed on the host reach the container") {
      REQUIRE(::write(host.master.get(), "ls\n", 3) == 3);
      UniqueFd reader(::fcntl(container.slave.get(), F_DUPFD_CLOEXEC, 3));
      REQUIRE(::fcntl(reader.get(), F_SETFL, O_NONBLOCK) == 0);
      CHECK(pump_until(relay, reader.get(), "ls\n") == "ls\n");
    }
    SECTION("resize copies the host's window size") {
      winsize size{};
      size.ws_row = 50;
      size.ws_col = 132;
      REQUIRE(::ioctl(host.master.get(), TIOCSWINSZ, &size) == 0);
      relay.resize();
      winsize seen{};
      REQUIRE(::ioctl(container.slave.get(), TIOCGWINSZ, &seen) == 0);
      CHECK(seen.ws_row == 50);
      CHECK(seen.ws_col == 132);
    }
  }
  const termios after = mode_of(host.slave.get());
  CHECK(after.c_lflag == before.c_lflag);
  CHECK(after.c_oflag == before.c_oflag);
  CHECK(after.c_iflag == before.c_iflag);
}

TEST_CASE("ConsoleRelay: open needs a terminal; attach needs exactly one master", "[process]") {
  SECTION("pipes only, and no /dev/tty for this process") {
    int fds[2];
    REQUIRE(::pipe2(fds, O_CLOEXEC) == 0);
    UniqueFd r(fds[0]);
    UniqueFd w(fds[1]);
    // stderr may be a terminal when run by hand: then open() rightly picks it.
    if (::isatty(STDERR_FILENO) == 1) return;
    UniqueFd tty(::open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC));
    if (tty) return;
    auto relay = ConsoleRelay::open(r.get(), w.get());
    REQUIRE_FALSE(relay);
    CHECK_THAT(relay.error().to_string(), Catch::Contains("are not terminals"));
  }
  SECTION("an init that exits without sending") {
    TestPty host = open_pty();
    auto relay = ConsoleRelay::open(host.slave.get(), host.slave.get());
    REQUIRE(relay);
    auto attached = relay->attach();
    REQUIRE_FALSE(attached);
    CHECK(attached.error().to_string() == "the container init did not send a pty master");
  }
}

TEST_CASE("relay_until_exit: SIGWINCH resizes, other signals decide, output is drained",
          "[process]") {
  TestPty host = open_pty();
  TestPty container = open_pty();
  sigset_t set;
  sigemptyset(&set);
  for (int signo : {SIGUSR1, SIGWINCH, SIGRTMIN}) sigaddset(&set, signo);
  sigset_t old;
  REQUIRE(::sigprocmask(SIG_BLOCK, &set, &old) == 0);
  UniqueFd signals(::signalfd(-1, &set, SFD_CLOEXEC));
  REQUIRE(signals);
  int code = -1;
  std::vector<int> forwarded;
  {
    ConsoleRelay relay = attached_relay(host, container);
    REQUIRE(::write(container.slave.get(), "bye\n", 4) == 4);
    container.slave.reset();  // the container exits: its side of the pty closes
    ::kill(::getpid(), SIGUSR1);
    auto on_signal = [&](int signo) -> cruntime::Result<std::optional<int>> {
      forwarded.push_back(signo);
      if (signo == SIGRTMIN) return std::optional<int>(7);
      // First signal: the user resizes the window, then the init is "reaped". Standard signals
      // are read before real-time ones, so the SIGWINCH is handled first.
      winsize size{};
      size.ws_row = 33;
      size.ws_col = 77;
      ::ioctl(host.master.get(), TIOCSWINSZ, &size);
      ::kill(::getpid(), SIGWINCH);
      ::kill(::getpid(), SIGRTMIN);
      return std::optional<int>();
    };
    auto result = relay_until_exit(relay, signals.get(), on_signal);
    REQUIRE(result);
    code = *result;
    winsize seen{};
    REQUIRE(::ioctl(container.master.get(), TIOCGWINSZ, &seen) == 0);
    CHECK(seen.ws_row == 33);
    CHECK(seen.ws_col == 77);
  }
  ::sigprocmask(SIG_SETMASK, &old, nullptr);
  CHECK(code == 7);
  CHECK(forwarded == std::vector<int>{SIGUSR1, SIGRTMIN});  // SIGWINCH was not forwarded
  char buf[64];
  ssize_t n = ::read(host.master.get(), buf, sizeof buf);
  CHECK(std::string(buf, n > 0 ? static_cast<size_t>(n) : 0) == "bye\r\n");
}

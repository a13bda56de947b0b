// The foreground terminal relay of `run`: host tty in raw mode, stdin → pty master → stdout,
// window size on SIGWINCH, all driven from one poll loop with the signalfd.
#include "cruntime/process/console_relay.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>

#include <array>
#include <cerrno>
#include <utility>

#include "cruntime/base/fs.hpp"
#include "cruntime/base/log.hpp"
#include "cruntime/sys/fd_passing.hpp"

namespace cruntime::process {
namespace {

constexpr size_t kChunk = 16 * 1024;
// Reads per on_ready(), so a container flooding its terminal cannot starve input and signals.
constexpr int kMaxReadsPerWakeup = 16;
// drain() stops after this much, so a container that keeps writing cannot hold `run` forever.
constexpr size_t kMaxDrain = 1024 * 1024;

Result<void> set_nonblocking(int fd) {
  int flags = ::fcntl(fd, F_GETFL);
  if (flags < 0 || ::fcntl(fd, F_SETFL, flags | O_NONBLOCK) != 0) {
    return fail(Error::sys(errno, "fcntl O_NONBLOCK"));
  }
  return {};
}

Result<void> clear_onlcr(int master) {
  // termios requests on a master act on its slave: the container's output reaches us unchanged.
  termios mode{};
  if (::tcgetattr(master, &mode) != 0) return fail(Error::sys(errno, "tcgetattr pty master"));
  mode.c_oflag &= ~static_cast<tcflag_t>(ONLCR);
  if (::tcsetattr(master, TCSANOW, &mode) != 0)
    return fail(Error::sys(errno, "tcsetattr pty master"));
  return {};
}

}  // namespace

Result<RawTerminal> RawTerminal::enter(int tty_fd) {
  RawTerminal raw;
  if (::tcgetattr(tty_fd, &raw.saved_) != 0) return fail(Error::sys(errno, "tcgetattr"));
  termios mode = raw.saved_;
  ::cfmakeraw(&mode);
  mode.c_oflag |= OPOST;
  if (::tcsetattr(tty_fd, TCSANOW, &mode) != 0) return fail(Error::sys(errno, "tcsetattr raw"));
  raw.fd_ = tty_fd;
  raw.active_ = true;
  return raw;
}

RawTerminal::RawTerminal(RawTerminal&& other) noexcept
    : fd_(other.fd_), saved_(other.saved_), active_(std::exchange(other.active_, false)) {}

RawTerminal& RawTerminal::operator=(RawTerminal&& other) noexcept {
  if (this != &other) {
    restore();
    fd_ = other.fd_;
    saved_ = other.saved_;
    active_ = std::exchange(other.active_, false);
  }
  return *this;
}

void RawTerminal::restore() noexcept {
  if (!active_) return;
  active_ = false;
  if (::tcsetattr(fd_, TCSANOW, &saved_) != 0)
    log::warn("restore the terminal mode: errno {}", errno);
}

Result<ConsoleRelay> ConsoleRelay::open(int in_fd, int out_fd) {
  ConsoleRelay relay;
  relay.in_fd_ = in_fd;
  relay.out_fd_ = out_fd;
  for (int fd : {in_fd, out_fd, static_cast<int>(STDERR_FILENO)}) {
    if (::isatty(fd) == 1) {
      relay.tty_fd_ = fd;
      break;
    }
  }
  if (relay.tty_fd_ < 0) {
    relay.owned_tty_.reset(::open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC));
    if (!relay.owned_tty_) {
      return fail_msg(
          "process.terminal is set but stdin, stdout and stderr are not terminals and "
          "/dev/tty cannot be opened (use --detach with --console-socket)");
    }
    relay.tty_fd_ = relay.owned_tty_.get();
  }
  int pair[2];
  if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, pair) != 0) {
    return fail(Error::sys(errno, "socketpair for the console"));
  }
  relay.own_end_.reset(pair[0]);
  relay.init_end_.reset(pair[1]);
  return relay;
}

Result<void> ConsoleRelay::attach() {
  // Without our copy of the init's end, an init that died before sending reads as EOF.
  init_end_.reset();
  sys::Received got =
      CR_TRY_CTX(sys::recv_with_fds(own_end_.get(), 4096, 1), "receive the pty master");
  if (got.fds.size() != 1) return fail_msg("the container init did not send a pty master");
  own_end_.reset();
  master_ = std::move(got.fds[0]);
  if (::isatty(master_.get()) != 1)
    return fail_msg("the container init sent something that is not a pty");
  CR_TRY(set_nonblocking(master_.get()));
  CR_TRY(clear_onlcr(master_.get()));
  raw_ = CR_TRY_CTX(RawTerminal::enter(tty_fd_), "put the terminal in raw mode");
  resize();
  return {};
}

void ConsoleRelay::resize() {
  if (!master_) return;
  winsize size{};
  if (::ioctl(tty_fd_, TIOCGWINSZ, &size) != 0) return;  // no size known: keep the pty's
  if (::ioctl(master_.get(), TIOCSWINSZ, &size) != 0) log::debug("resize the pty: errno {}", errno);
}

void ConsoleRelay::poll_fds(std::vector<pollfd>& fds) const {
  const bool want_input = in_open_ && master_open_ && pending_.empty();
  fds.push_back({want_input ? in_fd_ : -1, POLLIN, 0});
  short events = POLLIN;
  if (!pending_.empty()) events |= POLLOUT;
  fds.push_back({master_open_ ? master_.get() : -1, events, 0});
}

Result<void> ConsoleRelay::on_ready(std::span<const pollfd> fds) {
  if (fds.size() < 2) return fail_msg("console relay: expected 2 poll entries, got {}", fds.size());
  if (fds[1].fd >= 0 && (fds[1].revents & POLLOUT) != 0) flush_pending();
  if (fds[1].fd >= 0 && (fds[1].revents & (POLLIN | POLLHUP | POLLERR)) != 0) {
    // Read until it would block: after POLLHUP only a read tells "no data left" (EIO) apart.
    for (int i = 0; i < kMaxReadsPerWakeup && copy_output(); ++i) {
    }
  }
  if (fds[0].fd >= 0 && (fds[0].revents & (POLLIN | POLLHUP | POLLERR)) != 0) copy_input();
  return {};
}

void ConsoleRelay::copy_input() {
  std::array<char, kChunk> buf{};
  ssize_t n = ::read(in_fd_, buf.data(), buf.size());
  if (n < 0 && (errno == EINTR || errno == EAGAIN)) return;
  if (n <= 0) {
    in_open_ = false;  // EOF (or a broken stdin): stop reading, the container keeps running
    return;
  }
  pending_.assign(buf.data(), static_cast<size_t>(n));
  flush_pending();
}

void ConsoleRelay::flush_pending() {
  while (!pending_.empty()) {
    ssize_t n = ::write(master_.get(), pending_.data(), pending_.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && errno == EAGAIN) return;  // POLLOUT brings us back
    if (n < 0) {
      pending_.clear();
      return;
    }
    pending_.erase(0, static_cast<size_t>(n));
  }
}

// One read from the master; false when nothing more is available right now.
bool ConsoleRelay::copy_output() {
  std::array<char, kChunk> buf{};
  ssize_t n = ::read(master_.get(), buf.data(), buf.size());
  if (n < 0 && errno == EINTR) return true;
  if (n < 0 && errno == EAGAIN) return false;
  if (n <= 0) {
    master_open_ = false;  // EIO: every slave fd is closed
    pending_.clear();
    return false;
  }
  emit(std::string_view(buf.data(), static_cast<size_t>(n)));
  return true;
}

void ConsoleRelay::emit(std::string_view data) {
  if (!out_ok_) return;  // keep reading the master so the container never blocks on output
  if (auto written = fs::write_all(out_fd_, data); !written) {
    log::warn("console output: {}; dropping the rest", written.error().to_string());
    out_ok_ = false;
  }
}

void ConsoleRelay::drain() {
  size_t total = 0;
  std::array<char, kChunk> buf{};
  while (master_open_ && total < kMaxDrain) {
    ssize_t n = ::read(master_.get(), buf.data(), buf.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    emit(std::string_view(buf.data(), static_cast<size_t>(n)));
    total += static_cast<size_t>(n);
  }
}

Result<int> relay_until_exit(
    ConsoleRelay& relay, int signal_fd,
    const std::function<Result<std::optional<int>>(int signo)>& on_signal) {
  std::vector<pollfd> fds;
  for (;;) {
    fds.assign(1, pollfd{signal_fd, POLLIN, 0});
    relay.poll_fds(fds);
    int n = ::poll(fds.data(), fds.size(), -1);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return fail(Error::sys(errno, "poll"));
    // Output first, so what the container printed before exiting is shown before we return.
    CR_TRY(relay.on_ready(std::span<const pollfd>(fds).subspan(1)));
    if ((fds[0].revents & POLLIN) == 0) continue;
    signalfd_siginfo info{};
    ssize_t got = ::read(signal_fd, &info, sizeof info);
    if (got < 0 && (errno == EINTR || errno == EAGAIN)) continue;
    if (got != static_cast<ssize_t>(sizeof info)) return fail(Error::sys(errno, "read signalfd"));
    const int signo = static_cast<int>(info.ssi_signo);
    if (signo == SIGWINCH) {
      relay.resize();
      continue;
    }
    std::optional<int> code = CR_TRY(on_signal(signo));
    if (code) {
      relay.drain();
      return *code;
    }
  }
}

}  // namespace cruntime::process

// Foreground `run` with process.terminal: the runtime keeps the pty master and relays it to its
// own terminal (cli-contract §7.3, §8.1 last bullet, §8.7).
#pragma once

#include <poll.h>
#include <termios.h>
#include <unistd.h>

#include <functional>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "cruntime/base/error.hpp"
#include "cruntime/base/unique_fd.hpp"

namespace cruntime::process {

// The host terminal in raw mode for as long as this object lives (restored on destruction).
// Raw input, but output post-processing (OPOST) stays on, so the host turns the container's
// "\n" into "\r\n" as it would for any program (containerd/console's SetRaw does the same).
class RawTerminal {
 public:
  RawTerminal() = default;
  static Result<RawTerminal> enter(int tty_fd);
  RawTerminal(RawTerminal&& other) noexcept;
  RawTerminal& operator=(RawTerminal&& other) noexcept;
  RawTerminal(const RawTerminal&) = delete;
  RawTerminal& operator=(const RawTerminal&) = delete;
  ~RawTerminal() { restore(); }
  void restore() noexcept;

 private:
  int fd_ = -1;  // borrowed
  termios saved_{};
  bool active_ = false;
};

// How `run` uses it (the init sets the pty up exactly as for --console-socket):
//   1. ConsoleRelay relay = CR_TRY(ConsoleRelay::open());     before create: finds the host tty
//   2. create with InitContext.console_socket = relay.init_socket()
//   3. CR_TRY(relay.attach());    after create returned: master received, raw mode, first resize
//   4. start, then: int code = CR_TRY(relay_until_exit(relay, signal_fd, on_signal));
// The object must be destroyed before the signal mask is restored: restoring the terminal from
// a background process group would otherwise stop the runtime with SIGTTOU.
class ConsoleRelay {
 public:
  // in_fd/out_fd (borrowed) are the host side. The terminal to put in raw mode and to take the
  // window size from is the first of in_fd, out_fd, stderr that is a tty, else /dev/tty; none →
  // error (cli-contract §7.3).
  static Result<ConsoleRelay> open(int in_fd = STDIN_FILENO, int out_fd = STDOUT_FILENO);

  // The socket end the init sends the master on (borrowed, CLOEXEC). Valid until attach().
  int init_socket() const { return init_end_.get(); }
  // After create: receive the master (one fd), clear ONLCR on it (the host terminal adds the
  // CRs), raw mode on the host, copy the window size once.
  Result<void> attach();
  // SIGWINCH: copy the host's window size to the pty (the kernel signals the container).
  void resize();

  // Poll integration: append this relay's entries (always 2; disabled ones have fd -1) ...
  void poll_fds(std::vector<pollfd>& fds) const;
  // ... and hand back those same entries after poll().
  Result<void> on_ready(std::span<const pollfd> fds);
  // After the init exited: copy what the master still holds (non-blocking, bounded).
  void drain();
  int master() const { return master_.get(); }

 private:
  ConsoleRelay() = default;
  void copy_input();
  void flush_pending();
  bool copy_output();
  void emit(std::string_view data);

  int in_fd_ = STDIN_FILENO;
  int out_fd_ = STDOUT_FILENO;
  int tty_fd_ = -1;     // borrowed, or owned_tty_
  UniqueFd owned_tty_;  // /dev/tty when no stdio fd is a terminal
  UniqueFd own_end_;    // receives the master
  UniqueFd init_end_;   // handed to the init
  UniqueFd master_;
  RawTerminal raw_;
  std::string pending_;  // input read from in_fd, not yet accepted by the master
  bool in_open_ = true;
  bool master_open_ = true;
  bool out_ok_ = true;
};

// The whole foreground wait of `run`: poll the signalfd together with the relay. SIGWINCH
// resizes the pty; every other signal goes to `on_signal` (run.cpp's forward/reap logic), which
// returns the exit code once the init has been reaped. The master is drained before returning.
Result<int> relay_until_exit(ConsoleRelay& relay, int signal_fd,
                             const std::function<Result<std::optional<int>>(int signo)>& on_signal);

}  // namespace cruntime::process

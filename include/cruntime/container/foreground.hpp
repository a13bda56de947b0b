// The foreground wait of `run` and `exec` (cli-contract §8.7): signals blocked before the clone
// and read from a signalfd, forwarded to the main process; SIGCHLD reaps until it is gone.
#pragma once

#include <signal.h>
#include <sys/types.h>

#include <optional>
#include <utility>

#include "cruntime/base/error.hpp"
#include "cruntime/base/unique_fd.hpp"

namespace cruntime::container {

// Every signal the foreground runtime forwards (all but those it cannot catch or that mean a
// bug in cruntime itself, plus SIGCHLD) is blocked while this lives, and readable on fd().
class BlockedSignals {
 public:
  static Result<BlockedSignals> block();
  BlockedSignals() = default;
  BlockedSignals(BlockedSignals&& other) noexcept
      : fd_(std::move(other.fd_)), old_(other.old_), active_(std::exchange(other.active_, false)) {}
  BlockedSignals& operator=(BlockedSignals&&) = delete;
  ~BlockedSignals();
  int fd() const { return fd_.get(); }

 private:
  UniqueFd fd_;
  sigset_t old_{};
  bool active_ = false;
};

// One signal in the foreground wait: SIGCHLD reaps (the exit code — status or 128+signal — once
// `main` is reaped; other children, orphans adopted as subreaper, are reaped and ignored),
// anything else goes to `main`.
Result<std::optional<int>> handle_signal(int signo, pid_t main);

// Read the signalfd, forwarding and reaping, until `main` has exited; its exit code.
Result<int> wait_forwarding(const BlockedSignals& signals, pid_t main);

}  // namespace cruntime::container

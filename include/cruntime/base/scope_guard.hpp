// ScopeExit (run a callable on scope exit) and Rollback (an undo list run in reverse unless dismissed).
#pragma once

#include <functional>
#include <utility>
#include <vector>

namespace cruntime {

template <class F>
class ScopeExit {
 public:
  explicit ScopeExit(F fn) : fn_(std::move(fn)) {}
  ScopeExit(const ScopeExit&) = delete;
  ScopeExit& operator=(const ScopeExit&) = delete;
  ~ScopeExit() {
    if (active_) fn_();
  }
  void dismiss() noexcept { active_ = false; }

 private:
  F fn_;
  bool active_ = true;
};

// Undo steps added as work is done; run newest-first on destruction unless dismiss()ed.
// Undo steps must not fail loudly: they log a warning and carry on.
class Rollback {
 public:
  Rollback() = default;
  Rollback(const Rollback&) = delete;
  Rollback& operator=(const Rollback&) = delete;
  ~Rollback() { run(); }

  void add(std::function<void()> undo) { steps_.push_back(std::move(undo)); }
  void dismiss() noexcept { steps_.clear(); }
  void run() noexcept {
    while (!steps_.empty()) {
      auto step = std::move(steps_.back());
      steps_.pop_back();
      step();
    }
  }

 private:
  std::vector<std::function<void()>> steps_;
};

}  // namespace cruntime

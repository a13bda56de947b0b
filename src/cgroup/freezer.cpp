// The cgroup freezer for pause/resume: v2 cgroup.freeze + cgroup.events, v1 freezer.state.
#include "cruntime/cgroup/freezer.hpp"

#include <fcntl.h>
#include <poll.h>

#include <cerrno>
#include <chrono>
#include <optional>
#include <thread>

#include <fmt/format.h>

#include "cruntime/base/fs.hpp"
#include "cruntime/base/strings.hpp"
#include "cruntime/cgroup/cgroupfs.hpp"

namespace cruntime::cgroup::cgfs {
namespace {

// A freeze that takes longer than this is reported rather than waited for forever.
constexpr std::chrono::milliseconds kFreezeTimeout{10000};
constexpr std::chrono::milliseconds kPollStep{10};

// The value of `key` in a flat keyed file ("populated 1\nfrozen 0\n").
std::optional<std::string> keyed_value(std::string_view text, std::string_view key) {
  for (const std::string& line : strings::split(text, '\n')) {
    std::string_view view = line;
    if (view.starts_with(key) && view.size() > key.size() && view[key.size()] == ' ') {
      return std::string(strings::trim(view.substr(key.size() + 1)));
    }
  }
  return std::nullopt;
}

}  // namespace

Result<void> freeze_v2(const std::string& dir, bool frozen) {
  const std::string want = frozen ? "1" : "0";
  CR_TRY(write(dir, "cgroup.freeze", want));
  const auto deadline = std::chrono::steady_clock::now() + kFreezeTimeout;
  // cgroup.events signals POLLPRI on every change; a short poll step also covers kernels and
  // races where the notification comes before we look.
  UniqueFd events = CR_TRY(fs::open(join(dir, "cgroup.events"), O_RDONLY));
  for (;;) {
    const std::string text = CR_TRY(read(dir, "cgroup.events"));
    if (keyed_value(text, "frozen").value_or("") == want) return {};
    if (std::chrono::steady_clock::now() >= deadline) {
      return fail_msg("{} {}: cgroup.events still says frozen={} after {} ms",
                      frozen ? "freeze" : "thaw", dir, want == "1" ? "0" : "1",
                      kFreezeTimeout.count());
    }
    pollfd p{events.get(), POLLPRI, 0};
    (void)::poll(&p, 1, static_cast<int>(kPollStep.count()));
  }
}

Result<bool> frozen_v2(const std::string& dir) {
  const std::string text = CR_TRY(read(dir, "cgroup.freeze"));
  return strings::trim(text) == "1";
}

Result<void> freeze_v1(const std::string& dir, bool frozen) {
  const std::string_view want = frozen ? "FROZEN" : "THAWED";
  const auto deadline = std::chrono::steady_clock::now() + kFreezeTimeout;
  for (;;) {
    CR_TRY(write(dir, "freezer.state", want));
    // The state moves FREEZING → FROZEN on its own; give it a few reads before writing again.
    for (int i = 0; i < 10; ++i) {
      const std::string state = CR_TRY(read(dir, "freezer.state"));
      if (strings::trim(state) == want) return {};
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    if (std::chrono::steady_clock::now() >= deadline) {
      return fail_msg("{} {}: freezer.state did not reach {} within {} ms",
                      frozen ? "freeze" : "thaw", dir, want, kFreezeTimeout.count());
    }
    std::this_thread::sleep_for(kPollStep);
  }
}

Result<bool> frozen_v1(const std::string& dir) {
  const std::string state = CR_TRY(read(dir, "freezer.state"));
  return strings::trim(state) == "FROZEN";
}

}  // namespace cruntime::cgroup::cgfs

// Fs2Manager: create (enabling controllers in the ancestors), apply, attach, kill, destroy on v2.
#include "cruntime/cgroup/fs2.hpp"

#include <fcntl.h>
#include <signal.h>

#include <algorithm>
#include <cerrno>
#include <utility>

#include "cruntime/base/fs.hpp"
#include "cruntime/base/log.hpp"
#include "cruntime/base/scope_guard.hpp"
#include "cruntime/base/strings.hpp"
#include "cruntime/cgroup/devices_bpf.hpp"
#include "cruntime/cgroup/freezer.hpp"
#include "cruntime/cgroup/resources_v2.hpp"

namespace cruntime::cgroup {
namespace {

std::vector<std::string> words(std::string_view text) {
  std::vector<std::string> out;
  for (std::string& line : strings::split(text, '\n')) {
    for (std::string& word : strings::split(line, ' ')) {
      if (!word.empty()) out.push_back(std::move(word));
    }
  }
  return out;
}

std::string strip_trailing_slash(std::string path) {
  while (path.size() > 1 && path.back() == '/') path.pop_back();
  return path;
}

}  // namespace

Fs2Manager::Fs2Manager(std::string root, std::string relative, bool existing, cgfs::DirHooks hooks,
                       bool rootless)
    : root_(strip_trailing_slash(std::move(root))),
      relative_(std::move(relative)),
      dir_(root_ + relative_),
      hooks_(std::move(hooks)),
      rootless_(rootless) {
  if (existing) created_.push_back(dir_);
}

std::string Fs2Manager::dir(std::string_view /*controller*/) const { return dir_; }

Result<void> Fs2Manager::check_reusable() const {
  if (!cgfs::exists(dir_)) return {};
  const std::vector<pid_t> pids = CR_TRY(cgfs::all_pids(dir_));
  if (!pids.empty()) {
    return fail_msg("cgroup {} is not empty: {} process(es) found", dir_, pids.size());
  }
  auto frozen = cgfs::read(dir_, "cgroup.freeze");
  if (frozen && strings::trim(*frozen) == "1") return fail_msg("cgroup {} is frozen", dir_);
  return {};
}

// Like runc's CreateCgroupPath: every controller the root offers, in the root and each ancestor
// (not the leaf: the container's processes live there, and cgroup v2 has no internal processes).
// Best effort; a controller that cannot be enabled shows up when apply() needs it.
void Fs2Manager::enable_controllers() const {
  auto available = cgfs::read(root_, "cgroup.controllers");
  if (!available) {
    log::debug("cgroup: {}", available.error().to_string());
    return;
  }
  const std::vector<std::string> controllers = words(*available);
  if (controllers.empty()) return;
  const std::string all = "+" + strings::join(controllers, " +");
  std::vector<std::string> parts;
  for (std::string& part : strings::split(relative_, '/')) {
    if (!part.empty()) parts.push_back(std::move(part));
  }
  std::string current = root_;
  for (size_t i = 0; i < parts.size(); ++i) {  // the root, then each ancestor of the leaf
    if (!cgfs::write(current, "cgroup.subtree_control", all)) {
      // One refused controller fails the whole write: retry them one at a time.
      for (const std::string& controller : controllers) {
        if (auto r = cgfs::write(current, "cgroup.subtree_control", "+" + controller); !r) {
          log::debug("cgroup: enable {}: {}", controller, r.error().to_string());
        }
      }
    }
    current = cgfs::join(current, parts[i]);
  }
}

Result<void> Fs2Manager::create() {
  CR_TRY(check_reusable());
  created_ = CR_TRY(cgfs::make_dirs(root_, dir_, hooks_));
  Rollback undo;
  undo.add([this] {
    auto removed = cgfs::remove_dirs(created_, std::chrono::steady_clock::now(), {}, hooks_);
    if (!removed) log::warn("cgroup: {}", removed.error().to_string());
    created_.clear();
  });
  enable_controllers();
  // O_PATH is enough for CLONE_INTO_CGROUP (clone(2)).
  dir_fd_ = CR_TRY(fs::open(dir_, O_PATH | O_DIRECTORY));
  undo.dismiss();
  return {};
}

// memory.checkBeforeUpdate: refuse a limit at or below the current usage (runc's
// CheckMemoryUsage). Best effort: an unreadable memory.current is no reason to fail.
Result<void> Fs2Manager::check_memory_usage(const spec::LinuxResources& resources) const {
  if (!resources.memory || !resources.memory->check_before_update.value_or(false)) return {};
  const int64_t limit = resources.memory->limit.value_or(0);
  const int64_t swap = resources.memory->swap.value_or(0);
  if (limit <= 0 && swap <= 0) return {};
  auto current = cgfs::read(dir_, "memory.current");
  if (!current) return {};
  const auto usage = strings::parse_int<uint64_t>(strings::trim(*current));
  if (!usage) return {};
  if (swap > 0 && static_cast<uint64_t>(swap) <= *usage) {
    return fail_msg("linux.resources.memory.swap: rejecting memory+swap limit {} <= usage {}", swap,
                    *usage);
  }
  if (limit > 0 && static_cast<uint64_t>(limit) <= *usage) {
    return fail_msg("linux.resources.memory.limit: rejecting memory limit {} <= usage {}", limit,
                    *usage);
  }
  return {};
}

// A missing file usually means the controller is not enabled here: say so (runc's setUnified).
Result<void> Fs2Manager::write_one(const FileWrite& write) const {
  auto result = cgfs::apply_write(dir_, write);
  if (result) return {};
  const int code = result.error().code();
  if ((code == ENOENT || code == EPERM) && write.controller != "cgroup") {
    auto listed = cgfs::read(dir_, "cgroup.controllers");
    if (listed) {
      const std::vector<std::string> controllers = words(*listed);
      if (std::find(controllers.begin(), controllers.end(), write.controller) ==
          controllers.end()) {
        return fail_msg("{}: the {} controller is not available in {} (cgroup.controllers: \"{}\")",
                        write.field, write.controller, dir_, strings::join(controllers, " "));
      }
    }
  }
  return result;
}

// The files of `resources` (device rules are not files on v2).
Result<void> Fs2Manager::write_resources(const spec::LinuxResources& resources) const {
  const ResourcePlan plan = CR_TRY(translate_v2(resources));
  for (const std::string& warning : plan.warnings) log::warn("{}", warning);
  CR_TRY(check_memory_usage(resources));
  for (const FileWrite& write : plan.writes) CR_TRY(write_one(write));
  return {};
}

Result<void> Fs2Manager::apply(const spec::LinuxResources& resources) {
  // Always, like runc: without rules in the config the filter still allows only the default
  // devices (v2_device_rules). A re-apply swaps the cgroup's filter for the new one.
  CR_TRY(apply_device_filter(dir_, resources.devices, rootless_));
  return write_resources(resources);
}

Result<void> Fs2Manager::attach(pid_t pid) { return cgfs::attach(dir_, pid); }

Result<std::vector<pid_t>> Fs2Manager::pids() const { return cgfs::all_pids(dir_); }

Result<void> Fs2Manager::kill_all(int signo) { return cgfs::kill_cgroup(dir_, signo); }

Result<void> Fs2Manager::destroy() {
  dir_fd_.reset();
  if (created_.empty()) return {};
  auto kill_leftovers = [this] {
    if (auto killed = cgfs::kill_cgroup(dir_, SIGKILL); !killed) {
      log::debug("cgroup: {}", killed.error().to_string());
    }
  };
  if (cgfs::exists(dir_)) kill_leftovers();
  const auto deadline = std::chrono::steady_clock::now() + cgfs::kRemoveTimeout;
  CR_TRY_CTX(cgfs::remove_dirs(created_, deadline, kill_leftovers, hooks_), "remove cgroup {}",
             relative_);
  created_.clear();
  return {};
}

Result<void> Fs2Manager::update(const spec::LinuxResources& resources) {
  return write_resources(resources);
}

Result<void> Fs2Manager::freeze(bool frozen) { return cgfs::freeze_v2(dir_, frozen); }

Result<bool> Fs2Manager::frozen() const {
  if (!cgfs::exists(cgfs::join(dir_, "cgroup.freeze"))) return false;  // gone, or before 5.2
  return cgfs::frozen_v2(dir_);
}

Result<Stats> Fs2Manager::stats() const { return read_stats_v2(dir_); }

Result<uint64_t> Fs2Manager::oom_kills() const {
  const std::string events = CR_TRY(cgfs::read(dir_, "memory.events"));
  return counter(parse_flat_keyed(events), "oom_kill");
}

}  // namespace cruntime::cgroup

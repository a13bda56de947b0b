// Fs1Manager: create, apply, attach, kill and destroy in every v1 hierarchy (legacy/hybrid).
#include "cruntime/cgroup/fs1.hpp"

#include <signal.h>

#include <algorithm>
#include <optional>
#include <utility>

#include "cruntime/base/log.hpp"
#include "cruntime/base/scope_guard.hpp"
#include "cruntime/base/strings.hpp"
#include "cruntime/cgroup/freezer.hpp"
#include "cruntime/cgroup/resources_v1.hpp"

namespace cruntime::cgroup {
namespace {

std::string strip_trailing_slash(std::string path) {
  while (path.size() > 1 && path.back() == '/') path.pop_back();
  return path;
}

std::string parent_of(const std::string& dir) {
  const size_t slash = dir.rfind('/');
  return slash == 0 || slash == std::string::npos ? "/" : dir.substr(0, slash);
}

}  // namespace

Fs1Manager::Fs1Manager(Mode mode, std::vector<Placement> placements, bool existing,
                       cgfs::DirHooks hooks, bool rootless)
    : mode_(mode),
      placements_(std::move(placements)),
      hooks_(std::move(hooks)),
      rootless_(rootless) {
  created_.resize(placements_.size());
  if (!existing) return;
  for (size_t i = 0; i < placements_.size(); ++i) created_[i].push_back(dir_of(placements_[i]));
}

std::string Fs1Manager::dir_of(const Placement& placement) const {
  return strip_trailing_slash(placement.hierarchy.mount_point) + placement.relative;
}

std::string Fs1Manager::path() const {
  bool uniform = true;
  for (const Placement& p : placements_) uniform = uniform && p.relative == placements_[0].relative;
  if (uniform && !placements_.empty()) return placements_[0].relative;
  std::vector<std::string> lines;
  for (const Placement& p : placements_) lines.push_back(p.hierarchy.key() + ":" + p.relative);
  return strings::join(lines, "\n");
}

std::string Fs1Manager::dir(std::string_view controller) const {
  for (const Placement& p : placements_) {
    if (controller.empty() || p.hierarchy.has(controller)) return dir_of(p);
  }
  return "";
}

const Fs1Manager::Placement& Fs1Manager::process_placement() const {
  for (const Placement& p : placements_) {
    if (p.hierarchy.controllers.empty()) return p;  // hybrid cgroup2: has cgroup.kill
  }
  for (const char* preferred : {"pids", "freezer"}) {
    for (const Placement& p : placements_) {
      if (p.hierarchy.has(preferred)) return p;
    }
  }
  return placements_.front();
}

Result<void> Fs1Manager::check_reusable() const {
  const std::string procs_dir = dir_of(process_placement());
  if (cgfs::exists(procs_dir)) {
    const std::vector<pid_t> pids = CR_TRY(cgfs::all_pids(procs_dir));
    if (!pids.empty()) {
      return fail_msg("cgroup {} is not empty: {} process(es) found", procs_dir, pids.size());
    }
  }
  const std::string freezer = dir("freezer");
  if (freezer.empty() || !cgfs::exists(freezer)) return {};
  auto state = cgfs::read(freezer, "freezer.state");
  if (state && strings::trim(*state) == "FROZEN") return fail_msg("cgroup {} is frozen", freezer);
  return {};
}

// A new v1 cpuset cgroup starts with empty cpus and mems, and no task can join it until both are
// set: inherit the parent's (runc's cpuset ensureParent; cgroup.clone_children is off by default).
Result<void> Fs1Manager::copy_cpuset_from_parent(const std::string& dir) const {
  for (const char* file : {"cpuset.cpus", "cpuset.mems"}) {
    const std::string own = CR_TRY(cgfs::read(dir, file));
    if (!strings::trim(own).empty()) continue;
    const std::string parent = CR_TRY(cgfs::read(parent_of(dir), file));
    const std::string_view value = strings::trim(parent);
    if (value.empty()) continue;
    CR_TRY_CTX(cgfs::write(dir, file, value), "copy {} from the parent cgroup", file);
  }
  return {};
}

Result<void> Fs1Manager::create() {
  if (placements_.empty()) return fail_msg("no cgroup v1 hierarchy to create the cgroup in");
  CR_TRY(check_reusable());
  Rollback undo;
  undo.add([this] {
    if (auto removed = destroy(); !removed) log::warn("cgroup: {}", removed.error().to_string());
  });
  for (size_t i = 0; i < placements_.size(); ++i) {
    const Placement& p = placements_[i];
    created_[i] =
        CR_TRY(cgfs::make_dirs(strip_trailing_slash(p.hierarchy.mount_point), dir_of(p), hooks_));
    if (!p.hierarchy.has("cpuset")) continue;
    for (const std::string& made : created_[i]) CR_TRY(copy_cpuset_from_parent(made));
  }
  undo.dismiss();
  return {};
}

// Each write in the hierarchy of its controller.
Result<void> Fs1Manager::write_all(const std::vector<FileWrite>& writes) const {
  for (const FileWrite& write : writes) {
    const std::string target = dir(write.controller);
    if (target.empty()) {
      if (write.if_missing == IfMissing::kSkip) continue;
      return fail_msg("{}: the {} cgroup controller is not mounted (needed for {})", write.field,
                      write.controller, write.file);
    }
    auto written = cgfs::apply_write(target, write);
    if (!written && rootless_ && write.controller == "devices") {
      log::debug("cgroup: rootless, device rule not applied: {}", written.error().to_string());
      continue;
    }
    CR_TRY(std::move(written));
  }
  return {};
}

Result<void> Fs1Manager::apply(const spec::LinuxResources& resources) {
  const ResourcePlan plan = CR_TRY(translate_v1(resources));
  for (const std::string& warning : plan.warnings) log::warn("{}", warning);
  return write_all(plan.writes);
}

Result<void> Fs1Manager::attach(pid_t pid) {
  for (const Placement& p : placements_) CR_TRY(cgfs::attach(dir_of(p), pid));
  return {};
}

Result<std::vector<pid_t>> Fs1Manager::pids() const {
  if (placements_.empty()) return std::vector<pid_t>{};
  return cgfs::all_pids(dir_of(process_placement()));
}

Result<void> Fs1Manager::kill_all(int signo) {
  if (placements_.empty()) return {};
  return cgfs::kill_cgroup(dir_of(process_placement()), signo);
}

Result<void> Fs1Manager::destroy() {
  bool any = false;
  for (const auto& dirs : created_) any = any || !dirs.empty();
  if (!any) return {};
  const std::string procs_dir = dir_of(process_placement());
  auto kill_leftovers = [&procs_dir] {
    if (auto killed = cgfs::kill_cgroup(procs_dir, SIGKILL); !killed) {
      log::debug("cgroup: {}", killed.error().to_string());
    }
  };
  if (cgfs::exists(procs_dir)) kill_leftovers();
  const auto deadline = std::chrono::steady_clock::now() + cgfs::kRemoveTimeout;
  std::optional<Error> first_error;
  // Every hierarchy gets its chance even when one fails; the first failure is reported.
  for (auto& dirs : created_) {
    auto removed = cgfs::remove_dirs(dirs, deadline, kill_leftovers, hooks_);
    if (removed) {
      dirs.clear();
    } else if (!first_error) {
      first_error = std::move(removed).error();
    }
  }
  if (first_error) return fail(std::move(*first_error).with_context("remove cgroup " + path()));
  return {};
}

// memory.memsw.limit_in_bytes must stay >= memory.limit_in_bytes after every write: raising the
// limit above the current memsw needs the memsw write first (runc's setMemoryAndSwap).
void Fs1Manager::order_memory_writes(std::vector<FileWrite>& writes) const {
  auto find = [&writes](std::string_view file) {
    return std::find_if(writes.begin(), writes.end(),
                        [file](const FileWrite& w) { return w.file == file; });
  };
  auto limit = find("memory.limit_in_bytes");
  auto memsw = find("memory.memsw.limit_in_bytes");
  if (limit == writes.end() || memsw == writes.end() || memsw < limit) return;
  auto current = cgfs::read(dir("memory"), "memory.memsw.limit_in_bytes");
  if (!current) return;
  const auto current_memsw = strings::parse_int<int64_t>(strings::trim(*current));
  const auto new_limit = strings::parse_int<int64_t>(limit->value);
  if (!current_memsw || !new_limit) return;
  if (*new_limit == -1 || *new_limit > *current_memsw) std::iter_swap(limit, memsw);
}

Result<void> Fs1Manager::update(const spec::LinuxResources& resources) {
  ResourcePlan plan = CR_TRY(translate_v1(resources));
  for (const std::string& warning : plan.warnings) log::warn("{}", warning);
  std::erase_if(plan.writes, [](const FileWrite& w) { return w.controller == "devices"; });
  order_memory_writes(plan.writes);
  return write_all(plan.writes);
}

Result<void> Fs1Manager::freeze(bool frozen) {
  const std::string freezer = dir("freezer");
  if (freezer.empty()) return fail_msg("the freezer cgroup controller is not mounted");
  return cgfs::freeze_v1(freezer, frozen);
}

Result<bool> Fs1Manager::frozen() const {
  const std::string freezer = dir("freezer");
  if (freezer.empty() || !cgfs::exists(freezer)) return false;
  return cgfs::frozen_v1(freezer);
}

Result<Stats> Fs1Manager::stats() const {
  const std::string procs_dir = dir_of(process_placement());
  if (!cgfs::exists(procs_dir)) return fail_msg("cgroup {} does not exist", procs_dir);
  return read_stats_v1([this](std::string_view controller) { return dir(controller); });
}

Result<uint64_t> Fs1Manager::oom_kills() const {
  const std::string memory = dir("memory");
  if (memory.empty()) return uint64_t{0};
  const std::string oom_control = CR_TRY(cgfs::read(memory, "memory.oom_control"));
  return counter(parse_flat_keyed(oom_control), "oom_kill");  // 4.13+
}

}  // namespace cruntime::cgroup

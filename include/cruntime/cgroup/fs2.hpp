// Fs2Manager: the container's cgroup in a cgroup2 (unified) hierarchy.
#pragma once

#include <string>
#include <vector>

#include "cruntime/base/unique_fd.hpp"
#include "cruntime/cgroup/cgroupfs.hpp"
#include "cruntime/cgroup/manager.hpp"

namespace cruntime::cgroup {

class Fs2Manager final : public Manager {
 public:
  // `root`: the cgroup2 mount (/sys/fs/cgroup; a TempDir in tests). `relative`: the cgroup below
  // it, "/cruntime/abc". `existing`: reattached from state.json, so destroy() removes the
  // directory although this manager did not make it. `rootless`: ManagerOptions::rootless.
  Fs2Manager(std::string root, std::string relative, bool existing, cgfs::DirHooks hooks = {},
             bool rootless = false);

  Result<void> create() override;
  int dir_fd() const override { return dir_fd_.get(); }
  Result<void> apply(const spec::LinuxResources& resources) override;
  Result<void> attach(pid_t pid) override;
  Result<std::vector<pid_t>> pids() const override;
  Result<void> kill_all(int signo) override;
  Result<void> destroy() override;
  Result<void> update(const spec::LinuxResources& resources) override;
  Result<void> freeze(bool frozen) override;
  Result<bool> frozen() const override;
  Result<Stats> stats() const override;
  Result<uint64_t> oom_kills() const override;
  std::string path() const override { return relative_; }
  std::string dir(std::string_view controller = "") const override;
  Mode mode() const override { return Mode::kUnified; }
  // memory.checkBeforeUpdate: refuse a limit at or below the current usage (update() checks it;
  // the systemd driver also before it sets MemoryMax).
  Result<void> check_memory_usage(const spec::LinuxResources& resources) const;
  // Every controller the root offers on in the root and each ancestor (create() does it; the
  // systemd driver after systemd made the directory). Best effort.
  void enable_controllers() const;

 private:
  Result<void> check_reusable() const;
  Result<void> write_one(const FileWrite& write) const;
  Result<void> write_resources(const spec::LinuxResources& resources) const;

  std::string root_;
  std::string relative_;
  std::string dir_;
  cgfs::DirHooks hooks_;
  bool rootless_;
  std::vector<std::string> created_;  // outermost first
  UniqueFd dir_fd_;
};

}  // namespace cruntime::cgroup

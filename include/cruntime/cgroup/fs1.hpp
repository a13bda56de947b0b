// Fs1Manager: the container's cgroup in every v1 hierarchy (legacy and hybrid hosts).
#pragma once

#include <string>
#include <vector>

#include "cruntime/cgroup/cgroupfs.hpp"
#include "cruntime/cgroup/detect.hpp"
#include "cruntime/cgroup/manager.hpp"

namespace cruntime::cgroup {

class Fs1Manager final : public Manager {
 public:
  // The container's cgroup in one hierarchy: `relative` below its mount point, "/cruntime/abc".
  struct Placement {
    Hierarchy hierarchy;
    std::string relative;
  };

  // `placements`: one per mounted hierarchy (on hybrid hosts the cgroup2 mount too, joined like
  // runc does, which also gives kill_all cgroup.kill). `existing`: reattached from state.json, so
  // destroy() removes the directories although this manager did not make them. `rootless`:
  // device rules that cannot be written are skipped (runc), as an unprivileged runtime never
  // may write devices.allow/deny and its container cannot mknod anyway.
  Fs1Manager(Mode mode, std::vector<Placement> placements, bool existing,
             cgfs::DirHooks hooks = {}, bool rootless = false);

  Result<void> create() override;
  int dir_fd() const override { return -1; }
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
  std::string path() const override;
  std::string dir(std::string_view controller = "") const override;
  Mode mode() const override { return mode_; }

 private:
  std::string dir_of(const Placement& placement) const;
  // The hierarchy to list and signal processes in: the hybrid cgroup2 mount (cgroup.kill),
  // else pids, freezer, or the first.
  const Placement& process_placement() const;
  Result<void> check_reusable() const;
  Result<void> copy_cpuset_from_parent(const std::string& dir) const;
  void order_memory_writes(std::vector<FileWrite>& writes) const;
  Result<void> write_all(const std::vector<FileWrite>& writes) const;

  Mode mode_;
  std::vector<Placement> placements_;
  cgfs::DirHooks hooks_;
  bool rootless_ = false;
  std::vector<std::vector<std::string>> created_;  // per placement, outermost first
};

}  // namespace cruntime::cgroup

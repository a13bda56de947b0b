// SystemdManager: the container's cgroup as a transient systemd unit (--systemd-cgroup, cgroup v2).
#pragma once

#include <sys/types.h>

#include <optional>
#include <string>
#include <vector>

#include "cruntime/cgroup/delegate.hpp"
#include "cruntime/cgroup/fs2.hpp"
#include "cruntime/cgroup/manager.hpp"
#include "cruntime/cgroup/systemd_bus.hpp"
#include "cruntime/cgroup/systemd_path.hpp"
#include "cruntime/cgroup/systemd_value.hpp"

namespace cruntime::cgroup {

// runc's systemd v2 driver. systemd owns the unit and its cgroup directory; everything that is
// files (limits systemd has no property for, the eBPF device filter, freezing, pids, kill,
// stats) goes through an Fs2Manager on that directory, as runc's driver does with fs2.
//
// A scope needs a process to exist (systemd refuses an empty one), so nothing is made until
// attach(init): dir_fd() is -1 and create.cpp attaches right after clone, before the init runs
// any of its setup. At create:
//   create()  connect to systemd, read its version (a bus error fails before the init exists);
//             a user's systemd: place the unit below that systemd's own cgroup
//   apply()   build the unit properties of linux.resources (config errors fail here too)
//   attach()  StartTransientUnit with PIDs=[init], wait for the job, check the init landed in
//             the expected cgroup, delegate it (delegate.hpp), then the files and device filter
// A manager reopened from state.json (open_manager) just works on the unit's directory, and
// talks to systemd only for update (SetUnitProperties) and destroy (StopUnit, ResetFailedUnit).
class SystemdManager final : public Manager {
 public:
  struct Options {
    std::string root;  // the cgroup2 mount, /sys/fs/cgroup
    SystemdPlacement placement;
    std::string description;                // the unit's Description
    std::vector<UnitProperty> annotations;  // org.systemd.property.*, applied last (runc)
    std::optional<DelegateTo> delegate_to;  // delegation_target(config)
    // Rootless: the caller's own systemd over the session bus (runc), and no device filter
    // when the kernel refuses one (ManagerOptions::rootless).
    bool user = false;
  };

  // A unit to start at attach(). With options.user, path() and dir() are known after create().
  explicit SystemdManager(Options options);
  // The running unit `unit` whose cgroup is `relative` below `root` (from state.json); `user`:
  // a unit of the user's own systemd.
  SystemdManager(std::string root, std::string unit, std::string relative, bool user);

  Result<void> create() override;
  int dir_fd() const override { return -1; }
  Result<void> apply(const spec::LinuxResources& resources) override;
  Result<void> update(const spec::LinuxResources& resources) override;
  Result<void> attach(pid_t pid) override;
  Result<std::vector<pid_t>> pids() const override { return fs_.pids(); }
  Result<void> kill_all(int signo) override { return fs_.kill_all(signo); }
  Result<void> destroy() override;
  std::string path() const override { return fs_.path(); }
  std::string dir(std::string_view controller = "") const override { return fs_.dir(controller); }
  Mode mode() const override { return Mode::kUnified; }
  std::string systemd_unit() const override { return unit_; }
  bool systemd_user() const override { return user_; }
  Result<void> freeze(bool frozen) override { return fs_.freeze(frozen); }
  Result<bool> frozen() const override { return fs_.frozen(); }
  Result<Stats> stats() const override { return fs_.stats(); }
  Result<uint64_t> oom_kills() const override { return fs_.oom_kills(); }

 private:
  // kPending until systemd started the unit: only then is it ours to stop (a failed start
  // leaves none, and a unit of the same name that already existed is another container's).
  enum class Stage { kPending, kRunning };

  Result<SystemdBus*> bus();
  Result<int> version();
  Result<void> start(pid_t pid);
  Result<void> check_placement(pid_t pid) const;

  std::optional<Options> options_;  // until start()
  std::string unit_;
  bool user_;
  Fs2Manager fs_;
  Stage stage_;
  std::optional<SystemdBus> bus_;
  std::optional<int> version_;
  spec::LinuxResources resources_;  // apply()'s, with the quota systemd rounds to
  std::vector<UnitProperty> resource_properties_;
};

}  // namespace cruntime::cgroup

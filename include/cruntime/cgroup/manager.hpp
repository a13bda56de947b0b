// cgroup::Manager: the container's cgroup on any host (v2 Fs2Manager, v1/hybrid Fs1Manager).
#pragma once

#include <sys/types.h>

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cruntime/base/error.hpp"
#include "cruntime/cgroup/cgroupfs.hpp"
#include "cruntime/cgroup/delegate.hpp"
#include "cruntime/cgroup/detect.hpp"
#include "cruntime/cgroup/stats.hpp"
#include "cruntime/spec/resources.hpp"
#include "cruntime/spec/state.hpp"

namespace cruntime::cgroup {

// create.cpp: make_manager → create → apply → clone3(CLONE_INTO_CGROUP, dir_fd()) or clone +
// attach(pid) → store path() in state.json; Rollback += destroy. Later commands: open_manager(
// stored path) → kill_all / pids / freeze / stats / apply (update) / destroy.
class Manager {
 public:
  virtual ~Manager() = default;

  // Make the cgroup directories (mkdir -p, remembering which ones it made); v2 also enables the
  // available controllers in every ancestor's cgroup.subtree_control. Refuses an existing cgroup
  // that has processes or is frozen (cli-contract §5). On failure nothing it made is left.
  virtual Result<void> create() = 0;
  // After create() on v2: an O_PATH fd of the cgroup directory for clone3(CLONE_INTO_CGROUP).
  // -1 on v1 and hybrid hosts: clone, then attach(pid). Borrowed; lives as long as the manager.
  virtual int dir_fd() const = 0;
  // Write linux.resources (cgroup/resources.hpp) and log what this cgroup version ignores.
  // Call before attach: rt runtime and cpuset must be set before a task can join. Pass
  // resources.value_or({}) even when the config has none: the device defaults always apply
  // (v1 devices.allow, v2 the eBPF filter of devices_bpf.hpp).
  virtual Result<void> apply(const spec::LinuxResources& resources) = 0;
  // `update`: write new values of the updatable resources (cgroup/update.hpp) to a running
  // container's cgroup. Unlike apply() it leaves device rules alone, and on v1 it orders the
  // memory and memory+swap limits against the current ones so every write is accepted.
  virtual Result<void> update(const spec::LinuxResources& resources) = 0;
  // Move a process (the init) into the cgroup, in every hierarchy.
  virtual Result<void> attach(pid_t pid) = 0;
  // Every process in the cgroup and its sub-cgroups (host pids, sorted).
  virtual Result<std::vector<pid_t>> pids() const = 0;
  // Signal every process in the cgroup (cgroup.kill for SIGKILL where available).
  virtual Result<void> kill_all(int signo) = 0;
  // SIGKILL what is left, then rmdir the cgroup (its sub-cgroups first), retrying EBUSY for up
  // to cgfs::kRemoveTimeout. A manager from create() removes only the directories it made; one
  // from open_manager() removes the container's cgroup directory.
  virtual Result<void> destroy() = 0;
  // What to persist in state.json (spec::StoredState::cgroup_path): the cgroup below the
  // hierarchy root, "/cruntime/abc". On v1 hosts where our own cgroup differs per hierarchy
  // and cgroupsPath is relative, one line "<controllers>:<path>" per hierarchy instead.
  // open_manager(path()) finds the same cgroup again.
  virtual std::string path() const = 0;
  // The absolute cgroup directory; on v1 the one in the hierarchy of `controller` ("" = the
  // first hierarchy; "" when that controller is not mounted).
  virtual std::string dir(std::string_view controller = "") const = 0;
  virtual Mode mode() const = 0;
  // With the systemd driver the container's unit ("cruntime-abc.scope"), which state.json
  // records (spec::StoredState::systemd_unit) for open_manager; "" for the cgroupfs drivers.
  virtual std::string systemd_unit() const { return {}; }
  // Whether that unit is the user's own systemd's (rootless, over the session bus).
  virtual bool systemd_user() const { return false; }

  // pause/resume: freeze or thaw every process of the cgroup, returning once the kernel is done
  // (v2 cgroup.freeze + cgroup.events, v1 freezer.state). No freezer → an error saying so.
  virtual Result<void> freeze(bool frozen) = 0;
  // Whether the cgroup is frozen (the `paused` status). No freezer or no cgroup → false.
  virtual Result<bool> frozen() const = 0;
  // `events`: the usage counters of every controller there is (cgroup/stats.hpp).
  virtual Result<Stats> stats() const = 0;
  // `events`: how many processes the OOM killer has killed in the cgroup so far.
  virtual Result<uint64_t> oom_kills() const = 0;
};

struct ManagerOptions {
  std::string id;                           // the container id: the default cgroup name
  std::optional<std::string> cgroups_path;  // linux.cgroupsPath
  bool systemd = false;                     // --systemd-cgroup (GlobalOptions::systemd_cgroup)
  // Rootless mode (--rootless): on v2 a device filter the kernel refuses (bpf(2) needs
  // privileges of the initial user namespace) leaves the container without one, as in runc.
  bool rootless = false;
  // --systemd-cgroup only: the config's annotations (org.systemd.property.* become unit
  // properties), and whom to delegate the unit's cgroup to once systemd has made it
  // (delegation_target(config); the cgroupfs drivers are delegated by create.cpp).
  std::map<std::string, std::string> annotations{};
  std::optional<DelegateTo> delegate_to{};
};

// A cleaned linux.cgroupsPath: no empty, "." or ".." components; `path` keeps a leading '/'
// when absolute. Empty or unset → "cruntime/<id>", relative (below our own cgroup, like runc's
// id-derived default). ".." anywhere, a newline, or the bare root are errors.
struct CgroupsPath {
  std::string path;
  bool absolute = false;
};
Result<CgroupsPath> resolve_cgroups_path(const std::optional<std::string>& cgroups_path,
                                         std::string_view id);

// Detects the host (detect_layout) and places the cgroup: absolute → below each hierarchy root;
// relative → v2: below the parent of our own cgroup, v1: below our own cgroup per hierarchy.
// Nothing is created until create(). With options.systemd, a SystemdManager (systemd_manager.hpp)
// for linux.cgroupsPath "slice:prefix:name" on a cgroup v2 host where systemd runs, rootless
// through the user's own systemd; v1 and hybrid hosts are refused (runc supports them).
Result<std::unique_ptr<Manager>> make_manager(const ManagerOptions& options);
Result<std::unique_ptr<Manager>> make_manager(const Layout& layout, const ManagerOptions& options,
                                              const cgfs::DirHooks& hooks = {});

// Where make_manager puts a container whose linux.cgroupsPath is unset ("cruntime/<id>" below
// these): one host directory per hierarchy (v2: the parent of our own cgroup; v1 and hybrid: our
// own cgroup in each mounted hierarchy, the cgroup2 one included). `cruntime check` asks whether
// the caller may create cgroups there.
struct CgroupParent {
  std::string key;  // Hierarchy::key(): "cpu,cpuacct", "name=systemd", "" for cgroup2
  std::string dir;  // "/sys/fs/cgroup/cpu,cpuacct/user.slice"
};
std::vector<CgroupParent> default_cgroup_parents(const Layout& layout);

// sd_booted(3): systemd runs as init (/run/systemd/system is a directory).
bool systemd_running();

// Reattach to a container's cgroup from state.json: cgroup_path (Manager::path() of the create
// that made it) and systemd_unit (Manager::systemd_unit()).
Result<std::unique_ptr<Manager>> open_manager(const spec::StoredState& stored);
Result<std::unique_ptr<Manager>> open_manager(const Layout& layout,
                                              const std::string& stored_cgroup_path,
                                              const cgfs::DirHooks& hooks = {});
Result<std::unique_ptr<Manager>> open_systemd_manager(const Layout& layout,
                                                      const std::string& stored_cgroup_path,
                                                      const std::string& unit, bool user);

}  // namespace cruntime::cgroup

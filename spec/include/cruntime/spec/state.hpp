// The OCI state (runtime.md "State") and cruntime's private per-container record (state.json).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace cruntime::spec {

// `paused` is runc's extension, required by containerd and podman (cli-contract §13.8).
// `creating`: shown to hooks, and by `state`/`list` while a `create` is still setting up.
enum class Status { kCreating, kCreated, kRunning, kPaused, kStopped };

std::string_view status_name(Status status);
std::optional<Status> parse_status(std::string_view name);

// What `cruntime state` prints (cli-contract §7.7) and hooks read on stdin (runtime.md).
struct State {
  std::string oci_version;
  std::string id;
  Status status = Status::kCreated;
  int pid = 0;  // host pid; 0 when stopped
  std::string bundle;
  std::string rootfs;
  std::string created;  // RFC 3339, nanoseconds, UTC
  std::map<std::string, std::string> annotations;
  std::string owner;  // filled by `list` only

  bool operator==(const State&) const = default;
};

// The one builder of the state given to hooks and to a seccomp agent, on either side of clone:
// this runtime's ociVersion; `pid` is the host pid for the runtime's hooks and the
// container-namespace pid for createContainer/startContainer (0 = omitted, see dump_state_for_hook).
State hook_state(std::string_view id, Status status, int pid, std::string_view bundle,
                 const std::map<std::string, std::string>& annotations);

// What a seccomp agent at linux.seccomp.listenerPath receives with the notify fd
// (config-linux.md "containerProcessState", cli-contract §8.8).
struct ContainerProcessState {
  std::string oci_version;
  std::vector<std::string> fds;  // names of the fds sent along: {"seccompFd"}
  int pid = 0;                   // the process the filter is attached to
  std::string metadata;          // linux.seccomp.listenerMetadata; omitted when empty
  State state;                   // in the hooks' shape

  bool operator==(const ContainerProcessState&) const = default;
};

// The runtime-private record in <root>/<id>/state.json. Status is never stored: it is derived live
// from the init pid, its start time, the exec fifo and the cgroup (cli-contract §5).
//
// One exception: `create` first writes a record with `creating` set, before it makes anything
// outside the state directory (the cgroup), so that whatever it made can be found and undone if
// it is killed half-way. Such a record has no init yet (init_pid 0) but names its creator; while
// the creator lives the container is "creating", once it died without finishing, "stopped".
struct StoredState {
  std::string oci_version;
  std::string id;
  int init_pid = 0;              // 0 only while `creating`
  uint64_t init_start_time = 0;  // field 22 of /proc/<pid>/stat; tells a reused pid apart
  bool creating = false;         // JSON "status": "creating"; absent once create finished
  int creator_pid = 0;           // while `creating`: the `create`/`run` process and its start time
  uint64_t creator_start_time = 0;
  std::string bundle;
  std::string rootfs;
  std::string created;
  std::map<std::string, std::string> annotations;
  std::string cgroup_path;          // the container's cgroup (cgroup::Manager::path()); empty: none
  // --systemd-cgroup: the unit systemd made ("cruntime-abc.scope"), which update and delete
  // address over D-Bus; empty with the cgroupfs drivers (and in records older than the driver).
  std::string systemd_unit;
  bool systemd_user = false;  // that unit is the user's own systemd's (rootless), not the system's
  bool own_pid_namespace = false;   // SIGKILL to a shared-pidns container must reach the cgroup
  // linux.intelRdt (cgroup::ResctrlGroup): the resctrl mount, the group the init joined, its MON
  // group, and which of them delete removes. All empty without intelRdt.
  std::string resctrl_root;
  std::string resctrl_group;
  std::string resctrl_mon_group;
  bool resctrl_remove_group = false;
  bool resctrl_remove_mon = false;
  std::string config_path;          // the config snapshot taken at create

  bool operator==(const StoredState&) const = default;
};

}  // namespace cruntime::spec

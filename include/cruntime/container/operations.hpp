// The container operations the CLI calls: one function per lifecycle command, options in structs.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "cruntime/base/error.hpp"
#include "cruntime/spec/features.hpp"
#include "cruntime/spec/resources.hpp"
#include "cruntime/spec/state.hpp"

namespace cruntime::container {

// Global options shared by every command (cli-contract §2).
struct GlobalOptions {
  std::string root = "/run/cruntime";  // absolute
  bool root_is_default = true;         // a missing default root lists as empty; an explicit one errors
  bool debug = false;
  bool systemd_cgroup = false;
  std::string rootless = "auto";  // true | false | auto
};

// The caller is in the initial user namespace (the CLI's default state root depends on it,
// cli-contract §2; rootless auto, too).
bool in_initial_user_namespace();

// Container ids: non-empty, [A-Za-z0-9_+.-], not "." or "..", at most 1024 bytes.
Result<void> validate_id(std::string_view id);

// `cruntime state ID`: the live OCI state (status derived from pid + start time + fifo).
Result<spec::State> state(const GlobalOptions& global, std::string_view id);

// `cruntime list`: every container under root, owner filled in; unreadable entries are
// reported as warnings and skipped.
Result<std::vector<spec::State>> list(const GlobalOptions& global);

// `cruntime create` (cli-contract §7.1).
struct CreateOptions {
  std::string bundle;          // empty: the current directory
  std::string pid_file;        // relative: to the caller's cwd
  std::string console_socket;  // required iff process.terminal
  std::string pidfd_socket;
  bool no_pivot = false;
  bool no_new_keyring = false;
  int preserve_fds = 0;
  // The caller's $NOTIFY_SOCKET (cli-contract §8.6); empty: unset, and nothing is added.
  std::string notify_socket;
  // Internal: `run -t` in the foreground hands the init one end of its own relay socket.
  int console_socket_fd = -1;
};
Result<void> create(const GlobalOptions& global, std::string_view id, const CreateOptions& options);

// `cruntime start`: release a created container's init; poststart hooks. With notify_socket (the
// caller's $NOTIFY_SOCKET), return only once the container sent READY= and it was relayed, or
// the container exited (cli-contract §8.6).
struct StartOptions {
  std::string notify_socket;
};
Result<void> start(const GlobalOptions& global, std::string_view id, const StartOptions& options);

// `cruntime run` = create + start; in the foreground it waits and returns the exit code
// (status or 128+signal) and deletes the container unless `keep`.
struct RunOptions {
  CreateOptions create;
  bool detach = false;
  bool keep = false;
  bool no_subreaper = false;
};
Result<int> run(const GlobalOptions& global, std::string_view id, const RunOptions& options);

// `cruntime exec` (cli-contract §7.4). Without process_file the process is the bundle's
// config.json process with the overrides below; with it, the file is used as it is.
struct ExecOptions {
  std::string process_file;        // -p; "-" is not special (runc reads a path)
  std::vector<std::string> args;   // the command after the id
  std::string console_socket;      // only with a terminal and detach
  std::string pidfd_socket;
  std::string pid_file;            // relative: to the caller's cwd
  std::string cwd;
  std::vector<std::string> env;    // appended to process.env
  bool tty = false;                // without -p: the terminal is off unless -t
  std::string user;                // "UID[:GID]", numeric only
  std::vector<std::string> additional_gids;
  std::string process_label;
  std::string apparmor;
  bool no_new_privs = false;
  std::vector<std::string> caps;   // added to bounding, effective and permitted only
  int preserve_fds = 0;
  std::vector<std::string> cgroups;  // "[CTRL[,CTRL]:]PATH", below the container's cgroup
  bool detach = false;
  bool ignore_paused = false;
  bool no_subreaper = false;
};
// The foreground process's exit code (status or 128+signal); 0 with detach.
Result<int> exec(const GlobalOptions& global, std::string_view id, const ExecOptions& options);

// `cruntime kill [--all] ID [SIGNAL]`.
struct KillOptions {
  std::string signal = "SIGTERM";  // "KILL", "SIGKILL", "9", ...
  bool all = false;
};
Result<void> kill(const GlobalOptions& global, std::string_view id, const KillOptions& options);

// `cruntime delete [--force] ID`.
Result<void> remove(const GlobalOptions& global, std::string_view id, bool force);

// `cruntime pause` / `resume`: freeze or thaw the container's cgroup (cli-contract §7.12).
Result<void> pause(const GlobalOptions& global, std::string_view id);
Result<void> resume(const GlobalOptions& global, std::string_view id);

// `cruntime ps`: the host pids of every process in the container's cgroup (sorted); a stopped
// container has none. Without a cgroup (rootless): the members of its pid namespace, or only its
// init when it shares the host's.
Result<std::vector<pid_t>> container_pids(const GlobalOptions& global, std::string_view id);

// `cruntime update`: merge `changes` into the container's resources, apply them, and persist the
// result in the config snapshot; on failure the previous limits are applied again.
Result<void> update(const GlobalOptions& global, std::string_view id,
                    const spec::LinuxResources& changes);

// `cruntime events`: one stats record, or a stream of stats and OOM records until the
// container stops. `emit` gets one JSON line (without the newline) per event.
struct EventsOptions {
  bool stats_only = false;               // --stats
  std::chrono::milliseconds interval{5000};  // --interval
};
Result<void> events(const GlobalOptions& global, std::string_view id, const EventsOptions& options,
                    const std::function<Result<void>(const std::string&)>& emit);

// `cruntime features`: what this build really supports.
spec::Features features();

// `cruntime check`: what this host supports and why a container might fail on it.
enum class CheckStatus { kOk, kWarning, kMissing };
struct HostCheck {
  std::string name;  // stable dotted name: "cgroup.mode", "seccomp.actions", "kernel.clone3"
  CheckStatus status = CheckStatus::kOk;
  std::string value;                // the fact for scripts: "v2", "2.5.4", "enabled", ""
  std::vector<std::string> values;  // list facts: controllers, actions, "start:count" ranges
  std::string reason;               // one line for a person: what was found and how
  std::string impact;               // what a container that needs it sees; "" when nothing
  bool blocks = false;              // the default container cannot run because of this
};
struct HostReport {
  uid_t euid = 0;
  bool rootless = false;  // judged for `spec --rootless` (the caller is not root)
  std::vector<HostCheck> checks;
  // Whether the default `cruntime spec` container (`spec --rootless` for rootless) can run here:
  // no check blocks it.
  bool can_run() const;
};
// Probes the host; creates nothing that outlives the call (an id-mapped mount probe is a
// detached tmpfs, freed when its fd closes). Never fails: what cannot be read is reported.
HostReport check(const GlobalOptions& global);
std::string_view check_status_name(CheckStatus status);  // "ok", "warning", "missing"

}  // namespace cruntime::container

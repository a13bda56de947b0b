// The container operations the CLI calls: one function per lifecycle command, options in structs.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "cruntime/base/error.hpp"
#include "cruntime/spec/features.hpp"
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
  // Internal: `run -t` in the foreground hands the init one end of its own relay socket.
  int console_socket_fd = -1;
};
Result<void> create(const GlobalOptions& global, std::string_view id, const CreateOptions& options);

// `cruntime start`: release a created container's init; poststart hooks.
Result<void> start(const GlobalOptions& global, std::string_view id);

// `cruntime run` = create + start; in the foreground it waits and returns the exit code
// (status or 128+signal) and deletes the container unless `keep`.
struct RunOptions {
  CreateOptions create;
  bool detach = false;
  bool keep = false;
  bool no_subreaper = false;
};
Result<int> run(const GlobalOptions& global, std::string_view id, const RunOptions& options);

// `cruntime kill [--all] ID [SIGNAL]`.
struct KillOptions {
  std::string signal = "SIGTERM";  // "KILL", "SIGKILL", "9", ...
  bool all = false;
};
Result<void> kill(const GlobalOptions& global, std::string_view id, const KillOptions& options);

// `cruntime delete [--force] ID`.
Result<void> remove(const GlobalOptions& global, std::string_view id, bool force);

// `cruntime features`: what this build really supports.
spec::Features features();

}  // namespace cruntime::container

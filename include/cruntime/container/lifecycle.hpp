// Internal pieces shared by the lifecycle operations (create/start/run/kill/delete).
#pragma once

#include <sys/types.h>

#include <memory>
#include <string>
#include <string_view>

#include "cruntime/base/error.hpp"
#include "cruntime/container/container.hpp"
#include "cruntime/container/operations.hpp"
#include "cruntime/spec/config.hpp"

namespace cruntime::container {

// A config that passed every check `create` can make before touching the system.
struct PreparedBundle {
  std::string bundle;  // absolute, symlink-free
  std::string rootfs;  // absolute, symlink-free directory
  std::unique_ptr<const spec::Config> config;  // validated; heap so its address survives moves
  std::string pid_file;                        // absolute or empty
  int listen_fds = 0;                          // socket activation fds (LISTEN_FDS for us)
};

Result<PreparedBundle> prepare_bundle(std::string_view id, const CreateOptions& options);
// Every fd 3 .. 3+count-1 is open (--preserve-fds, LISTEN_FDS).
Result<void> check_preserved_fds(int count);
// security.md promise 13: an AppArmor profile (other than "unconfined") or an SELinux label
// is refused, not dropped: cruntime applies neither yet, and a process must not run less
// confined than its config says (create and exec).
Result<void> check_lsm_labels(const spec::Process& process);
// process.terminal needs a console socket (or run's own relay), and only then.
Result<void> check_terminal(const spec::Config& config, const CreateOptions& options);
bool wants_terminal(const spec::Config& config);

// The name of the config snapshot in the state dir: later edits of the bundle's config.json
// must not affect the container (runtime-tools config_updates_without_affect).
inline constexpr std::string_view kConfigSnapshotName = "config.json";

struct CreatedContainer {
  pid_t init_pid = 0;
  bool init_is_child = true;  // run waits for it with waitpid
};

// The whole of `create` after prepare_bundle; `run` uses it too.
Result<CreatedContainer> create_container(const GlobalOptions& global, std::string_view id,
                                          const CreateOptions& options, PreparedBundle prepared);

// --pid-file (cli-contract §8.3): the decimal pid, no newline, written atomically (temp +
// rename). Nothing when the path is empty.
Result<void> write_pid_file(const std::string& path, pid_t pid);

// --pidfd-socket (cli-contract §8.2): one message named `name` ("standard" for the init,
// "setns" for an exec'd process) carrying a pidfd of `pid`. Nothing when the path is empty.
Result<void> send_pidfd(const std::string& socket_path, pid_t pid, std::string_view name);

// The OCI state of a recorded container for its hooks and its seccomp agent (spec::hook_state;
// pid 0 = omitted). Dump it with spec::dump_state_for_hook.
spec::State hook_state(const spec::StoredState& stored, spec::Status status, pid_t pid);

// Release the init of a created container and wait until it has exec'd; poststart hooks.
Result<void> start_container(Container& container);

// Kill what is left, remove the state dir, run poststop hooks (warnings only).
Result<void> destroy_container(const GlobalOptions& global, Container& container);

// Read the config snapshot taken at create.
Result<spec::Config> load_snapshot(const Container& container);

// Signal a live init (and with `all` every process of its pid namespace); false when it is gone.
Result<bool> signal_init(const Container& container, int signo, bool all);

// Wait (polling the pidfd) until the init has exited, at most `timeout_ms`.
Result<bool> wait_for_exit(pid_t pid, uint64_t start_time, int timeout_ms);

}  // namespace cruntime::container

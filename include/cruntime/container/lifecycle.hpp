// Helpers shared by the lifecycle operations (create, start, run, exec, delete, update): the config
// snapshot, the hooks' state, waiting for the init, --pid-file and --pidfd-socket.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <string>
#include <string_view>

#include "cruntime/base/error.hpp"
#include "cruntime/container/container.hpp"
#include "cruntime/spec/config.hpp"
#include "cruntime/spec/state.hpp"

namespace cruntime::container {

// The name of the config snapshot in the state dir: later edits of the bundle's config.json
// must not affect the container (runtime-tools config_updates_without_affect).
inline constexpr std::string_view kConfigSnapshotName = "config.json";

// --pid-file (cli-contract §8.3): the decimal pid, no newline, written atomically (temp +
// rename). Nothing when the path is empty.
Result<void> write_pid_file(const std::string& path, pid_t pid);

// --pidfd-socket (cli-contract §8.2): one message named `name` ("standard" for the init,
// "setns" for an exec'd process) carrying a pidfd of `pid`. Nothing when the path is empty.
Result<void> send_pidfd(const std::string& socket_path, pid_t pid, std::string_view name);

// The OCI state of a recorded container for its hooks and its seccomp agent (spec::hook_state;
// pid 0 = omitted). Dump it with spec::dump_state_for_hook.
spec::State hook_state(const spec::StoredState& stored, spec::Status status, pid_t pid);

// Read the config snapshot taken at create.
Result<spec::Config> load_snapshot(const Container& container);

// Wait (polling the pidfd) until the init has exited, at most `timeout_ms`.
Result<bool> wait_for_exit(pid_t pid, uint64_t start_time, int timeout_ms);

}  // namespace cruntime::container

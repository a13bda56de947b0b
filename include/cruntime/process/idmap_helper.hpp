// newuidmap/newgidmap (shadow's setuid helpers, Debian package uidmap): found in the runtime's
// PATH and run for a user namespace whose map an unprivileged runtime may not write itself.
#pragma once

#include <sys/types.h>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cruntime/base/error.hpp"
#include "cruntime/spec/linux.hpp"

namespace cruntime::process {

struct MapHelper {
  std::string_view name;    // the program looked up in PATH
  std::string_view grants;  // the file it takes the user's ranges from
};
inline constexpr MapHelper kNewUidMap{"newuidmap", "/etc/subuid"};
inline constexpr MapHelper kNewGidMap{"newgidmap", "/etc/subgid"};

// The first executable regular file `name` in the absolute entries of `path_env` (a PATH value).
// Empty and relative entries are skipped: they would name the runtime's cwd, the bundle.
std::optional<std::string> find_in_path(std::string_view name, std::string_view path_env);

// The helper's arguments after its name: "<pid> <inside> <outside> <count>..." (newuidmap(1)).
std::vector<std::string> map_helper_args(pid_t pid, const std::vector<spec::IdMapping>& mappings);

// Run `helper` for `pid` with `mappings`, looked up in `path_env`, and wait for it. Errors, one
// line each: the helper is not in PATH (install uidmap), it could not be started, or it failed
// (its own message folded in). newgidmap writes /proc/<pid>/setgroups itself: "allow" when a
// range comes from /etc/subgid, "deny" otherwise, so the caller must leave that file alone.
Result<void> run_map_helper(const MapHelper& helper, pid_t pid,
                            const std::vector<spec::IdMapping>& mappings,
                            std::string_view path_env);

}  // namespace cruntime::process

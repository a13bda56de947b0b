// process.env → the container's environment (duplicates, HOME), and args[0] → the file to exec.
// Both run in the init after pivot_root, so /etc/passwd and PATH entries are the container's.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cruntime/base/error.hpp"
#include "cruntime/spec/process.hpp"

namespace cruntime::process {

// The exact process.env plus `extra` (LISTEN_FDS...), later duplicates winning, and HOME from the
// container's /etc/passwd for `uid` (default "/") when absent. Call after pivot_root.
// Duplicates keep the last value at the last position (runc's prepareEnv); an empty HOME counts
// as absent and HOME is then appended. Entries without '=' are dropped (validation rejects them).
std::vector<std::string> build_environment(const spec::Process& process,
                                           const std::vector<std::string>& extra);
// The same with another passwd file (tests).
std::vector<std::string> build_environment(const spec::Process& process,
                                           const std::vector<std::string>& extra,
                                           const std::string& passwd_path);
// The home directory of `uid` in passwd(5) text; nullopt without an entry (or an empty home).
std::optional<std::string> passwd_home(std::string_view passwd, uint32_t uid);

// args[0] as Go's exec.LookPath in runc's init finds it, using PATH from `env` (not the
// runtime's): a name with '/' is taken as is (relative to the cwd), else the first PATH entry
// holding a regular file with an execute bit; no PATH in `env` → not found. Call after
// pivot_root and chdir. Errors keep podman's phrases: `exec: "x": executable file not found in
// $PATH`, `exec: "/x": no such file or directory`, `exec: "/x": permission denied`.
Result<std::string> resolve_executable(const std::string& arg0,
                                       const std::vector<std::string>& env);

}  // namespace cruntime::process

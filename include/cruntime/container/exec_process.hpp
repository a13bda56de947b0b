// The process `exec` starts, from a template and the command line (pure: no syscalls).
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>
#include <utility>

#include "cruntime/base/error.hpp"
#include "cruntime/container/operations.hpp"
#include "cruntime/spec/process.hpp"

namespace cruntime::container {

// `--user UID[:GID]`: decimal ids within 0..4294967294 only (no names, no signs, no empty parts):
// "4294967296", "-1", "abc", "1:", "1:x" are errors, never uid 0 (CVE-2016-3697 class).
struct ExecUser {
  uint32_t uid = 0;
  std::optional<uint32_t> gid;
};
Result<ExecUser> parse_exec_user(std::string_view text);

// The template (config.json's process) with the command-line overrides of runc's exec: args
// replaced, cwd, env appended (later duplicates win when the environment is built), terminal =
// --tty, user and gid, additional gids appended, no_new_privileges when --no-new-privs, the
// --cap names added to bounding, effective and permitted — never to inheritable or ambient
// (CVE-2022-29162) — and the LSM labels. Errors name the flag.
Result<spec::Process> apply_exec_overrides(spec::Process process, const ExecOptions& options);

}  // namespace cruntime::container

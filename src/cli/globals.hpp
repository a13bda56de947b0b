// The global options (cli-contract §2): their table, the --root default, and their validation.
#pragma once

#include <sys/types.h>

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "args.hpp"
#include "cruntime/base/error.hpp"
#include "cruntime/base/log.hpp"
#include "cruntime/container/operations.hpp"

namespace cruntime::cli {

// The process facts the global options depend on, gathered once (tests build their own).
struct ProcessEnv {
  std::string cwd;  // empty when getcwd failed
  uid_t euid = 0;
  bool in_user_namespace = false;              // not the initial user namespace
  std::optional<std::string> xdg_runtime_dir;  // $XDG_RUNTIME_DIR
  std::optional<std::string> user;             // $USER
};
ProcessEnv current_process_env();

// Everything in front of the command name, validated.
struct Globals {
  container::GlobalOptions options;
  bool root_from_xdg = false;  // the default root lives in $XDG_RUNTIME_DIR (created 0700+sticky)
  log::Options log;
  bool criu_given = false;  // --criu: removed from runc, accepted and ignored with a warning
  bool help = false;
  bool version = false;
  std::string command;  // empty when none was given
  std::vector<std::string> command_args;
};

std::span<const OptionSpec> global_options();

// runc's rule: $XDG_RUNTIME_DIR/cruntime when that variable is set and we are not real root
// (euid ≠ 0, or euid 0 inside a user namespace with $USER unset or ≠ "root"), else /run/cruntime.
// nullopt means /run/cruntime.
std::optional<std::string> xdg_default_root(const ProcessEnv& env);

// filepath.Abs semantics: joined to cwd and lexically cleaned; "/" is refused (it would make
// `delete` remove the whole file system's entries).
Result<std::string> absolute_root(std::string_view root, const ProcessEnv& env);

// Parses `args` (argv without the program name) up to the command name.
Result<Globals> parse_globals(std::span<const std::string> args, const ProcessEnv& env);

}  // namespace cruntime::cli

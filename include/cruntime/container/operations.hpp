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

// `cruntime features`: what this build really supports.
spec::Features features();

}  // namespace cruntime::container

// Running OCI hooks: fork+exec with the state JSON on stdin, args/env/timeout honoured.
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "cruntime/base/error.hpp"
#include "cruntime/spec/config.hpp"

namespace cruntime::process {

// Run each hook in order; stop at the first failure. `kind` ("prestart", ...) names the hook in
// errors, N being its index in the config array (as runc counts):
// `prestart hook #0 (/usr/bin/x): exited with status 3: <captured stdout+stderr>`.
// Empty or absent env → the runtime's environment (runc); empty args → argv = [path]. cwd = `cwd`.
// A hook that outlives `timeout` seconds is SIGKILLed and fails.
Result<void> run_hooks(std::span<const spec::Hook> hooks, std::string_view kind,
                       std::string_view state_json, const std::string& cwd);

// The same, but a hook without env gets `default_env` instead of the runtime's environment
// (startContainer hooks run with the container's environment, cli-contract §10.1).
Result<void> run_hooks(std::span<const spec::Hook> hooks, std::string_view kind,
                       std::string_view state_json, const std::string& cwd,
                       const std::vector<std::string>& default_env);

// Like run_hooks but every hook runs; failures are logged as warnings (poststop, spec rule).
void run_hooks_warn_only(std::span<const spec::Hook> hooks, std::string_view kind,
                         std::string_view state_json, const std::string& cwd);

}  // namespace cruntime::process

// Running OCI hooks: fork+exec with the state JSON on stdin, args/env/timeout honoured.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "cruntime/base/error.hpp"
#include "cruntime/spec/config.hpp"

namespace cruntime::process {

// The six hook lists of config.json `hooks` (config.md "POSIX-platform Hooks").
enum class HookKind {
  kPrestart,
  kCreateRuntime,
  kCreateContainer,
  kStartContainer,
  kPoststart,
  kPoststop,
};

// The config key of `kind` ("prestart", "createRuntime", ...): errors name hooks by it.
std::string_view hook_kind_name(HookKind kind);
// The list of `kind` in `hooks`; empty when absent.
std::span<const spec::Hook> hooks_of(const spec::Hooks& hooks, HookKind kind);

// The one entry point: run the `kind` hooks of `hooks` in order, each with `state_json` on stdin
// and `cwd` as its working directory. The policy is the kind's (runtime.md "Lifecycle"):
// - poststop: every hook runs; a failure is logged as a warning and run_hooks still succeeds;
// - all others: the first failure stops the list and is returned as
//   `prestart hook #0 (/usr/bin/x): exited with status 3: <captured stdout+stderr>`
//   (N is the hook's index in the config array, as runc counts).
// A hook without env gets `default_env` when given (startContainer hooks run with the
// container's environment, cli-contract §10.1), else the runtime's environment (runc); empty
// args → argv = [path]. A hook that outlives its timeout (seconds) is SIGKILLed and fails.
Result<void> run_hooks(const std::optional<spec::Hooks>& hooks, HookKind kind,
                       std::string_view state_json, const std::string& cwd,
                       const std::vector<std::string>* default_env = nullptr);

}  // namespace cruntime::process

// Parsing and printing of config.json, state and features; the only door between JSON text and the model.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "cruntime/base/error.hpp"
#include "cruntime/spec/config.hpp"
#include "cruntime/spec/features.hpp"
#include "cruntime/spec/state.hpp"

namespace cruntime::spec {

// Limits on hostile input (security.md promise 12).
inline constexpr size_t kMaxConfigBytes = 4 * 1024 * 1024;
inline constexpr int kMaxJsonDepth = 64;

// Parse config.json text into the model. Syntax and type errors come back as one Error whose
// message names the JSON path: `config.json: process.args[1]: expected string, got number`,
// `config.json: root.path: missing required field`, `config.json: invalid JSON at line 3,
// column 5: ...`. Integers are range-checked (no truncation); null = absent for optional fields.
// Unknown keys are ignored (spec). Semantic checks are validate()'s job, not this one's.
Result<Config> parse_config(std::string_view text);
// Read (size-limited) and parse a config file; errors name the file.
Result<Config> load_config(const std::string& path);
// Serialise; `indent` < 0 gives compact JSON. `cruntime spec` uses tabs (runc), see dump_config_tabs.
std::string dump_config(const Config& config, int indent = 2);
std::string dump_config_tabs(const Config& config);
// linux.seccomp alone, compact (the seccomp program cache keys on it).
std::string dump_seccomp(const Seccomp& seccomp);

// A `process` object on its own (`exec --process FILE`); errors are framed by `name` and name
// the field as config.json's would: `p.json: process.user.uid: expected number, got string`.
Result<Process> parse_process(std::string_view text, std::string_view name);

// A LinuxResources object on its own (`update --resources`); errors are framed by `name`.
Result<LinuxResources> parse_resources(std::string_view text, std::string_view name);

// `cruntime state` / hooks' stdin. Hooks omit pid when 0 and annotations when empty.
std::string dump_state(const State& state, int indent = 2);
std::string dump_state_for_hook(const State& state);
// The seccomp agent's message, compact, keys in runtime-spec's order.
std::string dump_container_process_state(const ContainerProcessState& state);
// JSON array of states for `list --format json` (one line).
std::string dump_state_list(const std::vector<State>& states);

// `ps --format json`: the pids as one compact JSON array ("[1,2]"), as runc prints them.
std::string dump_pid_list(const std::vector<int>& pids);

// Parse a state object (either shape above, or another runtime's `state` output).
Result<State> parse_state(std::string_view text);

// The runtime-private <root>/<id>/state.json; errors are prefixed "state.json: ".
Result<StoredState> parse_stored_state(std::string_view text);
std::string dump_stored_state(const StoredState& state);


std::string dump_features(const Features& features);
Result<Features> parse_features(std::string_view text);

}  // namespace cruntime::spec

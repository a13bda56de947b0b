// Semantic validation of a parsed Config: every problem names its JSON path (no syscalls here).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "cruntime/base/error.hpp"
#include "cruntime/spec/config.hpp"

namespace cruntime::spec {

struct Problem {
  std::string path;     // "linux.namespaces[2].type"
  std::string message;  // `unknown namespace type "foo"`
  bool operator==(const Problem&) const = default;
};

// A member of a JSON object in the paths problems name: "linux.netDevices.eth0" for identifiers,
// `linux.netDevices["veth-a"]` otherwise (for errors the core reports about the same fields).
std::string member_path(std::string_view base, std::string_view key);

// All problems found, in document order; empty when the config is valid. Document order is the
// section order of config.md then config-linux.md (the member order of the model structs).
std::vector<Problem> validate(const Config& config);

// Things the spec says to log as warnings and otherwise ignore, never to fail on: unknown
// capability names (config.md "capabilities": MUST be logged as a warning, SHOULD NOT fail),
// consoleSize without terminal (MUST be ignored), personality flags (none are supported), and the
// obsolete kernel memory limits. The caller (create) logs each one with log::warn.
std::vector<Problem> warnings(const Config& config);

// "config.json: linux.namespaces[2].type: unknown namespace type \"foo\"" for the first problem
// (and "(and N more problems)" when there are several); ok when there are none.
Result<void> check(const Config& config);

// The checks validate() makes of config.json's `process`, for a process object on its own
// (`exec`): "<name>: process.cwd: must be an absolute path, got \"x\"" for the first problem.
Result<void> check_process(const Process& process, std::string_view name);

// The checks validate() makes of linux.resources, for the resources `update` is about to apply
// (the container's with the changes merged in): "<name>: linux.resources.cpu.shares: ...".
Result<void> check_resources(const LinuxResources& resources, std::string_view name);

}  // namespace cruntime::spec

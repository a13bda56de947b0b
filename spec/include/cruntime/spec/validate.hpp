// Semantic validation of a parsed Config: every problem names its JSON path (no syscalls here).
#pragma once

#include <string>
#include <vector>

#include "cruntime/base/error.hpp"
#include "cruntime/spec/config.hpp"

namespace cruntime::spec {

struct Problem {
  std::string path;     // "linux.namespaces[2].type"
  std::string message;  // `unknown namespace type "foo"`
  bool operator==(const Problem&) const = default;
};

// All problems found, in document order; empty when the config is valid.
std::vector<Problem> validate(const Config& config);

// "config.json: linux.namespaces[2].type: unknown namespace type \"foo\"" for the first problem
// (and "(and N more problems)" when there are several); ok when there are none.
Result<void> check(const Config& config);

}  // namespace cruntime::spec

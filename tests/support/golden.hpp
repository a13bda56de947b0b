// Test helper: the golden files under tests/data (CRUNTIME_TEST_DATA, set by tests/CMakeLists.txt).
#pragma once

#include <catch2/catch.hpp>
#include <string>
#include <string_view>

#include "cruntime/base/fs.hpp"

namespace cruntime::test {

// The path of a golden config: tests/data/spec/good/<name>.
inline std::string golden_path(std::string_view name) {
  return std::string(CRUNTIME_TEST_DATA) + "/spec/good/" + std::string(name);
}

// The text of a golden config; fails the test when it cannot be read.
inline std::string golden(std::string_view name) {
  auto text = fs::read_file(golden_path(name));
  INFO(golden_path(name));
  REQUIRE(text);
  return *text;
}

}  // namespace cruntime::test

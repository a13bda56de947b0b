// TempDir: mkdtemp under /tmp; the destructor removes the tree without following symlinks.
#include "support/temp_dir.hpp"

#include <stdlib.h>

#include <filesystem>
#include <system_error>

#include <catch2/catch.hpp>

namespace cruntime::test {

TempDir::TempDir() {
  std::string pattern = "/tmp/cruntime-test-XXXXXX";
  char* made = ::mkdtemp(pattern.data());
  REQUIRE(made != nullptr);
  path_ = pattern;
}

TempDir::~TempDir() {
  std::error_code ignored;
  std::filesystem::remove_all(path_, ignored);  // remove_all does not follow symlinks
}

std::string TempDir::join(std::string_view name) const { return path_ + "/" + std::string(name); }

}  // namespace cruntime::test

// TempDir: a unique directory under /tmp for one test, removed with its contents afterwards.
#pragma once

#include <string>
#include <string_view>

namespace cruntime::test {

class TempDir {
 public:
  TempDir();  // aborts the test run (REQUIRE) if /tmp is unusable
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::string& path() const { return path_; }
  // path() + "/" + name
  std::string join(std::string_view name) const;

 private:
  std::string path_;
};

}  // namespace cruntime::test

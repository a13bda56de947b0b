// A private directory for the targets that read files the way the runtime does (state.json,
// cgroup files): made once per fuzzing process under $TMPDIR (or /tmp), removed at exit.
#pragma once

#include <fcntl.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <string>
#include <string_view>

#include "fuzz_support.hpp"

namespace cruntime::fuzz {

class FuzzDir {
 public:
  FuzzDir() {
    const char* tmp = std::getenv("TMPDIR");
    std::string pattern =
        std::string(tmp != nullptr && *tmp != '\0' ? tmp : "/tmp") + "/cruntime-fuzz-XXXXXX";
    if (::mkdtemp(pattern.data()) == nullptr) invariant_broken("mkdtemp", pattern);
    path_ = pattern;
    fd_ = ::open(path_.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (fd_ < 0) invariant_broken("open the fuzz directory", path_);
  }
  ~FuzzDir() {
    ::close(fd_);
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  FuzzDir(const FuzzDir&) = delete;
  FuzzDir& operator=(const FuzzDir&) = delete;

  const std::string& path() const { return path_; }
  int fd() const { return fd_; }

  // Replace <dir>/<name> with `data` (plain write: no fsync, the fuzzer writes it every run).
  void put(const std::string& name, std::string_view data) const {
    const int fd = ::openat(fd_, name.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0) invariant_broken("create a fuzz file", name);
    size_t done = 0;
    while (done < data.size()) {
      const ssize_t n = ::write(fd, data.data() + done, data.size() - done);
      if (n <= 0) invariant_broken("write a fuzz file", name);
      done += static_cast<size_t>(n);
    }
    ::close(fd);
  }
  void remove(const std::string& name) const { (void)::unlinkat(fd_, name.c_str(), 0); }

 private:
  std::string path_;
  int fd_ = -1;
};

// One per process; destroyed (and removed) at exit.
inline const FuzzDir& fuzz_dir() {
  static const FuzzDir dir;
  return dir;
}

}  // namespace cruntime::fuzz

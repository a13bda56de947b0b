// FakeCgroupfs: plain directories in a TempDir standing in for cgroup hierarchies, with the
// DirHooks that fill a new "cgroup" with interface files and empty it before rmdir.
#pragma once

#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <map>
#include <string>
#include <system_error>
#include <utility>

#include <catch2/catch.hpp>

#include "cruntime/base/fs.hpp"
#include "cruntime/base/strings.hpp"
#include "cruntime/cgroup/cgroupfs.hpp"
#include "support/temp_dir.hpp"

namespace cruntime::test {

class FakeCgroupfs {
 public:
  using Files = std::map<std::string, std::string>;  // interface file → initial content

  const std::string& root() const { return tmp_.path(); }
  std::string path(std::string_view relative) const { return tmp_.join(relative); }

  // A hierarchy mounted at root()/name: the directory with `files`, which every cgroup made
  // below it gets as well.
  std::string add_hierarchy(const std::string& name, Files files) {
    const std::string top = path(name);
    REQUIRE(cruntime::fs::mkdir_p(top));
    populate(top, files);
    files_by_top_[top] = std::move(files);
    return top;
  }

  // A cgroup that exists before the manager runs (an ancestor, or a cgroup being reused).
  void add_cgroup(const std::string& dir) {
    REQUIRE(cruntime::fs::mkdir_p(dir));
    populate(dir, files_for(dir));
  }

  static void put(const std::string& file, std::string_view content) {
    REQUIRE(cruntime::fs::write_file_atomic(file, content));
  }
  static std::string get(const std::string& file) {
    auto text = cruntime::fs::read_file(file);
    return text ? std::string(cruntime::strings::trim(*text)) : "<missing>";
  }
  static bool is_dir(const std::string& path) {
    struct stat st {};
    return ::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
  }

  cgroup::cgfs::DirHooks hooks() {
    cgroup::cgfs::DirHooks hooks;
    hooks.after_mkdir = [this](const std::string& dir) {
      made_.push_back(dir);
      populate(dir, files_for(dir));
    };
    hooks.before_rmdir = [this](const std::string& dir) {
      std::error_code ec;
      // The kernel refuses to remove a cgroup that has child cgroups (EBUSY): leave the files,
      // so this rmdir fails too (ENOTEMPTY) and nothing is recorded.
      for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
        if (entry.is_directory()) return;
      }
      removed_.push_back(dir);
      for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
        if (entry.is_regular_file()) std::filesystem::remove(entry.path(), ec);
      }
    };
    return hooks;
  }
  const std::vector<std::string>& made() const { return made_; }
  const std::vector<std::string>& removed() const { return removed_; }

 private:
  void populate(const std::string& dir, const Files& files) {
    for (const auto& [name, content] : files) put(dir + "/" + name, content);
  }
  const Files& files_for(const std::string& dir) const {
    static const Files kNone;
    for (const auto& [top, files] : files_by_top_) {
      if (dir == top || dir.starts_with(top + "/")) return files;
    }
    return kNone;
  }

  TempDir tmp_;
  std::map<std::string, Files> files_by_top_;
  std::vector<std::string> made_;
  std::vector<std::string> removed_;
};

}  // namespace cruntime::test

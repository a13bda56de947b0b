// host_bind_entries (which sources the runtime opens for the init) and open_bind_source (a host
// path resolved from another root, as the kernel resolves it).
#include "cruntime/rootfs/bind_sources.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cerrno>
#include <string>
#include <vector>

#include "support/temp_dir.hpp"

namespace cruntime::rootfs {
namespace {

spec::Mount entry(std::optional<std::string> type, std::optional<std::string> source,
                  std::vector<std::string> options) {
  spec::Mount mount;
  mount.destination = "/m";
  mount.type = std::move(type);
  mount.source = std::move(source);
  mount.options = std::move(options);
  return mount;
}

// st_dev/st_ino of an fd and of a path are the same file.
bool same_file(int fd, const std::string& path) {
  struct stat a {};
  struct stat b {};
  return ::fstat(fd, &a) == 0 && ::stat(path.c_str(), &b) == 0 && a.st_dev == b.st_dev &&
         a.st_ino == b.st_ino;
}

}  // namespace

TEST_CASE("host_bind_entries: binds by option or type; not remounts, id-mapped or sourceless ones",
          "[rootfs]") {
  spec::Config config;
  spec::Mount mapped = entry("bind", "/src", {"bind"});
  mapped.uid_mappings = std::vector<spec::IdMapping>{{0, 100000, 1}};
  config.mounts = std::vector<spec::Mount>{
      entry("tmpfs", "tmpfs", {"nosuid"}),         // 0: a new filesystem
      entry("bind", "/src", {"ro"}),               // 1: type bind
      entry(std::nullopt, "/src", {"rbind"}),      // 2: option rbind
      entry("none", "/src", {"bind", "remount"}),  // 3: a remount has no source to open
      entry("bind", "/src", {"idmap"}),            // 4: id-mapped: the runtime built its tree
      mapped,                                      // 5: id-mapped by its mappings
      entry("bind", std::nullopt, {"bind"}),       // 6: no source (the init reports it)
      entry("bind", "", {"bind"}),                 // 7: an empty source, the same
      entry("bind", "rel/src", {"bind"}),          // 8: relative (to the bundle)
  };
  CHECK(host_bind_entries(config) == std::vector<size_t>{1, 2, 8});
  CHECK(host_bind_entries(spec::Config{}).empty());
}

TEST_CASE(
    "open_bind_source: a host path from another root, symlinks and '..' as the kernel has them",
    "[rootfs]") {
  test::TempDir tmp;
  // The "init's root": a tree with an absolute symlink that must resolve inside it.
  const std::string root = tmp.join("root");
  REQUIRE(::mkdir(root.c_str(), 0755) == 0);
  REQUIRE(::mkdir((root + "/data").c_str(), 0755) == 0);
  REQUIRE(::mkdir((root + "/a").c_str(), 0755) == 0);
  REQUIRE(::mkdir((root + "/a/b").c_str(), 0755) == 0);
  REQUIRE(::mkdir((root + "/a/x").c_str(), 0755) == 0);
  REQUIRE(::symlink("/data", (root + "/abs").c_str()) == 0);
  REQUIRE(::symlink("a/b", (root + "/link").c_str()) == 0);
  UniqueFd root_fd(::open(root.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
  REQUIRE(root_fd);

  SECTION("an absolute symlink stays in that root") {
    auto fd = open_bind_source(root_fd.get(), "/abs");
    REQUIRE(fd);
    CHECK(same_file(fd->get(), root + "/data"));
    CHECK((::fcntl(fd->get(), F_GETFL) & O_PATH) == O_PATH);
    CHECK(::fcntl(fd->get(), F_GETFD) == FD_CLOEXEC);
  }
  SECTION("'..' after a symlink climbs from its target, not lexically") {
    auto fd = open_bind_source(root_fd.get(), "/link/../x");
    REQUIRE(fd);
    CHECK(same_file(fd->get(), root + "/a/x"));
  }
  SECTION("'/' is the root itself; a missing source is ENOENT naming the path") {
    auto self = open_bind_source(root_fd.get(), "/");
    REQUIRE(self);
    CHECK(same_file(self->get(), root));
    auto missing = open_bind_source(root_fd.get(), "/no/such");
    REQUIRE_FALSE(missing);
    CHECK(missing.error().code() == ENOENT);
    CHECK(missing.error().to_string().find("/no/such") != std::string::npos);
  }
}

}  // namespace cruntime::rootfs

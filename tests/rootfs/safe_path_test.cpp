// In-root resolution: symlinks to "/" or "../../etc" stay inside the root; mkdir -p and file
// creation through links land inside it; lexical cleanup.
#include "cruntime/rootfs/safe_path.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cerrno>
#include <string>

#include "support/temp_dir.hpp"

namespace cruntime::rootfs {
namespace {

// A fake rootfs with the classic hostile links, and a unique name the host does not have.
struct HostileRoot {
  test::TempDir tmp;
  std::string root = tmp.join("rootfs");
  std::string unique = "cruntime-safe-path-" + std::to_string(::getpid());
  UniqueFd fd;

  HostileRoot() {
    REQUIRE(::mkdir(root.c_str(), 0755) == 0);
    REQUIRE(::mkdir((root + "/etc").c_str(), 0755) == 0);
    REQUIRE(::symlink("/", (root + "/to-root").c_str()) == 0);
    REQUIRE(::symlink("/etc", (root + "/to-etc").c_str()) == 0);
    REQUIRE(::symlink("../../../../../../etc", (root + "/up-etc").c_str()) == 0);
    REQUIRE(::symlink("/nowhere/deeper", (root + "/dangling").c_str()) == 0);
    REQUIRE(::symlink("loop-b", (root + "/loop-a").c_str()) == 0);
    REQUIRE(::symlink("loop-a", (root + "/loop-b").c_str()) == 0);
    int raw = ::open(root.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC);
    REQUIRE(raw >= 0);
    fd.reset(raw);
  }
  bool host_has(const std::string& path) const { return ::access(path.c_str(), F_OK) == 0; }
  bool root_has(const std::string& path) const {
    return ::access((root + path).c_str(), F_OK) == 0;
  }
  std::string where(int handle) const {
    auto path = fd_path(handle);
    REQUIRE(path);
    return *path;
  }
};

}  // namespace

TEST_CASE("clean_path: absolute, no dot components, never above /", "[rootfs]") {
  CHECK(clean_path("") == "/");
  CHECK(clean_path("/") == "/");
  CHECK(clean_path("a/b") == "/a/b");
  CHECK(clean_path("//a/./b//") == "/a/b");
  CHECK(clean_path("/a/../b") == "/b");
  CHECK(clean_path("/../../etc") == "/etc");
  CHECK(clean_path("../..") == "/");
  CHECK(parent_path("/a/b/c") == "/a/b");
  CHECK(parent_path("/a") == "/");
  CHECK(base_name("/a/b/c") == "c");
  CHECK(base_name("/") == "");
}

TEST_CASE("open_in_root: symlinks to / and ../../etc resolve inside the root", "[rootfs]") {
  HostileRoot r;
  REQUIRE(r.host_has("/etc/passwd"));
  for (const char* path : {"/to-etc/passwd", "/up-etc/passwd", "/to-root/etc/passwd",
                           "/../../etc/passwd", "/to-root/../../../etc/passwd"}) {
    INFO(path);
    auto opened = open_in_root(r.fd.get(), path, O_PATH);
    REQUIRE_FALSE(opened);
    CHECK(opened.error().code() == ENOENT);  // the host's /etc/passwd is not reachable
  }
  {
    int marker = ::open((r.root + "/etc/passwd").c_str(), O_CREAT | O_WRONLY | O_CLOEXEC, 0644);
    REQUIRE(marker >= 0);
    ::close(marker);
  }
  for (const char* path : {"/to-etc/passwd", "/up-etc/passwd", "/to-root/etc/passwd"}) {
    INFO(path);
    auto opened = open_in_root(r.fd.get(), path, O_PATH);
    REQUIRE(opened);
    CHECK(r.where(opened->get()) == r.root + "/etc/passwd");
  }
  auto self = open_in_root(r.fd.get(), "/", O_PATH | O_DIRECTORY);
  REQUIRE(self);
  CHECK(r.where(self->get()) == r.root);
}

TEST_CASE("open_in_root: procfs magic links are refused", "[rootfs]") {
  // With the real "/" as the root, /proc/self/root is a magic link that could jump anywhere.
  int raw = ::open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
  REQUIRE(raw >= 0);
  UniqueFd host_root(raw);
  REQUIRE(::access("/proc/self/root/etc/passwd", F_OK) == 0);
  auto opened = open_in_root(host_root.get(), "/proc/self/root/etc/passwd", O_PATH);
  REQUIRE_FALSE(opened);
  CHECK((opened.error().code() == ELOOP || opened.error().code() == EXDEV));
  CHECK(open_in_root(host_root.get(), "/etc/passwd", O_PATH));
}

TEST_CASE("mkdir_all_in_root: mkdir -p through a symlink stays inside", "[rootfs]") {
  HostileRoot r;
  for (const char* link : {"/to-etc", "/up-etc", "/to-root/etc"}) {
    INFO(link);
    const std::string dir = std::string(link) + "/" + r.unique + "/sub";
    auto made = mkdir_all_in_root(r.fd.get(), dir);
    REQUIRE(made);
    CHECK(r.where(made->get()) == r.root + "/etc/" + r.unique + "/sub");
    CHECK_FALSE(r.host_has("/etc/" + r.unique));
    CHECK(r.root_has("/etc/" + r.unique + "/sub"));
  }
  SECTION("an existing directory is returned as is") {
    auto again = mkdir_all_in_root(r.fd.get(), "/etc");
    REQUIRE(again);
    CHECK(r.where(again->get()) == r.root + "/etc");
  }
}

TEST_CASE("mkdir_all_in_root: a dangling link's target is created inside the root", "[rootfs]") {
  HostileRoot r;
  auto made = mkdir_all_in_root(r.fd.get(), "/dangling/x");
  REQUIRE(made);
  CHECK(r.where(made->get()) == r.root + "/nowhere/deeper/x");
  CHECK_FALSE(r.host_has("/nowhere"));
}

TEST_CASE("mkdir_all_in_root: errors for a file in the way and for link loops", "[rootfs]") {
  HostileRoot r;
  int file = ::open((r.root + "/etc/file").c_str(), O_CREAT | O_WRONLY | O_CLOEXEC, 0644);
  REQUIRE(file >= 0);
  ::close(file);
  auto through_file = mkdir_all_in_root(r.fd.get(), "/etc/file/sub");
  REQUIRE_FALSE(through_file);
  CHECK(through_file.error().code() == ENOTDIR);
  auto loop = mkdir_all_in_root(r.fd.get(), "/loop-a/x");
  REQUIRE_FALSE(loop);
  CHECK(loop.error().code() == ELOOP);
}

TEST_CASE("open_or_create_file_in_root: creates inside, through links, keeps existing",
          "[rootfs]") {
  HostileRoot r;
  const std::string name = "/to-root/../to-etc/" + r.unique + ".conf";
  auto made = open_or_create_file_in_root(r.fd.get(), name);
  REQUIRE(made);
  CHECK(r.where(made->get()) == r.root + "/etc/" + r.unique + ".conf");
  CHECK_FALSE(r.host_has("/etc/" + r.unique + ".conf"));
  struct stat st {};
  REQUIRE(::fstat(made->get(), &st) == 0);
  CHECK(S_ISREG(st.st_mode));

  SECTION("a dangling link (resolv.conf style) gets its target created") {
    REQUIRE(::symlink("../run/resolve/resolv.conf", (r.root + "/etc/resolv.conf").c_str()) == 0);
    auto file = open_or_create_file_in_root(r.fd.get(), "/etc/resolv.conf");
    REQUIRE(file);
    CHECK(r.where(file->get()) == r.root + "/run/resolve/resolv.conf");
  }
  SECTION("an existing directory is returned, not replaced") {
    auto dir = open_or_create_file_in_root(r.fd.get(), "/etc");
    REQUIRE(dir);
    REQUIRE(::fstat(dir->get(), &st) == 0);
    CHECK(S_ISDIR(st.st_mode));
  }
  CHECK_FALSE(open_or_create_file_in_root(r.fd.get(), "/"));
}

TEST_CASE("mkdir_parent_in_root and symlink_in_root", "[rootfs]") {
  HostileRoot r;
  auto parent = mkdir_parent_in_root(r.fd.get(), "/to-etc/" + r.unique + "/node");
  REQUIRE(parent);
  CHECK(parent->name == "node");
  CHECK(r.where(parent->dir.get()) == r.root + "/etc/" + r.unique);

  REQUIRE(symlink_in_root(r.fd.get(), "/proc/self/fd", "/to-root/dev/fd"));
  char buf[64] = {};
  REQUIRE(::readlink((r.root + "/dev/fd").c_str(), buf, sizeof buf - 1) > 0);
  CHECK(std::string(buf) == "/proc/self/fd");
  auto again = symlink_in_root(r.fd.get(), "/proc/self/fd", "/dev/fd");
  REQUIRE_FALSE(again);
  CHECK(again.error().code() == EEXIST);
  CHECK_FALSE(mkdir_parent_in_root(r.fd.get(), "/"));
}

}  // namespace cruntime::rootfs

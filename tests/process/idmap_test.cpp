// Unit tests for writing id maps: who writes a map (idmap.hpp) and running newuidmap/newgidmap
// (idmap_helper.hpp), the helper replaced by shell scripts in a temporary PATH.
#include "cruntime/process/idmap.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <optional>
#include <string>
#include <vector>

#include "cruntime/base/fs.hpp"
#include "cruntime/process/idmap_helper.hpp"
#include "cruntime/sys/syscalls.hpp"
#include "support/host.hpp"
#include "support/temp_dir.hpp"

using cruntime::process::choose_map_writer;
using cruntime::process::find_in_path;
using cruntime::process::kNewGidMap;
using cruntime::process::kNewUidMap;
using cruntime::process::map_helper_args;
using cruntime::process::maps_only_own_id;
using cruntime::process::MapWriter;
using cruntime::process::run_map_helper;
using cruntime::process::write_id_maps;
using cruntime::spec::IdMapping;
using cruntime::test::TempDir;
namespace fs = cruntime::fs;
namespace sys = cruntime::sys;
namespace test = cruntime::test;

namespace {

const std::vector<IdMapping> kOwn{{0, 1000, 1}};
const std::vector<IdMapping> kWithSubids{{0, 1000, 1}, {1, 200000, 65536}};

// An executable script `name` in `dir`.
void write_script(const TempDir& dir, const std::string& name, const std::string& body) {
  const std::string path = dir.join(name);
  REQUIRE(fs::write_file_atomic(path, "#!/bin/sh\n" + body + "\n", 0755));
}

// A child of ours that exited and was not reaped would show up here.
bool no_zombie_left() {
  int status = 0;
  return ::waitpid(-1, &status, WNOHANG) <= 0;
}

// PATH replaced for one scope (the runtime looks its helpers up in its own PATH).
class ScopedPath {
 public:
  explicit ScopedPath(const std::string& path) {
    if (const char* old = std::getenv("PATH")) old_ = old;
    ::setenv("PATH", path.c_str(), 1);
  }
  ~ScopedPath() {
    if (old_) ::setenv("PATH", old_->c_str(), 1);
    if (!old_) ::unsetenv("PATH");
  }
  ScopedPath(const ScopedPath&) = delete;
  ScopedPath& operator=(const ScopedPath&) = delete;

 private:
  std::optional<std::string> old_;
};

}  // namespace

TEST_CASE("maps_only_own_id: one range of size 1 onto the own id, whatever the inside id",
          "[process]") {
  CHECK(maps_only_own_id(kOwn, 1000));
  CHECK(maps_only_own_id({{5, 1000, 1}}, 1000));
  CHECK_FALSE(maps_only_own_id(kOwn, 1001));
  CHECK_FALSE(maps_only_own_id({{0, 1000, 2}}, 1000));
  CHECK_FALSE(maps_only_own_id(kWithSubids, 1000));
  CHECK_FALSE(maps_only_own_id({{0, 1000, 1}, {1, 1000, 1}}, 1000));
  CHECK_FALSE(maps_only_own_id({}, 1000));
}

TEST_CASE("choose_map_writer: unprivileged writes only its own id; root writes, helper on EPERM",
          "[process]") {
  SECTION("unprivileged") {
    CHECK(choose_map_writer(kOwn, 1000, 1000) == MapWriter::kSelf);
    CHECK(choose_map_writer(kWithSubids, 1000, 1000) == MapWriter::kHelper);
    CHECK(choose_map_writer({{0, 0, 1}}, 1000, 1000) == MapWriter::kHelper);
    CHECK(choose_map_writer({{0, 1000, 65536}}, 1000, 1000) == MapWriter::kHelper);
    // gid_map: own_id is the egid, which may differ from the euid.
    CHECK(choose_map_writer({{0, 100, 1}}, 100, 1000) == MapWriter::kSelf);
  }
  SECTION("root") {
    CHECK(choose_map_writer(kOwn, 0, 0) == MapWriter::kSelfThenHelper);
    CHECK(choose_map_writer(kWithSubids, 0, 0) == MapWriter::kSelfThenHelper);
  }
}

TEST_CASE("map_helper_args: the pid, then inside outside count per range", "[process]") {
  CHECK(map_helper_args(42, kWithSubids) ==
        std::vector<std::string>{"42", "0", "1000", "1", "1", "200000", "65536"});
}

TEST_CASE("find_in_path: first absolute entry with an executable file; relative entries skipped",
          "[process]") {
  TempDir first;
  TempDir second;
  write_script(second, "newuidmap", "exit 0");
  REQUIRE(fs::write_file_atomic(first.join("newuidmap"), "not executable", 0644));
  CHECK(find_in_path("newuidmap", first.path() + ":" + second.path()) == second.join("newuidmap"));
  CHECK(find_in_path("newuidmap", second.path() + "/") == second.join("newuidmap"));
  CHECK_FALSE(find_in_path("newuidmap", first.path()));
  CHECK_FALSE(find_in_path("newuidmap", ""));
  // A directory of that name is no program.
  REQUIRE(::mkdir(first.join("newgidmap").c_str(), 0755) == 0);
  CHECK_FALSE(find_in_path("newgidmap", first.path()));
  // "" and relative entries would mean the runtime's cwd (the bundle): not even when it holds one.
  auto cwd = fs::open(".", O_PATH | O_DIRECTORY);
  REQUIRE(cwd);
  REQUIRE(::chdir(second.path().c_str()) == 0);
  const bool found_relative = find_in_path("newuidmap", ":.:./").has_value();
  REQUIRE(::fchdir(cwd->get()) == 0);
  CHECK_FALSE(found_relative);
}

TEST_CASE("run_map_helper: the helper gets pid and ranges, /dev/null as stdin, and is reaped",
          "[process]") {
  TempDir dir;
  const std::string seen = dir.join("seen");
  write_script(dir, "newuidmap", "echo \"$0 $*\" >" + seen + "; cat >>" + seen);
  REQUIRE(run_map_helper(kNewUidMap, 4242, kWithSubids, "/nonexistent:" + dir.path()));
  auto args = fs::read_file(seen);
  REQUIRE(args);
  CHECK(*args == dir.join("newuidmap") + " 4242 0 1000 1 1 200000 65536\n");
  CHECK(no_zombie_left());
}

TEST_CASE("run_map_helper: a failing helper's message, on one line, in the error", "[process]") {
  TempDir dir;
  write_script(dir, "newgidmap",
               "echo 'newgidmap: gid range [1-65537) -> [300000-365536) not allowed' >&2\n"
               "echo 'second line' >&2\nexit 1");
  auto failed = run_map_helper(kNewGidMap, 4242, kWithSubids, dir.path());
  REQUIRE_FALSE(failed);
  CHECK(failed.error().to_string() ==
        "newgidmap exited with status 1 (ranges from /etc/subgid): newgidmap: gid range "
        "[1-65537) -> [300000-365536) not allowed; second line");
  CHECK(no_zombie_left());
}

TEST_CASE("run_map_helper: a helper killed by a signal, and one that prints nothing", "[process]") {
  TempDir dir;
  write_script(dir, "newuidmap", "kill -KILL $$");
  auto killed = run_map_helper(kNewUidMap, 1, kOwn, dir.path());
  REQUIRE_FALSE(killed);
  CHECK(killed.error().to_string() ==
        "newuidmap killed by signal SIGKILL (ranges from /etc/subuid)");
  write_script(dir, "newgidmap", "exit 3");
  auto silent = run_map_helper(kNewGidMap, 1, kOwn, dir.path());
  REQUIRE_FALSE(silent);
  CHECK(silent.error().to_string() == "newgidmap exited with status 3 (ranges from /etc/subgid)");
  CHECK(no_zombie_left());
}

TEST_CASE("run_map_helper: not in PATH names the package", "[process]") {
  TempDir empty;
  auto missing = run_map_helper(kNewUidMap, 1, kWithSubids, empty.path());
  REQUIRE_FALSE(missing);
  CHECK_THAT(missing.error().to_string(),
             Catch::StartsWith("newuidmap not found in PATH: install the uidmap package"));
}

TEST_CASE("write_id_maps as root: written directly; on EPERM the helper, as runc",
          "[process][root]") {
  if (test::skip_unless_root()) return;
  if (!test::can_make_user_namespace()) {
    WARN("skipped: this host does not let us make a user namespace");
    return;
  }
  // A child in a new user namespace that waits to be killed (ChildGuard).
  auto cloned = sys::clone3(CLONE_NEWUSER);
  REQUIRE(cloned);
  if (cloned->pid == 0) {
    for (;;) ::pause();
  }
  sys::ChildGuard holder(cloned->pid);
  const pid_t pid = cloned->pid;
  cruntime::spec::Linux linux_config;
  linux_config.uid_mappings = std::vector<IdMapping>{{0, 0, 1}};
  linux_config.gid_mappings = std::vector<IdMapping>{{0, 0, 1}};
  REQUIRE(write_id_maps(pid, linux_config));
  CHECK(fs::read_file("/proc/" + std::to_string(pid) + "/uid_map").value_or("") ==
        "         0          0          1\n");

  // A map can be written once: a second write fails with EPERM, the case runc hands to the
  // helper (root without CAP_SETUID over the parent namespace fails the same way).
  TempDir dir;
  const std::string seen = dir.join("seen");
  write_script(dir, "newuidmap", "echo \"$0 $*\" >>" + seen);
  write_script(dir, "newgidmap", "echo \"$0 $*\" >>" + seen);
  {
    ScopedPath path(dir.path());
    REQUIRE(write_id_maps(pid, linux_config));
  }
  const std::string args = " " + std::to_string(pid) + " 0 0 1\n";
  CHECK(fs::read_file(seen).value_or("") ==
        dir.join("newuidmap") + args + dir.join("newgidmap") + args);

  const std::string uid_map = "/proc/" + std::to_string(pid) + "/uid_map";
  write_script(dir, "newuidmap",
               "echo 'newuidmap: uid range [0-1) -> [0-1) not allowed' >&2; exit 1");
  {
    ScopedPath path(dir.path());
    auto failed = write_id_maps(pid, linux_config);
    REQUIRE_FALSE(failed);
    CHECK(failed.error().to_string() ==
          "linux.uidMappings: write " + uid_map + ": write: Operation not permitted (EPERM); " +
              "newuidmap exited with status 1 (ranges from /etc/subuid): " +
              "newuidmap: uid range [0-1) -> [0-1) not allowed");
  }
  {
    // Without the helper the kernel's answer stands alone.
    TempDir empty;
    ScopedPath path(empty.path());
    auto failed = write_id_maps(pid, linux_config);
    REQUIRE_FALSE(failed);
    CHECK(failed.error().to_string() ==
          "linux.uidMappings: write " + uid_map + ": write: Operation not permitted (EPERM)");
  }
}

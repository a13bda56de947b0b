// Unit tests for build_environment (duplicates, extra, HOME) and resolve_executable (PATH lookup).
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "cruntime/base/fs.hpp"
#include "cruntime/process/environment.hpp"
#include "support/temp_dir.hpp"

using cruntime::process::build_environment;
using cruntime::process::passwd_home;
using cruntime::process::resolve_executable;
using cruntime::test::TempDir;
using Env = std::vector<std::string>;

namespace {

constexpr const char* kPasswd =
    "root:x:0:0:root:/root:/bin/sh\n"
    "nohome:x:1001:1001::/:/bin/sh\n"
    "emptyhome:x:1002:1002:::/bin/sh\n"
    "broken line\n"
    "app:x:1000:1000:App,,,:/home/app:/bin/sh\n";

cruntime::spec::Process with(std::optional<Env> env, uint32_t uid = 0) {
  cruntime::spec::Process p;
  p.env = std::move(env);
  p.user.uid = uid;
  return p;
}

std::string error_of(const cruntime::Result<std::string>& r) {
  return r ? "found " + *r : r.error().to_string();
}

void make_file(const std::string& path, mode_t mode) {
  REQUIRE(cruntime::fs::write_file_atomic(path, "#!/bin/sh\n", mode));
}

}  // namespace

TEST_CASE("passwd_home: the home field of the uid's entry", "[process]") {
  CHECK(passwd_home(kPasswd, 0) == "/root");
  CHECK(passwd_home(kPasswd, 1000) == "/home/app");
  CHECK(passwd_home(kPasswd, 1001) == "/");
  CHECK_FALSE(passwd_home(kPasswd, 1002));  // empty home
  CHECK_FALSE(passwd_home(kPasswd, 4242));
  CHECK_FALSE(passwd_home("", 0));
}

TEST_CASE("build_environment: exact env, later duplicates win, extra appended", "[process]") {
  TempDir dir;
  const std::string passwd = dir.join("passwd");
  REQUIRE(cruntime::fs::write_file_atomic(passwd, kPasswd));
  SECTION("duplicates keep the last value at the last position (runc)") {
    Env env = build_environment(with(Env{"A=1", "B=2", "A=3", "HOME=/h"}), {}, passwd);
    CHECK(env == Env{"B=2", "A=3", "HOME=/h"});
  }
  SECTION("extra entries come last and override the config") {
    Env env = build_environment(with(Env{"LISTEN_FDS=9", "X=1", "HOME=/h"}),
                                {"LISTEN_FDS=2", "LISTEN_PID=1"}, passwd);
    CHECK(env == Env{"X=1", "HOME=/h", "LISTEN_FDS=2", "LISTEN_PID=1"});
  }
  SECTION("values keep '=' and may be empty; entries without a name are dropped") {
    Env env = build_environment(with(Env{"A==b=c", "E=", "=x", "noequals", "HOME=/h"}), {}, passwd);
    CHECK(env == Env{"A==b=c", "E=", "HOME=/h"});
  }
}

TEST_CASE("build_environment: HOME from the container's passwd when absent or empty", "[process]") {
  TempDir dir;
  const std::string passwd = dir.join("passwd");
  REQUIRE(cruntime::fs::write_file_atomic(passwd, kPasswd));
  CHECK(build_environment(with(Env{"PATH=/bin"}, 1000), {}, passwd) ==
        Env{"PATH=/bin", "HOME=/home/app"});
  CHECK(build_environment(with(Env{"HOME=", "A=1"}, 0), {}, passwd) == Env{"A=1", "HOME=/root"});
  // A later empty HOME hides an earlier one, as in runc.
  CHECK(build_environment(with(Env{"HOME=/x", "HOME="}, 0), {}, passwd) == Env{"HOME=/root"});
  CHECK(build_environment(with(std::nullopt, 0), {}, passwd) == Env{"HOME=/root"});
  CHECK(build_environment(with(Env{}, 4242), {}, passwd) == Env{"HOME=/"});
  CHECK(build_environment(with(Env{}, 1002), {}, passwd) == Env{"HOME=/"});
  CHECK(build_environment(with(Env{}, 0), {}, dir.join("missing")) == Env{"HOME=/"});
  SECTION("a FIFO planted as /etc/passwd does not block") {
    REQUIRE(::mkfifo(dir.join("fifo").c_str(), 0644) == 0);
    CHECK(build_environment(with(Env{}, 0), {}, dir.join("fifo")) == Env{"HOME=/"});
  }
}

TEST_CASE("resolve_executable: PATH search for regular executable files", "[process]") {
  TempDir dir;
  REQUIRE(::mkdir(dir.join("bin").c_str(), 0755) == 0);
  REQUIRE(::mkdir(dir.join("other").c_str(), 0755) == 0);
  REQUIRE(::mkdir(dir.join("bin/subdir").c_str(), 0755) == 0);
  make_file(dir.join("bin/tool"), 0755);
  make_file(dir.join("other/tool"), 0755);
  make_file(dir.join("bin/plain"), 0644);
  const Env env{"PATH=" + dir.join("missing") + ":" + dir.join("bin") + ":" + dir.join("other")};

  CHECK(error_of(resolve_executable("tool", env)) == "found " + dir.join("bin/tool"));
  CHECK(error_of(resolve_executable("plain", env)) ==
        "exec: \"plain\": executable file not found in $PATH");
  CHECK(error_of(resolve_executable("subdir", env)) ==
        "exec: \"subdir\": executable file not found in $PATH");
  CHECK(error_of(resolve_executable("nope", env)) ==
        "exec: \"nope\": executable file not found in $PATH");
  CHECK(error_of(resolve_executable("", env)) == "exec: \"\": executable file not found in $PATH");
  // The last PATH wins, like the environment the process will get.
  const Env two{"PATH=" + dir.join("bin"), "PATH=" + dir.join("other")};
  CHECK(error_of(resolve_executable("tool", two)) == "found " + dir.join("other/tool"));
  SECTION("no PATH (or an empty one) finds no bare name, like runc") {
    CHECK_FALSE(resolve_executable("sh", Env{"HOME=/"}));
    CHECK_FALSE(resolve_executable("sh", Env{"PATH="}));
  }
}

TEST_CASE("resolve_executable: names with '/' are used as paths", "[process]") {
  TempDir dir;
  make_file(dir.join("tool"), 0700);
  make_file(dir.join("plain"), 0644);
  const Env env{"PATH=/nonexistent"};
  CHECK(error_of(resolve_executable(dir.join("tool"), env)) == "found " + dir.join("tool"));
  CHECK(error_of(resolve_executable(dir.join("plain"), env)) ==
        "exec: \"" + dir.join("plain") + "\": permission denied");
  CHECK(error_of(resolve_executable(dir.path(), env)) ==
        "exec: \"" + dir.path() + "\": permission denied");
  CHECK(error_of(resolve_executable(dir.join("gone"), env)) ==
        "exec: \"" + dir.join("gone") + "\": no such file or directory");
  CHECK(error_of(resolve_executable(dir.join("tool/x"), env)) ==
        "exec: \"" + dir.join("tool/x") + "\": Not a directory (ENOTDIR)");

  SECTION("relative to the current directory, and '' in PATH means it too") {
    int saved = ::open(".", O_PATH | O_DIRECTORY | O_CLOEXEC);
    REQUIRE(saved >= 0);
    REQUIRE(::chdir(dir.path().c_str()) == 0);
    auto relative = resolve_executable("./tool", env);
    auto via_empty_entry = resolve_executable("tool", Env{"PATH=/nonexistent::"});
    REQUIRE(::fchdir(saved) == 0);
    ::close(saved);
    CHECK(error_of(relative) == "found ./tool");
    CHECK(error_of(via_empty_entry) == "found ./tool");
  }
}

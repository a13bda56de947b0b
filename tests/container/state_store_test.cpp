// Unit tests for the state store: atomic id reservation, locking, state.json I/O, symlink refusal.
#include "cruntime/container/state_store.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

#include <catch2/catch.hpp>

#include "cruntime/base/fs.hpp"
#include "cruntime/spec/io.hpp"
#include "support/temp_dir.hpp"

using cruntime::container::ContainerDir;
using cruntime::container::StateRoot;
using cruntime::test::TempDir;

namespace {

cruntime::spec::StoredState sample_state(const std::string& id) {
  cruntime::spec::StoredState s;
  s.oci_version = "1.3.0";
  s.id = id;
  s.init_pid = 4242;
  s.init_start_time = 123456789;
  s.bundle = "/bundles/" + id;
  s.rootfs = "/bundles/" + id + "/rootfs";
  s.created = "2025-01-02T03:04:05.123456789Z";
  s.annotations = {{"org.example", "yes"}};
  return s;
}

void write_text(const std::string& path, const std::string& text) {
  std::ofstream(path, std::ios::binary | std::ios::trunc) << text;
}

// Runs fn() in a forked child and returns its exit code (128+signal when killed).
template <class F>
int run_in_child(F fn) {
  pid_t pid = ::fork();
  if (pid == 0) ::_exit(fn());
  int status = 0;
  if (pid < 0 || ::waitpid(pid, &status, 0) != pid) return -1;
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

mode_t current_umask() {
  mode_t mask = ::umask(0);
  ::umask(mask);
  return mask;
}

}  // namespace

TEST_CASE("StateRoot::open_or_create makes a 0700 root and its parents", "[container]") {
  TempDir tmp;
  std::string root_path = tmp.join("a/b/root");
  auto root = StateRoot::open_or_create(root_path);
  REQUIRE(root);
  struct stat st {};
  REQUIRE(::stat(root_path.c_str(), &st) == 0);
  CHECK((st.st_mode & 07777) == 0700);
  CHECK(StateRoot::open_or_create(root_path));  // existing root: fine
}

TEST_CASE("StateRoot::open of a missing root fails with ENOENT and never creates it",
          "[container]") {
  TempDir tmp;
  auto root = StateRoot::open(tmp.join("missing"));
  REQUIRE_FALSE(root);
  CHECK(root.error().code() == ENOENT);
  CHECK_THAT(root.error().to_string(), Catch::StartsWith("open state root " + tmp.join("missing") +
                                                         ": No such file or directory"));
  CHECK_FALSE(std::filesystem::exists(tmp.join("missing")));
}

TEST_CASE("create_container then read back the state", "[container]") {
  TempDir tmp;
  auto root = StateRoot::open_or_create(tmp.join("root"));
  REQUIRE(root);
  auto dir = root->create_container("c1");
  REQUIRE(dir);
  CHECK(dir->locked());
  CHECK(dir->id() == "c1");

  struct stat st {};
  REQUIRE(::stat(tmp.join("root/c1").c_str(), &st) == 0);
  CHECK((st.st_mode & 07777) == (0711 & ~current_umask()));

  SECTION("a new directory has no state: the container is invisible") {
    auto state = dir->read_state();
    REQUIRE_FALSE(state);
    CHECK(state.error().to_string() == "container \"c1\" does not exist");
  }
  SECTION("written state reads back equal, also through a fresh open") {
    REQUIRE(dir->write_state(sample_state("c1")));
    auto same = dir->read_state();
    REQUIRE(same);
    CHECK(*same == sample_state("c1"));
    auto reopened = root->open_container("c1");
    REQUIRE(reopened);
    CHECK_FALSE(reopened->locked());
    CHECK(reopened->read_state().value_or(cruntime::spec::StoredState{}) == sample_state("c1"));
  }
}

TEST_CASE("create_container of an existing id fails with both runc-style phrases", "[container]") {
  TempDir tmp;
  auto root = StateRoot::open_or_create(tmp.path());
  REQUIRE(root);
  REQUIRE(root->create_container("dup"));
  auto again = root->create_container("dup");
  REQUIRE_FALSE(again);
  std::string text = again.error().to_string();
  CHECK_THAT(text, Catch::Contains("container \"dup\" already exists"));
  CHECK_THAT(text, Catch::Contains("container with given ID already exists"));
}

TEST_CASE("create_container refuses invalid ids before touching the disk", "[container]") {
  TempDir tmp;
  auto root = StateRoot::open_or_create(tmp.join("root"));
  REQUIRE(root);
  for (const char* id : {"..", ".", "a/b", ""}) {
    CHECK_FALSE(root->create_container(id));
    CHECK_FALSE(root->open_container(id));
    CHECK_FALSE(root->remove_container(id));
  }
  CHECK(root->list_ids().value_or(std::vector<std::string>{"x"}).empty());
}

TEST_CASE("two processes racing to create one id: exactly one wins", "[container]") {
  TempDir tmp;
  std::string root_path = tmp.join("root");  // created by the racers themselves
  constexpr int kRacers = 8;
  int gate[2];
  REQUIRE(::pipe2(gate, O_CLOEXEC) == 0);
  std::vector<pid_t> racers;
  for (int i = 0; i < kRacers; ++i) {
    pid_t pid = ::fork();
    if (pid == 0) {
      ::close(gate[1]);
      char byte;
      if (::read(gate[0], &byte, 1) != 0) ::_exit(3);  // EOF = the start signal
      auto root = StateRoot::open_or_create(root_path);
      if (!root) ::_exit(4);
      auto dir = root->create_container("same");
      if (dir) ::_exit(0);
      bool exists = dir.error().to_string().find("already exists") != std::string::npos;
      ::_exit(exists ? 1 : 2);
    }
    REQUIRE(pid > 0);
    racers.push_back(pid);
  }
  ::close(gate[0]);
  ::close(gate[1]);  // release all racers at once
  int winners = 0;
  int losers = 0;
  for (pid_t pid : racers) {
    int status = 0;
    REQUIRE(::waitpid(pid, &status, 0) == pid);
    REQUIRE(WIFEXITED(status));
    if (WEXITSTATUS(status) == 0) ++winners;
    if (WEXITSTATUS(status) == 1) ++losers;
  }
  CHECK(winners == 1);
  CHECK(losers == kRacers - 1);
}

TEST_CASE("write_state leaves no temporary file, even when the rename fails", "[container]") {
  TempDir tmp;
  auto root = StateRoot::open_or_create(tmp.path());
  REQUIRE(root);
  auto dir = root->create_container("c");
  REQUIRE(dir);
  REQUIRE(dir->write_state(sample_state("c")));
  REQUIRE(dir->write_state(sample_state("c")));  // replacing works too
  CHECK(cruntime::fs::list_dir(tmp.join("c")).value() == std::vector<std::string>{"state.json"});
  struct stat st {};
  REQUIRE(::stat(tmp.join("c/state.json").c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);

  REQUIRE(::unlink(tmp.join("c/state.json").c_str()) == 0);
  REQUIRE(::mkdir(tmp.join("c/state.json").c_str(), 0700) == 0);  // rename over a dir fails
  CHECK_FALSE(dir->write_state(sample_state("c")));
  CHECK(cruntime::fs::list_dir(tmp.join("c")).value() == std::vector<std::string>{"state.json"});
}

TEST_CASE("write_state replaces the temporary file of a killed writer with our pid",
          "[container]") {
  TempDir tmp;
  auto root = StateRoot::open_or_create(tmp.path());
  REQUIRE(root);
  auto dir = root->create_container("c");
  REQUIRE(dir);
  // SIGKILL between open and rename leaves the temporary file; a later writer may get that pid.
  write_text(tmp.join("c/.state.json.tmp-" + std::to_string(::getpid())), "{\"half");
  REQUIRE(dir->write_state(sample_state("c")));
  CHECK(cruntime::fs::list_dir(tmp.join("c")).value() == std::vector<std::string>{"state.json"});
  CHECK(dir->read_state().value_or(cruntime::spec::StoredState{}) == sample_state("c"));
}

TEST_CASE("a corrupt state.json gives a clear error naming the file", "[container]") {
  TempDir tmp;
  auto root = StateRoot::open_or_create(tmp.path());
  REQUIRE(root);
  auto dir = root->create_container("bad");
  REQUIRE(dir);
  std::string good = cruntime::spec::dump_stored_state(sample_state("bad"));
  std::string path = tmp.join("bad/state.json");

  auto expect_clear_error = [&](const std::string& contents) {
    write_text(path, contents);
    auto state = dir->read_state();
    REQUIRE_FALSE(state);
    CHECK_THAT(state.error().to_string(), Catch::StartsWith("container \"bad\": state.json: "));
  };
  SECTION("truncated") { expect_clear_error(good.substr(0, good.size() / 2)); }
  SECTION("empty") { expect_clear_error(""); }
  SECTION("garbage bytes") { expect_clear_error(std::string("\x00\xff{[\"", 5)); }
  SECTION("wrong top-level type") { expect_clear_error("[1,2,3]"); }
  SECTION("another container's id") {
    expect_clear_error(cruntime::spec::dump_stored_state(sample_state("other")));
  }
  SECTION("a pid that would signal a process group") {
    auto s = sample_state("bad");
    s.init_pid = 0;
    expect_clear_error(cruntime::spec::dump_stored_state(s));
    s.init_pid = -1;
    expect_clear_error(cruntime::spec::dump_stored_state(s));
  }
  SECTION("a fifo in its place does not hang the reader") {
    REQUIRE(::mkfifo(path.c_str(), 0600) == 0);
    auto state = dir->read_state();
    REQUIRE_FALSE(state);
    CHECK_THAT(state.error().to_string(), Catch::Contains("not a regular file"));
  }
}

TEST_CASE("a symlinked container dir is refused and its target left alone", "[container]") {
  TempDir tmp;
  auto root = StateRoot::open_or_create(tmp.join("root"));
  REQUIRE(root);
  REQUIRE(::mkdir(tmp.join("elsewhere").c_str(), 0700) == 0);
  write_text(tmp.join("elsewhere/state.json"),
             cruntime::spec::dump_stored_state(sample_state("ln")));
  REQUIRE(::symlink(tmp.join("elsewhere").c_str(), tmp.join("root/ln").c_str()) == 0);

  auto opened = root->open_container("ln");
  REQUIRE_FALSE(opened);
  CHECK_THAT(opened.error().to_string(), Catch::Contains("symbolic link"));
  CHECK_FALSE(root->remove_container("ln"));
  CHECK(std::filesystem::exists(tmp.join("elsewhere/state.json")));
  CHECK_FALSE(root->create_container("ln"));  // the name is taken all the same
  CHECK(root->list_ids().value_or(std::vector<std::string>{"x"}).empty());  // not a container
}

TEST_CASE("a symlinked state root is refused", "[container]") {
  TempDir tmp;
  REQUIRE(::mkdir(tmp.join("real").c_str(), 0700) == 0);
  REQUIRE(::symlink(tmp.join("real").c_str(), tmp.join("link").c_str()) == 0);
  auto opened = StateRoot::open(tmp.join("link"));
  REQUIRE_FALSE(opened);
  CHECK_THAT(opened.error().to_string(), Catch::Contains("symbolic link"));
  auto created = StateRoot::open_or_create(tmp.join("link"));
  REQUIRE_FALSE(created);
  CHECK_THAT(created.error().to_string(), Catch::Contains("symbolic link"));
  write_text(tmp.join("file"), "x");
  CHECK_FALSE(StateRoot::open(tmp.join("file")));
}

TEST_CASE("remove_container removes the tree without following symlinks", "[container]") {
  TempDir tmp;
  auto root = StateRoot::open_or_create(tmp.join("root"));
  REQUIRE(root);
  REQUIRE(root->create_container("gone"));
  std::string dir = tmp.join("root/gone");
  write_text(tmp.join("precious"), "keep me");
  REQUIRE(::mkdir(tmp.join("outside").c_str(), 0700) == 0);
  write_text(tmp.join("outside/file"), "keep me too");
  write_text(dir + "/state.json", "{}");
  REQUIRE(::mkfifo((dir + "/exec.fifo").c_str(), 0622) == 0);
  REQUIRE(::mkdir((dir + "/notify").c_str(), 0755) == 0);
  write_text(dir + "/notify/notify.sock", "");
  REQUIRE(::symlink(tmp.join("precious").c_str(), (dir + "/link-to-file").c_str()) == 0);
  REQUIRE(::symlink(tmp.join("outside").c_str(), (dir + "/notify/link-to-dir").c_str()) == 0);

  REQUIRE(root->remove_container("gone"));
  CHECK_FALSE(std::filesystem::exists(std::filesystem::symlink_status(dir)));
  CHECK(std::filesystem::exists(tmp.join("precious")));
  CHECK(std::filesystem::exists(tmp.join("outside/file")));
  CHECK(root->remove_container("gone"));  // a second remove is a no-op
}

TEST_CASE("list_ids names subdirectories only", "[container]") {
  TempDir tmp;
  auto root = StateRoot::open_or_create(tmp.path());
  REQUIRE(root);
  REQUIRE(root->create_container("b"));
  REQUIRE(root->create_container("a"));
  write_text(tmp.join("file"), "");
  REQUIRE(::symlink(tmp.join("a").c_str(), tmp.join("link").c_str()) == 0);
  CHECK(root->list_ids().value() == std::vector<std::string>{"a", "b"});
}

TEST_CASE("the container lock excludes other processes until released", "[container]") {
  TempDir tmp;
  auto root = StateRoot::open_or_create(tmp.path());
  REQUIRE(root);
  // In a forked child: 0 = got the lock, 1 = refused (EWOULDBLOCK), other = unexpected failure.
  auto try_lock_elsewhere = [&] {
    auto other = StateRoot::open(tmp.path());  // a fresh open, as another command would do
    if (!other) return 3;
    auto dir = other->open_container("locked");
    if (!dir) return 4;
    bool raw_ok = ::flock(dir->fd(), LOCK_EX | LOCK_NB) == 0;
    auto got = dir->try_lock();  // the same open file: must agree with the raw call
    if (!got) return 5;
    if (*got != raw_ok) return 6;
    return *got ? 0 : 1;
  };
  {
    auto held = root->create_container("locked");
    REQUIRE(held);
    CHECK(held->locked());
    CHECK(run_in_child(try_lock_elsewhere) == 1);
  }  // closing the fd drops the lock
  CHECK(run_in_child(try_lock_elsewhere) == 0);

  auto relocked = root->open_container("locked");
  REQUIRE(relocked);
  REQUIRE(relocked->lock());
  CHECK(run_in_child(try_lock_elsewhere) == 1);
}

TEST_CASE("a lock taken after the directory was removed reports does not exist", "[container]") {
  TempDir tmp;
  auto root = StateRoot::open_or_create(tmp.path());
  REQUIRE(root);
  REQUIRE(root->create_container("late"));
  auto dir = root->open_container("late");
  REQUIRE(dir);
  REQUIRE(root->remove_container("late"));
  auto locked = dir->lock();
  REQUIRE_FALSE(locked);
  CHECK(locked.error().to_string() == "container \"late\" does not exist");
  CHECK_FALSE(dir->write_state(sample_state("late")));  // nothing lands in the dead directory
}

// Unit tests for live status derivation and the `state` / `list` operations.
#include "cruntime/container/container.hpp"

#include <fcntl.h>
#include <pwd.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <thread>

#include <catch2/catch.hpp>

#include "cruntime/container/operations.hpp"
#include "cruntime/spec/version.hpp"
#include "cruntime/sys/proc.hpp"
#include "support/temp_dir.hpp"

using cruntime::container::Container;
using cruntime::container::GlobalOptions;
using cruntime::container::StateRoot;
using cruntime::spec::Status;
using cruntime::test::TempDir;

namespace {

// A child that stays alive (blocked in pause()) until the destructor kills and reaps it.
class Sleeper {
 public:
  Sleeper() {
    pid_ = ::fork();
    if (pid_ == 0) {
      for (;;) ::pause();
    }
    REQUIRE(pid_ > 0);
    auto start = cruntime::sys::process_start_time(pid_);
    REQUIRE(start);
    start_time_ = *start;
  }
  ~Sleeper() { reap(); }
  Sleeper(const Sleeper&) = delete;
  Sleeper& operator=(const Sleeper&) = delete;

  pid_t pid() const { return pid_; }
  uint64_t start_time() const { return start_time_; }
  void kill_only() { ::kill(pid_, SIGKILL); }
  void reap() {
    if (pid_ <= 0) return;
    ::kill(pid_, SIGKILL);
    ::waitpid(pid_, nullptr, 0);
    pid_ = -1;
  }

 private:
  pid_t pid_ = -1;
  uint64_t start_time_ = 0;
};

cruntime::spec::StoredState stored(const std::string& id, pid_t pid, uint64_t start_time) {
  cruntime::spec::StoredState s;
  s.oci_version = "1.0.2";
  s.id = id;
  s.init_pid = pid;
  s.init_start_time = start_time;
  s.bundle = "/b/" + id;
  s.rootfs = "/b/" + id + "/rootfs";
  s.created = "2025-01-02T03:04:05.000000001Z";
  s.annotations = {{"k", "v"}};
  return s;
}

// Creates <root>/<id> with a state.json recording pid and start time.
void make_container(const StateRoot& root, const std::string& id, pid_t pid, uint64_t start) {
  auto dir = root.create_container(id);
  REQUIRE(dir);
  REQUIRE(dir->write_state(stored(id, pid, start)));
}

Status status_of(const StateRoot& root, const std::string& id) {
  auto container = Container::load(root, id);
  REQUIRE(container);
  auto status = container->status();
  REQUIRE(status);
  return *status;
}

}  // namespace

TEST_CASE("status: a live init with the stored start time is running", "[container]") {
  TempDir tmp;
  auto root = StateRoot::open_or_create(tmp.path());
  REQUIRE(root);
  Sleeper init;
  make_container(*root, "c", init.pid(), init.start_time());
  CHECK(status_of(*root, "c") == Status::kRunning);

  SECTION("exec.fifo present → created") {
    REQUIRE(::mkfifo(tmp.join("c/exec.fifo").c_str(), 0622) == 0);
    CHECK(status_of(*root, "c") == Status::kCreated);
    REQUIRE(::unlink(tmp.join("c/exec.fifo").c_str()) == 0);
    CHECK(status_of(*root, "c") == Status::kRunning);
  }
  SECTION("oci_state carries the pid and the runtime's ociVersion") {
    auto container = Container::load(*root, "c");
    REQUIRE(container);
    auto state = container->oci_state();
    REQUIRE(state);
    CHECK(state->status == Status::kRunning);
    CHECK(state->pid == init.pid());
    CHECK(state->oci_version == cruntime::spec::kOciVersion);
    CHECK(state->id == "c");
    CHECK(state->bundle == "/b/c");
    CHECK(state->rootfs == "/b/c/rootfs");
    CHECK(state->created == "2025-01-02T03:04:05.000000001Z");
    CHECK(state->annotations.at("k") == "v");
    CHECK(state->owner.empty());
  }
  SECTION("the init exited and was reaped → stopped, pid 0") {
    init.reap();
    CHECK(status_of(*root, "c") == Status::kStopped);
    auto container = Container::load(*root, "c");
    REQUIRE(container);
    CHECK(container->oci_state().value().pid == 0);
  }
  SECTION("the init is a zombie → stopped, even with exec.fifo present") {
    REQUIRE(::mkfifo(tmp.join("c/exec.fifo").c_str(), 0622) == 0);
    init.kill_only();
    for (int i = 0; i < 5000; ++i) {  // up to 10 s on a loaded machine
      auto stat = cruntime::sys::read_proc_stat(init.pid());
      if (stat && stat->state == 'Z') break;
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
    CHECK(status_of(*root, "c") == Status::kStopped);
  }
}

TEST_CASE("status: a live pid with another start time is a reused pid → stopped", "[container]") {
  TempDir tmp;
  auto root = StateRoot::open_or_create(tmp.path());
  REQUIRE(root);
  Sleeper other;
  make_container(*root, "reused", other.pid(), other.start_time() - 1);
  REQUIRE(::mkfifo(tmp.join("reused/exec.fifo").c_str(), 0622) == 0);
  CHECK(status_of(*root, "reused") == Status::kStopped);
  auto state = cruntime::container::state(GlobalOptions{tmp.path(), false}, "reused");
  REQUIRE(state);
  CHECK(state->pid == 0);  // never report (or later signal) the stranger
}

TEST_CASE("status: a creating record is creating while its creator lives, then stopped",
          "[container]") {
  TempDir tmp;
  GlobalOptions global{tmp.path(), false};
  auto root = StateRoot::open_or_create(tmp.path());
  REQUIRE(root);
  Sleeper creator;
  auto s = stored("c", 0, 0);
  s.creating = true;
  s.creator_pid = creator.pid();
  s.creator_start_time = creator.start_time();
  s.cgroup_path = "/cruntime/c";
  auto dir = root->create_container("c");
  REQUIRE(dir);
  REQUIRE(dir->write_state(s));

  auto state = cruntime::container::state(global, "c");
  REQUIRE(state);
  CHECK(state->status == Status::kCreating);
  CHECK(state->pid == 0);  // the creator is not the container's process

  SECTION("a reused creator pid is not the creator") {
    s.creator_start_time += 1;
    REQUIRE(dir->write_state(s));
    CHECK(status_of(*root, "c") == Status::kStopped);
  }
  SECTION("the creator died: stopped, listed, and kill says not running") {
    creator.reap();
    CHECK(status_of(*root, "c") == Status::kStopped);
    auto states = cruntime::container::list(global);
    REQUIRE(states);
    REQUIRE(states->size() == 1);
    CHECK((*states)[0].status == Status::kStopped);
    CHECK((*states)[0].pid == 0);
    auto killed = cruntime::container::kill(global, "c", {.signal = "KILL", .all = false});
    REQUIRE_FALSE(killed);
    CHECK(killed.error().to_string() == "container not running");
  }
  SECTION("the final record replaces the creating one") {
    Sleeper init;
    auto final_state = stored("c", init.pid(), init.start_time());
    creator.reap();
    REQUIRE(dir->write_state(final_state));
    auto container = Container::load(*root, "c");
    REQUIRE(container);
    CHECK_FALSE(container->stored().creating);
    CHECK(container->status().value() == Status::kRunning);
  }
  SECTION("kill while it is being created") {
    auto killed = cruntime::container::kill(global, "c", {.signal = "TERM", .all = false});
    REQUIRE_FALSE(killed);
    CHECK(killed.error().to_string() == "container not running: it is still being created");
  }
}

TEST_CASE("state(): errors for missing, stateless and invalid containers", "[container]") {
  TempDir tmp;
  GlobalOptions global{tmp.join("root"), false};
  auto missing_root = cruntime::container::state(global, "x");
  REQUIRE_FALSE(missing_root);
  CHECK(missing_root.error().to_string() == "container \"x\" does not exist");

  auto root = StateRoot::open_or_create(global.root);
  REQUIRE(root);
  REQUIRE(root->create_container("half"));  // a create that never wrote state.json
  auto half = cruntime::container::state(global, "half");
  REQUIRE_FALSE(half);
  CHECK(half.error().to_string() == "container \"half\" does not exist");

  auto bad = cruntime::container::state(global, "../etc");
  REQUIRE_FALSE(bad);
  CHECK_THAT(bad.error().to_string(), Catch::Contains("invalid container ID format"));

  make_container(*root, "me", ::getpid(), cruntime::sys::process_start_time(::getpid()).value());
  auto me = cruntime::container::state(global, "me");
  REQUIRE(me);
  CHECK(me->status == Status::kRunning);
  CHECK(me->pid == ::getpid());
}

TEST_CASE("Container::load with kExclusive holds the lock", "[container]") {
  TempDir tmp;
  auto root = StateRoot::open_or_create(tmp.path());
  REQUIRE(root);
  make_container(*root, "m", ::getpid(), cruntime::sys::process_start_time(::getpid()).value());
  auto locked = Container::load(GlobalOptions{tmp.path(), false}, "m",
                                cruntime::container::LockMode::kExclusive);
  REQUIRE(locked);
  CHECK(locked->dir().locked());
  auto other = root->open_container("m");
  REQUIRE(other);
  // flock conflicts between two open files even within one process.
  CHECK(other->try_lock().value_or(true) == false);
}

TEST_CASE("list(): every readable container, corrupt and stateless ones skipped", "[container]") {
  TempDir tmp;
  GlobalOptions global{tmp.join("root"), false};
  auto root = StateRoot::open_or_create(global.root);
  REQUIRE(root);
  Sleeper init;
  make_container(*root, "alive", init.pid(), init.start_time());
  make_container(*root, "dead", init.pid(), init.start_time() + 1);
  REQUIRE(root->create_container("half"));
  REQUIRE(root->create_container("corrupt"));
  std::ofstream(tmp.join("root/corrupt/state.json")) << "{\"id\": \"corr";
  std::ofstream(tmp.join("root/not-a-dir")) << "x";

  auto states = cruntime::container::list(global);
  REQUIRE(states);
  REQUIRE(states->size() == 2);
  CHECK((*states)[0].id == "alive");
  CHECK((*states)[0].status == Status::kRunning);
  CHECK((*states)[0].pid == init.pid());
  CHECK((*states)[1].id == "dead");
  CHECK((*states)[1].status == Status::kStopped);
  CHECK((*states)[1].pid == 0);
  passwd* me = ::getpwuid(::geteuid());
  std::string expected_owner = me != nullptr ? me->pw_name : "#" + std::to_string(::geteuid());
  CHECK((*states)[0].owner == expected_owner);
}

TEST_CASE("list(): a missing root is empty by default and an error when explicit", "[container]") {
  TempDir tmp;
  auto by_default = cruntime::container::list(GlobalOptions{tmp.join("none"), true});
  REQUIRE(by_default);
  CHECK(by_default->empty());

  auto explicit_root = cruntime::container::list(GlobalOptions{tmp.join("none"), false});
  REQUIRE_FALSE(explicit_root);
  CHECK_THAT(
      explicit_root.error().to_string(),
      Catch::StartsWith("open state root " + tmp.join("none") + ": No such file or directory"));
  struct stat st {};
  CHECK(::stat(tmp.join("none").c_str(), &st) != 0);  // list never creates the root

  REQUIRE(::symlink(tmp.path().c_str(), tmp.join("link").c_str()) == 0);
  CHECK_FALSE(cruntime::container::list(GlobalOptions{tmp.join("link"), true}));
}

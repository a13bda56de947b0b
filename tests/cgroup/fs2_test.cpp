// Fs2Manager against a fake cgroup2 tree in a TempDir: placement, controller enabling, knob
// writes, errors, reuse checks, kill, destroy; make_manager/open_manager on unified hosts.
#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "cgroup/fake_cgroupfs.hpp"
#include "cruntime/cgroup/manager.hpp"
#include "cruntime/sys/syscalls.hpp"

namespace cruntime::cgroup {
namespace {

using test::FakeCgroupfs;

const FakeCgroupfs::Files kV2Files = {
    {"cgroup.controllers", "cpuset cpu io memory pids"},
    {"cgroup.subtree_control", ""},
    {"cgroup.procs", ""},
    {"cgroup.freeze", "0"},
    {"memory.max", "max"},
    {"memory.low", "0"},
    {"memory.swap.max", "max"},
    {"memory.current", "0"},
    {"pids.max", "max"},
    {"cpu.weight", "100"},
    {"cpu.max", "max 100000"},
    {"cpu.max.burst", "0"},
    {"io.weight", "default 100"},
    {"io.max", ""},
    {"cpuset.cpus", ""},
    {"cpuset.mems", ""},
};

struct V2Host {
  FakeCgroupfs fake;
  Layout layout;

  explicit V2Host(const std::string& own_cgroup = "/") {
    layout.mode = Mode::kUnified;
    layout.unified_root = fake.add_hierarchy("v2", kV2Files);
    layout.own_unified_cgroup = own_cgroup;
  }
  std::unique_ptr<Manager> make(std::optional<std::string> cgroups_path, std::string id = "abc") {
    auto made = make_manager(layout, ManagerOptions{std::move(id), std::move(cgroups_path), false},
                             fake.hooks());
    REQUIRE(made);
    return std::move(*made);
  }
  std::string at(const std::string& relative) const { return layout.unified_root + relative; }
};

// A child that sleeps until signalled, returned once it dies of SIGTERM plainly: Catch2's
// handlers, inherited through fork, would report a failed test from the child.
pid_t spawn_sleeper() {
  int ready[2];
  REQUIRE(::pipe2(ready, O_CLOEXEC) == 0);
  pid_t pid = ::fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    ::signal(SIGTERM, SIG_DFL);
    (void)!::write(ready[1], "x", 1);
    for (;;) ::pause();
  }
  ::close(ready[1]);
  char byte = 0;
  CHECK(::read(ready[0], &byte, 1) == 1);
  ::close(ready[0]);
  return pid;
}

int wait_signal(pid_t pid) {
  auto status = sys::wait_pid(pid);
  REQUIRE(status);
  return WIFSIGNALED(*status) ? WTERMSIG(*status) : 0;
}

}  // namespace

TEST_CASE("Fs2Manager: a relative path goes below the parent of our own cgroup", "[cgroup]") {
  V2Host host("/user.slice/session-1.scope");
  host.fake.add_cgroup(host.at("/user.slice"));
  auto manager = host.make(std::nullopt);
  CHECK(manager->path() == "/user.slice/cruntime/abc");
  CHECK(manager->dir() == host.at("/user.slice/cruntime/abc"));
  CHECK(manager->mode() == Mode::kUnified);
  CHECK(manager->dir_fd() == -1);

  REQUIRE(manager->create());
  CHECK(host.fake.made() == std::vector<std::string>{host.at("/user.slice/cruntime"),
                                                     host.at("/user.slice/cruntime/abc")});
  // Every controller the root offers, in the root and each ancestor; never in the leaf.
  const std::string all = "+cpuset +cpu +io +memory +pids";
  CHECK(FakeCgroupfs::get(host.at("/cgroup.subtree_control")) == all);
  CHECK(FakeCgroupfs::get(host.at("/user.slice/cgroup.subtree_control")) == all);
  CHECK(FakeCgroupfs::get(host.at("/user.slice/cruntime/cgroup.subtree_control")) == all);
  CHECK(FakeCgroupfs::get(host.at("/user.slice/cruntime/abc/cgroup.subtree_control")).empty());

  // dir_fd is the leaf directory, for clone3(CLONE_INTO_CGROUP).
  REQUIRE(manager->dir_fd() >= 0);
  struct stat by_fd {
  }, by_path{};
  REQUIRE(::fstat(manager->dir_fd(), &by_fd) == 0);
  REQUIRE(::stat(manager->dir().c_str(), &by_path) == 0);
  CHECK(by_fd.st_ino == by_path.st_ino);
  REQUIRE(manager->destroy());
}

TEST_CASE("Fs2Manager: apply writes the converted values into the leaf", "[cgroup]") {
  V2Host host;
  auto manager = host.make("/machine/ctr");
  REQUIRE(manager->create());
  spec::LinuxResources r;
  r.pids = spec::PidsResources{10};
  r.memory = spec::MemoryResources{};
  r.memory->limit = 1 << 30;
  r.memory->swap = 2LL << 30;
  r.cpu = spec::CpuResources{};
  r.cpu->shares = 2048;
  r.cpu->quota = 50000;
  r.cpu->cpus = "0";
  r.block_io = spec::BlockIOResources{};
  r.block_io->weight = 100;  // no io.bfq.weight here: io.weight with the converted value
  r.block_io->throttle_read_bps_device = std::vector<spec::ThrottleDevice>{{8, 0, 4096}};
  REQUIRE(manager->apply(r));
  const std::string leaf = host.at("/machine/ctr");
  CHECK(FakeCgroupfs::get(leaf + "/pids.max") == "10");
  CHECK(FakeCgroupfs::get(leaf + "/memory.max") == "1073741824");
  CHECK(FakeCgroupfs::get(leaf + "/memory.swap.max") == "1073741824");
  CHECK(FakeCgroupfs::get(leaf + "/cpu.weight") == "174");
  CHECK(FakeCgroupfs::get(leaf + "/cpu.max") == "50000 100000");
  CHECK(FakeCgroupfs::get(leaf + "/cpuset.cpus") == "0");
  CHECK(FakeCgroupfs::get(leaf + "/io.weight") == "910");
  CHECK(FakeCgroupfs::get(leaf + "/io.max") == "8:0 rbps=4096");
  CHECK_FALSE(FakeCgroupfs::is_dir(leaf + "/io.bfq.weight"));
  REQUIRE(manager->destroy());
}

TEST_CASE("Fs2Manager: apply errors name the field, the file or the missing controller",
          "[cgroup]") {
  V2Host host;
  auto manager = host.make("/ctr");
  REQUIRE(manager->create());
  spec::LinuxResources r;
  SECTION("a controller that is not available") {
    r.hugepage_limits = std::vector<spec::HugepageLimit>{{"2MB", 4096}};
    auto applied = manager->apply(r);
    REQUIRE_FALSE(applied);
    CHECK(applied.error().to_string() ==
          "linux.resources.hugepageLimits[0]: the hugetlb controller is not available in " +
              host.at("/ctr") + " (cgroup.controllers: \"cpuset cpu io memory pids\")");
  }
  SECTION("a missing file of an available controller") {
    r.unified = std::map<std::string, std::string>{{"memory.oom.group", "1"}};
    auto applied = manager->apply(r);
    REQUIRE_FALSE(applied);
    CHECK(applied.error().to_string() == "linux.resources.unified[\"memory.oom.group\"]: write " +
                                             host.at("/ctr/memory.oom.group") +
                                             ": No such file or directory (ENOENT)");
  }
  SECTION("memory.checkBeforeUpdate refuses a limit at or below the usage") {
    FakeCgroupfs::put(host.at("/ctr/memory.current"), "8192");
    r.memory = spec::MemoryResources{};
    r.memory->limit = 8192;
    r.memory->check_before_update = true;
    auto applied = manager->apply(r);
    REQUIRE_FALSE(applied);
    CHECK_THAT(applied.error().to_string(), Catch::Contains("linux.resources.memory.limit"));
    r.memory->limit = 16384;
    CHECK(manager->apply(r));
  }
  REQUIRE(manager->destroy());
}

TEST_CASE("Fs2Manager: an existing cgroup is reused only when empty and not frozen", "[cgroup]") {
  V2Host host;
  host.fake.add_cgroup(host.at("/ctr"));
  SECTION("empty: reused, and left in place by destroy") {
    auto manager = host.make("/ctr");
    REQUIRE(manager->create());
    CHECK(host.fake.made().empty());
    REQUIRE(manager->destroy());
    CHECK(FakeCgroupfs::is_dir(host.at("/ctr")));
  }
  SECTION("with processes") {
    FakeCgroupfs::put(host.at("/ctr/cgroup.procs"), "123\n456\n");
    auto created = host.make("/ctr")->create();
    REQUIRE_FALSE(created);
    CHECK_THAT(created.error().to_string(), Catch::Contains("not empty: 2 process(es)"));
  }
  SECTION("frozen") {
    FakeCgroupfs::put(host.at("/ctr/cgroup.freeze"), "1");
    auto created = host.make("/ctr")->create();
    REQUIRE_FALSE(created);
    CHECK_THAT(created.error().to_string(), Catch::Contains("is frozen"));
  }
}

TEST_CASE("Fs2Manager: destroy removes what it made, deepest first, sparing busy ancestors",
          "[cgroup]") {
  V2Host host;
  auto manager = host.make("/pod/ctr");
  REQUIRE(manager->create());
  host.fake.add_cgroup(host.at("/pod/ctr/sub/subsub"));  // the container made its own cgroups
  SECTION("everything it made goes") {
    REQUIRE(manager->destroy());
    CHECK_FALSE(FakeCgroupfs::is_dir(host.at("/pod")));
    const std::vector<std::string>& removed = host.fake.removed();
    REQUIRE(removed.size() == 4);
    CHECK(removed[0] == host.at("/pod/ctr/sub/subsub"));
    CHECK(removed[1] == host.at("/pod/ctr/sub"));
    CHECK(removed[2] == host.at("/pod/ctr"));
    CHECK(removed[3] == host.at("/pod"));
  }
  SECTION("an ancestor another container now uses stays") {
    host.fake.add_cgroup(host.at("/pod/other"));
    REQUIRE(manager->destroy());
    CHECK_FALSE(FakeCgroupfs::is_dir(host.at("/pod/ctr")));
    CHECK(FakeCgroupfs::is_dir(host.at("/pod/other")));
  }
  CHECK(FakeCgroupfs::is_dir(host.layout.unified_root));
  CHECK(manager->destroy());  // twice is harmless
}

TEST_CASE("Fs2Manager: attach, pids and kill_all over the cgroup and its sub-cgroups", "[cgroup]") {
  V2Host host;
  auto manager = host.make("/ctr");
  REQUIRE(manager->create());
  REQUIRE(manager->attach(4242));
  CHECK(FakeCgroupfs::get(host.at("/ctr/cgroup.procs")) == "4242");

  sys::ChildGuard first(spawn_sleeper());
  sys::ChildGuard second(spawn_sleeper());
  host.fake.add_cgroup(host.at("/ctr/sub"));
  FakeCgroupfs::put(host.at("/ctr/cgroup.procs"), std::to_string(second.get()) + "\n");
  FakeCgroupfs::put(host.at("/ctr/sub/cgroup.procs"), std::to_string(first.get()) + "\n");
  auto pids = manager->pids();
  REQUIRE(pids);
  CHECK(*pids == std::vector<pid_t>{std::min(first.get(), second.get()),
                                    std::max(first.get(), second.get())});

  SECTION("without cgroup.kill every listed process gets the signal") {
    REQUIRE(manager->kill_all(SIGKILL));
    CHECK(wait_signal(first.release()) == SIGKILL);
    CHECK(wait_signal(second.release()) == SIGKILL);
  }
  SECTION("SIGKILL uses cgroup.kill when the kernel has it; other signals never do") {
    FakeCgroupfs::put(host.at("/ctr/cgroup.kill"), "0");
    REQUIRE(manager->kill_all(SIGKILL));
    CHECK(FakeCgroupfs::get(host.at("/ctr/cgroup.kill")) == "1");
    REQUIRE(manager->kill_all(SIGTERM));
    CHECK(wait_signal(first.release()) == SIGTERM);
    CHECK(wait_signal(second.release()) == SIGTERM);
  }
  // The reaped pids may be reused: destroy's leftover kill must not find them.
  FakeCgroupfs::put(host.at("/ctr/cgroup.procs"), "");
  FakeCgroupfs::put(host.at("/ctr/sub/cgroup.procs"), "");
  REQUIRE(manager->destroy());
}

TEST_CASE("make_manager: cgroupsPath checks and the systemd driver", "[cgroup]") {
  V2Host host;
  auto error_of = [&host](std::optional<std::string> path, bool systemd = false) {
    auto made = make_manager(host.layout, ManagerOptions{"abc", std::move(path), systemd});
    REQUIRE_FALSE(made);
    return made.error().to_string();
  };
  CHECK_THAT(error_of("/a/../../etc"), Catch::StartsWith("linux.cgroupsPath: "));
  CHECK_THAT(error_of("a/.."), Catch::Contains("\"..\""));
  CHECK_THAT(error_of("/"), Catch::Contains("names the hierarchy root"));
  CHECK_THAT(error_of("//./"), Catch::Contains("names the hierarchy root"));
  CHECK_THAT(error_of("/a", true),
             Catch::Equals("linux.cgroupsPath: \"/a\" must be \"slice:prefix:name\" with the "
                           "systemd cgroup driver"));
  CHECK(host.make("//machine/./ctr/")->path() == "/machine/ctr");
  CHECK(host.make("")->path() == "/cruntime/abc");

  auto resolved = resolve_cgroups_path(std::string("a/./b"), "x");
  REQUIRE(resolved);
  CHECK(resolved->path == "a/b");
  CHECK_FALSE(resolved->absolute);
}

TEST_CASE("make_manager --systemd-cgroup: the unit's place, nothing asked of systemd yet",
          "[cgroup]") {
  V2Host host;
  ManagerOptions options{"abc", std::string("machine.slice:libpod:abc"), true};
  auto made = make_manager(host.layout, options);
  REQUIRE(made);
  Manager& manager = **made;
  CHECK(manager.systemd_unit() == "libpod-abc.scope");
  CHECK(manager.path() == "/machine.slice/libpod-abc.scope");
  CHECK(manager.dir() == host.at("/machine.slice/libpod-abc.scope"));
  CHECK(manager.dir_fd() == -1);  // a scope needs its first process: attach after clone
  CHECK(manager.destroy());       // nothing was started, so nothing to stop
  CHECK(host.make("")->systemd_unit().empty());
  CHECK_FALSE(manager.systemd_user());
  // Rootless: the user's own systemd, whose default slice is user.slice.
  ManagerOptions rootless{"abc", std::nullopt, true};
  rootless.rootless = true;
  auto user = make_manager(host.layout, rootless);
  REQUIRE(user);
  CHECK((*user)->systemd_user());
  CHECK((*user)->systemd_unit() == "cruntime-abc.scope");

  auto error_of = [&host](ManagerOptions o, Mode mode = Mode::kUnified) {
    Layout layout = host.layout;
    layout.mode = mode;
    auto failed = make_manager(layout, o);
    REQUIRE_FALSE(failed);
    return failed.error().to_string();
  };
  CHECK(error_of(options, Mode::kHybrid) == "--systemd-cgroup: only cgroup v2 hosts are supported");
  options.annotations = {{"org.systemd.property.X", "1"}};
  CHECK_THAT(error_of(options), Catch::StartsWith("annotations[\"org.systemd.property.X\"]: "));
}

TEST_CASE("open_systemd_manager: a unit's cgroup from state.json", "[cgroup]") {
  V2Host host;
  auto opened = open_systemd_manager(host.layout, "/system.slice/cruntime-abc.scope",
                                     "cruntime-abc.scope", false);
  REQUIRE(opened);
  CHECK((*opened)->systemd_unit() == "cruntime-abc.scope");
  CHECK_FALSE((*opened)->systemd_user());
  CHECK((*opened)->dir() == host.at("/system.slice/cruntime-abc.scope"));
  CHECK_FALSE(open_systemd_manager(host.layout, "/system.slice/../x", "x.scope", false));
  auto user = open_systemd_manager(
      host.layout, "/user.slice/user-1000.slice/user@1000.service/user.slice/c.scope", "c.scope",
      true);
  REQUIRE(user);
  CHECK((*user)->systemd_user());
  Layout v1 = host.layout;
  v1.mode = Mode::kLegacy;
  CHECK_FALSE(
      open_systemd_manager(v1, "/system.slice/cruntime-abc.scope", "cruntime-abc.scope", false));
}

TEST_CASE("open_manager: reattaching to a unified cgroup from state.json", "[cgroup]") {
  V2Host host;
  host.fake.add_cgroup(host.at("/cruntime"));
  host.fake.add_cgroup(host.at("/cruntime/abc"));
  auto opened = open_manager(host.layout, "/cruntime/abc", host.fake.hooks());
  REQUIRE(opened);
  CHECK((*opened)->dir() == host.at("/cruntime/abc"));
  CHECK((*opened)->path() == "/cruntime/abc");
  REQUIRE((*opened)->destroy());
  CHECK_FALSE(FakeCgroupfs::is_dir(host.at("/cruntime/abc")));
  CHECK(FakeCgroupfs::is_dir(host.at("/cruntime")));  // the shared parent stays

  CHECK_FALSE(open_manager(host.layout, ""));
  CHECK_FALSE(open_manager(host.layout, "pids:/cruntime/abc"));
  CHECK_FALSE(open_manager(host.layout, "/cruntime/../x"));
  CHECK_FALSE(open_manager(host.layout, "/"));
}

}  // namespace cruntime::cgroup

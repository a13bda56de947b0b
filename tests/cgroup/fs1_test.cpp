// Fs1Manager against fake v1 hierarchies in a TempDir (a hybrid host like this dev machine):
// per-hierarchy placement, the stored path, cpuset inheritance, routing of knobs, kill, destroy.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "cgroup/fake_cgroupfs.hpp"
#include "cruntime/cgroup/manager.hpp"
#include "cruntime/sys/syscalls.hpp"

namespace cruntime::cgroup {
namespace {

using test::FakeCgroupfs;

struct V1Host {
  FakeCgroupfs fake;
  Layout layout;

  // hybrid: the v1 hierarchies plus the controller-less cgroup2 mount, last (as detect does).
  explicit V1Host(bool hybrid = true) {
    layout.mode = hybrid ? Mode::kHybrid : Mode::kLegacy;
    add({"cpu", "cpuacct"}, "cpu,cpuacct", {{"cpu.shares", "1024"}});
    const std::string cpuset =
        add({"cpuset"}, "cpuset", {{"cpuset.cpus", ""}, {"cpuset.mems", ""}});
    FakeCgroupfs::put(cpuset + "/cpuset.cpus", "0-3");
    FakeCgroupfs::put(cpuset + "/cpuset.mems", "0");
    add({"memory"}, "memory",
        {{"memory.limit_in_bytes", "-1"}, {"memory.memsw.limit_in_bytes", "-1"}}, "/process_api/x");
    add({"pids"}, "pids", {{"pids.max", "max"}});
    add({"devices"}, "devices", {{"devices.allow", ""}, {"devices.deny", ""}});
    add({"freezer"}, "freezer", {{"freezer.state", "THAWED"}});
    add({"blkio"}, "blkio", {{"blkio.bfq.weight", "100"}});  // a CFQ-less kernel
    add({"name=systemd"}, "systemd", {});
    if (hybrid) add({}, "unified", {{"cgroup.kill", "0"}, {"cgroup.freeze", "0"}});
    fake.add_cgroup(fake.path("memory/process_api/x"));
  }
  std::string add(std::vector<std::string> controllers, const std::string& name,
                  FakeCgroupfs::Files files, const std::string& own = "/") {
    files["cgroup.procs"] = "";
    Hierarchy h{std::move(controllers), fake.add_hierarchy(name, std::move(files)), "/", own};
    layout.hierarchies.push_back(h);
    return h.mount_point;
  }
  std::unique_ptr<Manager> make(std::optional<std::string> cgroups_path) {
    auto made =
        make_manager(layout, ManagerOptions{"abc", std::move(cgroups_path), false}, fake.hooks());
    REQUIRE(made);
    return std::move(*made);
  }
  std::string at(const std::string& relative) const { return fake.path(relative); }
};

}  // namespace

TEST_CASE("Fs1Manager: placement per hierarchy and the path stored in state.json", "[cgroup]") {
  V1Host host;
  SECTION("absolute: the same path in every hierarchy") {
    auto manager = host.make("/machine/ctr");
    CHECK(manager->path() == "/machine/ctr");
    CHECK(manager->dir("memory") == host.at("memory/machine/ctr"));
    CHECK(manager->dir("cpuacct") == host.at("cpu,cpuacct/machine/ctr"));
    CHECK(manager->dir("") == host.at("cpu,cpuacct/machine/ctr"));
    CHECK(manager->dir("net_cls").empty());
    CHECK(manager->dir_fd() == -1);
    CHECK(manager->mode() == Mode::kHybrid);
  }
  SECTION("relative: below our own cgroup in each hierarchy, which differ here") {
    auto manager = host.make(std::nullopt);
    CHECK(manager->dir("memory") == host.at("memory/process_api/x/cruntime/abc"));
    CHECK(manager->dir("pids") == host.at("pids/cruntime/abc"));
    const std::string stored = manager->path();
    CHECK(stored ==
          "cpu,cpuacct:/cruntime/abc\ncpuset:/cruntime/abc\nmemory:/process_api/x/cruntime/abc\n"
          "pids:/cruntime/abc\ndevices:/cruntime/abc\nfreezer:/cruntime/abc\n"
          "blkio:/cruntime/abc\nname=systemd:/cruntime/abc\n:/cruntime/abc");
    auto opened = open_manager(host.layout, stored);
    REQUIRE(opened);
    for (const char* controller : {"memory", "pids", "cpu", "name=systemd"}) {
      CHECK((*opened)->dir(controller) == manager->dir(controller));
    }
    CHECK((*opened)->path() == stored);
  }
  SECTION("a stored path with .. or without any mounted hierarchy is refused") {
    CHECK_FALSE(open_manager(host.layout, "memory:/a/../b"));
    CHECK_FALSE(open_manager(host.layout, "net_cls:/a"));
    CHECK_FALSE(open_manager(host.layout, "garbage"));
  }
}

TEST_CASE("Fs1Manager: create makes the cgroup everywhere; a new cpuset inherits cpus and mems",
          "[cgroup]") {
  V1Host host;
  auto manager = host.make("/machine/ctr");
  REQUIRE(manager->create());
  for (const char* h : {"cpu,cpuacct", "cpuset", "memory", "pids", "devices", "freezer", "blkio",
                        "systemd", "unified"}) {
    INFO(h);
    CHECK(FakeCgroupfs::is_dir(host.at(std::string(h) + "/machine/ctr")));
  }
  CHECK(FakeCgroupfs::get(host.at("cpuset/machine/cpuset.cpus")) == "0-3");
  CHECK(FakeCgroupfs::get(host.at("cpuset/machine/ctr/cpuset.cpus")) == "0-3");
  CHECK(FakeCgroupfs::get(host.at("cpuset/machine/ctr/cpuset.mems")) == "0");
  CHECK(FakeCgroupfs::get(host.at("pids/machine/cpuset.cpus")) == "<missing>");

  REQUIRE(manager->attach(4242));
  for (const char* h : {"cpu,cpuacct", "memory", "pids", "systemd", "unified"}) {
    CHECK(FakeCgroupfs::get(host.at(std::string(h) + "/machine/ctr/cgroup.procs")) == "4242");
  }
  FakeCgroupfs::put(host.at("unified/machine/ctr/cgroup.procs"), "");
  REQUIRE(manager->destroy());
  for (const char* h : {"cpu,cpuacct", "cpuset", "memory", "unified"}) {
    CHECK_FALSE(FakeCgroupfs::is_dir(host.at(std::string(h) + "/machine")));
    CHECK(FakeCgroupfs::is_dir(host.at(h)));
  }
}

TEST_CASE("Fs1Manager: apply routes each knob to its hierarchy", "[cgroup]") {
  V1Host host;
  auto manager = host.make(std::nullopt);
  REQUIRE(manager->create());
  spec::LinuxResources r;
  r.pids = spec::PidsResources{5};
  r.memory = spec::MemoryResources{};
  r.memory->limit = 1 << 20;
  r.cpu = spec::CpuResources{};
  r.cpu->shares = 256;
  r.block_io = spec::BlockIOResources{};
  r.block_io->weight = 300;
  REQUIRE(manager->apply(r));
  CHECK(FakeCgroupfs::get(host.at("pids/cruntime/abc/pids.max")) == "5");
  CHECK(FakeCgroupfs::get(host.at("memory/process_api/x/cruntime/abc/memory.limit_in_bytes")) ==
        "1048576");
  CHECK(FakeCgroupfs::get(host.at("cpu,cpuacct/cruntime/abc/cpu.shares")) == "256");
  CHECK(FakeCgroupfs::get(host.at("blkio/cruntime/abc/blkio.bfq.weight")) == "300");
  // The fake keeps the last write: the default list ends with /dev/net/tun; "a" was denied.
  CHECK(FakeCgroupfs::get(host.at("devices/cruntime/abc/devices.allow")) == "c 10:200 rwm");
  CHECK(FakeCgroupfs::get(host.at("devices/cruntime/abc/devices.deny")) == "a");

  SECTION("a knob of an unmounted controller is an error naming the field") {
    spec::LinuxResources net;
    net.network = spec::NetworkResources{7, std::nullopt};
    auto applied = manager->apply(net);
    REQUIRE_FALSE(applied);
    CHECK(applied.error().to_string() ==
          "linux.resources.network.classID: the net_cls cgroup controller is not mounted (needed "
          "for net_cls.classid)");
  }
  SECTION("unified files are refused on v1") {
    spec::LinuxResources unified;
    unified.unified = std::map<std::string, std::string>{{"memory.high", "1"}};
    CHECK_FALSE(manager->apply(unified));
  }
  SECTION("a kernel refusal carries the field and the file") {
    std::filesystem::remove(host.at("pids/cruntime/abc/pids.max"));
    auto applied = manager->apply(r);
    REQUIRE_FALSE(applied);
    CHECK(applied.error().to_string() == "linux.resources.pids.limit: write " +
                                             host.at("pids/cruntime/abc/pids.max") +
                                             ": No such file or directory (ENOENT)");
  }
  REQUIRE(manager->destroy());
  CHECK(FakeCgroupfs::is_dir(host.at("memory/process_api/x")));
  CHECK_FALSE(FakeCgroupfs::is_dir(host.at("memory/process_api/x/cruntime")));
}

TEST_CASE("Fs1Manager: kill_all uses the hybrid cgroup2's cgroup.kill, else the pids hierarchy",
          "[cgroup]") {
  SECTION("hybrid") {
    V1Host host;
    auto manager = host.make("/ctr");
    REQUIRE(manager->create());
    REQUIRE(manager->kill_all(SIGKILL));
    CHECK(FakeCgroupfs::get(host.at("unified/ctr/cgroup.kill")) == "1");
    REQUIRE(manager->destroy());
  }
  SECTION("legacy") {
    V1Host host(false);
    auto manager = host.make("/ctr");
    REQUIRE(manager->create());
    pid_t pid = ::fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
      // Catch2's handlers would report a test failure from the child: die plainly.
      ::signal(SIGTERM, SIG_DFL);
      for (;;) ::pause();
    }
    sys::ChildGuard child(pid);
    FakeCgroupfs::put(host.at("pids/ctr/cgroup.procs"), std::to_string(pid));
    auto pids = manager->pids();
    REQUIRE(pids);
    CHECK(*pids == std::vector<pid_t>{pid});
    REQUIRE(manager->kill_all(SIGKILL));
    auto status = sys::wait_pid(child.release());
    REQUIRE(status);
    CHECK((WIFSIGNALED(*status) && WTERMSIG(*status) == SIGKILL));
    FakeCgroupfs::put(host.at("pids/ctr/cgroup.procs"), "");
    REQUIRE(manager->destroy());
  }
}

TEST_CASE("Fs1Manager: create refuses a frozen or populated existing cgroup", "[cgroup]") {
  V1Host host;
  for (const char* h : {"freezer", "unified", "pids"})
    host.fake.add_cgroup(host.at(std::string(h) + "/ctr"));
  SECTION("frozen") {
    FakeCgroupfs::put(host.at("freezer/ctr/freezer.state"), "FROZEN\n");
    auto created = host.make("/ctr")->create();
    REQUIRE_FALSE(created);
    CHECK_THAT(created.error().to_string(), Catch::Contains("is frozen"));
  }
  SECTION("populated") {
    FakeCgroupfs::put(host.at("unified/ctr/cgroup.procs"), "77\n");
    auto created = host.make("/ctr")->create();
    REQUIRE_FALSE(created);
    CHECK_THAT(created.error().to_string(), Catch::Contains("not empty: 1 process(es)"));
  }
  SECTION("reusable: destroy leaves the pre-existing directories") {
    auto manager = host.make("/ctr");
    REQUIRE(manager->create());
    REQUIRE(manager->destroy());
    CHECK(FakeCgroupfs::is_dir(host.at("pids/ctr")));
    CHECK_FALSE(FakeCgroupfs::is_dir(host.at("memory/ctr")));
  }
}

}  // namespace cruntime::cgroup

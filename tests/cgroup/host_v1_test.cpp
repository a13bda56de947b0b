// [root] on this real v1/hybrid host: cgroups made, limited, joined, killed and removed for real.
// Every cgroup made here is named cruntime-test-<pid>* and removed before the case ends.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "cruntime/base/fs.hpp"
#include "cruntime/base/scope_guard.hpp"
#include "cruntime/base/strings.hpp"
#include "cruntime/cgroup/fs1.hpp"
#include "cruntime/cgroup/manager.hpp"
#include "cruntime/sys/syscalls.hpp"
#include "support/host.hpp"

namespace cruntime::cgroup {
namespace {

// The v1 layout of this host, or nullopt (with the reason logged) when the case cannot run.
std::optional<Layout> v1_host() {
  if (test::skip_unless_root()) return std::nullopt;
  auto layout = detect_layout();
  REQUIRE(layout);
  if (layout->mode == Mode::kUnified) {
    WARN("skipped: needs a cgroup v1 (legacy or hybrid) host");
    return std::nullopt;
  }
  return *layout;
}

const Hierarchy* find(const Layout& layout, std::string_view controller) {
  for (const Hierarchy& h : layout.hierarchies) {
    if (h.has(controller)) return &h;
  }
  return nullptr;
}

pid_t spawn_sleeper() {
  pid_t pid = ::fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    // Catch2's handlers would report a test failure from the child: die plainly.
    ::signal(SIGTERM, SIG_DFL);
    for (;;) ::pause();
  }
  return pid;
}

std::string read_trimmed(const std::string& path) {
  auto text = fs::read_file(path);
  REQUIRE(text);
  return std::string(strings::trim(*text));
}

bool exists(const std::string& path) { return ::access(path.c_str(), F_OK) == 0; }

}  // namespace

TEST_CASE("host v1: pids cgroup with a limit, an attached child, kill and destroy",
          "[cgroup][root]") {
  const std::optional<Layout> layout = v1_host();
  if (!layout) return;
  const Hierarchy* pids = find(*layout, "pids");
  if (pids == nullptr) {
    WARN("skipped: no v1 pids hierarchy on this host");
    return;
  }
  // The device rules are checked where the host has a devices hierarchy.
  const Hierarchy* devices = find(*layout, "devices");
  if (devices == nullptr) WARN("no v1 devices hierarchy on this host: device rules not checked");
  const std::string relative = "/cruntime-test-" + std::to_string(::getpid());
  std::vector<Fs1Manager::Placement> placed{{*pids, relative}};
  if (devices != nullptr) placed.push_back({*devices, relative});
  Fs1Manager manager(layout->mode, placed, false);
  ScopeExit cleanup([&manager] { (void)manager.destroy(); });
  const std::string dir = manager.dir("pids");
  CHECK(dir == pids->mount_point + relative);

  REQUIRE(manager.create());
  REQUIRE(exists(dir));
  spec::LinuxResources r;
  r.pids = spec::PidsResources{16};
  REQUIRE(manager.apply(r));
  CHECK(read_trimmed(dir + "/pids.max") == "16");
  if (devices != nullptr) {
    // Deny-all then the default allow list: /dev/null yes, everything else no.
    const std::string allowed = read_trimmed(manager.dir("devices") + "/devices.list");
    CHECK_THAT(allowed, Catch::Contains("c 1:3 rwm"));
    CHECK_THAT(allowed, !Catch::Contains("a *:* rwm"));
  }

  sys::ChildGuard child(spawn_sleeper());
  REQUIRE(manager.attach(child.get()));
  CHECK(read_trimmed(dir + "/cgroup.procs") == std::to_string(child.get()));
  CHECK_THAT(read_trimmed("/proc/" + std::to_string(child.get()) + "/cgroup"),
             Catch::Contains(":pids:" + relative));
  auto listed = manager.pids();
  REQUIRE(listed);
  CHECK(*listed == std::vector<pid_t>{child.get()});

  REQUIRE(manager.kill_all(SIGKILL));
  auto status = sys::wait_pid(child.release());
  REQUIRE(status);
  CHECK((WIFSIGNALED(*status) && WTERMSIG(*status) == SIGKILL));
  REQUIRE(manager.destroy());
  CHECK_FALSE(exists(dir));
  if (devices != nullptr) CHECK_FALSE(exists(manager.dir("devices")));
}

TEST_CASE("host v1: a cgroup in every hierarchy; destroy kills what is left", "[cgroup][root]") {
  const std::optional<Layout> layout = v1_host();
  if (!layout) return;
  const std::string relative = "/cruntime-test-" + std::to_string(::getpid()) + "-all";
  auto made = make_manager(*layout, ManagerOptions{"all", relative, false});
  REQUIRE(made);
  Manager& manager = **made;
  ScopeExit cleanup([&manager] { (void)manager.destroy(); });
  CHECK(manager.path() == relative);

  REQUIRE(manager.create());
  spec::LinuxResources r;
  r.pids = spec::PidsResources{32};
  r.memory = spec::MemoryResources{};
  r.memory->limit = 64 << 20;
  r.cpu = spec::CpuResources{};
  r.cpu->shares = 512;
  REQUIRE(manager.apply(r));
  if (find(*layout, "memory") != nullptr) {
    CHECK(read_trimmed(manager.dir("memory") + "/memory.limit_in_bytes") == "67108864");
  }
  if (find(*layout, "cpu") != nullptr) {
    CHECK(read_trimmed(manager.dir("cpu") + "/cpu.shares") == "512");
  }

  sys::ChildGuard child(spawn_sleeper());
  REQUIRE(manager.attach(child.get()));
  // The child is in our cgroup in every hierarchy (and in the hybrid cgroup2 one).
  const std::string own = read_trimmed("/proc/" + std::to_string(child.get()) + "/cgroup");
  for (const std::string& line : strings::split(own, '\n')) {
    INFO(line);
    CHECK(line.ends_with(":" + relative));
  }

  std::vector<std::string> dirs;
  for (const Hierarchy& h : layout->hierarchies) dirs.push_back(h.mount_point + relative);
  REQUIRE(manager.destroy());  // the child is still running: destroy kills it first
  auto status = sys::wait_pid(child.release());
  REQUIRE(status);
  CHECK((WIFSIGNALED(*status) && WTERMSIG(*status) == SIGKILL));
  for (const std::string& dir : dirs) {
    INFO(dir);
    CHECK_FALSE(exists(dir));
  }
}

}  // namespace cruntime::cgroup

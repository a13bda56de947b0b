// Hostile rootfs and config cases for prepare_rootfs, in forked children with their own mount
// namespaces: symlinked /proc, targets resolving into /proc, bad options, and propagation leaks.
#include <fcntl.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cerrno>
#include <string>
#include <vector>

#include "cruntime/base/fs.hpp"
#include "cruntime/rootfs/devices.hpp"
#include "cruntime/rootfs/rootfs.hpp"
#include "root/rootfs_fixture.hpp"
#include "support/host.hpp"
#include "support/temp_dir.hpp"

namespace cruntime::rootfs {
namespace {

using namespace test::rootfs_fixture;

// prepare_rootfs with one mount; returns its error text ("" on success).
std::string prepare_error(const std::string& rootfs, std::vector<spec::Mount> mounts) {
  spec::Config config = base_config();
  config.mounts = std::move(mounts);
  RootfsOptions options{rootfs, rootfs, base_namespaces(), false};
  return in_mount_namespace([&]() -> std::string {
    auto r = prepare_rootfs(config, options);
    return r ? std::string("no error") : r.error().to_string();
  });
}

// In a namespace whose `shared` tmpfs is a peer of its child's copy, let the child build a
// container (to pivot and finalize) and report any mount that reached us.
std::string build_next_to_shared_peer(const std::string& shared, const std::string& propagation) {
  if (::mount("tmpfs", shared.c_str(), "tmpfs", 0, "size=1m") != 0) return "mount the shared tmpfs";
  if (::mount(nullptr, shared.c_str(), nullptr, MS_SHARED, nullptr) != 0) return "make it shared";
  const std::string rootfs = shared + "/rootfs";
  if (!fs::mkdir_p(rootfs + "/proc")) return "mkdir rootfs";
  spec::Config config = base_config();
  config.linux_config->rootfs_propagation = propagation;
  config.mounts = std::vector<spec::Mount>{make_mount("/data", "tmpfs", "tmpfs", {}),
                                           make_mount("/proc", "proc", "proc", {})};
  RootfsOptions options{rootfs, rootfs, base_namespaces(), false};
  int ready[2];
  int release[2];
  if (::pipe2(ready, O_CLOEXEC) != 0 || ::pipe2(release, O_CLOEXEC) != 0) return "pipe2";
  const pid_t pid = ::fork();
  if (pid == 0) {
    ::close(ready[0]);
    ::close(release[1]);  // else the read below never sees EOF
    std::string result = "ok";
    if (::unshare(CLONE_NEWNS) != 0) result = "unshare";
    if (auto r = prepare_rootfs(config, options); result == "ok" && !r)
      result = r.error().to_string();
    if (auto r = switch_root(options); result == "ok" && !r) result = r.error().to_string();
    if (auto r = finalize_rootfs(config); result == "ok" && !r) result = r.error().to_string();
    (void)!::write(ready[1], result.data(), result.size());
    char byte;
    (void)!::read(release[0], &byte, 1);
    ::_exit(0);
  }
  ::close(ready[1]);
  ::close(release[0]);
  char buf[512] = {};
  const ssize_t n = ::read(ready[0], buf, sizeof buf - 1);
  std::string report = n > 0 ? std::string(buf, static_cast<size_t>(n)) : "child died";
  report = report == "ok" ? "" : report + "; ";
  // Checked even when the child failed half-way: a leak must not depend on success.
  const auto mounts = read_mounts();
  for (const MountLine& m : mounts) {
    if (m.point.starts_with(shared + "/")) report += "leaked " + m.point + "; ";
  }
  if (top_mount(mounts, shared) == nullptr) report += "the shared tmpfs was unmounted; ";
  ::close(release[1]);
  ::close(ready[0]);
  int status = 0;
  ::waitpid(pid, &status, 0);
  return report;
}

}  // namespace

TEST_CASE("rootfs: proc refuses a symlinked /proc", "[rootfs][root]") {
  if (test::skip_unless_root()) return;
  test::TempDir tmp;
  const std::string rootfs = tmp.join("rootfs");
  REQUIRE(fs::mkdir_p(rootfs + "/etc"));
  REQUIRE(::symlink("/etc", (rootfs + "/proc").c_str()) == 0);
  std::string error = prepare_error(rootfs, {make_mount("/proc", "proc", "proc", {})});
  CHECK_THAT(error,
             Catch::StartsWith("mounts[0] (/proc): ") && Catch::Contains("ordinary directory"));
  CHECK_FALSE(host_mounts_mention(tmp.path()));
}

TEST_CASE("rootfs: a target resolving into /proc is refused", "[rootfs][root]") {
  if (test::skip_unless_root()) return;
  test::TempDir tmp;
  const std::string rootfs = tmp.join("rootfs");
  REQUIRE(fs::mkdir_p(rootfs + "/proc"));
  REQUIRE(::symlink("/proc/sys", (rootfs + "/sneaky").c_str()) == 0);
  std::string error = prepare_error(rootfs, {make_mount("/proc", "proc", "proc", {}),
                                             make_mount("/sneaky", "tmpfs", "tmpfs", {})});
  CHECK_THAT(error, Catch::StartsWith("mounts[1] (/sneaky): ") && Catch::Contains("inside /proc"));

  SECTION("only proc, or a bind of a procfs, at /proc") {
    std::string tmpfs = prepare_error(rootfs, {make_mount("/proc", "tmpfs", "tmpfs", {})});
    CHECK_THAT(tmpfs, Catch::Contains("not of type proc"));
    std::string bind = prepare_error(rootfs, {make_mount("/proc", "bind", tmp.path(), {"rbind"})});
    CHECK_THAT(bind, Catch::Contains("not of type proc"));
    CHECK(prepare_error(rootfs, {make_mount("/proc", "bind", "/proc", {"rbind"})}) == "no error");
  }
}

TEST_CASE("rootfs: mount errors name the entry and the kernel's reason", "[rootfs][root]") {
  if (test::skip_unless_root()) return;
  test::TempDir tmp;
  const std::string rootfs = tmp.join("rootfs");
  REQUIRE(fs::mkdir_p(rootfs));
  std::string bad_size =
      prepare_error(rootfs, {make_mount("/data", "tmpfs", "tmpfs", {"size=abc"})});
  CHECK_THAT(bad_size, Catch::StartsWith("mounts[0] (/data): mount tmpfs: ") &&
                           Catch::Contains("size") && Catch::Contains("(EINVAL)"));
  std::string no_source =
      prepare_error(rootfs, {make_mount("/data", "none", tmp.join("missing"), {"bind"})});
  CHECK_THAT(no_source,
             Catch::StartsWith("mounts[0] (/data): bind source ") && Catch::Contains("(ENOENT)"));
  std::string no_fs = prepare_error(rootfs, {make_mount("/data", "no-such-fs", "x", {})});
  CHECK_THAT(no_fs, Catch::StartsWith("mounts[0] (/data): mount no-such-fs: ") &&
                        Catch::Contains("ENODEV"));
  CHECK_FALSE(host_mounts_mention(tmp.path()));
}

TEST_CASE("rootfs: without a mount namespace nothing is mounted", "[rootfs][root]") {
  if (test::skip_unless_root()) return;
  test::TempDir tmp;
  spec::Config config = base_config();
  config.linux_config->namespaces = std::vector<spec::Namespace>{{"pid", std::nullopt}};
  RootfsOptions options{tmp.path(), tmp.path(), {.pid = true}, false};
  std::string report = in_mount_namespace([&]() -> std::string {
    auto r = prepare_rootfs(config, options);
    return r ? std::string("accepted") : r.error().to_string();
  });
  CHECK_THAT(report, Catch::Contains("mount namespace"));
}

TEST_CASE("rootfs: container mounts never reach a shared peer outside", "[rootfs][root]") {
  if (test::skip_unless_root()) return;
  for (const char* propagation : {"", "rslave", "rprivate", "rshared", "shared", "runbindable"}) {
    INFO("rootfsPropagation " << propagation);
    test::TempDir tmp;
    const std::string shared = tmp.join("shared");
    REQUIRE(fs::mkdir_p(shared));
    std::string report =
        in_mount_namespace([&] { return build_next_to_shared_peer(shared, propagation); });
    CHECK(report == "");
    CHECK_FALSE(host_mounts_mention(tmp.path()));
  }
}

TEST_CASE("setup_dev: in a user namespace the host's nodes are bound, not made", "[rootfs][root]") {
  if (test::skip_unless_root()) return;
  test::TempDir tmp;
  const std::string rootfs = tmp.join("rootfs");
  REQUIRE(fs::mkdir_p(rootfs + "/dev"));
  spec::Config config = base_config();
  std::string report = in_mount_namespace([&]() -> std::string {
    UniqueFd root(::open(rootfs.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
    if (auto r = setup_dev(root.get(), config, true); !r) return r.error().to_string();
    std::string bad;
    for (const char* node :
         {"/dev/null", "/dev/zero", "/dev/full", "/dev/random", "/dev/urandom", "/dev/tty"}) {
      if (top_mount(read_mounts(), rootfs + node) == nullptr)
        bad += std::string(node) + " not bound; ";
    }
    struct stat st {};
    if (::stat((rootfs + "/dev/null").c_str(), &st) != 0 || st.st_rdev != makedev(1, 3))
      bad += "null; ";
    return bad;
  });
  CHECK(report == "");
  CHECK_FALSE(host_mounts_mention(tmp.path()));
}

}  // namespace cruntime::rootfs

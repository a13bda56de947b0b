// prepare_rootfs / switch_root / finalize_rootfs for real, in a forked child with its own mount
// namespace: mounts, /dev, masks, read-only paths, symlink attacks, and no leak to the host.
#include <fcntl.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cerrno>
#include <climits>
#include <string>
#include <vector>

#include "cruntime/base/fs.hpp"
#include "cruntime/rootfs/rootfs.hpp"
#include "root/rootfs_fixture.hpp"
#include "support/host.hpp"
#include "support/temp_dir.hpp"

namespace cruntime::rootfs {
namespace {

using namespace test::rootfs_fixture;

std::string check_node(const std::string& path, mode_t type, unsigned major, unsigned minor,
                       mode_t mode) {
  struct stat st {};
  if (::lstat(path.c_str(), &st) != 0) return path + " missing; ";
  if ((st.st_mode & S_IFMT) != type || st.st_rdev != makedev(major, minor))
    return path + " wrong node; ";
  if ((st.st_mode & 07777) != mode) return path + " wrong mode; ";
  return "";
}

std::string link_of(const std::string& path) {
  char buf[PATH_MAX] = {};
  return ::readlink(path.c_str(), buf, sizeof buf - 1) > 0 ? std::string(buf) : "";
}

bool open_fails_with(const std::string& path, int flags, int err) {
  int fd = ::open(path.c_str(), flags | O_CLOEXEC, 0644);
  if (fd >= 0) ::close(fd);
  return fd < 0 && errno == err;
}

std::string inspect_container(bool has_acpi, bool has_keys) {
  std::string bad;
  const auto mounts = read_mounts();
  for (const char* point : {"/proc", "/dev", "/dev/pts", "/dev/shm", "/dev/mqueue", "/sys",
                            "/sys/fs/cgroup", "/etc/hostfile", "/mnt/data", "/tmp", "/etc/sub"}) {
    if (top_mount(mounts, point) == nullptr) bad += std::string("no mount at ") + point + "; ";
  }
  if (!is_ro(top_mount(mounts, "/"))) bad += "/ not ro; ";
  for (const char* point :
       {"/dev", "/sys", "/etc/hostfile", "/mnt/data", "/proc/sys", "/sys/fs/cgroup"}) {
    if (!is_ro(top_mount(mounts, point))) bad += std::string(point) + " not ro; ";
  }
  for (const MountLine& m : mounts) {
    if (m.point.starts_with("/sys/fs/cgroup/") && !is_ro(&m)) bad += m.point + " not ro; ";
  }
  if (is_ro(top_mount(mounts, "/tmp"))) bad += "/tmp ro; ";
  if (has_keys && top_mount(mounts, "/proc/keys") == nullptr) bad += "/proc/keys not masked; ";
  if (has_acpi && !is_ro(top_mount(mounts, "/proc/acpi"))) bad += "/proc/acpi not masked; ";
  bad += check_node("/dev/null", S_IFCHR, 1, 3, 0666);
  bad += check_node("/dev/zero", S_IFCHR, 1, 5, 0666);
  bad += check_node("/dev/tty", S_IFCHR, 5, 0, 0666);
  bad += check_node("/dev/custom", S_IFCHR, 1, 7, 0640);
  struct stat st {};
  if (::stat("/dev/custom", &st) != 0 || st.st_uid != 1000 || st.st_gid != 1001) bad += "owner; ";
  if (link_of("/dev/fd") != "/proc/self/fd") bad += "/dev/fd link; ";
  if (link_of("/dev/stderr") != "/proc/self/fd/2") bad += "/dev/stderr link; ";
  if (link_of("/dev/ptmx") != "pts/ptmx") bad += "/dev/ptmx link; ";
  auto seed = fs::read_file("/tmp/seed");
  if (!seed || *seed != "seed") bad += "tmpcopyup; ";
  auto host = fs::read_file("/etc/hostfile");
  if (!host || *host != "host") bad += "file bind; ";
  if (!open_fails_with("/new-file", O_CREAT | O_WRONLY, EROFS)) bad += "/ writable; ";
  if (!open_fails_with("/etc/hostfile", O_WRONLY, EROFS)) bad += "bind writable; ";
  if (!open_fails_with("/mnt/data/file", O_WRONLY, EROFS)) bad += "rbind writable; ";
  if (!open_fails_with("/proc/sys/kernel/hostname", O_WRONLY, EROFS)) bad += "/proc/sys writable; ";
  if (!open_fails_with("/dev/new", O_CREAT | O_WRONLY, EROFS)) bad += "/dev writable; ";
  if (open_fails_with("/tmp/new", O_CREAT | O_WRONLY, 0) || ::access("/tmp/new", F_OK) != 0) {
    bad += "/tmp not writable; ";
  }
  struct stat masked {};
  if (has_keys && (::stat("/proc/keys", &masked) != 0 || masked.st_rdev != makedev(1, 3))) {
    bad += "/proc/keys is not /dev/null; ";
  }
  char cwd[PATH_MAX] = {};
  if (::getcwd(cwd, sizeof cwd) == nullptr || std::string(cwd) != "/") bad += "cwd; ";
  return bad;
}

}  // namespace

TEST_CASE("rootfs: a full container filesystem in a private mount namespace", "[rootfs][root]") {
  if (test::skip_unless_root()) return;
  test::TempDir tmp;
  const std::string rootfs = tmp.join("rootfs");
  REQUIRE(fs::mkdir_p(rootfs + "/etc"));
  REQUIRE(fs::mkdir_p(rootfs + "/tmp"));
  REQUIRE(fs::mkdir_p(tmp.join("hostdir")));
  write(rootfs + "/tmp/seed", "seed");
  write(tmp.join("hostfile"), "host");
  write(tmp.join("hostdir/file"), "data");
  // A hostile image: a mount target through a link to the host's /etc.
  REQUIRE(::symlink("/etc", (rootfs + "/evil").c_str()) == 0);
  const std::string marker = "cruntime-rootfs-smoke-" + std::to_string(::getpid());

  spec::Config config = base_config();
  config.root->readonly = true;
  config.mounts = std::vector<spec::Mount>{
      make_mount("/proc", "proc", "proc", {"nosuid", "noexec", "nodev"}),
      make_mount("/dev", "tmpfs", "tmpfs",
                 {"nosuid", "strictatime", "mode=755", "size=65536k", "ro"}),
      make_mount("/dev/pts", "devpts", "devpts",
                 {"nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620"}),
      make_mount("/dev/shm", "tmpfs", "shm",
                 {"nosuid", "noexec", "nodev", "mode=1777", "size=65536k"}),
      make_mount("/dev/mqueue", "mqueue", "mqueue", {"nosuid", "noexec", "nodev"}),
      make_mount("/sys", "sysfs", "sysfs", {"nosuid", "noexec", "nodev", "ro"}),
      make_mount("/sys/fs/cgroup", "cgroup", "cgroup",
                 {"nosuid", "noexec", "nodev", "relatime", "ro"}),
      make_mount("/etc/hostfile", "bind", "../hostfile", {"bind", "ro"}),
      make_mount("/mnt/data", "none", tmp.join("hostdir"), {"rbind", "ro", "rprivate"}),
      make_mount("/tmp", "tmpfs", "tmpfs", {"tmpcopyup", "nosuid"}),
      make_mount("/evil/sub", "tmpfs", "tmpfs", {"size=1m"}),
  };
  config.linux_config->devices =
      std::vector<spec::Device>{{"c", "/dev/custom", 1, 7, 0640, 1000, 1001}};
  config.linux_config->masked_paths =
      std::vector<std::string>{"/proc/kcore", "/proc/keys", "/proc/acpi", "/proc/no-such"};
  config.linux_config->readonly_paths = std::vector<std::string>{"/proc/sys", "/proc/no-such"};
  const bool has_acpi = ::access("/proc/acpi", F_OK) == 0;
  const bool has_keys = ::access("/proc/keys", F_OK) == 0;
  RootfsOptions options{rootfs, tmp.join("bundle"), base_namespaces(), false};
  REQUIRE(fs::mkdir_p(options.bundle));

  std::string report = in_mount_namespace([&]() -> std::string {
    if (auto r = prepare_rootfs(config, options); !r) return "prepare: " + r.error().to_string();
    if (auto r = switch_root(options); !r) return "switch: " + r.error().to_string();
    if (auto r = finalize_rootfs(config); !r) return "finalize: " + r.error().to_string();
    return inspect_container(has_acpi, has_keys);
  });
  CHECK(report == "");
  CHECK_FALSE(host_mounts_mention(tmp.path()));
  CHECK(::access((rootfs + "/etc/sub").c_str(), F_OK) == 0);  // the link was followed in the root
  CHECK(::access("/etc/sub", F_OK) != 0);
}

TEST_CASE("rootfs: --no-pivot moves the rootfs onto / and chroots", "[rootfs][root]") {
  if (test::skip_unless_root()) return;
  test::TempDir tmp;
  const std::string rootfs = tmp.join("rootfs");
  REQUIRE(fs::mkdir_p(rootfs + "/proc"));
  write(rootfs + "/marker", "inside");
  spec::Config config = base_config();
  config.mounts = std::vector<spec::Mount>{make_mount("/proc", "proc", "proc", {})};
  RootfsOptions options{rootfs, tmp.path(), base_namespaces(), true};
  std::string report = in_mount_namespace([&]() -> std::string {
    if (auto r = prepare_rootfs(config, options); !r) return "prepare: " + r.error().to_string();
    if (auto r = switch_root(options); !r) return "switch: " + r.error().to_string();
    auto marker = fs::read_file("/marker");
    if (!marker || *marker != "inside") return "not in the rootfs";
    auto up = fs::read_file("/../../marker");
    if (!up || *up != "inside") return "/.. leaves the rootfs";
    return top_mount(read_mounts(), "/proc") != nullptr ? "" : "no /proc in the container";
  });
  CHECK(report == "");
  CHECK_FALSE(host_mounts_mention(tmp.path()));
}

TEST_CASE("rootfs: remount changes the flags and options of an existing mount", "[rootfs][root]") {
  if (test::skip_unless_root()) return;
  test::TempDir tmp;
  const std::string rootfs = tmp.join("rootfs");
  REQUIRE(fs::mkdir_p(rootfs));
  spec::Config config = base_config();
  config.mounts = std::vector<spec::Mount>{
      make_mount("/data", "tmpfs", "tmpfs", {"size=1m"}),
      make_mount("/data", "tmpfs", "tmpfs", {"remount", "ro", "nosuid", "size=2m"}),
  };
  RootfsOptions options{rootfs, tmp.path(), base_namespaces(), false};
  std::string report = in_mount_namespace([&]() -> std::string {
    if (auto r = prepare_rootfs(config, options); !r) return "prepare: " + r.error().to_string();
    const auto mounts = read_mounts();
    int count = 0;
    for (const MountLine& m : mounts) count += m.point == rootfs + "/data" ? 1 : 0;
    if (count != 1) return "expected one mount at /data, got " + std::to_string(count);
    const MountLine* data = top_mount(mounts, rootfs + "/data");
    if (!is_ro(data) || data->options.find("nosuid") == std::string::npos)
      return "flags: " + data->options;
    auto text = fs::read_file("/proc/self/mountinfo");
    return text && text->find("size=2048k") != std::string::npos ? "" : "size not reconfigured";
  });
  CHECK(report == "");
  CHECK_FALSE(host_mounts_mention(tmp.path()));
}

}  // namespace cruntime::rootfs

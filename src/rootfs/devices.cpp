// Device nodes (mknodat, or a bind of the host node in a user namespace), /dev links and ptmx.
#include "cruntime/rootfs/devices.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <utility>

#include "cruntime/base/log.hpp"
#include "cruntime/rootfs/mount_api.hpp"
#include "cruntime/rootfs/mount_options.hpp"
#include "cruntime/rootfs/safe_path.hpp"

namespace cruntime::rootfs {
namespace {

struct DefaultDevice {
  const char* path;
  uint32_t major;
  uint32_t minor;
};

// cli-contract §12.3 "Default devices".
constexpr std::array<DefaultDevice, 6> kDefaultDevices = {{
    {"/dev/null", 1, 3},
    {"/dev/zero", 1, 5},
    {"/dev/full", 1, 7},
    {"/dev/random", 1, 8},
    {"/dev/urandom", 1, 9},
    {"/dev/tty", 5, 0},
}};

// target → link name; the same set runc creates (/proc/self rather than thread-self, as distros
// do).
constexpr std::array<std::pair<const char*, const char*>, 4> kDevLinks = {{
    {"/proc/self/fd", "/dev/fd"},
    {"/proc/self/fd/0", "/dev/stdin"},
    {"/proc/self/fd/1", "/dev/stdout"},
    {"/proc/self/fd/2", "/dev/stderr"},
}};

// Device numbers the kernel can represent (dev_t: 12-bit major, 20-bit minor).
constexpr int64_t kMaxMajor = 0xfff;
constexpr int64_t kMaxMinor = 0xfffff;

Result<DeviceNode> node_of(const spec::Device& device) {
  DeviceNode node;
  node.path = clean_path(device.path);
  if (device.type == "c" || device.type == "u") {
    node.type = S_IFCHR;
  } else if (device.type == "b") {
    node.type = S_IFBLK;
  } else if (device.type == "p") {
    node.type = S_IFIFO;
  } else {
    return fail_msg("{}: unknown device type \"{}\"", device.path, device.type);
  }
  if (node.type != S_IFIFO) {
    int64_t major = device.major.value_or(-1);
    int64_t minor = device.minor.value_or(-1);
    if (major < 0 || major > kMaxMajor || minor < 0 || minor > kMaxMinor) {
      return fail_msg("{}: major/minor must be set and within {}:{}", device.path, kMaxMajor,
                      kMaxMinor);
    }
    node.major = static_cast<uint32_t>(major);
    node.minor = static_cast<uint32_t>(minor);
  }
  node.mode = device.file_mode.value_or(0666) & 07777;
  node.uid = device.uid.value_or(0);
  node.gid = device.gid.value_or(0);
  return node;
}

bool matches(const struct stat& st, const DeviceNode& node) {
  if ((st.st_mode & S_IFMT) != node.type) return false;
  return node.type == S_IFIFO || st.st_rdev == makedev(node.major, node.minor);
}

std::string describe(const DeviceNode& node) {
  char kind = node.type == S_IFCHR ? 'c' : node.type == S_IFBLK ? 'b' : 'p';
  return fmt::format("{} ({} {}:{})", node.path, kind, node.major, node.minor);
}

// The O_PATH fd of an inode to bind a device onto: an existing file or node, else a new empty file.
Result<UniqueFd> bind_target(const InRootParent& parent, const std::string& path) {
  const char* name = parent.name.c_str();
  struct stat st {};
  if (::fstatat(parent.dir.get(), name, &st, AT_SYMLINK_NOFOLLOW) == 0) {
    if (S_ISDIR(st.st_mode) || S_ISLNK(st.st_mode)) {
      return fail_msg("{} exists and is not a file to bind the device onto", path);
    }
  } else {
    UniqueFd created(
        ::openat(parent.dir.get(), name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0));
    if (!created) return fail(Error::sys(errno, "create the mount point " + path));
  }
  UniqueFd target(::openat(parent.dir.get(), name, O_PATH | O_NOFOLLOW | O_CLOEXEC));
  if (!target) return fail(Error::sys(errno, "open " + path));
  return target;
}

// Inside a user namespace mknod is not allowed: bind the host's node onto an empty file.
Result<void> bind_host_node(const InRootParent& parent, const DeviceNode& node) {
  struct stat host {};
  if (::stat(node.path.c_str(), &host) != 0)
    return fail(Error::sys(errno, "stat the host's " + node.path));
  if (!matches(host, node)) return fail_msg("the host's {} is not {}", node.path, describe(node));
  UniqueFd target = CR_TRY(bind_target(parent, node.path));
  UniqueFd tree = CR_TRY(clone_mount_tree(AT_FDCWD, node.path, false));
  return attach_mount(tree.get(), target.get());
}

Result<void> finish_node(const InRootParent& parent, const DeviceNode& node) {
  const char* name = parent.name.c_str();
  struct stat st {};
  if (::fstatat(parent.dir.get(), name, &st, AT_SYMLINK_NOFOLLOW) != 0 || !matches(st, node)) {
    return fail_msg("{} is not the device node it was made as", node.path);
  }
  // mknod applied the umask; a verified device node (not a link) is safe to chmod by name.
  if (::fchmodat(parent.dir.get(), name, node.mode, 0) != 0)
    return fail(Error::sys(errno, "chmod " + node.path));
  if (::fchownat(parent.dir.get(), name, node.uid, node.gid, AT_SYMLINK_NOFOLLOW) != 0) {
    return fail(Error::sys(errno, "chown " + node.path));
  }
  return {};
}

Result<void> create_node(int root_fd, const DeviceNode& node, bool bind) {
  InRootParent parent = CR_TRY(mkdir_parent_in_root(root_fd, node.path));
  if (bind) return bind_host_node(parent, node);
  dev_t dev = makedev(node.major, node.minor);
  if (::mknodat(parent.dir.get(), parent.name.c_str(), node.type | node.mode, dev) == 0) {
    return finish_node(parent, node);
  }
  if (errno == EPERM) return bind_host_node(parent, node);
  if (errno != EEXIST) return fail(Error::sys(errno, "mknod " + node.path));
  // Already there (an image's own /dev): fine if it is the same device, an error otherwise.
  struct stat st {};
  if (::fstatat(parent.dir.get(), parent.name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) {
    return fail(Error::sys(errno, "stat " + node.path));
  }
  if (!matches(st, node))
    return fail_msg("{} already exists and is not {}", node.path, describe(node));
  return {};
}

Result<void> setup_links(int root_fd) {
  std::vector<std::pair<std::string, std::string>> links(kDevLinks.begin(), kDevLinks.end());
  // kcore is optional (CONFIG_PROC_KCORE); before pivot_root /proc is still the host's.
  if (::access("/proc/kcore", F_OK) == 0) links.emplace_back("/proc/kcore", "/dev/core");
  for (const auto& [target, link] : links) {
    auto made = symlink_in_root(root_fd, target, link);
    if (!made && made.error().code() != EEXIST) return made;
  }
  // /dev/ptmx is the container's devpts multiplexer: always a link, whatever the image had.
  InRootParent dev = CR_TRY(mkdir_parent_in_root(root_fd, "/dev/ptmx"));
  if (::unlinkat(dev.dir.get(), dev.name.c_str(), 0) != 0 && errno != ENOENT) {
    return fail(Error::sys(errno, "remove /dev/ptmx"));
  }
  return symlink_in_root(root_fd, "pts/ptmx", "/dev/ptmx");
}

}  // namespace

Result<std::vector<DeviceNode>> device_nodes(const spec::Config& config) {
  std::vector<DeviceNode> configured;
  if (config.linux_config && config.linux_config->devices) {
    const auto& devices = *config.linux_config->devices;
    for (size_t i = 0; i < devices.size(); ++i) {
      DeviceNode node = CR_TRY_CTX(node_of(devices[i]), "linux.devices[{}]", i);
      if (node.path != "/dev/ptmx") configured.push_back(std::move(node));
    }
  }
  std::vector<DeviceNode> out;
  for (const DefaultDevice& device : kDefaultDevices) {
    bool replaced = false;
    for (const DeviceNode& node : configured) replaced = replaced || node.path == device.path;
    if (!replaced) out.push_back({device.path, S_IFCHR, device.major, device.minor, 0666, 0, 0});
  }
  out.insert(out.end(), configured.begin(), configured.end());
  return out;
}

bool dev_is_bind_mount(const spec::Config& config) {
  if (!config.mounts) return false;
  for (const spec::Mount& mount : *config.mounts) {
    if (clean_path(mount.destination) != "/dev") continue;
    static const std::vector<std::string> kNone;
    auto options =
        parse_mount_options(mount.options ? *mount.options : kNone, mount.type.value_or(""));
    if (options && options->is_bind) return true;
  }
  return false;
}

Result<void> setup_dev(int root_fd, const spec::Config& config, bool user_ns) {
  std::vector<DeviceNode> nodes = CR_TRY(device_nodes(config));
  for (const DeviceNode& node : nodes) {
    CR_TRY_CTX(create_node(root_fd, node, user_ns), "device {}", node.path);
  }
  CR_TRY_CTX(setup_links(root_fd), "/dev links");
  return {};
}

}  // namespace cruntime::rootfs

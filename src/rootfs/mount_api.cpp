// The fd-based mount API (5.12+): detached trees, move_mount onto fds, attrs, fs contexts.
#include "cruntime/rootfs/mount_api.hpp"

#include <fcntl.h>
#include <sys/mount.h>
#include <unistd.h>

#include <cerrno>

namespace cruntime::rootfs {
namespace {

// fsopen(2): after a failed fsconfig the context holds "e <message>" lines for us to read.
std::string context_messages(int fs_fd) {
  std::string out;
  char buf[512];
  for (int i = 0; i < 16; ++i) {
    ssize_t n = ::read(fs_fd, buf, sizeof buf - 1);
    if (n <= 0) break;
    std::string_view line(buf, static_cast<size_t>(n));
    while (!line.empty() && line.back() == '\n') line.remove_suffix(1);
    if (line.size() > 2 && line[1] == ' ') line.remove_prefix(2);  // "e ", "w ", "i "
    if (!out.empty()) out += "; ";
    out += line;
  }
  return out;
}

// `what` may be empty: the superblock step's failure reads best as just the kernel's words.
Error context_error(int err, int fs_fd, std::string what) {
  std::string messages = context_messages(fs_fd);
  if (what.empty()) return Error::sys(err, std::move(messages));
  if (!messages.empty()) what += fmt::format(" ({})", messages);
  return Error::sys(err, std::move(what));
}

Result<void> configure(int fs_fd, const std::string& option) {
  size_t eq = option.find('=');
  int rc = 0;
  if (eq == std::string::npos) {
    rc = ::fsconfig(fs_fd, FSCONFIG_SET_FLAG, option.c_str(), nullptr, 0);
  } else {
    std::string key = option.substr(0, eq);
    std::string value = option.substr(eq + 1);
    rc = ::fsconfig(fs_fd, FSCONFIG_SET_STRING, key.c_str(), value.c_str(), 0);
  }
  if (rc != 0) return fail(context_error(errno, fs_fd, fmt::format("option \"{}\"", option)));
  return {};
}

}  // namespace

Result<UniqueFd> clone_mount_tree(int dir_fd, const std::string& path, bool recursive) {
  unsigned flags = OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC;
  if (recursive) flags |= AT_RECURSIVE;
  if (path.empty()) flags |= AT_EMPTY_PATH;
  int fd = ::open_tree(dir_fd, path.c_str(), flags);
  if (fd < 0)
    return fail(Error::sys(errno, fmt::format("open_tree {}", path.empty() ? "(fd)" : path)));
  return UniqueFd(fd);
}

Result<void> attach_mount(int mount_fd, int target_fd) {
  if (::move_mount(mount_fd, "", target_fd, "",
                   MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) != 0) {
    return fail(Error::sys(errno, "move_mount"));
  }
  return {};
}

Result<void> set_mount_attr(int mount_fd, const MountAttr& attr, bool recursive) {
  if (attr.set == 0 && attr.clr == 0) return {};
  mount_attr kernel_attr{};
  kernel_attr.attr_set = attr.set;
  kernel_attr.attr_clr = attr.clr;
  unsigned flags = AT_EMPTY_PATH | (recursive ? AT_RECURSIVE : 0);
  if (::mount_setattr(mount_fd, "", flags, &kernel_attr, sizeof kernel_attr) != 0) {
    return fail(Error::sys(errno, "mount_setattr"));
  }
  return {};
}

Result<void> set_propagation(int mount_fd, unsigned long ms_flags) {
  mount_attr kernel_attr{};
  kernel_attr.propagation = propagation_type(ms_flags);
  unsigned flags = AT_EMPTY_PATH | (propagation_recursive(ms_flags) ? AT_RECURSIVE : 0);
  if (::mount_setattr(mount_fd, "", flags, &kernel_attr, sizeof kernel_attr) != 0) {
    return fail(Error::sys(errno, "set mount propagation"));
  }
  return {};
}

Result<UniqueFd> create_filesystem(const NewFilesystem& fs) {
  int raw = ::fsopen(fs.type.c_str(), FSOPEN_CLOEXEC);
  if (raw < 0) return fail(Error::sys(errno, "fsopen"));
  UniqueFd fs_fd(raw);
  const std::string& source = fs.source.empty() ? fs.type : fs.source;
  if (::fsconfig(fs_fd.get(), FSCONFIG_SET_STRING, "source", source.c_str(), 0) != 0) {
    return fail(context_error(errno, fs_fd.get(), fmt::format("source \"{}\"", source)));
  }
  for (const std::string& option : fs.data) CR_TRY(configure(fs_fd.get(), option));
  for (const std::string& flag : fs.sb_flags) CR_TRY(configure(fs_fd.get(), flag));
  if (::fsconfig(fs_fd.get(), FSCONFIG_CMD_CREATE, nullptr, nullptr, 0) != 0) {
    return fail(context_error(errno, fs_fd.get(), ""));
  }
  int mnt = ::fsmount(fs_fd.get(), FSMOUNT_CLOEXEC, static_cast<unsigned>(fs.attr));
  if (mnt < 0) return fail(context_error(errno, fs_fd.get(), "fsmount"));
  return UniqueFd(mnt);
}

Result<void> reconfigure_filesystem(int mount_fd, std::span<const std::string> data) {
  if (data.empty()) return {};
  int raw = ::fspick(mount_fd, "", FSPICK_CLOEXEC | FSPICK_EMPTY_PATH);
  if (raw < 0) return fail(Error::sys(errno, "fspick"));
  UniqueFd fs_fd(raw);
  for (const std::string& option : data) CR_TRY(configure(fs_fd.get(), option));
  if (::fsconfig(fs_fd.get(), FSCONFIG_CMD_RECONFIGURE, nullptr, nullptr, 0) != 0) {
    return fail(context_error(errno, fs_fd.get(), "reconfigure"));
  }
  return {};
}

}  // namespace cruntime::rootfs

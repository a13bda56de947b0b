// Propagation isolation, the rootfs self-bind, and the switch to it (pivot_root or MS_MOVE+chroot).
#include "cruntime/rootfs/root_mount.hpp"

#include <fcntl.h>
#include <sys/mount.h>
#include <unistd.h>

#include <cerrno>
#include <vector>

#include "cruntime/base/fs.hpp"
#include "cruntime/base/log.hpp"
#include "cruntime/base/strings.hpp"
#include "cruntime/rootfs/mount_api.hpp"
#include "cruntime/rootfs/safe_path.hpp"
#include "cruntime/sys/syscalls.hpp"

namespace cruntime::rootfs {
namespace {

bool is_octal(char c) { return c >= '0' && c <= '7'; }

// proc(5) mountinfo escapes space, tab, newline and backslash as \ooo.
std::string unescape_mountinfo(std::string_view text) {
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\\' && i + 3 < text.size() && is_octal(text[i + 1]) && is_octal(text[i + 2]) &&
        is_octal(text[i + 3])) {
      out += static_cast<char>((text[i + 1] - '0') * 64 + (text[i + 2] - '0') * 8 +
                               (text[i + 3] - '0'));
      i += 3;
      continue;
    }
    out += text[i];
  }
  return out;
}

// Mount points of full (root "/") proc and sysfs mounts, in mountinfo order.
Result<std::vector<std::string>> pseudo_fs_mounts() {
  std::string text = CR_TRY(fs::read_file("/proc/self/mountinfo"));
  std::vector<std::string> out;
  for (const std::string& line : strings::split(text, '\n')) {
    std::vector<std::string> fields = strings::split(line, ' ');
    size_t dash = 0;
    while (dash < fields.size() && fields[dash] != "-") ++dash;
    if (fields.size() < 5 || dash + 1 >= fields.size()) continue;
    const std::string& type = fields[dash + 1];
    if (fields[3] != "/" || (type != "proc" && type != "sysfs")) continue;
    out.push_back(unescape_mountinfo(fields[4]));
  }
  return out;
}

bool inside(const std::string& path, const std::string& root) {
  return path == root || path.starts_with(root + "/");
}

Result<void> hide_host_pseudo_fs(const std::string& rootfs) {
  std::vector<std::string> mounts = CR_TRY(pseudo_fs_mounts());
  for (const std::string& point : mounts) {
    if (inside(point, rootfs)) continue;
    // rslave first: the unmount must not propagate back to the host.
    if (::mount(nullptr, point.c_str(), nullptr, MS_SLAVE | MS_REC, nullptr) != 0) {
      if (errno == ENOENT) continue;  // already gone with a parent we detached
      return fail(Error::sys(errno, "make " + point + " rslave"));
    }
    if (::umount2(point.c_str(), MNT_DETACH) == 0) continue;
    if (errno != EINVAL && errno != EPERM) return fail(Error::sys(errno, "unmount " + point));
    // Locked (a user namespace): cover it instead.
    if (::mount("tmpfs", point.c_str(), "tmpfs", 0, nullptr) != 0) {
      return fail(Error::sys(errno, "cover " + point + " with a tmpfs"));
    }
  }
  return {};
}

}  // namespace

Result<void> isolate_mount_tree(const std::string& rootfs, unsigned long propagation) {
  // (r)unbindable here would make every later bind of a host path fail (open_tree: EINVAL), the
  // cgroup mount's included (found by integration/mounts.bats). finalize_rootfs applies it to
  // the finished tree; until then the tree is a slave of the host's.
  if ((propagation & MS_UNBINDABLE) != 0) propagation = MS_SLAVE | MS_REC;
  // A non-recursive private or slave changes "/" alone: every other mount stays a peer of
  // the host's, and a bind of one (a shared host directory) would carry mounts made in the
  // container out to the host (found by integration/mounts.bats). Only shared propagation asks
  // to share with the host, so everything else is made a slave first.
  const bool recursive = (propagation & MS_REC) != 0;
  if ((propagation & MS_SHARED) == 0 && !recursive &&
      ::mount(nullptr, "/", nullptr, MS_SLAVE | MS_REC, nullptr) != 0) {
    return fail(Error::sys(errno, "make / rslave"));
  }
  if (::mount(nullptr, "/", nullptr, propagation, nullptr) != 0) {
    return fail(Error::sys(errno, "set the propagation of /"));
  }
  const unsigned long parent_flag = (propagation & MS_SLAVE) != 0 ? MS_SLAVE : MS_PRIVATE;
  // mount(2) gives EINVAL for a path that is not a mount point: walk up to the one holding rootfs.
  std::string path = clean_path(rootfs);
  for (;;) {
    if (::mount(nullptr, path.c_str(), nullptr, parent_flag, nullptr) == 0) return {};
    if (errno != EINVAL || path == "/") {
      return fail(Error::sys(errno, "make the mount holding " + rootfs + " private"));
    }
    path = parent_path(path);
  }
}

Result<UniqueFd> bind_rootfs_onto_itself(const std::string& rootfs) {
  UniqueFd tree =
      CR_TRY_CTX(clone_mount_tree(AT_FDCWD, rootfs, true), "bind the rootfs onto itself");
  UniqueFd target = CR_TRY(fs::open(rootfs, O_PATH | O_DIRECTORY | O_NOFOLLOW));
  CR_TRY_CTX(attach_mount(tree.get(), target.get()), "bind the rootfs onto itself");
  return tree;  // after move_mount the fd names the root of the attached bind
}

Result<void> pivot_to_cwd() {
  UniqueFd old_root = CR_TRY(fs::open("/", O_PATH | O_DIRECTORY));
  CR_TRY(sys::pivot_root(".", "."));
  // The old root is now stacked over the new one; get a handle on it through the saved fd.
  if (::fchdir(old_root.get()) != 0) return fail(Error::sys(errno, "chdir to the old root"));
  if (::mount(nullptr, ".", nullptr, MS_SLAVE | MS_REC, nullptr) != 0) {
    return fail(Error::sys(errno, "make the old root rslave"));
  }
  if (::umount2(".", MNT_DETACH) != 0) return fail(Error::sys(errno, "detach the old root"));
  if (::chdir("/") != 0) return fail(Error::sys(errno, "chdir /"));
  return {};
}

Result<void> move_root_and_chroot(const std::string& rootfs) {
  CR_TRY_CTX(hide_host_pseudo_fs(rootfs), "no-pivot");
  if (::mount(rootfs.c_str(), "/", nullptr, MS_MOVE, nullptr) != 0) {
    return fail(Error::sys(errno, "move the rootfs onto /"));
  }
  if (::chroot(".") != 0) return fail(Error::sys(errno, "chroot"));
  if (::chdir("/") != 0) return fail(Error::sys(errno, "chdir /"));
  return {};
}

}  // namespace cruntime::rootfs

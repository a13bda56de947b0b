// maskedPaths (bind /dev/null or a read-only tmpfs) and readonlyPaths (recursive read-only binds).
#include "cruntime/rootfs/paths.hpp"

#include <fcntl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include <cerrno>
#include <set>

#include "cruntime/rootfs/mount_api.hpp"
#include "cruntime/rootfs/safe_path.hpp"

namespace cruntime::rootfs {
namespace {

// The mask source for files. A /dev/null that is not the real device would let the container
// choose what covers (or, bound the other way, what is exposed by) every masked file.
Result<UniqueFd> open_dev_null(int root_fd) {
  UniqueFd fd = CR_TRY(open_in_root(root_fd, "/dev/null", O_PATH));
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0) return fail(Error::sys(errno, "stat /dev/null"));
  if (!S_ISCHR(st.st_mode) || st.st_rdev != makedev(1, 3)) {
    return fail_msg("the container's /dev/null is not the null device (char 1:3)");
  }
  return fd;
}

// An empty read-only tmpfs, as small as the kernel allows.
Result<UniqueFd> empty_tmpfs(const std::vector<std::string>& label_options) {
  NewFilesystem fs{"tmpfs", "tmpfs", {"nr_blocks=1", "nr_inodes=1"}, {}, MOUNT_ATTR_RDONLY};
  fs.data.insert(fs.data.end(), label_options.begin(), label_options.end());
  auto mnt = create_filesystem(fs);
  if (mnt || mnt.error().code() != EINVAL) return mnt;
  fs.data[1] = "nr_inodes=2";  // some distribution kernels refuse nr_inodes < 2 (runc)
  return create_filesystem(fs);
}

// The path's O_PATH fd, or an invalid fd when it does not exist.
Result<UniqueFd> open_if_present(int root_fd, const std::string& path) {
  auto fd = open_in_root(root_fd, path, O_PATH);
  if (!fd && fd.error().code() == ENOENT) return UniqueFd();
  return fd;
}

}  // namespace

Result<void> mask_paths(int root_fd, const std::vector<std::string>& paths,
                        const std::vector<std::string>& label_options) {
  UniqueFd dev_null;
  std::set<std::string> done;
  for (const std::string& path : paths) {
    if (!done.insert(clean_path(path)).second) continue;
    UniqueFd target = CR_TRY_CTX(open_if_present(root_fd, path), "linux.maskedPaths {}", path);
    if (!target) continue;
    struct stat st {};
    if (::fstat(target.get(), &st) != 0)
      return fail(Error::sys(errno, "linux.maskedPaths: stat " + path));
    UniqueFd mask;
    if (S_ISDIR(st.st_mode)) {
      mask = CR_TRY_CTX(empty_tmpfs(label_options), "linux.maskedPaths {}: mount tmpfs", path);
    } else {
      if (!dev_null) dev_null = CR_TRY_CTX(open_dev_null(root_fd), "linux.maskedPaths");
      mask = CR_TRY_CTX(clone_mount_tree(dev_null.get(), "", false), "linux.maskedPaths {}", path);
    }
    CR_TRY_CTX(attach_mount(mask.get(), target.get()), "linux.maskedPaths {}", path);
  }
  return {};
}

Result<void> make_paths_readonly(int root_fd, const std::vector<std::string>& paths) {
  for (const std::string& path : paths) {
    UniqueFd target = CR_TRY_CTX(open_if_present(root_fd, path), "linux.readonlyPaths {}", path);
    if (!target) continue;
    UniqueFd tree =
        CR_TRY_CTX(clone_mount_tree(target.get(), "", true), "linux.readonlyPaths {}", path);
    CR_TRY_CTX(set_mount_attr(tree.get(), {MOUNT_ATTR_RDONLY, 0}, true), "linux.readonlyPaths {}",
               path);
    CR_TRY_CTX(attach_mount(tree.get(), target.get()), "linux.readonlyPaths {}", path);
  }
  return {};
}

}  // namespace cruntime::rootfs

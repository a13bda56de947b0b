// proc/sysfs on real directories only, the cgroup mount (cgroup2 or a host bind), tmpcopyup.
#include "cruntime/rootfs/mount_special.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <sys/mount.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>

#include <cerrno>
#include <climits>

#include "cruntime/base/log.hpp"
#include "cruntime/rootfs/cgroup_mount.hpp"
#include "cruntime/rootfs/locked_flags.hpp"
#include "cruntime/rootfs/mount_api.hpp"
#include "cruntime/rootfs/safe_path.hpp"

namespace cruntime::rootfs {
namespace {

constexpr const char* kHostCgroupRoot = "/sys/fs/cgroup";
constexpr int kMaxCopyDepth = 128;

bool host_is_cgroup2() {
  struct statfs st {};
  return ::statfs(kHostCgroupRoot, &st) == 0 && st.f_type == CGROUP2_SUPER_MAGIC;
}

// A directory the container cannot swap: the last component must not be a symlink.
Result<UniqueFd> real_directory_target(const MountContext& context, const std::string& type,
                                       const std::string& dest) {
  auto found = open_in_root(context.root_fd, dest, O_PATH | O_NOFOLLOW);
  if (!found) {
    if (found.error().code() != ENOENT) return fail(std::move(found).error());
    return mkdir_all_in_root(context.root_fd, dest);
  }
  struct stat st {};
  if (::fstat(found->get(), &st) != 0) return fail(Error::sys(errno, "stat " + dest));
  if (!S_ISDIR(st.st_mode)) {
    return fail_msg("filesystem \"{}\" must be mounted on an ordinary directory, {} is not one",
                    type, dest);
  }
  return std::move(found).value();
}

Result<void> copy_file(int from_dir, int to_dir, const char* name, const struct stat& st) {
  int in_raw = ::openat(from_dir, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
  if (in_raw < 0) return fail(Error::sys(errno, fmt::format("open {}", name)));
  UniqueFd in(in_raw);
  int out_raw = ::openat(to_dir, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
                         st.st_mode & 07777);
  if (out_raw < 0) return fail(Error::sys(errno, fmt::format("create {}", name)));
  UniqueFd out(out_raw);
  for (;;) {
    ssize_t n = ::sendfile(out.get(), in.get(), nullptr, 1 << 20);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return fail(Error::sys(errno, fmt::format("copy {}", name)));
    if (n == 0) break;
  }
  if (::fchown(out.get(), st.st_uid, st.st_gid) != 0 ||
      ::fchmod(out.get(), st.st_mode & 07777) != 0) {
    return fail(Error::sys(errno, fmt::format("set owner and mode of {}", name)));
  }
  return {};
}

Result<void> copy_entry(int from_dir, int to_dir, const char* name, int depth);

Result<void> copy_contents(int from_dir, int to_dir, int depth) {
  if (depth > kMaxCopyDepth) return fail(Error::sys(ELOOP, "directory tree too deep"));
  UniqueFd listing(::openat(from_dir, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!listing) return fail(Error::sys(errno, "open directory"));
  CHandle<DIR, ::closedir> dir(::fdopendir(listing.get()));
  if (!dir) return fail(Error::sys(errno, "fdopendir"));
  (void)listing.release();  // owned by the DIR now
  while (const dirent* entry = ::readdir(dir.get())) {
    std::string_view name = entry->d_name;
    if (name == "." || name == "..") continue;
    CR_TRY(copy_entry(from_dir, to_dir, entry->d_name, depth));
  }
  return {};
}

Result<void> copy_entry(int from_dir, int to_dir, const char* name, int depth) {
  struct stat st {};
  if (::fstatat(from_dir, name, &st, AT_SYMLINK_NOFOLLOW) != 0) {
    return fail(Error::sys(errno, fmt::format("stat {}", name)));
  }
  if (S_ISREG(st.st_mode)) return copy_file(from_dir, to_dir, name, st);
  if (S_ISDIR(st.st_mode)) {
    if (::mkdirat(to_dir, name, 0700) != 0)
      return fail(Error::sys(errno, fmt::format("mkdir {}", name)));
    int from_raw = ::openat(from_dir, name, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (from_raw < 0) return fail(Error::sys(errno, fmt::format("open {}", name)));
    UniqueFd from(from_raw);
    int to_raw = ::openat(to_dir, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (to_raw < 0) return fail(Error::sys(errno, fmt::format("open {}", name)));
    UniqueFd to(to_raw);
    CR_TRY_CTX(copy_contents(from.get(), to.get(), depth + 1), "{}", name);
    if (::fchown(to.get(), st.st_uid, st.st_gid) != 0 ||
        ::fchmod(to.get(), st.st_mode & 07777) != 0) {
      return fail(Error::sys(errno, fmt::format("set owner and mode of {}", name)));
    }
    return {};
  }
  if (S_ISLNK(st.st_mode)) {
    char target[PATH_MAX];
    ssize_t n = ::readlinkat(from_dir, name, target, sizeof target - 1);
    if (n < 0) return fail(Error::sys(errno, fmt::format("readlink {}", name)));
    target[n] = '\0';
    if (::symlinkat(target, to_dir, name) != 0)
      return fail(Error::sys(errno, fmt::format("symlink {}", name)));
  } else if (S_ISFIFO(st.st_mode) || S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode)) {
    if (::mknodat(to_dir, name, st.st_mode, st.st_rdev) != 0) {
      return fail(Error::sys(errno, fmt::format("mknod {}", name)));
    }
  } else {
    return {};  // sockets are bound by a process, a copy would be meaningless
  }
  if (::fchownat(to_dir, name, st.st_uid, st.st_gid, AT_SYMLINK_NOFOLLOW) != 0) {
    return fail(Error::sys(errno, fmt::format("chown {}", name)));
  }
  return {};
}

// The host's /sys with its submounts, read-only throughout, plus the entry's other flags (the
// fallback for a sysfs that cannot be mounted).
Result<void> bind_host_sysfs(const MountOptions& options, int target_fd) {
  UniqueFd tree = CR_TRY_CTX(clone_mount_tree(AT_FDCWD, "/sys", true), "bind /sys");
  CR_TRY_CTX(set_bind_attr(tree.get(), mount_attr_of(options.flags | MS_RDONLY, 0), true, true),
             "make the /sys bind read-only");
  CR_TRY_CTX(set_mount_attr(tree.get(), {options.rec_attr_set, options.rec_attr_clr}, true),
             "set the recursive attributes");
  return attach_with_propagation(tree.get(), target_fd, options);
}

}  // namespace

Result<void> mount_proc_or_sysfs(const MountContext& context, const spec::Mount& mount,
                                 const MountOptions& options, const std::string& dest) {
  const std::string type = mount.type.value_or("");
  UniqueFd target = CR_TRY_CTX(real_directory_target(context, type, dest), "mount target");
  CR_TRY(check_mount_target(context, target.get(), type, ""));
  auto mnt = create_filesystem(filesystem_of(mount, options, true));
  if (!mnt && type == "sysfs" && mnt.error().code() == EPERM && context.user_ns &&
      !context.net_ns) {
    // A new sysfs belongs to a network namespace the user namespace must own; without a private
    // one, the host's /sys is bound instead, read-only (runc and crun do the same).
    log::debug("mount sysfs on {}: {}; binding the host's /sys read-only instead", dest,
               mnt.error().to_string());
    return bind_host_sysfs(options, target.get());
  }
  if (!mnt) return fail(std::move(mnt).error().with_context("mount " + type));
  CR_TRY_CTX(set_mount_attr(mnt->get(), {options.rec_attr_set, options.rec_attr_clr}, true),
             "set the recursive attributes");
  return attach_with_propagation(mnt->get(), target.get(), options);
}

Result<void> mount_cgroup(const MountContext& context, const spec::Mount& mount,
                          const MountOptions& options, const std::string& dest) {
  MountTarget target = CR_TRY(open_mount_target(context, dest, false));
  CR_TRY(check_mount_target(context, target.fd.get(), "cgroup", ""));
  if (host_is_cgroup2() && context.cgroup_ns) {
    NewFilesystem fs = filesystem_of(mount, options, true);
    fs.type = "cgroup2";
    auto mnt = create_filesystem(fs);
    if (mnt) {
      CR_TRY_CTX(set_mount_attr(mnt->get(), {options.rec_attr_set, options.rec_attr_clr}, true),
                 "set the recursive attributes");
      return attach_with_propagation(mnt->get(), target.fd.get(), options);
    }
    // In a user namespace without the right to mount cgroup2, runc binds the cgroup instead.
    if (mnt.error().code() != EPERM && mnt.error().code() != EBUSY) {
      return fail(std::move(mnt).error().with_context("mount cgroup2"));
    }
    log::debug("mount cgroup2 on {} failed ({}); binding the cgroup instead", dest,
               mnt.error().to_string());
  }
  const bool have_binds = context.cgroup_binds != nullptr && !context.cgroup_binds->empty();
  // v2 without a cgroup namespace: the container's own cgroup directory (runc); v1/hybrid
  // hosts: only the container's own cgroups, each bound on a tmpfs.
  const bool v2_own_dir = have_binds && context.cgroup_binds->front().name.empty();
  if (have_binds && !v2_own_dir) return mount_cgroup_v1(context, options, target.fd.get());
  // Not placed by the runtime at all: the host's hierarchy. Read-only on every submount.
  const std::string source = v2_own_dir ? context.cgroup_binds->front().host_dir : kHostCgroupRoot;
  UniqueFd tree = CR_TRY_CTX(clone_mount_tree(AT_FDCWD, source, true), "bind {}", source);
  CR_TRY_CTX(set_mount_attr(tree.get(), mount_attr_of(options.flags, options.clear_flags), true),
             "set the cgroup bind's flags");
  CR_TRY_CTX(set_mount_attr(tree.get(), {options.rec_attr_set, options.rec_attr_clr}, true),
             "set the recursive attributes");
  return attach_with_propagation(tree.get(), target.fd.get(), options);
}

Result<void> copy_directory_contents(int from_fd, int to_fd) {
  return copy_contents(from_fd, to_fd, 0);
}

}  // namespace cruntime::rootfs

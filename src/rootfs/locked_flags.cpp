// Keeping the flags a user namespace cannot clear on a bind (runc's remount fallback).
#include "cruntime/rootfs/locked_flags.hpp"

#include <linux/mount.h>
#include <sys/statvfs.h>

#include <array>
#include <cerrno>

#include "cruntime/base/log.hpp"
#include "cruntime/rootfs/mount_api.hpp"

namespace cruntime::rootfs {

Result<MountAttr> keeping_locked_flags(int mount_fd, MountAttr attr) {
  struct statvfs st {};
  // statvfs's f_flag reports the mount's own flags (ST_*), also through an O_PATH tree fd.
  if (::fstatvfs(mount_fd, &st) != 0) return fail(Error::sys(errno, "statvfs the bind source"));
  struct Pair {
    unsigned long st;
    uint64_t attr;
  };
  static constexpr std::array<Pair, 5> kLockable = {{
      {ST_RDONLY, MOUNT_ATTR_RDONLY},
      {ST_NOSUID, MOUNT_ATTR_NOSUID},
      {ST_NODEV, MOUNT_ATTR_NODEV},
      {ST_NOEXEC, MOUNT_ATTR_NOEXEC},
      {ST_NODIRATIME, MOUNT_ATTR_NODIRATIME},
  }};
  for (const Pair& pair : kLockable) {
    if ((st.f_flag & pair.st) != 0) attr.clr &= ~pair.attr;
  }
  // The atime mode is locked as a whole: a bind keeps the source's.
  if ((attr.clr & MOUNT_ATTR__ATIME) != 0) {
    attr.clr &= ~static_cast<uint64_t>(MOUNT_ATTR__ATIME);
    attr.set &= ~static_cast<uint64_t>(MOUNT_ATTR__ATIME);
  }
  return attr;
}

Result<void> set_bind_attr(int mount_fd, const MountAttr& attr, bool recursive, bool user_ns) {
  auto set = set_mount_attr(mount_fd, attr, recursive);
  if (set || set.error().code() != EPERM || !user_ns) return set;
  const MountAttr kept = CR_TRY(keeping_locked_flags(mount_fd, attr));
  if (kept == attr) return set;
  log::debug("bind flags: the source's locked flags are kept (clear {:#x} → {:#x})", attr.clr,
             kept.clr);
  return set_mount_attr(mount_fd, kept, recursive);
}

}  // namespace cruntime::rootfs

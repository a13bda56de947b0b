// Kernel feature probes: system calls called with arguments that fail early or
// create nothing.
#include "cruntime/sys/kernel_probe.hpp"

#include <fcntl.h>
#include <sys/mount.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <cerrno>
#include <climits>

#include "cruntime/base/unique_fd.hpp"

namespace cruntime::sys {
namespace {

// The errno of a call (0 on success); a returned fd is closed at once.
int call_errno(long rc) {
  if (rc < 0) return errno;
  UniqueFd closer(static_cast<int>(rc));
  return 0;
}

int probe_pidfd_open() {
  // Our own pid: the fd refers to us and is closed again.
  return call_errno(::syscall(SYS_pidfd_open, ::getpid(), 0));
}

int probe_clone3() {
  // A size below CLONE_ARGS_SIZE_VER0 is refused (EINVAL) before anything is
  // cloned.
  return call_errno(::syscall(SYS_clone3, nullptr, 0));
}

int probe_open_tree() {
  // A relative path with an invalid dirfd: EBADF from the path lookup.
  return call_errno(::syscall(SYS_open_tree, -1, "probe", OPEN_TREE_CLOEXEC));
}

int probe_mount_setattr() {
  // A real attribute (a no-op request returns 0 before the lookup), an invalid
  // fd: EBADF.
  mount_attr attr{};
  attr.attr_set = MOUNT_ATTR_RDONLY;
  return call_errno(::syscall(SYS_mount_setattr, -1, "", AT_EMPTY_PATH, &attr, sizeof attr));
}

}  // namespace

bool SyscallProbe::present() const { return err != ENOSYS; }

std::vector<SyscallProbe> probe_syscalls() {
  return {
      {"pidfd_open", "pidfd_open(getpid(), 0), closed again", probe_pidfd_open()},
      {"clone3", "clone3(NULL, 0), EINVAL when present", probe_clone3()},
      {"open_tree", "open_tree(-1, \"probe\", 0), EBADF when present", probe_open_tree()},
      {"mount_setattr", "mount_setattr(-1, \"\", AT_EMPTY_PATH, RDONLY), EBADF when present",
       probe_mount_setattr()},
  };
}

SyscallProbe probe_idmap_attr() {
  mount_attr attr{};
  attr.attr_set = MOUNT_ATTR_IDMAP;
  // Above INT_MAX the kernel answers EINVAL before it looks at the fd; INT_MAX
  // is never open.
  attr.userns_fd = static_cast<uint64_t>(INT_MAX);
  int err = call_errno(::syscall(SYS_mount_setattr, -1, "", AT_EMPTY_PATH, &attr, sizeof attr));
  return {"MOUNT_ATTR_IDMAP",
          "mount_setattr(-1, \"\", AT_EMPTY_PATH, IDMAP, userns fd INT_MAX), "
          "EBADF when known",
          err};
}

Result<void> idmap_new_tmpfs(int userns_fd) {
  UniqueFd context(::fsopen("tmpfs", FSOPEN_CLOEXEC));
  if (!context) return fail(Error::sys(errno, "fsopen tmpfs"));
  if (::fsconfig(context.get(), FSCONFIG_CMD_CREATE, nullptr, nullptr, 0) != 0) {
    return fail(Error::sys(errno, "fsconfig tmpfs create"));
  }
  UniqueFd mount(::fsmount(context.get(), FSMOUNT_CLOEXEC, 0));
  if (!mount) return fail(Error::sys(errno, "fsmount tmpfs"));
  mount_attr attr{};
  attr.attr_set = MOUNT_ATTR_IDMAP;
  attr.userns_fd = static_cast<uint64_t>(userns_fd);
  if (::mount_setattr(mount.get(), "", AT_EMPTY_PATH, &attr, sizeof attr) != 0) {
    return fail(Error::sys(errno, "mount_setattr MOUNT_ATTR_IDMAP on a detached tmpfs"));
  }
  return {};
}

std::string kernel_release() {
  utsname uts{};
  if (::uname(&uts) != 0) return "unknown";
  return uts.release;
}

}  // namespace cruntime::sys
